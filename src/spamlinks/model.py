"""Model artifacts for training and evaluation: save, verify, load, export for scoring.

A model is a folder with ``model.joblib`` (stock scikit-learn objects only), ``scoring.json``
(the same model as a plain table: :func:`export_scoring`) and ``model_card.json`` (data
digests, seed, versions, feature schema, thresholds, metrics and both files' sha256).
:func:`load_model` reads the pickle's bytes once, checks their sha256 against the card, checks
the card's feature schema and scikit-learn version, and only then unpickles those same bytes.
Scoring never comes here: it loads ``scoring.json`` (:mod:`spamlinks.artifacts`).
"""

from __future__ import annotations

import functools
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from .artifacts import (
    ARTIFACT,
    CARD,
    SCORING,
    check_schema,
    default_model_dir,
    model_dir,
    read_verified,
    sha256_bytes,
)
from .errors import ModelCompatibilityError, ModelError
from .features import FEATURE_NAMES, FEATURE_SCHEMA_VERSION, PostVectorizer
from .linear import SCORING_SCHEMA_VERSION, STOCK_TFIDF, LinearScorer, Thresholds
from .ngrams import analyzer_for
from .parse import Post

__all__ = [
    "ARTIFACT",
    "CARD",
    "SCORING",
    "FastLinear",
    "Model",
    "Thresholds",
    "check_card",
    "default_model_dir",
    "export_scoring",
    "load_model",
    "save_model",
    "scoring_table",
    "sha256_bytes",
]


def _block_settings(vectorizer: Any) -> dict[str, Any]:
    p = vectorizer.get_params()
    return {"analyzer": p["analyzer"], "ngram_range": list(p["ngram_range"]),
            "token_pattern": p["token_pattern"], "sublinear_tf": bool(p["sublinear_tf"]),
            **{k: p[k] for k in STOCK_TFIDF}}


def scoring_table(model: Model) -> dict[str, Any]:
    """The fitted model as plain JSON values (the content of ``scoring.json``)."""
    vec, clf = model.vectorizer, model.classifier
    coef = np.asarray(clf.coef_[0], dtype=np.float64)
    slices = vec.block_slices()
    scale = np.asarray(vec.scaler_.scale_, dtype=np.float64)
    blocks: dict[str, Any] = {}
    for name, v in vec.vectorizers_.items():
        idf = np.asarray(v.idf_, dtype=np.float64)
        w = coef[slices[name]] * vec._weight(name)
        blocks[name] = {
            "settings": _block_settings(v),
            "weight": vec._weight(name),
            # term -> [idf, idf * coef * block weight], in column order.
            "terms": {t: [float(idf[j]), float(idf[j] * w[j])]
                      for t, j in sorted(v.vocabulary_.items(), key=lambda tj: tj[1])},
        }
    t = model.thresholds
    base = model.baseline
    return {
        "schema": SCORING_SCHEMA_VERSION,
        "model_id": model.model_id,
        "feature_schema_version": FEATURE_SCHEMA_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "intercept": float(clf.intercept_[0]),
        "link_coef": coef[slices["links"]].tolist(),
        # link weight / max-abs scale (1 where a feature never varied, as MaxAbsScaler does)
        "link_factor": (vec.link_weight / np.where(scale == 0, 1.0, scale)).tolist(),
        "blocks": blocks,
        "calibrator": {"a": float(model.calibrator.coef_[0][0]),
                       "b": float(model.calibrator.intercept_[0])},
        "baseline": {"links": np.asarray(base["links"], dtype=np.float64).reshape(-1).tolist()
                     if np.ndim(base["links"]) else [0.0] * len(FEATURE_NAMES),
                     "text": float(base["text"]), "anchor": float(base["anchor"])},
        "thresholds": {"label": t.label, "review": t.review, "block": t.block},
    }


def FastLinear(model: Model) -> LinearScorer:  # named as the class it replaced
    """The arithmetic form of ``model`` (:class:`~spamlinks.linear.LinearScorer`)."""
    vec = model.vectorizer
    # scikit-learn's own analyzer for a vectorizer the plain-Python ones do not reproduce
    analyzers = {name: analyzer_for(v) for name, v in vec.vectorizers_.items()}
    return LinearScorer(scoring_table(model), analyzers)


