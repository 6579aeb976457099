"""The public surface: __all__ lists exactly the public names spamlinks exports."""

from __future__ import annotations

import spamlinks


def test_all_matches_public_names() -> None:
    public = {
        name for name, obj in vars(spamlinks).items()
        if not name.startswith("_") and not getattr(obj, "__name__", "").startswith("spamlinks.")
    }
    assert set(spamlinks.__all__) - {"__version__"} == public


def test_every_export_resolves() -> None:
    for name in spamlinks.__all__:
        assert getattr(spamlinks, name) is not None
