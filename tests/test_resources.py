"""Shipped data files are verified against SHA256SUMS before use; a changed byte is refused."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from spamlinks import ResourceIntegrityError, SpamlinksError
from spamlinks.domains import read_resource, shortener_domains


@pytest.fixture
def resource_copy(tmp_path: Path) -> Path:
    src = Path(str(resources.files("spamlinks.resources")))
    for name in ("SHA256SUMS", "url_shorteners.txt"):
        shutil.copy(src / name, tmp_path / name)
    return tmp_path


def test_shipped_list_verifies() -> None:
    assert "bit.ly" in shortener_domains()
    assert read_resource("url_shorteners.txt").startswith("#")


def test_a_changed_byte_is_refused(resource_copy: Path) -> None:
    assert read_resource("url_shorteners.txt", root=resource_copy)  # the copy is intact
    path = resource_copy / "url_shorteners.txt"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ResourceIntegrityError, match="Reinstall spamlinks") as info:
        read_resource("url_shorteners.txt", root=resource_copy)
    assert isinstance(info.value, SpamlinksError)


def test_a_file_missing_from_the_sums_is_refused(resource_copy: Path) -> None:
    (resource_copy / "SHA256SUMS").write_text("", encoding="utf-8")
    with pytest.raises(ResourceIntegrityError):
        read_resource("url_shorteners.txt", root=resource_copy)