@dataclass
class Model:
    """A loaded, verified model: vectorizer, linear classifier and probability calibrator."""

    vectorizer: PostVectorizer
    classifier: Any
    calibrator: Any
    card: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    baseline: dict[str, Any] = field(default_factory=dict)
    """Average scaled link features and text/anchor contributions over the training posts:
    reasons are contributions relative to this typical post."""

    def __post_init__(self) -> None:
        if not self.baseline:
            self.baseline = {"links": 0.0, "text": 0.0, "anchor": 0.0}

    @property
    def model_id(self) -> str:
        return str(self.card.get("model_id", "unversioned"))

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds.from_card(self.card)

    def decision(self, posts: list[Post]) -> np.ndarray:
        """Raw linear decision values (log-odds before calibration)."""
        return np.asarray(self.classifier.decision_function(self.vectorizer.transform(posts)))

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated P(spam) for decision values (Platt scaling)."""
        return np.asarray(self.fast.probability(np.asarray(decision, dtype=np.float64)))

    @functools.cached_property
    def fast(self) -> LinearScorer:
        """The arithmetic form of this model, for scoring one post at a time."""
        return FastLinear(self)

    def predict_proba(self, posts: list[Post]) -> np.ndarray:
        """Calibrated P(spam), one per post."""
        if not posts:
            return np.empty(0)
        return self.calibrate(self.decision(posts))

    def state(self) -> dict[str, Any]:
        return {"vectorizer": self.vectorizer.state(), "classifier": self.classifier,
                "calibrator": self.calibrator, "baseline": self.baseline}


def _write_card(card: dict[str, Any], out: Path) -> None:
    (out / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def save_model(model: Model, directory: str | os.PathLike[str]) -> Path:
    """Write ``model.joblib``, ``scoring.json`` and ``model_card.json`` (with both sha256)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    joblib.dump(model.state(), buf, compress=3)
    data = buf.getvalue()
    (out / ARTIFACT).write_bytes(data)
    model.card = dict(model.card)
    model.card["artifact"] = {"file": ARTIFACT, "sha256": sha256_bytes(data), "bytes": len(data)}
    model.path = out
    export_scoring(model, out)
    return out


def export_scoring(model: Model, directory: str | os.PathLike[str]) -> Path:
    """Write ``scoring.json`` (:func:`scoring_table`) into ``directory`` and record its sha256
    in the model's card, which is written there too. Returns the file's path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # Compact separators: the file is read by machines (about 40 % smaller than indented).
    data = (json.dumps(scoring_table(model), ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")
    (out / SCORING).write_bytes(data)
    card = dict(model.card)
    card["artifact"] = {**card.get("artifact", {}), "scoring_file": SCORING,
                        "scoring_sha256": sha256_bytes(data), "scoring_bytes": len(data)}
    model.card = card
    _write_card(card, out)
    return out / SCORING


def _sklearn_series(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_card(card: dict[str, Any]) -> None:
    """Refuse a card whose feature schema or scikit-learn series differ from this install."""
    check_schema(card)
    built = str(card.get("versions", {}).get("scikit-learn", ""))
    if _sklearn_series(built) != _sklearn_series(sklearn.__version__):
        raise ModelCompatibilityError(
            f"model was pickled with scikit-learn {built or 'unknown'}, this install has "
            f"{sklearn.__version__}; retrain it with `spamlinks train`, or install "
            f"scikit-learn=={built} to use it as is"
        )


def load_model(path: str | os.PathLike[str] | None = None, *, trust: bool = False) -> Model:
    """Load a model folder (default: the shipped model), verifying it before unpickling.

    Raises :class:`ModelIntegrityError` when the artifact's sha256 differs from its card,
    :class:`ModelCompatibilityError` when the card does not fit this install, and
    :class:`ModelError` for a missing card — unless ``trust=True``, which skips the card
    checks for a model you built and trust (unpickling runs code).
    """
    directory = model_dir(path)
    artifact = directory / ARTIFACT
    if not artifact.exists():
        raise ModelError(f"no {ARTIFACT} in {directory}; train one with `spamlinks train`")
    data, card = read_verified(directory, ARTIFACT, "sha256", trust=trust,
                               refusal=" and will not be unpickled (unpickling runs code)")
    if card and not trust:
        check_card(card)
    try:
        state = joblib.load(io.BytesIO(data))
        vectorizer = PostVectorizer.from_state(state["vectorizer"])
        return Model(vectorizer=vectorizer, classifier=state["classifier"],
                     calibrator=state["calibrator"], card=card, path=directory,
                     baseline=dict(state.get("baseline") or {}))
    except (KeyError, TypeError, ValueError, EOFError, AttributeError, ImportError) as exc:
        raise ModelError(f"{artifact} is not a spamlinks model ({exc}); retrain it") from None
