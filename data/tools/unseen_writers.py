"""How a model recipe does on corpus writers it has never seen (README, "Writers the model has
never seen").

Trains the current spamlinks recipe (features and `TrainConfig`) on some corpus parts plus the
default shared sets, scores the held-back parts and fossee_forum, and prints ROC-AUC, recall at
1 % false positives, and the false-positive rate at the threshold that catches 90 % of the
held-back spam::

    python data/tools/unseen_writers.py --test l m n                  # train on all other parts
    python data/tools/unseen_writers.py --test l m n --exclude i j k  # ... and without i-k

To measure an older recipe, run this file with that checkout's code on PYTHONPATH and
``--corpus`` pointing at this corpus (the README's schema-4 rows: commit 68d2d78).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from spamlinks.datasets import load_shared
from spamlinks.training import (
    Example,
    TrainConfig,
    fit_model,
    load_examples,
    parse_row,
    recall_at_fpr,
)

ROOT = Path(__file__).resolve().parents[2]


def _part(e: Example) -> str:
    """The corpus part of an example by its writer (``helper-l`` → ``l``), as the
    leave-one-source-out table groups them; ``""`` for shared sets."""
    return e.row.author.removeprefix("helper-") if e.source == "spamlinks" else ""


def _figures(y: np.ndarray, d: np.ndarray) -> str:
    thr = np.quantile(d[y == 1], 0.10)
    return (f"ROC-AUC {roc_auc_score(y, d):.3f}  R@1% {recall_at_fpr(y, d):.3f}  "
            f"FPR@R90 {np.mean(d[y == 0] >= thr):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", nargs="+", required=True, help="parts to hold back, e.g. l m n")
    ap.add_argument("--exclude", nargs="*", default=[], help="parts to leave out entirely")
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    args = ap.parse_args()
    examples, _ = load_examples(corpus_dir=args.corpus)
    test = [e for e in examples if _part(e) in args.test]
    train = [e for e in examples if _part(e) not in {*args.test, *args.exclude}]
    print(f"training on {len(train)} posts, testing on {len(test)} from parts {args.test}")
    vec, clf = fit_model(train, TrainConfig())

    def decision(posts: list) -> np.ndarray:
        return np.asarray(clf.decision_function(vec.transform(posts)))

    for name in [*args.test, "all"]:
        sub = [e for e in test if name == "all" or _part(e) == name]
        y = np.asarray([e.y for e in sub])
        figures = _figures(y, decision([e.post for e in sub]))
        print(f"  part {name:>3} ({len(sub)} posts): {figures}")
    fossee = load_shared(["fossee_forum"])
    y = np.asarray([r.y for r in fossee])
    print(f"  fossee_forum: {_figures(y, decision([parse_row(r) for r in fossee]))}")


if __name__ == "__main__":
    main()
