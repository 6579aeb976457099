"""Whole-process throughput of ``spamlinks score`` with --jobs 1 and 2.

``benchmarks/run.py`` imports this module and prints these figures in its table, beside the
in-process ``score_post`` rows of the same posts: ``python benchmarks/run.py`` is the one
command. Run this file alone only for other settings (more jobs, other post counts)::

    python benchmarks/batch.py                # 3,000 corpus posts, jobs 1 and 2, 3 runs each
    python benchmarks/batch.py --posts 500 --repeat 1 --jobs 1 2 4
    python benchmarks/batch.py --sizes 0.5 2 20   # the ~0.5, ~2 and ~20 KB sets of run.py

Each run writes the posts (HTML, site, platform, title; fresh ids) as JSONL in a temporary
folder, then times a fresh ``python -m spamlinks score POSTS -o OUT --force --jobs N`` process
to completion, with the BLAS/OpenMP pools of every process limited to one thread. The figure
therefore includes interpreter start-up, imports and model loading as a user sees them. Runs
of different job counts are interleaved, so drift in machine load hits them alike. Figures
only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
KB = 1024
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def pinned_env() -> dict[str, str]:
    """The environment of a benchmark subprocess: every BLAS/OpenMP pool limited to 1."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = "1"
    src = str(ROOT / "src")
    if src in sys.path:  # spamlinks is not installed: children need the same fallback
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


@dataclass
class WholeProcess:
    """``spamlinks score`` on one input file with one job count, over several fresh runs."""

    set_name: str
    jobs: int
    posts: int
    """Posts in the input file (the set's distinct posts, cycled to this count)."""
    distinct_posts: int
    runs: int
    kb_median: float
    kb_min: float
    kb_max: float
    run_s: list[float]
    """Wall time of each whole process, start to exit."""
    median_s: float
    posts_per_s: float
    """posts / median run time."""
    ms_per_post: float
    """median run time / posts: the per-post latency equivalent, start-up included."""
    best_posts_per_s: float
    error_rows: int
    """Output rows that are errors, in the last run (0 expected)."""


def write_input(path: Path, rows: Sequence[Mapping[str, Any]], n: int) -> list[int]:
    """Write ``n`` posts, cycled from ``rows``, as ``spamlinks score`` JSONL input; returns
    each post's HTML size in bytes."""
    sizes = []
    with path.open("w", encoding="utf-8") as out:
        for i, row in zip(range(n), itertools.cycle(rows), strict=False):
            rec = {"id": f"bench-{i}", "html": row["html"], "site": row.get("site"),
                   "platform": row.get("platform"), "title": row.get("title")}
            sizes.append(len(row["html"].encode("utf-8")))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return sizes


def run_score(inp: Path, out: Path, jobs: int, posts: int) -> tuple[float, int]:
    """Wall seconds of one fresh ``spamlinks score`` process, and its error rows."""
    cmd = [sys.executable, "-m", "spamlinks", "score", str(inp), "-o", str(out), "--force",
           "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=pinned_env())
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: some rows are errors, counted below
        raise RuntimeError(f"spamlinks score failed ({proc.returncode}): {proc.stderr[-2000:]}")
    with out.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if len(rows) != posts:
        raise RuntimeError(f"spamlinks score wrote {len(rows)} rows for {posts} posts")
    return elapsed, sum(1 for r in rows if "error" in r)


def measure(set_name: str, rows: Sequence[Mapping[str, Any]], posts: int,
            jobs: Sequence[int] = (1, 2), repeat: int = 3,
            log: Callable[[str], None] | None = None) -> list[WholeProcess]:
    """``repeat`` fresh runs of ``spamlinks score`` per job count on ``posts`` posts cycled
    from ``rows``; the job counts take turns, run by run."""
    times: dict[int, list[float]] = {j: [] for j in jobs}
    errors: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="spamlinks-bench-") as tmp:
        inp, out = Path(tmp) / "posts.jsonl", Path(tmp) / "scores.jsonl"
        sizes = write_input(inp, rows, posts)
        for rep in range(repeat):
            for j in jobs:
                if log:
                    log(f"spamlinks score {set_name}: {posts} posts, --jobs {j}, "
                        f"run {rep + 1}/{repeat}")
                elapsed, errors[j] = run_score(inp, out, j, posts)
                times[j].append(elapsed)
    kb = [s / KB for s in sizes]
    out_rows = []
    for j in jobs:
        med = statistics.median(times[j])
        out_rows.append(WholeProcess(
            set_name=set_name, jobs=j, posts=posts, distinct_posts=min(len(rows), posts),
            runs=repeat, kb_median=statistics.median(kb), kb_min=min(kb), kb_max=max(kb),
            run_s=times[j], median_s=med, posts_per_s=posts / med,
            ms_per_post=med / posts * 1e3, best_posts_per_s=posts / min(times[j]),
            error_rows=errors[j]))
    return out_rows


def corpus_rows() -> list[dict[str, Any]]:
    rows = []
    for f in sorted(CORPUS.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    if not rows:
        raise SystemExit(f"no posts under {CORPUS}")
    return rows


def sized_sets(sizes: Sequence[float]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The posts ``run.py`` measures at these sizes: the 300 corpus posts nearest each size,
    or 120 synthetic posts of same-platform corpus posts joined when the corpus has no posts
    that long (the ~20 KB set)."""
    if __package__:
        from . import run
    else:  # python benchmarks/batch.py: this folder is sys.path[0]
        import run

    run.ensure_importable()
    items = run.load_items()
    out = []
    for kb in sizes:
        target = int(kb * KB)
        near = run.nearest(items, target, 300)
        if not all(abs(it.nbytes - target) <= target * 0.25 for it in near):
            near = run.concatenated(items, target, 120, run.Config.make(False).seed)
        out.append((f"~{kb:g} KB", [it.mapping() for it in near]))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=3000, help="posts per input file")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting (median is shown)")
    ap.add_argument("--sizes", type=float, nargs="*", metavar="KB",
                    help="post sizes to measure (default: the corpus as it is)")
    args = ap.parse_args(argv)
    sets = ([("corpus", corpus_rows())] if not args.sizes else sized_sets(args.sizes))
    print(f"spamlinks score, whole process (start-up included), {args.posts} posts per set, "
          f"median of {args.repeat}; BLAS threads = 1")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{'set':>10} {'KB median':>9} {'jobs':>5} {'seconds':>9} {'posts/s':>9} "
          f"{'ms/post':>8}   all runs (s)")
    for name, rows in sets:
        for r in measure(name, rows, args.posts, args.jobs, args.repeat):
            runs = " ".join(f"{t:.2f}" for t in r.run_s)
            print(f"{name:>10} {r.kb_median:>9.2f} {r.jobs:>5} {r.median_s:>9.2f} "
                  f"{r.posts_per_s:>9.0f} {r.ms_per_post:>8.3f}   {runs}"
                  + (f"   ({r.error_rows} error rows)" if r.error_rows else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
