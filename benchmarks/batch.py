"""Whole-process throughput of ``spamlinks score`` on 3,000 typical posts, --jobs 1 and 2.

Run from the repository root::

    python benchmarks/batch.py                # 3,000 posts, jobs 1 and 2, best of 3 runs
    python benchmarks/batch.py --posts 500 --repeat 1 --jobs 1 2 4
    python benchmarks/batch.py --sizes 0.5 2 20   # posts of about 0.5, 2 and 20 KB each

The posts are the project corpus (``data/corpus/*.jsonl``: HTML, site, platform, title; labels
dropped), cycled to the requested count with fresh ids. Each figure is the wall time of a fresh
``python -m spamlinks score POSTS -o OUT --force`` process, so it includes interpreter start-up,
imports and model loading (once per worker) as a user sees them. Figures only: nothing here
passes or fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


def corpus_rows() -> list[dict]:
    rows = []
    for f in sorted(CORPUS.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    if not rows:
        raise SystemExit(f"no posts under {CORPUS}")
    return rows


def sized_rows(rows: list[dict], kb: float) -> list[dict]:
    """Posts of about ``kb`` KB: the 300 corpus posts nearest that size, or (when the corpus has
    none that long) consecutive posts concatenated until they reach it."""
    target = int(kb * 1024)
    near = sorted(rows, key=lambda r: abs(len(r["html"].encode()) - target))[:300]
    if all(abs(len(r["html"].encode()) - target) <= target * 0.25 for r in near):
        return near
    out, i = [], 0
    while len(out) < 120:
        parts, size = [], 0
        while size < target:
            html = rows[i % len(rows)]["html"]
            parts.append(html)
            size += len(html.encode())
            i += 1
        out.append({**rows[i % len(rows)], "html": "\n".join(parts)})
    return out


def build_input(path: Path, n: int, rows: list[dict] | None = None) -> int:
    """Write ``n`` posts (cycled from ``rows``, default the corpus) as scoring input; returns
    the total HTML size in bytes."""
    rows = rows or corpus_rows()
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for i, row in zip(range(n), itertools.cycle(rows), strict=False):
            rec = {"id": f"bench-{i}", "html": row["html"], "site": row.get("site"),
                   "platform": row.get("platform"), "title": row.get("title")}
            size += len(row["html"].encode())
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return size


def run_once(inp: Path, out: Path, jobs: int) -> float:
    cmd = [sys.executable, "-m", "spamlinks", "score", str(inp), "-o", str(out), "--force",
           "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"spamlinks score failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting (best is shown)")
    ap.add_argument("--sizes", type=float, nargs="*", metavar="KB",
                    help="post sizes to measure (default: the corpus as it is)")
    args = ap.parse_args(argv)
    rows = corpus_rows()
    sets = [("corpus", rows)] if not args.sizes else [
        (f"~{kb:g} KB", sized_rows(rows, kb)) for kb in args.sizes]
    print(f"spamlinks score, whole process, {args.posts} posts per set, best of {args.repeat}")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{'set':>10} {'mean KB':>8} {'jobs':>5} {'seconds':>9} {'posts/s':>9}   all runs (s)")
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "posts.jsonl", Path(tmp) / "scores.jsonl"
        for name, set_rows in sets:
            size = build_input(inp, args.posts, set_rows)
            for jobs in args.jobs:
                times = [run_once(inp, out, jobs) for _ in range(args.repeat)]
                best = min(times)
                runs = " ".join(f"{t:.2f}" for t in times)
                print(f"{name:>10} {size / args.posts / 1024:>8.1f} {jobs:>5} {best:>9.2f} "
                      f"{args.posts / best:>9.0f}   {runs}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
