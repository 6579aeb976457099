"""The built wheel works on its own: installed (not editable) package, data files included."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    (whl,) = out.glob("spamlinks-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "spamlinks/py.typed" in names
    assert "spamlinks/resources/url_shorteners.txt" in names
    for name in ("scoring.json", "model_card.json", "model.joblib", "MODEL_CARD.md"):
        assert f"spamlinks/models/{name}" in names


@pytest.mark.slow
def test_installed_wheel_works_without_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=600,
    )
    # -S: no .pth processing, so an editable install of the checkout cannot shadow the wheel.
    deps = sysconfig.get_paths()["purelib"]
    code = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(target)!r}, {deps!r}]
        import spamlinks
        assert spamlinks.__file__.startswith({str(target)!r}), spamlinks.__file__
        (link,) = spamlinks.extract_links('<a href="https://bit.ly/x">x</a>')
        assert link.is_shortener, link
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
