"""Lint and types are part of the suite: ruff and mypy over the package must be clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "cmd",
    [
        [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
        [sys.executable, "-m", "mypy", "--no-error-summary"],
    ],
    ids=["ruff", "mypy"],
)
def test_clean(cmd: list[str]) -> None:
    if shutil.which(cmd[2]) is None and subprocess.run(
        [sys.executable, "-m", cmd[2], "--version"], capture_output=True
    ).returncode:
        pytest.fail(f"{cmd[2]} is not installed: pip install -e '.[dev]'")
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
