"""Plain-Python equivalents of scikit-learn's ``word`` and ``char_wb`` analyzers.

scikit-learn's ``build_analyzer()`` chains several small calls per document; for one short
document that overhead costs more than the tokenising itself. These functions give the same
n-grams in the same order (``tests/test_ngrams.py`` checks them against scikit-learn on
arbitrary text) for the settings spamlinks trains with: lower-casing, no accent stripping, no
stop words, no custom preprocessor or tokenizer. :func:`analyzer_for` falls back to
scikit-learn's own analyzer for anything else. No scikit-learn import here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import Any

#: scikit-learn's default ``token_pattern``.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
# The same tokens, found about twice as fast: a greedy run of 2+ word characters starts and
# ends at word boundaries by itself, and a 1-character run never matches.
_TOKEN = re.compile(r"\w\w+")

Analyzer = Callable[[str], list[str]]


def word_ngrams(doc: str, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """Word n-grams of ``doc`` as ``TfidfVectorizer(analyzer="word")`` makes them: all
    n-grams of the shortest length first, then the next length, each joined by one space."""
    tokens = _TOKEN.findall(doc.lower())
    min_n, max_n = ngram_range
    out = tokens[:] if min_n == 1 else []
    if max_n == 2 and min_n <= 2:  # the usual (1, 2): the pairs in one pass
        out.extend(map(" ".join, pairwise(tokens)))
        return out
    for n in range(max(min_n, 2), max_n + 1):
        # zip of n shifted views (shorter ones end it) = every run of n tokens, in order.
        out.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
    return out


def char_wb_ngrams(doc: str, ngram_range: tuple[int, int] = (2, 4)) -> list[str]:
    """Character n-grams inside words padded with one space, as ``analyzer="char_wb"``."""
    min_n, max_n = ngram_range
    out: list[str] = []
    append = out.append
    # Plain nested loops: anchors are a few short words, and per-call overhead (comprehensions,
    # map/slice objects) costs more than the slicing itself.
    for word in doc.lower().split():
        w = f" {word} "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            if w_len <= n:  # the whole padded word, once; longer n would repeat it
                append(w)
                break
            for i in range(w_len - n + 1):
                append(w[i:i + n])
    return out


def _stock(vectorizer: Any) -> bool:
    """Settings under which :func:`word_ngrams` / :func:`char_wb_ngrams` are exact."""
    p = vectorizer.get_params()
    return (p["input"] == "content" and p["lowercase"] is True and p["preprocessor"] is None
            and p["tokenizer"] is None and p["stop_words"] is None
            and p["strip_accents"] is None
            and (p["analyzer"] == "char_wb"
                 or (p["analyzer"] == "word" and p["token_pattern"] == TOKEN_PATTERN)))


def analyzer_for(vectorizer: Any) -> Analyzer:
    """The fast analyzer equivalent to ``vectorizer.build_analyzer()`` (that one otherwise)."""
    if not _stock(vectorizer):
        return vectorizer.build_analyzer()
    ngram_range = tuple(vectorizer.ngram_range)
    if vectorizer.analyzer == "word":
        return partial(word_ngrams, ngram_range=ngram_range)
    return partial(char_wb_ngrams, ngram_range=ngram_range)
