"""Quality gate: the shipped model must clear pinned floors on sets it was not trained on.

Floors live in ``tests/quality_floors.json``. ``spamlinks gate`` checks them;
``spamlinks gate --raise-floors`` raises any floor the current model beats (never lowers one
unless ``--allow-regression`` is given, which is meant to be rare and reviewed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .evaluation import eval_sets, evaluate_sets
from .model import Model
from .training import Progress, _quiet

#: metric name in a floors entry → (metric path in results, higher is better)
_METRICS: dict[str, tuple[tuple[str, ...], bool]] = {
    "roc_auc": (("roc_auc",), True),
    "recall_at_1pct_fpr": (("recall_at_1pct_fpr",), True),
    "label_precision": (("label", "precision"), True),
    "label_recall": (("label", "recall"), True),
    "label_fpr": (("label", "fpr"), False),
    "block_precision": (("block", "precision"), True),
}
#: Slack when raising a floor, so a floor sits just under the measured value.
MARGIN = 0.005


def _get(result: dict[str, Any], path: tuple[str, ...]) -> float | None:
    v: Any = result
    for k in path:
        v = v.get(k) if isinstance(v, dict) else None
    return None if v is None else float(v)


def measure(model: Model, sets: list[str], progress: Progress = _quiet) -> dict[str, Any]:
    """Metrics of ``model`` on the named gate sets (``holdout:<source>`` or a shared set)."""
    shared = [s for s in sets if not s.startswith("holdout:")]
    results = evaluate_sets(model, eval_sets(model, shared=shared, progress=progress))
    return {name: results[name] for name in sets if name in results}


def check(floors: dict[str, Any], results: dict[str, Any]) -> list[str]:
    """Failures (empty when every floor holds)."""
    failures = []
    for set_name, metrics in floors["floors"].items():
        if set_name not in results:
            failures.append(f"{set_name}: not measured")
            continue
        for metric, floor in metrics.items():
            path, higher = _METRICS[metric]
            value = _get(results[set_name], path)
            if value is None or (value < floor if higher else value > floor):
                failures.append(f"{set_name} {metric} = {value} (floor {floor})")
    return failures


def raise_floors(floors: dict[str, Any], results: dict[str, Any], *,
                 allow_regression: bool = False) -> dict[str, Any]:
    """New floors: each moved to the measured value minus a margin when that is stricter."""
    out = json.loads(json.dumps(floors))
    for set_name, metrics in out["floors"].items():
        for metric, floor in metrics.items():
            path, higher = _METRICS[metric]
            value = _get(results.get(set_name, {}), path)
            if value is None:
                continue
            candidate = round(value - MARGIN, 3) if higher else round(value + MARGIN, 4)
            stricter = candidate > floor if higher else candidate < floor
            if stricter or allow_regression:
                metrics[metric] = candidate
    return out


def load_floors(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
