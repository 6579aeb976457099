"""The fast analyzers of :mod:`spamlinks.ngrams` give exactly scikit-learn's n-grams."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from spamlinks.model import load_model
from spamlinks.ngrams import analyzer_for, char_wb_ngrams, word_ngrams
from spamlinks.scoring import default_scorer

#: Each analyzer setting the shipped model and PostVectorizer use, and a few others.
SETTINGS: list[dict[str, Any]] = [
    {"ngram_range": (1, 2)},
    {"ngram_range": (1, 1)},
    {"ngram_range": (2, 3)},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"analyzer": "char_wb", "ngram_range": (3, 5)},
    {"analyzer": "char_wb", "ngram_range": (1, 1)},
]
# Any unicode, plus the characters where tokenising could go wrong: unicode whitespace and
# digits, underscores, combining marks, letters whose lower case is longer (İ), surrogates.
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("aB1_ \t\n\u00a0\u2003\u3000\x1c\x85İẞΣς\u0301é.-'")),
            max_size=120),
)


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: f"{p.get('analyzer', 'word')}"
                         f"{p['ngram_range']}")
@given(doc=TEXT)
@example(doc="")
@example(doc="  a  bb\u00a0ccc \n dddd ")
@example(doc="İstanbul ΣΊΣΥΦΟΣ straße _a_ __ a1")
def test_fast_analyzer_equals_sklearn(params: dict[str, Any], doc: str) -> None:
    vec = TfidfVectorizer(**params)
    assert analyzer_for(vec)(doc) == vec.build_analyzer()(doc)


def test_shipped_model_uses_the_fast_analyzers() -> None:
    # scoring's analyzers come from scoring.json's settings: the same n-grams as scikit-learn's
    scoring = default_scorer().model.fast.blocks
    doc = "Best SEO services — hire the top agency: https://cheap-seo.example.com/"
    for name, vec in load_model().vectorizer.vectorizers_.items():
        fast = analyzer_for(vec)
        assert getattr(fast, "func", None) in (word_ngrams, char_wb_ngrams), name
        assert fast(doc) == vec.build_analyzer()(doc)
        assert scoring[name].analyzer(doc) == vec.build_analyzer()(doc), name


@pytest.mark.parametrize("params", [
    {"stop_words": "english"}, {"lowercase": False}, {"strip_accents": "unicode"},
    {"token_pattern": r"\w+"}, {"analyzer": "char"}, {"preprocessor": str.upper},
], ids=str)
def test_other_settings_fall_back_to_sklearn(params: dict[str, Any]) -> None:
    vec = TfidfVectorizer(**params)
    doc = "The Café's ÉLAN and the cafe"
    assert analyzer_for(vec)(doc) == vec.build_analyzer()(doc)
    assert getattr(analyzer_for(vec), "func", None) not in (word_ngrams, char_wb_ngrams)
