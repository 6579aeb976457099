"""Hostile input: ``parse_post``, ``extract_links`` and ``score_post`` on anything a stranger posts.

The bound this module states and checks (the batch command is tested elsewhere):

1. Outcome. For any ``str`` or ``bytes`` (also ``bytearray``/``memoryview``) post the three
   functions return a result or raise a documented ``SpamlinksError`` subclass; input of any
   other type raises ``TypeError``. A ``PostScore`` has a finite probability in [0, 1], a label,
   an action, one ``LinkVerdict`` per link, and every link, verdict and reason span lies inside
   ``Post.text`` with ``text[span] == anchor_text``. Scoring the same input twice gives equal
   results, also from 8 threads at once (posts within libxml2's depth limit: see the race).
2. Work is capped by the documented constants, counted rather than timed:
   - at most ``spamlinks.parse.MAX_INPUT_CHARS`` input characters are parsed (``truncated`` is
     set beyond), and the visible text is no longer than the parsed input;
   - at most ``spamlinks.parse.MAX_LINKS`` URLs are analysed per post (calls of
     ``analyse_url`` counted; the rest are counted in ``Post.links_dropped``);
   - at most ``spamlinks.features.MAX_FEATURE_LINKS`` per-link feature rows per post (calls of
     ``link_vector`` counted);
   - a URL over ``MAX_URL_CHARS`` or a host over ``MAX_HOST_CHARS`` is classified ``invalid``.
3. Work grows linearly with the input: for each structure of ``make.SCALING`` the number of
   lines of spamlinks code executed (``sys.settrace``, deterministic) on an input 4x larger is
   under 8x the number on the smaller one (quadratic work gives ~16x). Regular expressions and
   the standard-library tokenizer of the deep-document fallback run in C, so those are CPU-timed
   instead: n and 4n adversarial characters, minimum of interleaved repeats, ratio under 8x.

Every hostile case runs under a ``HANG_GUARD_S`` (60 s) ``SIGALRM`` and a faulthandler dump: a
guard against hangs, never a speed assertion.

Where spamlinks breaks the bound today the test is ``xfail(strict=True)`` with the reason: a
crash in the deep-document fallback, quadratic loops in link extraction, the shared libxml2
error log read across threads, and UTF-16 bytes decoded as windows-1252.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import importlib.util
import json
import math
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spamlinks
from spamlinks import (
    SpamlinksError,
    extract_links,
    lexicon,
    parse,
    parse_post,
    platforms,
    score_post,
)
from spamlinks import linkfeatures as features  # the feature code scoring runs
from spamlinks.domains import MAX_HOST_CHARS, MAX_URL_CHARS, shortener_domains
from spamlinks.features import MAX_FEATURE_LINKS
from spamlinks.parse import MAX_INPUT_CHARS, MAX_LINKS, Post, to_text

# Hypothesis profiles (dev / ci with 2,000 examples / explore) are set in tests/conftest.py.

HANG_GUARD_S = 60
MAKE_PATH = Path(__file__).parent / "fixtures" / "hostile" / "make.py"
_spec = importlib.util.spec_from_file_location("hostile_make", MAKE_PATH)
assert _spec and _spec.loader
make: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

SMALL: dict[str, str | bytes] = make.small_cases()
MEDIUM: dict[str, str | bytes] = make.medium_cases()
SRC_DIR = str(Path(spamlinks.__file__).resolve().parent)
SCHEME_CLASSES = {"web", "mailto", "tel", "javascript", "data", "relative", "fragment", "other",
                  "invalid"}
VERDICTS = {"promotional", "suspicious", "neutral", "trusted", "internal", "non-web"}


# --------------------------------------------------------------------------- helpers


class Hang(BaseException):
    """Raised by the hang guard (a BaseException, so no ``except Exception`` can swallow it)."""


@contextlib.contextmanager
def hang_guard(seconds: int = HANG_GUARD_S) -> Iterator[None]:
    """SIGALRM after ``seconds`` (Python code), faulthandler dump + exit after twice that (C)."""
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s (hang guard, not a speed limit)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    faulthandler.dump_traceback_later(2 * seconds + 30, exit=True)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, old)


class WorkCounter:
    """Counts the capped units of work: URLs analysed, per-link feature rows, posts parsed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        self.posts: list[Post] = []
        real_analyse, real_vector = parse.analyse_url, features.link_vector
        real_parse = spamlinks.scoring.parse_post

        def analyse(*a: Any, **k: Any) -> Any:
            self.counts["analyse_url"] += 1
            return real_analyse(*a, **k)

        def vector(*a: Any, **k: Any) -> Any:
            self.counts["link_vector"] += 1
            return real_vector(*a, **k)

        def parse_and_keep(*a: Any, **k: Any) -> Post:
            post = real_parse(*a, **k)
            self.posts.append(post)
            return post

        monkeypatch.setattr(parse, "analyse_url", analyse)
        monkeypatch.setattr(features, "link_vector", vector)
        monkeypatch.setattr(spamlinks.scoring, "parse_post", parse_and_keep)

    def reset(self) -> None:
        self.counts.clear()
        self.posts.clear()


