"""Whole-process throughput of ``spamlinks score`` on 3,000 typical posts, --jobs 1 and 2.

Run from the repository root::

    python benchmarks/batch.py                # 3,000 posts, jobs 1 and 2, best of 3 runs
    python benchmarks/batch.py --posts 500 --repeat 1 --jobs 1 2 4

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


def build_input(path: Path, n: int) -> int:
    """Write ``n`` corpus posts as scoring input; returns the total HTML size in bytes."""
    rows = []
    for f in sorted(CORPUS.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    if not rows:
        raise SystemExit(f"no posts under {CORPUS}")
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
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "posts.jsonl", Path(tmp) / "scores.jsonl"
        size = build_input(inp, args.posts)
        print(f"spamlinks score, whole process, {args.posts} posts "
              f"(mean {size / args.posts / 1024:.1f} KB of HTML), best of {args.repeat}")
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{platform.machine()}")
        print(f"{'jobs':>5} {'seconds':>9} {'posts/s':>9}   all runs (s)")
        for jobs in args.jobs:
            times = [run_once(inp, out, jobs) for _ in range(args.repeat)]
            best = min(times)
            runs = " ".join(f"{t:.2f}" for t in times)
            print(f"{jobs:>5} {best:>9.2f} {args.posts / best:>9.0f}   {runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
