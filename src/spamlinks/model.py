"""Model artifacts: save, verify, load. Nothing is unpickled before it is verified.

A model is a folder with ``model.joblib`` (stock scikit-learn objects only) and
``model_card.json`` (data digests, seed, versions, feature schema, thresholds, metrics and the
artifact's sha256). :func:`load_model` reads the artifact's bytes once, checks their sha256
against the card, checks the card's feature schema and scikit-learn version, and only then
unpickles those same bytes.

Where the default model comes from: the ``spamlinks.models`` package data (the repository's
``models/`` folder), or the folder named by ``SPAMLINKS_MODEL`` when set.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from .errors import ModelCompatibilityError, ModelError, ModelIntegrityError
from .features import FEATURE_SCHEMA_VERSION, PostVectorizer
from .ngrams import analyzer_for
from .parse import Post

ARTIFACT = "model.joblib"
CARD = "model_card.json"


@dataclass(frozen=True)
class Thresholds:
    """Operating points on the calibrated probability."""

    label: float
    """``label == "spam"`` at or above this."""
    review: float
    """``action == "review"`` at or above this (chosen for recall ≥ 90 % on validation)."""
    block: float
    """``action == "block"`` at or above this (chosen for precision ≥ 99.5 % on validation)."""

    def action(self, p: float) -> str:
        if p >= self.block:
            return "block"
        return "review" if p >= self.review else "allow"


class _Block:
    """One fitted TF-IDF block reduced to what a dot product with the coefficients needs."""

    def __init__(self, vectorizer: Any, coef: np.ndarray, weight: float) -> None:
        self.analyzer = analyzer_for(vectorizer)
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        w = np.asarray(coef, dtype=np.float64) * weight
        # term -> (idf, idf * coef): one dict lookup per term, plain floats afterwards.
        self.terms: dict[str, tuple[float, float]] = {
            t: (float(idf[j]), float(idf[j] * w[j])) for t, j in vectorizer.vocabulary_.items()
        }
        self.sublinear = bool(vectorizer.sublinear_tf)

    def contribution(self, doc: str) -> float:
        """``coef · tfidf(doc)`` for this block, as scikit-learn would compute it."""
        if not doc:
            return 0.0
        get = self.terms.get
        log = math.log
        sublinear = self.sublinear
        num = norm = 0.0
        for term, count in Counter(self.analyzer(doc)).items():
            hit = get(term)
            if hit is None:
                continue
            idf, w = hit
            if count == 1:  # most terms; tf is exactly 1.0 either way, so skip the log
                num += w
                norm += idf * idf
            else:
                tf = 1.0 + log(count) if sublinear else float(count)
                num += tf * w
                norm += (tf * idf) ** 2
        return num / math.sqrt(norm) if norm else 0.0


class FastLinear:
    """The fitted model as plain arithmetic: one post in well under a millisecond.

    Gives the same decision values as ``classifier.decision_function(vectorizer.transform(...))``
    without scikit-learn's per-call validation (which costs more than the maths for one post).
    """

    def __init__(self, model: Model) -> None:
        vec, clf = model.vectorizer, model.classifier
        coef = np.asarray(clf.coef_[0], dtype=np.float64)
        blocks = vec.block_slices()
        self.intercept = float(clf.intercept_[0])
        self.w_link = coef[blocks["links"]]
        scale = np.asarray(vec.scaler_.scale_, dtype=np.float64)
        self.link_factor = vec.link_weight / np.where(scale == 0, 1.0, scale)
        self.blocks = {name: _Block(v, coef[blocks[name]], vec._weight(name))
                       for name, v in vec.vectorizers_.items()}
        self.cal_a = float(model.calibrator.coef_[0][0])
        self.cal_b = float(model.calibrator.intercept_[0])

    def scale(self, dense: np.ndarray) -> np.ndarray:
        return np.asarray(dense, dtype=np.float64) * self.link_factor

    def text_contribution(self, text_doc: str) -> float:
        return sum(b.contribution(text_doc) for n, b in self.blocks.items() if n[:4] == "text")

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one FastLinear per loaded model
    def anchor_contribution(self, anchor_doc: str) -> float:
        """Anchor n-gram contribution; anchors repeat a lot (per post and per link), so cached."""
        return sum(b.contribution(anchor_doc) for n, b in self.blocks.items() if n[:6] == "anchor")

    def probability(self, decision: float | np.ndarray) -> Any:
        z = self.cal_a * np.asarray(decision, dtype=np.float64) + self.cal_b
        return 1.0 / (1.0 + np.exp(-z))


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
        t = self.card.get("thresholds", {})
        return Thresholds(label=float(t.get("label", {}).get("value", 0.5)),
                          review=float(t.get("review", {}).get("value", 0.5)),
                          block=float(t.get("block", {}).get("value", 0.95)))

    def decision(self, posts: list[Post]) -> np.ndarray:
        """Raw linear decision values (log-odds before calibration)."""
        return np.asarray(self.classifier.decision_function(self.vectorizer.transform(posts)))

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated P(spam) for decision values (Platt scaling)."""
        return np.asarray(self.fast.probability(np.asarray(decision, dtype=np.float64)))

    @functools.cached_property
    def fast(self) -> FastLinear:
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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_model_dir() -> Path:
    """The folder of the default model (``SPAMLINKS_MODEL`` or the packaged ``models/``)."""
    env = os.environ.get("SPAMLINKS_MODEL")
    if env:
        return Path(env)
    return Path(str(resources.files("spamlinks.models")))