def check_post(post: Post, html: Any) -> None:
    """The structural half of the bound, for one parsed post."""
    n_in = len(to_text(html))
    assert post.html_chars == n_in
    assert post.truncated == (n_in > MAX_INPUT_CHARS)
    assert len(post.text) <= min(n_in, MAX_INPUT_CHARS)
    assert "\x00" not in post.text
    assert len(post.links) <= MAX_LINKS
    assert post.links_dropped >= 0
    text = post.text
    for i, link in enumerate(post.links):
        a, b = link.span
        assert 0 <= a <= b <= len(text), (link.span, len(text))
        assert text[a:b] == link.anchor_text
        assert link.index == i
        assert link.scheme_class in SCHEME_CLASSES
        assert link.domain is None or link.scheme_class == "web"
        assert len(link.href) <= 2048
        assert 0.0 <= link.position <= 1.0
        if link.scheme_class == "web":
            assert link.host and len(link.host) <= 4 * MAX_HOST_CHARS
        if link.scheme_class not in ("relative", "fragment"):
            assert len(link.url) <= 2 * MAX_URL_CHARS
    for a, b in (*post.quotes, *post.code):
        assert 0 <= a < b <= len(text)


def check_score(score: Any, post: Post) -> None:
    """The outcome half of the bound, for one score and the post it was computed from."""
    text = post.text
    assert isinstance(score.probability, float)
    assert math.isfinite(score.probability) and 0.0 <= score.probability <= 1.0
    assert score.label in {"spam", "ham"}
    assert score.action in {"allow", "review", "block"}
    assert score.truncated == post.truncated
    assert len(score.links) == len(post.links)
    for verdict, link in zip(score.links, post.links, strict=True):
        assert verdict.span == link.span and verdict.anchor_text == link.anchor_text
        a, b = verdict.span
        assert 0 <= a <= b <= len(text) and text[a:b] == verdict.anchor_text
        assert verdict.verdict in VERDICTS
        assert verdict.probability is None or 0.0 <= verdict.probability <= 1.0
        for reason in verdict.reasons:
            assert reason.link == link.index and reason.span == link.span
            assert math.isfinite(reason.weight)
    for reason in score.reasons:
        assert math.isfinite(reason.weight)
        if reason.link is not None:
            assert 0 <= reason.link < len(post.links)
        if reason.span is not None:
            a, b = reason.span
            assert 0 <= a <= b <= len(text)
            assert reason.link is not None and reason.span == post.links[reason.link].span
    json.dumps(score.to_dict())


def score_and_check(html: Any, counter: WorkCounter, **kw: Any) -> tuple[Any, Post] | None:
    """Score ``html`` under the hang guard; check the bound. None if a SpamlinksError was raised."""
    counter.reset()
    with hang_guard():
        try:
            score = score_post(html, **kw)
        except SpamlinksError:
            return None  # a documented outcome
    assert len(counter.posts) == 1
    post = counter.posts[0]
    check_post(post, html)
    check_score(score, post)
    assert counter.counts["analyse_url"] <= MAX_LINKS
    assert counter.counts["link_vector"] <= MAX_FEATURE_LINKS
    return score, post


def hosts(post: Post) -> list[str | None]:
    return [lk.host for lk in post.links]


# --------------------------------------------------------------------------- 1. the corpus

#: Extra expectations for particular cases, on top of the bound.
EXPECT: dict[str, Callable[[Post], bool]] = {
    "empty": lambda p: (p.text == "" and not p.links),
    "whitespace": lambda p: not p.links,
    "script-fake-links": lambda p: hosts(p) == ["real.example.com"],
    "unclosed-comment": lambda p: hosts(p) == ["visible.example.com"],
    "nul-bytes": lambda p: len(p.links) >= 3,
    "invalid-utf8": lambda p: len(p.links) >= 2,
    "latin1-declared": lambda p: hosts(p) == ["latin1.example.com"],
    "quoted-code-links": lambda p: all(lk.in_quote or lk.in_code or lk.in_signature
                                       for lk in p.links),
}


