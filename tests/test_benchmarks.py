"""The benchmark command runs and prints the whole-process rows (no timing assertions)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETS = ("~0.5 KB", "~2 KB", "~20 KB")
POSTS = 6


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    """One ``benchmarks/run.py --quick`` with tiny whole-process inputs (6 posts per file)."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    proc = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--process-posts", str(POSTS),
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads(out.read_text(encoding="utf-8"))


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_bench_table_has_whole_process_rows_beside_score_post(quick_run) -> None:
    stdout, _ = quick_run
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("set ")
                  and "posts/s" in line)
    columns = _cells(lines[header])
    for name in SETS:
        rows = [_cells(line) for line in lines[header + 2:] if line.startswith(name + " ")]
        functions = [r[1] for r in rows]
        assert "score_post" in functions, (name, functions)
        for jobs in (1, 2):
            row = rows[functions.index(f"spamlinks score -j{jobs}*")]
            cell = dict(zip(columns, row, strict=True))
            assert _number(cell["posts"]) == POSTS
            assert _number(cell["posts/s"]) > 0
            assert _number(cell["median ms"]) > 0  # the per-post latency equivalent
    assert "START-UP INCLUDED" in stdout
    goal = next(line for line in lines if line.startswith("spamlinks score, whole process"))
    assert re.search(r"3,000 typical posts.*>= 1,500 posts/s; >= 1\.7x", goal)
    assert re.search(r"[\d.]+ posts/s; [\d.]+x\s+(met|NOT MET)", goal)


def test_bench_alternatives_stay_quoted_with_sources(quick_run) -> None:
    stdout, data = quick_run
    assert "QUOTED, NOT MEASURED HERE" in stdout
    for q in data["quoted"]:
        assert q["tool"] in stdout and q["source"] in stdout
    assert {"SmokeDetector", "Akismet", "rspamd"} <= {q["tool"].split()[0] for q in data["quoted"]}


def test_bench_json_has_whole_process_figures(quick_run) -> None:
    _, data = quick_run
    rows = data["whole_process"]
    assert sorted((r["set_name"], r["jobs"]) for r in rows) == sorted(
        (name, jobs) for name in SETS for jobs in (1, 2))
    for r in rows:
        assert r["posts"] == POSTS and r["runs"] == len(r["run_s"]) >= 1
        assert r["error_rows"] == 0
        for key in ("posts_per_s", "ms_per_post", "median_s", "kb_median"):
            assert isinstance(r[key], float) and math.isfinite(r[key]) and r[key] > 0, key
    assert data["whole_process_errors"] == {}
    goal = next(g for g in data["goals"] if g["goal"] == "process_3000")
    assert goal["target"] == 1500 and goal["target_speedup"] == 1.7
    assert goal["measured"] > 0 and goal["measured_speedup"] > 0
    assert isinstance(goal["met"], bool) and goal["posts"] == POSTS
