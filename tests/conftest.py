"""Shared fixtures: paths to the shared data, the seed post, and the shipped model."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from spamlinks.model import Model

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE: "dev" (default, 200 random examples);
# "ci" (2,000 examples per property, derandomized so a landing never depends on a lucky draw);
# "explore" (10,000 random examples, to search for new failures locally).
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=2000, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

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


@pytest.fixture(scope="session")
def shipped_model() -> Model:
    """The shipped model as scikit-learn objects (imported here, not at collection)."""
    from spamlinks.model import load_model

    return load_model()


def copy_shipped(out: Path, *names: str) -> Path:
    """A private copy of the named files of the shipped model folder, to tamper with."""
    from spamlinks.model import default_model_dir

    out.mkdir()
    for name in names:
        shutil.copyfile(Path(default_model_dir()) / name, out / name)
    return out
