"""The shipped model clears the pinned floors (tests/quality_floors.json) on unseen data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spamlinks import gate, load_model

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "tests" / "quality_floors.json"


@pytest.mark.slow
def test_shipped_model_clears_the_floors() -> None:
    if not (ROOT.parent / "shared" / "data").exists():
        pytest.skip("../shared/data is not beside this checkout")
    floors = gate.load_floors(FLOORS)
    results = gate.measure(load_model(), list(floors["floors"]))
    assert gate.check(floors, results) == []


def test_floors_only_go_up() -> None:
    floors = {"floors": {"s": {"roc_auc": 0.9, "label_fpr": 0.01}}}
    worse = {"s": {"roc_auc": 0.8, "label": {"fpr": 0.05}}}
    better = {"s": {"roc_auc": 0.99, "label": {"fpr": 0.001}}}
    assert gate.raise_floors(floors, worse) == floors
    raised = gate.raise_floors(floors, better)["floors"]["s"]
    assert raised["roc_auc"] > 0.9 and raised["label_fpr"] < 0.01
    lowered = gate.raise_floors(floors, worse, allow_regression=True)["floors"]["s"]
    assert lowered["roc_auc"] < 0.9


def test_check_reports_broken_floors() -> None:
    floors = {"floors": {"s": {"roc_auc": 0.9, "label_fpr": 0.01}}}
    assert gate.check(floors, {"s": {"roc_auc": 0.95, "label": {"fpr": 0.0}}}) == []
    broken = gate.check(floors, {"s": {"roc_auc": 0.85, "label": {"fpr": 0.02}}})
    assert len(broken) == 2
    assert gate.check(floors, {}) == ["s: not measured"]


def test_floors_file_is_well_formed() -> None:
    floors = json.loads(FLOORS.read_text())
    assert floors["floors"] and all(isinstance(v, dict) for v in floors["floors"].values())
    for metrics in floors["floors"].values():
        assert set(metrics) <= set(gate._METRICS)
