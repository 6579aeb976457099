"""Near-duplicate detection by word-shingle Jaccard similarity.

Used to measure the corpus's variety and to group near-duplicates so that a train/test
split can never put two near-copies on opposite sides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

_TAG = re.compile(r"<[^>]{0,2000}>")
_WORD = re.compile(r"\w+")

#: Shingle width (words) and the similarity at which two posts count as near-duplicates.
SHINGLE = 5
THRESHOLD = 0.8


def _words(html: str) -> list[str]:
    return _WORD.findall(_TAG.sub(" ", html).lower())


def _shingles(html: str, k: int = SHINGLE) -> list[str]:
    words = _words(html)
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def jaccard_matrix(htmls: Sequence[str], k: int = SHINGLE) -> sparse.csr_matrix:
    """Sparse matrix of pairwise shingle-set Jaccard similarities (diagonal zeroed)."""
    vec = HashingVectorizer(
        analyzer=lambda doc: _shingles(doc, k), n_features=2**24, alternate_sign=False,
        norm=None, binary=True,
    )
    x = vec.transform(htmls).tocsr()
    x.data[:] = 1.0
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    mask = inter.row != inter.col
    r, c, v = inter.row[mask], inter.col[mask], inter.data[mask]
    union = sizes[r] + sizes[c] - v
    sim = np.divide(v, union, out=np.zeros_like(v, dtype=float), where=union > 0)
    return sparse.csr_matrix((sim, (r, c)), shape=(len(htmls), len(htmls)))


def near_duplicate_pairs(
    htmls: Sequence[str], threshold: float = THRESHOLD, k: int = SHINGLE
) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, similarity)`` with ``i < j`` and similarity ≥ ``threshold``."""
    sim = jaccard_matrix(htmls, k).tocoo()
    keep = (sim.row < sim.col) & (sim.data >= threshold)
    rows, cols, sims = sim.row[keep].tolist(), sim.col[keep].tolist(), sim.data[keep].tolist()
    return sorted(zip(rows, cols, sims, strict=True))


def near_duplicate_rate(htmls: Sequence[str], threshold: float = THRESHOLD) -> float:
    """Share of posts that have at least one near-duplicate elsewhere in the collection."""
    if not htmls:
        return 0.0
    involved = {i for i, j, _ in near_duplicate_pairs(htmls, threshold) for i in (i, j)}
    return len(involved) / len(htmls)


def duplicate_groups(htmls: Sequence[str], threshold: float = 0.5) -> np.ndarray:
    """A group id per post: connected components of the "similarity ≥ threshold" graph."""
    sim = jaccard_matrix(htmls)
    adj = sim >= threshold
    _, labels = sparse.csgraph.connected_components(adj, directed=False)
    return labels
