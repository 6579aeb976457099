"""Evaluate a model: held-out and outside sets, per source and category, baseline, LOSO, plots.

``spamlinks evaluate`` prints the table and writes ``metrics.json`` (and PNG plots when
matplotlib is installed). Nothing here is trained on the sets it reports, except the
leave-one-source-out table, which retrains once per left-out source.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .datasets import SHARED_SETS, Row, read_rows, shared_data_dir
from .features import text_document
from .model import Model, Thresholds
from .training import (
    Example,
    Progress,
    TrainConfig,
    _quiet,
    assign_groups,
    fit_model,
    load_examples,
    parse_row,
    score_metrics,
)

EVAL_ONLY = tuple(name for name, ok in SHARED_SETS.items() if not ok)


def split_like_training(model: Model) -> list[Example]:
    """Rebuild the training inputs and the held-out split recorded in ``model``'s card."""
    cfg = model.card.get("config", {})
    examples, _ = load_examples(shared_weights=cfg.get("shared_weights"))
    assign_groups(examples, seed=int(cfg.get("seed", TrainConfig.seed)),
                  holdout_percent=int(cfg.get("holdout_percent", TrainConfig.holdout_percent)))
    return examples


def eval_sets(model: Model, extra: Sequence[Path] = (), shared: Sequence[str] = EVAL_ONLY,
              progress: Progress = _quiet) -> dict[str, list[Example]]:
    """The default evaluation sets: held-out corpus and shared rows, eval-only sets, files."""
    sets: dict[str, list[Example]] = {}
    progress("rebuilding the held-out split")
    for ex in split_like_training(model):
        if ex.holdout:
            sets.setdefault(f"holdout:{ex.source}", []).append(ex)
    for name in shared:
        rows = list(read_rows(shared_data_dir() / f"{name}.jsonl"))
        sets[name] = [Example(r, parse_row(r), 1.0) for r in rows]
    for path in extra:
        rows = list(read_rows(path))
        sets[path.name] = [Example(r, parse_row(r), 1.0) for r in rows]
    return sets


