"""Model folders for scoring: find, verify and load ``scoring.json``. No scikit-learn, no pickle.

A model folder holds ``model_card.json`` (data digests, versions, feature schema, thresholds,
metrics and the sha256 of each artifact), ``model.joblib`` (the scikit-learn objects, for
training and evaluation: :func:`spamlinks.model.load_model`) and ``scoring.json`` (the same
model as a plain table, for scoring). :func:`load_scoring_model` reads ``scoring.json`` once,
checks its sha256 and the card's feature schema, and only then parses those same bytes.

Where the default model comes from: the ``spamlinks.models`` package data (the repository's
``models/`` folder), or the folder named by ``SPAMLINKS_MODEL`` when set.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ModelCompatibilityError, ModelError, ModelIntegrityError
from .linear import LinearScorer, Thresholds
from .linkfeatures import FEATURE_SCHEMA_VERSION

if TYPE_CHECKING:
    from .model import Model

ARTIFACT = "model.joblib"
SCORING = "scoring.json"
CARD = "model_card.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_model_dir() -> Path:
    """The folder of the default model (``SPAMLINKS_MODEL`` or the packaged ``models/``)."""
    env = os.environ.get("SPAMLINKS_MODEL")
    if env:
        return Path(env)
    return Path(str(resources.files("spamlinks.models")))


def model_dir(path: str | os.PathLike[str] | None) -> Path:
    """The model folder for ``path`` (a folder or a file in it; default: the shipped one)."""
    directory = Path(path) if path is not None else default_model_dir()
    return directory.parent if directory.is_file() else directory


def read_card(directory: Path) -> dict[str, Any]:
    """The folder's card, ``{}`` if it has none."""
    card_path = directory / CARD
    if not card_path.exists():
        return {}
    try:
        card: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{card_path} is not valid JSON ({exc}); restore or retrain") from None
    return card


def check_schema(card: dict[str, Any]) -> None:
    """Refuse a card whose feature schema differs from this install's."""
    schema = card.get("feature_schema_version")
    if schema != FEATURE_SCHEMA_VERSION:
        raise ModelCompatibilityError(
            f"model was built for feature schema {schema}, this spamlinks uses "
            f"{FEATURE_SCHEMA_VERSION}; retrain it with `spamlinks train` or install the "
            "spamlinks version that made it"
        )


def check_digest(path: Path, data: bytes, expected: object) -> None:
    """Refuse bytes whose sha256 differs from the card's."""
    actual = sha256_bytes(data)
    if expected != actual:
        raise ModelIntegrityError(
            f"{path} has sha256 {actual[:16]}…, its card says {str(expected)[:16]}…: "
            "the file was changed or corrupted. Reinstall spamlinks or retrain the model"
        )


def read_verified(directory: Path, name: str, digest_key: str, *, trust: bool,
                  refusal: str = "") -> tuple[bytes, dict[str, Any]]:
    """The bytes of ``directory/name`` and the folder's card, the bytes checked against the
    card's ``artifact[digest_key]`` sha256 (:class:`ModelIntegrityError` otherwise).

    A folder without a card is refused (``refusal`` adds why) unless ``trust=True``, which
    also skips the digest check. The caller checks the card's versions and parses the bytes.
    """
    path = directory / name
    data = path.read_bytes()
    card = read_card(directory)
    if not card and not trust:
        raise ModelError(
            f"{directory} has no {CARD}, so {name} cannot be verified{refusal}. Retrain with "
            "`spamlinks train`, or pass trust=True / --trust-model if you built it yourself"
        )
    if card and not trust:
        check_digest(path, data, card.get("artifact", {}).get(digest_key))
    return data, card


@dataclass
class ScoringModel:
    """A loaded, verified ``scoring.json``: what :class:`~spamlinks.scoring.Scorer` needs."""

    fast: LinearScorer
    thresholds: Thresholds
    model_id: str
    baseline: dict[str, Any]
    """Average scaled link features and text/anchor contributions over the training posts."""
    card: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def from_table(cls, table: dict[str, Any], card: dict[str, Any] | None = None,
                   path: Path | None = None) -> ScoringModel:
        base = table["baseline"]
        return cls(fast=LinearScorer(table),
                   thresholds=Thresholds(**{k: float(v) for k, v in table["thresholds"].items()}),
                   model_id=str(table["model_id"]),
                   baseline={"links": np.asarray(base["links"], dtype=np.float64),
                             "text": float(base["text"]), "anchor": float(base["anchor"])},
                   card=card or {}, path=path)


def load_scoring_model(path: str | os.PathLike[str] | None = None, *,
                       trust: bool = False) -> ScoringModel | Model:
    """The model for scoring (default: the shipped one), verified before it is used.

    Loads ``scoring.json`` after checking its sha256 against the card
    (:class:`ModelIntegrityError` otherwise) and the card's feature schema
    (:class:`ModelCompatibilityError`); a folder without a card is refused unless
    ``trust=True``. A folder made before ``scoring.json`` existed (card and ``model.joblib``
    only) falls back to :func:`spamlinks.model.load_model`, which verifies the pickle before
    unpickling it but imports scikit-learn.
    """
    directory = model_dir(path)
    scoring = directory / SCORING
    if not scoring.exists():
        if not (directory / ARTIFACT).exists():
            raise ModelError(f"no {SCORING} (nor, for a model made before it existed, "
                             f"{ARTIFACT}) in {directory}; train one with `spamlinks train`")
        # A folder made before scoring.json existed: its pickle, verified before unpickling
        # (this imports scikit-learn; `spamlinks.model.export_scoring` adds the table).
        from .model import load_model

        return load_model(directory, trust=trust)
    data, card = read_verified(directory, SCORING, "scoring_sha256", trust=trust)
    if card and not trust:
        check_schema(card)
    try:
        return ScoringModel.from_table(json.loads(data), card, directory)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ModelError(f"{scoring} is not a spamlinks scoring table ({exc}); "
                         "retrain the model") from None
