"""Post → feature matrix: the scikit-learn transformers used to train and evaluate models.

Two sklearn-compatible transformers, built on the plain feature code of
:mod:`spamlinks.linkfeatures` (whose names are re-exported here):

- :class:`LinkFeatures` (stateless): one dense row of named numeric features per post, and
  per external link (:meth:`LinkFeatures.rows`) to say which link carries the risk.
- :class:`PostVectorizer`: the full matrix: scaled link features, word and character n-grams
  of the visible text, and separately of the anchor texts. It persists only stock scikit-learn
  objects (see :meth:`PostVectorizer.state`), so the pickle holds no spamlinks classes.

Scoring does not import this module (see :mod:`spamlinks.linear`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MaxAbsScaler

from .linkfeatures import (
    FEATURE_NAMES,
    FEATURE_SCHEMA_VERSION,
    HAM_EVIDENCE,
    LINK_FEATURES,
    MAX_FEATURE_LINKS,
    POST_FEATURES,
    anchor_document,
    feature_row,
    link_rows,
    link_vector,
    text_document,
)
from .parse import Link, Post

__all__ = [
    "FEATURE_NAMES",
    "FEATURE_SCHEMA_VERSION",
    "HAM_EVIDENCE",
    "LINK_FEATURES",
    "MAX_FEATURE_LINKS",
    "POST_FEATURES",
    "LinkFeatures",
    "PostVectorizer",
    "anchor_document",
    "link_vector",
    "text_document",
]


class LinkFeatures(TransformerMixin, BaseEstimator):
    """Named numeric features of a post's links and text (stateless).

    ``transform(posts)`` gives one row per :class:`~spamlinks.parse.Post`, columns
    :data:`FEATURE_NAMES`.
    """

    def fit(self, posts: Sequence[Post], y: Any = None) -> LinkFeatures:
        self.n_features_in_ = len(FEATURE_NAMES)
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(FEATURE_NAMES, dtype=object)

    def transform(self, posts: Sequence[Post]) -> np.ndarray:
        return np.asarray([feature_row(p) for p in posts], dtype=np.float64).reshape(
            len(posts), len(FEATURE_NAMES)
        )

    def rows(self, post: Post) -> tuple[np.ndarray, np.ndarray, list[Link]]:
        """The post's row, and one row per external web link as if it were the only one."""
        return link_rows(post)


class PostVectorizer(TransformerMixin, BaseEstimator):
    """Posts → sparse matrix: scaled :class:`LinkFeatures` + text and anchor n-grams.

    Hyperparameters set the n-gram vocabularies; learned state ends in ``_``.
    """

    def __init__(
        self,
        *,
        text_max_features: int = 20_000,
        char_max_features: int = 20_000,
        anchor_max_features: int = 5_000,
        min_df: int = 3,
        link_weight: float = 3.0,
        text_weight: float = 1.0,
        anchor_weight: float = 1.0,
        text_chars: bool = True,
    ) -> None:
        self.text_max_features = text_max_features
        self.char_max_features = char_max_features
        self.anchor_max_features = anchor_max_features
        self.min_df = min_df
        self.link_weight = link_weight
        self.text_weight = text_weight
        self.anchor_weight = anchor_weight
        self.text_chars = text_chars

    def _make(self) -> dict[str, Any]:
        common: dict[str, Any] = {"min_df": self.min_df, "sublinear_tf": True,
                                  "dtype": np.float64}
        blocks: dict[str, Any] = {
            "text_words": TfidfVectorizer(ngram_range=(1, 2), max_features=self.text_max_features,
                                          **common),
        }
        if self.text_chars:
            blocks["text_chars"] = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                                   max_features=self.char_max_features, **common)
        return {
            **blocks,
            "anchor_words": TfidfVectorizer(ngram_range=(1, 2),
                                            max_features=self.anchor_max_features, **common),
            "anchor_chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                            max_features=self.anchor_max_features, **common),
        }

    def fit(self, posts: Sequence[Post], y: Any = None) -> PostVectorizer:
        self.fit_transform(posts)
        return self

    def fit_transform(self, posts: Sequence[Post], y: Any = None, **_: Any) -> sparse.csr_matrix:
        texts = [text_document(p) for p in posts]
        anchors = [anchor_document(p) for p in posts]
        self.links_ = LinkFeatures().fit(posts)
        self.scaler_ = MaxAbsScaler()
        dense = self.scaler_.fit_transform(self.links_.transform(posts)) * self.link_weight
        self.vectorizers_ = self._make()
        blocks = [sparse.csr_matrix(dense)]
        for name, vec in self.vectorizers_.items():
            docs = anchors if name.startswith("anchor") else texts
            blocks.append(vec.fit_transform(docs) * self._weight(name))
        return sparse.hstack(blocks, format="csr")

    def _weight(self, block: str) -> float:
        return self.anchor_weight if block.startswith("anchor") else self.text_weight

    def transform(self, posts: Sequence[Post]) -> sparse.csr_matrix:
        return self.transform_parts(posts, self.links_.transform(posts))

    def transform_parts(self, posts: Sequence[Post], dense: np.ndarray) -> sparse.csr_matrix:
        """Like :meth:`transform`, with the link-feature rows given (one per post)."""
        texts = [text_document(p) for p in posts]
        anchors = [anchor_document(p) for p in posts]
        blocks = [sparse.csr_matrix(self.scaler_.transform(dense) * self.link_weight)]
        for name, vec in self.vectorizers_.items():
            docs = anchors if name.startswith("anchor") else texts
            blocks.append(vec.transform(docs) * self._weight(name))
        return sparse.hstack(blocks, format="csr")

    def scale_links(self, dense: np.ndarray) -> np.ndarray:
        """Link-feature rows as they enter the matrix (scaled and weighted)."""
        return np.asarray(self.scaler_.transform(dense)) * self.link_weight

    def anchor_matrix(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """The anchor n-gram blocks for anchor documents (one per row)."""
        return sparse.hstack(
            [vec.transform(docs) * self._weight(name)
             for name, vec in self.vectorizers_.items() if name.startswith("anchor")],
            format="csr",
        )

    def block_slices(self) -> dict[str, slice]:
        """Column range of each block: ``links``, ``text_words``, ``text_chars``, ``anchor_*``."""
        out, start = {"links": slice(0, len(FEATURE_NAMES))}, len(FEATURE_NAMES)
        for name, vec in self.vectorizers_.items():
            n = len(vec.vocabulary_)
            out[name] = slice(start, start + n)
            start += n
        return out

    def group_slice(self, prefix: str) -> slice:
        """Columns of all n-gram blocks whose name starts with ``prefix`` (``text``/``anchor``)."""
        spans = [sl for name, sl in self.block_slices().items() if name.startswith(prefix)]
        return slice(spans[0].start, spans[-1].stop)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names: list[str] = list(FEATURE_NAMES)
        for name, vec in self.vectorizers_.items():
            names.extend(f"{name}__{t}" for t in vec.get_feature_names_out())
        return np.asarray(names, dtype=object)

    # Persistence: only stock scikit-learn objects leave this class.
    def state(self) -> dict[str, Any]:
        """Fitted state as stock scikit-learn objects and plain values."""
        return {"params": self.get_params(), "scaler": self.scaler_,
                "vectorizers": self.vectorizers_}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PostVectorizer:
        """Rebuild a fitted vectorizer from :meth:`state`."""
        self = cls(**state["params"])
        self.links_ = LinkFeatures().fit([])
        self.scaler_ = state["scaler"]
        self.vectorizers_ = dict(state["vectorizers"])
        return self