def evaluate_sets(model: Model, sets: dict[str, list[Example]],
                  thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Metrics per set, and per category inside each set that has categories."""
    t = thresholds or model.thresholds
    out: dict[str, Any] = {}
    for name, exs in sets.items():
        p = model.predict_proba([e.post for e in exs])
        y = np.asarray([e.y for e in exs])
        entry = score_metrics(y, p, t)
        cats: dict[str, Any] = {}
        for cat in sorted({e.row.category for e in exs if e.row.category}):
            idx = [i for i, e in enumerate(exs) if e.row.category == cat]
            cats[cat] = score_metrics(y[idx], p[idx], t)
        if cats:
            entry["by_category"] = cats
        entry["_scores"] = p.tolist()
        entry["_labels"] = y.tolist()
        out[name] = entry
    return out


def baseline_scores(train: Sequence[Example], sets: dict[str, list[Example]],
                    seed: int) -> dict[str, Any]:
    """The naive baseline on the same split: TF-IDF of the visible text + logistic regression."""
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000)
    x = vec.fit_transform([text_document(e.post) for e in train])
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=5000, random_state=seed)
    clf.fit(x, [e.y for e in train], sample_weight=[e.weight for e in train])
    out = {}
    half = Thresholds(label=0.5, review=0.5, block=0.5)
    for name, exs in sets.items():
        p = clf.predict_proba(vec.transform([text_document(e.post) for e in exs]))[:, 1]
        m = score_metrics([e.y for e in exs], p, half)
        out[name] = {k: m[k] for k in ("n", "roc_auc", "pr_auc", "recall_at_1pct_fpr")}
    return out


def leave_one_source_out(examples: Sequence[Example], config: TrainConfig,
                         outside: dict[str, list[Example]],
                         progress: Progress = _quiet) -> dict[str, Any]:
    """Train without one source (a corpus author, or a shared set), test on it and outside sets.

    Corpus parts count as sources by author: a part is another hand's writing.
    """
    def key(e: Example) -> str:
        return f"corpus:{e.row.author}" if e.source == "spamlinks" else e.source

    table: dict[str, Any] = {}
    for src in sorted({key(e) for e in examples}):
        progress(f"leave-one-source-out: {src}")
        train = [e for e in examples if key(e) != src]
        test = [e for e in examples if key(e) == src]
        vec, clf = fit_model(train, config)
        half = Thresholds(label=0.5, review=0.5, block=0.5)

        def scores(exs: Sequence[Example], vec: Any = vec, clf: Any = clf) -> np.ndarray:
            return np.asarray(clf.predict_proba(vec.transform([e.post for e in exs]))[:, 1])

        m = score_metrics([e.y for e in test], scores(test), half)
        row = {"left_out": {k: m[k] for k in ("n", "roc_auc", "recall_at_1pct_fpr")}}
        row["left_out"]["fpr_at_0.5"] = m["label"]["fpr"]
        for name, exs in outside.items():
            m = score_metrics([e.y for e in exs], scores(exs), half)
            row[name] = {k: m[k] for k in ("roc_auc", "recall_at_1pct_fpr")}
        table[src] = row
    return table


def plots(results: dict[str, Any], out: Path) -> list[Path]:
    """PR curves, calibration curves and score histograms as PNGs (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from sklearn.calibration import calibration_curve
        from sklearn.metrics import precision_recall_curve
    except ImportError:
        return []
    out.mkdir(parents=True, exist_ok=True)
    made = []
    fig1, ax1 = plt.subplots(figsize=(6, 5))
    fig2, ax2 = plt.subplots(figsize=(6, 5))
    fig3, ax3 = plt.subplots(figsize=(7, 5))
    for name, r in results.items():
        y, p = np.asarray(r["_labels"]), np.asarray(r["_scores"])
        if 0 < y.sum() < y.size:
            prec, rec, _ = precision_recall_curve(y, p)
            ax1.plot(rec, prec, label=name)
            frac, mean = calibration_curve(y, p, n_bins=10, strategy="quantile")
            ax2.plot(mean, frac, marker="o", label=name)
        ax3.hist(p, bins=40, alpha=0.4, label=name, density=True)
    ax1.set(xlabel="recall", ylabel="precision", title="Precision-recall")
    ax2.plot([0, 1], [0, 1], "k:", lw=1)
    ax2.set(xlabel="predicted P(spam)", ylabel="observed spam rate", title="Calibration")
    ax3.set(xlabel="P(spam)", ylabel="density", title="Score histogram")
    for fig, ax, fname in ((fig1, ax1, "pr_curve.png"), (fig2, ax2, "calibration.png"),
                           (fig3, ax3, "score_histogram.png")):
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / fname, dpi=110)
        plt.close(fig)
        made.append(out / fname)
    return made


def format_table(results: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    """A plain-text table: one line per set, the operating points, and the baseline."""

    def f(v: Any) -> str:
        return "   -  " if v is None else f"{v:6.3f}"

    head = (f"{'set':34s} {'n':>5s} {'spam':>5s} {'ROC':>6s} {'PR':>6s} {'R@1%':>6s} "
            f"{'P@lab':>6s} {'R@lab':>6s} {'FPR@l':>6s} {'R@rev':>6s} {'P@blk':>6s} "
            f"{'R@blk':>6s} {'ECE':>6s}")
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        lines.append(
            f"{name:34s} {r['n']:5d} {r['spam']:5d} {f(r['roc_auc'])} {f(r['pr_auc'])} "
            f"{f(r['recall_at_1pct_fpr'])} {f(r['label']['precision'])} "
            f"{f(r['label']['recall'])} {f(r['label']['fpr'])} {f(r['review']['recall'])} "
            f"{f(r['block']['precision'])} {f(r['block']['recall'])} {f(r['ece'])}")
    if baseline:
        lines += ["", "baseline (TF-IDF of text + logistic regression, same split):"]
        for name, r in baseline.items():
            lines.append(f"{name:34s} {r['n']:5d}       {f(r['roc_auc'])} {f(r['pr_auc'])} "
                         f"{f(r['recall_at_1pct_fpr'])}")
    return "\n".join(lines)


def strip_private(results: dict[str, Any]) -> dict[str, Any]:
    """Drop per-post scores before writing metrics.json."""
    return {k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")} if isinstance(v, dict)
            else v for k, v in results.items()}


def write_metrics(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def examples_from_rows(rows: Sequence[Row]) -> list[Example]:
    return [Example(r, parse_row(r), 1.0) for r in rows]


