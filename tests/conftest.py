"""Shared fixtures: paths to the shared data and the seed post."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "nodebb-topic-3669.rss"


@pytest.fixture(scope="session")
def seed_html() -> str:
    """The description HTML of the seed RSS item (read at run time, never copied)."""
    if not SEED.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    xml = SEED.read_text(encoding="utf-8")
    m = re.search(r"<description><!\[CDATA\[(.*?)\]\]></description>", xml, re.S)
    assert m, "seed RSS has no CDATA description"
    return m.group(1)