def save_model(model: Model, directory: str | os.PathLike[str]) -> Path:
    """Write ``model.joblib`` and ``model_card.json`` (with the artifact's sha256)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    joblib.dump(model.state(), buf, compress=3)
    data = buf.getvalue()
    (out / ARTIFACT).write_bytes(data)
    card = dict(model.card)
    card["artifact"] = {"file": ARTIFACT, "sha256": sha256_bytes(data), "bytes": len(data)}
    (out / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    model.card = card
    model.path = out
    return out


def _sklearn_series(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_card(card: dict[str, Any]) -> None:
    """Refuse a card whose feature schema or scikit-learn series differ from this install."""
    schema = card.get("feature_schema_version")
    if schema != FEATURE_SCHEMA_VERSION:
        raise ModelCompatibilityError(
            f"model was built for feature schema {schema}, this spamlinks uses "
            f"{FEATURE_SCHEMA_VERSION}; retrain it with `spamlinks train` or install the "
            "spamlinks version that made it"
        )
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
    directory = Path(path) if path is not None else default_model_dir()
    if directory.is_file():
        directory = directory.parent
    artifact, card_path = directory / ARTIFACT, directory / CARD
    if not artifact.exists():
        raise ModelError(f"no {ARTIFACT} in {directory}; train one with `spamlinks train`")
    data = artifact.read_bytes()
    card: dict[str, Any] = {}
    if card_path.exists():
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"{card_path} is not valid JSON ({exc}); restore or retrain") from None
    if not card and not trust:
        raise ModelError(
            f"{directory} has no {CARD}, so {ARTIFACT} cannot be verified and will not be "
            "unpickled (unpickling runs code). Retrain with `spamlinks train`, or pass "
            "trust=True / --trust-model if you built this file yourself"
        )
    if card:
        expected = card.get("artifact", {}).get("sha256")
        actual = sha256_bytes(data)
        if expected != actual and not trust:
            raise ModelIntegrityError(
                f"{artifact} has sha256 {actual[:16]}…, its card says {str(expected)[:16]}…: "
                "the file was changed or corrupted. Reinstall spamlinks or retrain the model"
            )
        if not trust:
            check_card(card)
    try:
        state = joblib.load(io.BytesIO(data))
        vectorizer = PostVectorizer.from_state(state["vectorizer"])
        return Model(vectorizer=vectorizer, classifier=state["classifier"],
                     calibrator=state["calibrator"], card=card, path=directory,
                     baseline=dict(state.get("baseline") or {}))
    except (KeyError, TypeError, ValueError, EOFError, AttributeError, ImportError) as exc:
        raise ModelError(f"{artifact} is not a spamlinks model ({exc}); retrain it") from None
