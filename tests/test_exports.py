"""The public surface: __all__ lists exactly the public names spamlinks exports."""

from __future__ import annotations

import inspect
import subprocess
import sys

import spamlinks


def test_all_matches_public_names() -> None:
    public = {
        name for name in dir(spamlinks)
        if not name.startswith("_") and not inspect.ismodule(getattr(spamlinks, name))
    }
    assert set(spamlinks.__all__) - {"__version__"} == public


def test_every_export_resolves() -> None:
    for name in spamlinks.__all__:
        assert getattr(spamlinks, name) is not None


def test_import_does_not_load_scikit_learn() -> None:
    code = "import sys, spamlinks; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
