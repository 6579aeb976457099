"""`spamlinks train` end to end on a small sample, and the pieces it is made of."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from spamlinks import Scorer, load_model
from spamlinks.artifacts import ScoringModel
from spamlinks.cli import main
from spamlinks.datasets import corpus_files
from spamlinks.training import (
    BLOCK_PRECISION,
    LABEL_PROBABILITY,
    REVIEW_RECALL,
    TrainConfig,
    choose_thresholds,
    recall_at_fpr,
    train,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 12th row of each corpus part: a few hundred posts, both labels."""
    out = tmp_path_factory.mktemp("corpus") / "corpus"
    out.mkdir()
    for path in corpus_files(ROOT / "data" / "corpus"):
        lines = path.read_text(encoding="utf-8").splitlines()
        (out / path.name).write_text("\n".join(lines[::12]) + "\n", encoding="utf-8")
    return out


def test_train_end_to_end(small_corpus: Path, tmp_path: Path) -> None:
    code = main(["train", "--corpus", str(small_corpus), "--shared", "--folds", "2",
                 "--out", str(tmp_path / "m")])
    assert code == 0
    card = json.loads((tmp_path / "m" / "model_card.json").read_text())
    assert card["seed"] == TrainConfig().seed
    assert card["data"]["holdout_rows"] > 0 and card["data"]["train_rows"] > 0
    assert set(card["thresholds"]) == {"label", "review", "block"}
    assert all(v["sha256"] for v in card["data"]["inputs"].values())
    assert (tmp_path / "m" / "MODEL_CARD.md").read_text().startswith("# Model card")
    model = load_model(tmp_path / "m")
    # train also writes the pickle-free scoring table, recorded in the card, and scoring uses it
    scoring = (tmp_path / "m" / "scoring.json").read_bytes()
    assert card["artifact"]["scoring_sha256"] == hashlib.sha256(scoring).hexdigest()
    scorer = Scorer(str(tmp_path / "m"))
    score = scorer.score_post(
        '<p>Best <a href="https://cheap-essays.xyz/buy-essay-online">buy essay online</a></p>')
    assert isinstance(scorer.model, ScoringModel)
    assert 0.0 <= score.probability <= 1.0 and score.model_id == model.model_id


def test_training_is_deterministic(small_corpus: Path) -> None:
    cfg = TrainConfig(folds=2, shared_weights={})
    a = train(cfg, corpus_dir=small_corpus)
    b = train(cfg, corpus_dir=small_corpus)
    assert np.allclose(a.holdout_probabilities, b.holdout_probabilities)
    assert a.model.card["thresholds"] == b.model.card["thresholds"]


def test_no_group_straddles_the_split(small_corpus: Path) -> None:
    result = train(TrainConfig(folds=2, shared_weights={}), corpus_dir=small_corpus)
    sides: dict[str, set[bool]] = {}
    for ex in result.examples:
        sides.setdefault(ex.group, set()).add(ex.holdout)
    assert all(len(s) == 1 for s in sides.values())


def test_evaluation_only_sets_are_refused_for_training() -> None:
    with pytest.raises(ValueError, match="may not train"):
        train(TrainConfig(shared_weights={"fossee_forum": 1.0}))


def test_thresholds_follow_their_rules() -> None:
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(400), np.zeros(1600)].astype(int)
    p = np.clip(np.r_[rng.normal(0.8, 0.15, 400), rng.normal(0.2, 0.15, 1600)], 0, 1)
    t, rules = choose_thresholds(y, p)
    assert t.review <= t.label <= t.block
    blocked = p >= t.block
    assert (y[blocked] == 1).mean() >= BLOCK_PRECISION
    assert (p[y == 1] >= t.review).mean() >= REVIEW_RECALL or t.review == t.label
    assert "precision" in rules["block"]["rule"]
    assert t.label == LABEL_PROBABILITY == 0.5  # spam more likely than not


def test_recall_at_fpr() -> None:
    y = np.array([0] * 100 + [1] * 10)
    p = np.r_[np.linspace(0, 0.5, 100), np.linspace(0.45, 1.0, 10)]
    assert recall_at_fpr(y, p, 0.0) == pytest.approx(0.9)
    assert recall_at_fpr(y, np.r_[np.zeros(100), np.ones(10)], 0.01) == 1.0
