"""Shortcuts taken around regexes for speed change no result: lookaheads accept exactly the
characters that can start a match of the rest of the pattern, the whitespace regex is
only skipped for text it would leave unchanged, and the regexes replaced by cheaper code
(squashing text to ``a-z0-9``, the n-gram tokenizer) give what they gave."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from spamlinks import lexicon
from spamlinks import linkfeatures as features

PROMO_LOOKAHEAD = r"(?=[acdfghioprstvw])"
PHONE_LOOKAHEAD = r"(?=[+(\d])"
PHRASES = ["we offer", "our team", "contact us", "visit our", "call us", "WhatsApp", "dm me",
           "check out", "I recommend", "hire", "firms like", "İ recommend", "ſervices like"]


def _without(pattern: re.Pattern[str], lookahead: str) -> re.Pattern[str]:
    assert lookahead in pattern.pattern
    return re.compile(pattern.pattern.replace(lookahead, "", 1), pattern.flags)


def test_promo_lookahead_accepts_exactly_the_phrases_first_letters() -> None:
    body = _without(features._PROMO_PHRASES, PROMO_LOOKAHEAD).pattern
    # First letters of the top-level alternatives of \b(?:...|...)\b.
    inner = body[len(r"\b(?:"):-len(r")\b")]
    firsts, depth = {inner[0]}, 0
    for i, ch in enumerate(inner):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            firsts.add(inner[i + 1])
    assert firsts == set("acdfghioprstvw")
    lookahead = re.compile(PROMO_LOOKAHEAD, re.I)
    letters = [re.compile(c, re.I) for c in sorted(firsts)]
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        assert bool(lookahead.match(c)) == any(p.match(c) for p in letters), hex(cp)


def test_phone_lookahead_accepts_what_can_start_a_phone_number() -> None:
    lookahead = re.compile(PHONE_LOOKAHEAD)
    digit = re.compile(r"\d")
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        assert bool(lookahead.match(c)) == (c in "+(" or bool(digit.match(c))), hex(cp)


TEXT = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=12),
                          st.sampled_from(["+1 800 555 0199", "(020) 7946 0958", " ", "."])),
                max_size=12).map("".join)


@given(TEXT)
def test_prefiltered_regexes_find_the_same_matches(text: str) -> None:
    for pattern, lookahead in ((features._PROMO_PHRASES, PROMO_LOOKAHEAD),
                               (lexicon._PHONE, PHONE_LOOKAHEAD)):
        plain = _without(pattern, lookahead)
        assert [m.span() for m in pattern.finditer(text)] == \
            [m.span() for m in plain.finditer(text)]


def test_only_space_is_printable_whitespace() -> None:
    # _Builder.data skips its whitespace regex for printable text without a double space.
    from spamlinks.parse import _WS

    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if _WS.fullmatch(c) and c != " ":
            assert not c.isprintable(), hex(cp)


ODD_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("aZ09_- .\u212a\u0130\u0131\u017f\ud800é€ß")),
            max_size=60),
)


@given(ODD_TEXT)
def test_squash_is_the_regex_substitution(text: str) -> None:
    assert features._squash(text) == re.sub(r"[^a-z0-9]", "", text.lower())
    assert features._only_alnum(text) == re.sub(r"[^a-z0-9]", "", text)


@given(ODD_TEXT)
def test_token_regex_finds_scikit_learns_tokens(text: str) -> None:
    from spamlinks.ngrams import _TOKEN, TOKEN_PATTERN

    assert _TOKEN.findall(text) == re.findall(TOKEN_PATTERN, text)