@pytest.mark.parametrize("name", sorted({**SMALL, **MEDIUM}))
def test_small_and_medium_cases_score_within_the_bound(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = {**SMALL, **MEDIUM}[name]
    counter = WorkCounter(monkeypatch)
    for kw in ({}, {"site": "forum.example.org", "platform": "nodebb", "title": "t"},
               {"platform": "reddit", "base_url": "https://forum.example.org/t/1"}):
        score_and_check(html, counter, **kw)
    with hang_guard():
        links = extract_links(html)
        assert links == list(parse_post(html).links)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_expectations_hold(name: str) -> None:
    post = parse_post(SMALL[name])
    check = EXPECT.get(name)
    if check is not None:
        assert check(post), f"{name}: links {hosts(post)}"


@pytest.mark.parametrize("name", sorted(make.HUGE))
def test_huge_cases_score_within_the_bound(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    html = make.HUGE[name]()  # generated here, never committed
    counter = WorkCounter(monkeypatch)
    out = score_and_check(html, counter)
    if out is None:
        return
    score, post = out
    if name in ("links-20k", "bare-links-20k"):
        assert len(post.links) == MAX_LINKS
        assert 0 < post.links_dropped <= 20_000 - MAX_LINKS  # the rest is past the input cap
    if name.startswith("nested-"):  # the README's promise: a link under 100,000 tags is found
        assert [lk.anchor_text for lk in post.links] in (["deep link"], ["deep unclosed"],
                                                          ["quoted deep"])
    if name == "nested-quotes-100k":
        assert post.links[0].in_quote
    if name.startswith("host-70k"):
        assert post.links[0].scheme_class == "invalid" and post.links[0].problem
    if name == "query-100k":  # the anchor is too long; the bare URL is cut at 2,000 characters
        assert post.links[0].scheme_class == "invalid" and post.links[0].problem
    if name == "bare-url-200k":
        assert len(post.links) == 1 and len(post.links[0].href) <= 2048
    if len(to_text(html)) > MAX_INPUT_CHARS:
        assert post.truncated and score.truncated


def test_max_chars_parameter_cuts_the_input() -> None:
    html = make.post_5mb()
    post = parse_post(html, max_chars=10_000)
    assert post.truncated and post.html_chars == len(html) and len(post.text) <= 10_000


@pytest.mark.parametrize("value", [None, 123, 1.5, ["<a href='https://x.io'>x</a>"],
                                   {"html": "<p>x</p>"}, object()])
def test_other_types_raise_type_error(value: object) -> None:
    for fn in (parse_post, extract_links, score_post):
        with pytest.raises(TypeError):
            fn(value)  # type: ignore[operator]


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_bytes_like_inputs_score(wrap: Callable[[bytes], Any],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    counter = WorkCounter(monkeypatch)
    for name in ("invalid-utf8", "latin1-declared", "nul-bytes"):
        data = SMALL[name]
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        score_and_check(wrap(raw), counter)


def test_over_long_urls_and_hosts_are_invalid() -> None:
    post = parse_post(f'<a href="https://{"h" * (MAX_HOST_CHARS + 1)}.com/">h</a>'
                      f'<a href="https://x.com/{"p" * MAX_URL_CHARS}">u</a>')
    assert [lk.scheme_class for lk in post.links] == ["invalid", "invalid"]
    assert all(lk.problem for lk in post.links)


@pytest.mark.parametrize("tail", ["<![ x", "<![<", "<![]"])
def test_deep_document_with_broken_marked_section(tail: str) -> None:
    # Once crashed the old stdlib-tokenizer fallback. '<![' opens a bogus comment that runs to
    # the next '>' (HTML5), which may swallow the anchor's start tag, as it would in a browser.
    html = "<div>" * 2100 + tail + ' <a href="https://after.example.com/">after</a> ok'
    with hang_guard():
        post = parse_post(html)
    assert set(hosts(post)) <= {"after.example.com"}
    assert post.text.endswith("ok")


def test_utf16_bytes_with_bom_keep_their_links() -> None:
    assert hosts(parse_post(SMALL["utf16-bom"])) == ["utf16.example.com"]


# --------------------------------------------------------------------------- 3. linear work


def lines_executed(fn: Callable[[], object], prefix: str = SRC_DIR) -> int:
    """Lines of spamlinks code (files under ``prefix``) executed by ``fn()``: a deterministic
    measure of work."""
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(prefix) else None

    sys.settrace(global_)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


LINEAR_STRUCTURES = ["anchors", "bare-urls", "nested-blocks", "quotes-with-links", "text"]


@pytest.mark.parametrize("structure", LINEAR_STRUCTURES)
def test_work_grows_linearly(structure: str) -> None:
    build = make.SCALING[structure]
    score_post("<p>warm-up <a href='https://x.example.com/'>x</a></p>")
    small, large = build(150), build(600)
    with hang_guard():
        w_small = lines_executed(lambda: score_post(small))
        w_large = lines_executed(lambda: score_post(large))
    assert w_large / w_small < 8, (structure, w_small, w_large)


#: Shapes that were quadratic before spans were indexed (kept as the record of why).
QUADRATIC_BUGS = {
    "url-text-anchors": (
        "was: parse._make_links checks every bare-URL match against every anchor span "
        "(any(x < z and a < y for x, y in anchor_spans)) before the MAX_LINKS cap: anchors whose "
        "text is a URL make it O(n^2); 2 MB of them takes minutes"),
    "quotes-then-bare-urls": (
        "was: parse._in_spans scans every quote/code span for every bare URL: n closed quotes "
        "followed by n bare URLs is O(n^2)"),
    "signatures-then-links": (
        "was: parse._in_spans scans every signature span for every link: n signature elements "
        "followed by n links is O(n^2)"),
}


@pytest.mark.parametrize("structure", sorted(QUADRATIC_BUGS))
def test_link_extraction_work_grows_linearly(structure: str, request: Any) -> None:
    build = make.SCALING[structure]
    parse_post("<p><a href='https://x.example.com/'>x</a></p>")
    small, large = build(500), build(2000)
    parse_py = parse.__file__  # the loops are there; URL analysis would only dilute the ratio
    with hang_guard():
        w_small = lines_executed(lambda: parse_post(small), parse_py)
        w_large = lines_executed(lambda: parse_post(large), parse_py)
    assert w_large / w_small < 8, (structure, w_small, w_large)


def _run_time(fn: Callable[[], object], inner: int) -> float:
    # CPU time of this process, not wall-clock: other processes on a busy machine (a parallel
    # CI job, a benchmark) then cannot make the small or the large input look slower.
    start = time.process_time()
    for _ in range(inner):
        fn()
    return time.process_time() - start


def growth(fn: Callable[[str], object], build: Callable[[int], str], n: int,
           repeats: int = 7) -> float:
    """CPU time on 4n characters / CPU time on n characters: the minimum of ``repeats``
    interleaved measurements of each (so a busy moment hits both), garbage collection off."""
    small, large = build(n), build(4 * n)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        once = _run_time(lambda: fn(small), 1)
        inner = max(1, math.ceil(0.01 / max(once, 1e-7)))  # >= ~10 ms per measurement
        t_small = t_large = math.inf
        for _ in range(repeats):
            t_small = min(t_small, _run_time(lambda: fn(small), inner))
            t_large = min(t_large, _run_time(lambda: fn(large), inner))
    finally:
        if gc_was:
            gc.enable()
    return t_large / t_small


#: Shapes that were quadratic in the old stdlib-tokenizer fallback (now a linear flatten).
FALLBACK_BUGS = {
    "fallback-unmatched-end-tags": (
        "was: in the deep-document fallback, _Builder.end scans the whole open-tag stack for "
        "every end tag (any(t == tag for t, _ in self.stack)): n open tags and n unmatched end "
        "tags are O(n^2)"),
    "fallback-start-tag-runs": (
        "was: the deep-document fallback handed the post to the standard library's HTMLParser, "
        "whose start-tag regex is quadratic on runs of '<a ' (CPython gh-135462 family, "
        "Python 3.11.7 here): 2,100 <div>s and 2 MB of '<a ' never finish"),
}


@pytest.mark.parametrize("structure", sorted(FALLBACK_BUGS))
def test_deep_document_fallback_grows_linearly(structure: str, request: Any) -> None:
    n = 1500 if structure == "fallback-unmatched-end-tags" else 1000
    with hang_guard():  # quadratic gives ~16x here
        ratio = growth(lambda s: parse_post(s), make.FALLBACK_SCALING[structure], n, repeats=3)
    assert ratio < 8, (structure, ratio)


@pytest.mark.slow
@pytest.mark.parametrize("structure", sorted(make.AT_THE_CAP))
def test_full_size_quadratic_inputs_finish(structure: str, request: Any) -> None:
    """The same shapes at the documented input cap finish (each once ran into the hang guard)."""
    html = make.AT_THE_CAP[structure]()
    assert len(html) <= MAX_INPUT_CHARS
    with hang_guard():
        score_post(html)


# --------------------------------------------------------------------------- 2. regexes


def _finditer(p: re.Pattern[str]) -> Callable[[str], object]:
    return lambda s: sum(1 for _ in p.finditer(s))


def _search(p: re.Pattern[str]) -> Callable[[str], object]:
    return p.search


#: (id, pattern, how it is used, adversarial input of about n characters).
REGEX_CASES: list[tuple[str, re.Pattern[str], str, Callable[[int], str]]] = [
    ("parse._SIG_LINE underscores", parse._SIG_LINE, "search", lambda n: "_" * n + "x"),
    ("parse._SIG_LINE dashes", parse._SIG_LINE, "search", lambda n: "--" + " " * n + "x"),
    ("parse._SIG_LINE lines", parse._SIG_LINE, "search", lambda n: "-- x\n" * (n // 5)),
    ("parse._BARE_URL long", parse._BARE_URL, "finditer", lambda n: "http://" + "a" * n),
    ("parse._TAG unclosed", parse._TAG, "finditer", lambda n: "<a " * (n // 3)),
    ("parse._SURROGATE", parse._SURROGATE, "finditer", lambda n: "a\ud800" * (n // 2)),
    ("parse._TAG long", parse._TAG, "finditer", lambda n: "<a " + "x" * n),
    ("parse._BARE_URL www", parse._BARE_URL, "finditer", lambda n: "www." * (n // 4)),
    ("parse._BARE_URL near", parse._BARE_URL, "finditer", lambda n: "http:/" * (n // 6)),
    ("parse._BARE_URL short", parse._BARE_URL, "finditer", lambda n: "http://a " * (n // 9)),
    ("parse._WS run", parse._WS, "finditer", lambda n: " \t\n" * (n // 3) + "x"),
    ("parse._WS many", parse._WS, "finditer", lambda n: "a " * (n // 2)),
    ("parse._NEWLINE", parse._NEWLINE, "finditer", lambda n: "\n" * n),
    ("parse._ESCAPED_MARKUP", parse._ESCAPED_MARKUP, "search", lambda n: "&lt;d" * (n // 5)),
    ("parse._LITERAL_NEWLINES", parse._LITERAL_NEWLINES, "finditer",
     lambda n: "\\r\\" * (n // 4)),
    ("parse._HOST_PATH labels", parse._HOST_PATH, "finditer", lambda n: "a." * (n // 2) + "com/x"),
    ("parse._HOST_PATH long labels", parse._HOST_PATH, "finditer",
     lambda n: ("a" * 60 + ".") * (n // 61)),
    ("parse._HOST_PATH hyphens", parse._HOST_PATH, "finditer", lambda n: "a-" * (n // 2) + ".com/"),
    ("parse._HOST_PATH paths", parse._HOST_PATH, "finditer", lambda n: "x.com/" * (n // 6)),
    ("parse._MARKUP_HINT", parse._MARKUP_HINT, "search", lambda n: "[ur" * (n // 3)),
    ("parse._MD_LINK open parens", parse._MD_LINK, "finditer",
     lambda n: "[a](http://" + "(" * n),
    ("parse._MD_LINK paren pairs", parse._MD_LINK, "finditer",
     lambda n: "[a](http://x" + "(b)" * (n // 3)),
    ("parse._MD_LINK unclosed", parse._MD_LINK, "finditer", lambda n: "[a](" * (n // 4)),
    ("parse._MD_LINK long anchor", parse._MD_LINK, "finditer",
     lambda n: "[" + "a" * n + "](http://x.com)"),
    ("parse._MD_LINK title", parse._MD_LINK, "finditer",
     lambda n: '[a](http://x.com "' + "t" * n),
    ("parse._BB_LINK unclosed", parse._BB_LINK, "finditer",
     lambda n: "[url=http://" + "a" * n),
    ("parse._BB_LINK nested", parse._BB_LINK, "finditer",
     lambda n: "[url]http://" + "[url]" * (n // 5)),
    ("parse._BB_LINK anchors", parse._BB_LINK, "finditer",
     lambda n: "[url=http://x.com]" * (n // 18)),
    ("features._SLUG_SPLIT", features._SLUG_SPLIT, "finditer", lambda n: "a_" * (n // 2)),
    ("features._URLISH dots", features._URLISH, "search", lambda n: ".abcdefg" * (n // 8)),
    ("features._URLISH short", features._URLISH, "search", lambda n: ".a" * (n // 2)),
    ("features._PROMO_PHRASES", features._PROMO_PHRASES, "finditer",
     lambda n: "our compan companies lik " * (n // 25)),
    ("features._DIGIT", features._DIGIT, "finditer", lambda n: "1a" * (n // 2)),
    ("lexicon._WORD", lexicon._WORD, "finditer", lambda n: "a_" * (n // 2)),
    ("lexicon._DOMAIN_COMMERCIAL near", lexicon._DOMAIN_COMMERCIAL, "finditer",
     lambda n: "servic" * (n // 6)),
    ("lexicon._DOMAIN_COMMERCIAL a", lexicon._DOMAIN_COMMERCIAL, "finditer", lambda n: "a" * n),
    ("lexicon._PHONE digits-spaces", lexicon._PHONE, "finditer", lambda n: "1 " * (n // 2)),
    ("lexicon._PHONE groups", lexicon._PHONE, "finditer", lambda n: "12 " * (n // 3) + "x"),
    ("lexicon._PHONE digits", lexicon._PHONE, "finditer", lambda n: "1" * n + "x"),
    ("lexicon._PHONE dashes", lexicon._PHONE, "finditer", lambda n: "12345-" * (n // 6) + "a"),
    ("lexicon._PHONE plus", lexicon._PHONE, "finditer", lambda n: "+1 (12) " * (n // 8)),
    ("lexicon._PHONE_CONTEXT", lexicon._PHONE_CONTEXT, "search",
     lambda n: "call " * (n // 5) + "x" * 30),
    ("lexicon._EMAIL no-at", lexicon._EMAIL, "search", lambda n: "a" * n),
    ("lexicon._EMAIL dots", lexicon._EMAIL, "search", lambda n: "a." * (n // 2)),
    ("lexicon._EMAIL ats", lexicon._EMAIL, "search", lambda n: "a@" * (n // 2)),
    ("lexicon._EMAIL domain", lexicon._EMAIL, "search", lambda n: "x@" + "a-" * (n // 2)),
    ("lexicon._EMAIL no-dot", lexicon._EMAIL, "search", lambda n: "a@b" * (n // 3)),
]
_SIGNAL_BAIT = '<cite>' + "a" * 79 + '<p dir="auto class="s'
for _name, _pats in platforms._COMPILED.items():
    for _i, _p in enumerate(_pats):
        REGEX_CASES.append((f"platforms.{_name}[{_i}]", _p, "search",
                            lambda n: _SIGNAL_BAIT * (n // len(_SIGNAL_BAIT))))

N_REGEX = 25_000  # so the large input is 100,000 characters


@pytest.mark.parametrize("case", REGEX_CASES, ids=[c[0] for c in REGEX_CASES])
def test_regex_has_no_catastrophic_backtracking(case: tuple[Any, ...]) -> None:
    name, pattern, how, build = case
    fn = _finditer(pattern) if how == "finditer" else _search(pattern)
    with hang_guard():
        ratio = growth(fn, build, N_REGEX)
    assert ratio < 8, (name, ratio)


def test_every_module_regex_is_covered() -> None:
    """A regex added to the modules that read post text must get an adversarial case here."""
    covered = {id(c[1]) for c in REGEX_CASES}
    for module in (parse, features, lexicon, platforms):
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                assert id(value) in covered, f"{module.__name__}.{attr} has no adversarial case"


FUNCTION_CASES: list[tuple[str, Callable[[str], object], Callable[[int], str], int]] = [
    ("lexicon.has_phone", lexicon.has_phone, lambda n: "12 34 56 78 90 " * (n // 15), N_REGEX),
    ("lexicon.has_phone context", lexicon.has_phone, lambda n: "call 12 34 56 " * (n // 14),
     N_REGEX),
    ("lexicon.has_email", lexicon.has_email, lambda n: "a" * n, N_REGEX),
    ("lexicon.words", lexicon.words, lambda n: "ab_" * (n // 3), N_REGEX),
    ("lexicon.domain_commercial_words", lexicon.domain_commercial_words,
     lambda n: "cheapessay" * (n // 10), N_REGEX),
    ("features._squash", features._squash, lambda n: "!a" * (n // 2), N_REGEX),
    # URLs: 4n stays under MAX_URL_CHARS, so the whole URL is analysed.
    ("domains.analyse_url query", spamlinks.domains.analyse_url,
     lambda n: "http://x.example.com/p?" + "utm_a=1&" * (n // 8), 2000),
    ("domains.analyse_url path", spamlinks.domains.analyse_url,
     lambda n: "http://x.example.com/" + "%zz/" * (n // 4), 2000),
    ("domains.analyse_url wrapped", spamlinks.domains.analyse_url,
     lambda n: "https://www.google.com/url?q=https://x.example.com/" + "a" * n, 2000),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_text_functions_grow_linearly(case: tuple[Any, ...]) -> None:
    name, fn, build, n = case
    with hang_guard():
        ratio = growth(fn, build, n)
    assert ratio < 8, (name, ratio)


def test_model_analyzers_grow_linearly() -> None:
    """scikit-learn's token_pattern (\\b\\w\\w+\\b) and char_wb n-grams (training), and the
    plain-Python analyzers scoring uses (the anchor document is not capped, so it can be as long
    as the post)."""
    analyzers = [(f"sklearn {name}", vec.build_analyzer())
                 for name, vec in spamlinks.load_model().vectorizer.vectorizers_.items()]
    fast = spamlinks.scoring.default_scorer().model.fast
    analyzers += [(f"scoring {name}", b.analyzer) for name, b in fast.blocks.items()]
    for name, analyzer in analyzers:
        with hang_guard():
            ratio = growth(analyzer, lambda n: "a1 _x " * (n // 6), N_REGEX)
        assert ratio < 8, (name, ratio)


def test_keyword_lists_are_matched_in_one_pass() -> None:
    # Word lists are hash sets: one lookup per token, whatever their size.
    for words in (lexicon.COMMERCIAL_WORDS, lexicon.GENERIC_ANCHORS, lexicon.REFERENCE_DOMAINS,
                  lexicon.CHEAP_SUFFIXES, spamlinks.domains._TRACKING_EXACT,
                  shortener_domains()):
        assert isinstance(words, frozenset)
    # Commercial words inside squashed domain names: one compiled alternation, longest first.
    pattern = lexicon._DOMAIN_COMMERCIAL
    alternatives = pattern.pattern.split("|")
    expected = {w for w in lexicon.COMMERCIAL_WORDS if len(w) >= 4 and w.isascii()}
    assert {re.sub(r"\\(.)", r"\1", a) for a in alternatives} == expected
    assert [len(a) for a in alternatives] == sorted((len(a) for a in alternatives), reverse=True)
    assert lexicon.domain_commercial_words("cheapessaywriting") == 3
    # Promotional phrases and phone context words: one alternation each.
    assert isinstance(features._PROMO_PHRASES, re.Pattern)
    assert isinstance(lexicon._PHONE_CONTEXT, re.Pattern)


# --------------------------------------------------------------------------- 3. properties

HOSTILE_BITS = [
    "&amp;", "&#x0;", "&#xD800;", "&#x110000;", "&bogus", "\x00", "\ud800", "\u202e", "\ufeff",
    "<!--", "-->", "]]>", "<![CDATA[", "<?php", "<!DOCTYPE html>", "<base href='file:///'>",
    "<script>", "</script>", "<style>", "<svg>", "<q>", "</q>", "<blockquote>", "</blockquote>",
    '<div class="signature">', '<aside class="quote">', "<pre><code>", "</code></pre>",
    "\n--\n", "https://bare.example.com/p?utm_source=x", "www.bare.example", "+1 800 555 0199",
    "sales@example.com", "\\r\\n", "&lt;a href=&quot;https://esc.example.com&quot;&gt;x&lt;/a&gt;",
]
TAGS = ["a", "p", "div", "blockquote", "code", "pre", "span", "img", "br", "script", "aside", "b",
        "q", "li", "table", "td", "svg", "template", "base", "cite"]
HREFS = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "https://v.io/x", "http://[::1", "mailto:x@y", "javascript:alert(1)", "//a.b", "%zz",
        "https://www.google.com/url?q=https://z.io", "http://аpple.com", "http://e.com:999999",
        "data:text/html,<a href=x>", "file:///etc/passwd", "https://xn--pple-43d.com/",
        "https://bit.ly/a?utm_source=x&ref=y", "http://127.0.0.1:8080/", "java\tscript:x",
        "https://\u202eevil.example.com/", "http://" + "a" * 300 + ".com/", "#", "?q", "/rel",
    ]),
)
_CORPUS_TEXT = [v for v in SMALL.values() if isinstance(v, str) and v]


@st.composite
def hostile_html(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 20))):
        kind = draw(st.integers(0, 6))
        if kind == 0:
            parts.append(draw(st.text(max_size=30)))
        elif kind == 1:
            attrs = draw(st.sampled_from(["", ' class="quote"', ' class="sig"', ' dir="rtl"',
                                          ' href="https://x.example.com/"', " alt='a b'"]))
            parts.append(f"<{draw(st.sampled_from(TAGS))}{attrs}>")
        elif kind == 2:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 3:
            href = draw(HREFS).replace('"', "&quot;")
            rel = draw(st.sampled_from(["", ' rel="nofollow ugc"', ' rel="SPONSORED"']))
            parts.append(f'<a href="{href}"{rel}>{draw(st.text(max_size=20))}</a>')
        elif kind == 4:
            parts.append(draw(st.sampled_from(HOSTILE_BITS)))
        elif kind == 5:
            doc = draw(st.sampled_from(_CORPUS_TEXT))
            a = draw(st.integers(0, len(doc)))
            parts.append(doc[a:a + draw(st.integers(0, 200))])
        else:
            parts.append(draw(st.text(alphabet="<>/=\"' &;#!-[]", max_size=12)))
    return "".join(parts)


KWARGS = st.fixed_dictionaries({
    "site": st.sampled_from([None, "forum.example.org", "http://[::1", "x"]),
    "platform": st.sampled_from([None, "nodebb", "reddit", "phpbb", "discourse", "?"]),
    "title": st.sampled_from([None, "", "Best cheap essay writing service?"]),
    "base_url": st.sampled_from([None, "https://forum.example.org/t/1/", "%zz", "file:///"]),
})


def _score_twice(html: Any, kw: dict[str, Any]) -> None:
    scorer = spamlinks.scoring.default_scorer()
    try:
        post = scorer.parse(html, **kw)
        first = scorer.score_parsed([post])[0]
        again = score_post(html, **kw)
    except SpamlinksError:
        return
    check_post(post, html)
    check_score(first, post)
    assert again == first  # deterministic (score_post itself is checked by the corpus tests)


@given(hostile_html(), KWARGS)
def test_score_post_properties(html: str, kw: dict[str, Any]) -> None:
    _score_twice(html, kw)


@given(st.binary(max_size=400))
def test_score_post_properties_on_bytes(data: bytes) -> None:
    _score_twice(data, {})


@settings(max_examples=max(10, settings.default.max_examples // 10))
@given(hostile_html())
def test_score_post_properties_past_the_depth_limit(html: str) -> None:
    _score_twice(make.DEEP_PREFIX + html, {})


# --------------------------------------------------------------------------- 5. threads

#: Every case shallower than libxml2's depth limit (the fallback has a race: see below); of the
#: medium cases, the structural ones (the link-heavy ones only add time).
THREAD_CORPUS = {**SMALL, **{k: v for k, v in MEDIUM.items()
                             if k in ("nested-quotes-1500", "nested-divs-2000", "links-300")}}


def test_eight_threads_score_like_one() -> None:
    names = sorted(THREAD_CORPUS)
    expected = {n: score_post(THREAD_CORPUS[n]) for n in names}
    scorer = spamlinks.Scorer()  # a fresh scorer: its lazy model load races too
    errors: list[BaseException] = []
    mismatches: list[str] = []
    barrier = threading.Barrier(8)

    def work(seed: int) -> None:
        order = names * 2
        random.Random(seed).shuffle(order)
        try:
            barrier.wait()
            for n in order:
                if scorer.score_post(THREAD_CORPUS[n]) != expected[n]:
                    mismatches.append(n)
        except BaseException as exc:  # reported below
            errors.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)  # more interleavings
    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors
    assert not mismatches, Counter(mismatches)


def test_depth_fallback_survives_a_concurrent_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "<div>" * 3000 + '<a href="https://deep.example.com/">deep</a>'
    assert hosts(parse_post(deep)) == ["deep.example.com"]  # alone, the fallback works
    real = parse.etree
    injected: list[bool] = []

    class PreemptedAfterParse:
        """lxml.etree, except that another thread parses right after this one returns."""

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def fromstring(self, data: bytes, parser: Any) -> Any:
            root = real.fromstring(data, parser)
            if not injected:
                injected.append(True)
                other = threading.Thread(target=parse_post, args=("<p>short post</p>",))
                other.start()
                other.join()
            return root

    monkeypatch.setattr(parse, "etree", PreemptedAfterParse())
    assert hosts(parse_post(deep)) == ["deep.example.com"]
