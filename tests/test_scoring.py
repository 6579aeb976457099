"""Scoring: the seed post, legitimate posts, spans, Scorer configuration, batches, threads, junk.

Nothing here copies a model output: every assertion is a property the scorer documents (or a
project floor), so each test fails when that behaviour breaks, whatever the model's weights.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import spamlinks.scoring as scoring
from conftest import SEED
from spamlinks import MAX_INPUT_CHARS, parse_post
from spamlinks.datasets import load_corpus
from spamlinks.parse import MAX_LINKS
from spamlinks.scoring import LinkVerdict, PostScore, Reason, Scorer, score_post, score_posts
from spamlinks.sources import read_source

ACTIONS = ("allow", "review", "block")
RANK = {a: i for i, a in enumerate(ACTIONS)}
LABELS = {"spam", "ham"}
VERDICTS = {"promotional", "suspicious", "neutral", "trusted", "internal", "non-web"}
NODEBB_REL = 'target="_blank" rel="noopener noreferrer nofollow ugc"'

#: Legitimate posts in NodeBB markup, written for these tests: each links a reference site.
LEGIT_POSTS = {
    "python-json-docs": (
        '<p dir="auto">I keep getting <code>TypeError: Object of type datetime is not JSON '
        "serializable</code> when I dump my config. What is the usual way around this?</p>\n"
        '<p dir="auto">Edit: found it. The <a href="https://docs.python.org/3/library/json.html'
        f'#json.JSONEncoder.default" {NODEBB_REL}>json.JSONEncoder.default</a> section shows '
        "how to subclass the encoder, so I now convert datetimes with isoformat() there.</p>\n"
    ),
    "github-issue": (
        '<p dir="auto">This looks like the same crash as the one tracked upstream in '
        '<a href="https://github.com/psf/requests/issues/6432" '
        f"{NODEBB_REL}>psf/requests#6432</a>. Pinning urllib3 to the previous minor "
        "version made it go away for me until a fix is released.</p>\n"
        '<p dir="auto">Can you post the full traceback and your versions of requests and '
        "urllib3 so we can confirm it is the same thing?</p>\n"
    ),
    "postgres-docs": (
        '<p dir="auto">Thanks, that worked. For anyone finding this later: the index was not '
        "used because the column was compared to a text literal, so the planner had to cast "
        "every row.</p>\n"
        '<p dir="auto">The <a href="https://www.postgresql.org/docs/current/'
        f'indexes-expressional.html" {NODEBB_REL}>PostgreSQL page on indexes on '
        "expressions</a> explains it better than I can.</p>\n"
    ),
    "mdn-and-rfc": (
        '<p dir="auto">Browsers will not send the cookie cross-site unless it is marked '
        '<code>SameSite=None; Secure</code>. See <a href="https://developer.mozilla.org/en-US/'
        f'docs/Web/HTTP/Headers/Set-Cookie" {NODEBB_REL}>Set-Cookie on MDN</a> and section '
        '5.4 of <a href="https://www.rfc-editor.org/rfc/rfc6265" '
        f"{NODEBB_REL}>RFC 6265</a>.</p>\n"
        '<p dir="auto">Which browser and version are you testing with?</p>\n'
    ),
}

#: A short benign post with one link to a given URL (for site/allow/deny tests).
BENIGN = (
    '<p dir="auto">I had the same question last week. This page answered it for me: '
    '<a href="{url}" ' + NODEBB_REL + ">{anchor}</a>.</p>\n"
)


def _html(url: str, anchor: str = "this page") -> str:
    return BENIGN.format(url=url, anchor=anchor)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    s = Scorer()
    s.model  # noqa: B018  (load once, outside any timing or threading)
    return s


@pytest.fixture(scope="module")
def corpus_rows() -> list:
    return load_corpus()


@pytest.fixture(scope="module")
def sample_rows(corpus_rows: list) -> list:
    """About 120 corpus posts of both labels spread over every part of the corpus."""
    return corpus_rows[:: max(1, len(corpus_rows) // 120)]


def _check_score_shape(s: PostScore) -> None:
    assert isinstance(s, PostScore)
    assert isinstance(s.probability, float)
    assert math.isfinite(s.probability) and 0.0 <= s.probability <= 1.0
    assert s.label in LABELS
    assert s.action in ACTIONS
    for v in s.links:
        assert v.verdict in VERDICTS
        assert v.probability is None or 0.0 <= v.probability <= 1.0


def _vendor_index(s: PostScore, domain: str) -> int:
    hits = [i for i, v in enumerate(s.links) if v.domain == domain]
    assert hits, f"no link to {domain} in {[v.url for v in s.links]}"
    return hits[0]


# --------------------------------------------------------------------------- the seed post


def test_seed_post_is_spam(seed_html: str) -> None:
    s = score_post(seed_html)
    _check_score_shape(s)
    assert s.label == "spam"
    assert s.action in {"review", "block"}


def test_seed_reasons_point_at_the_vendor_link(seed_html: str) -> None:
    s = score_post(seed_html)
    i = _vendor_index(s, "appinventiv.com")
    assert any(r.link == i for r in s.reasons), s.reasons
    vendor = s.links[i]
    assert vendor.verdict in {"promotional", "suspicious"}
    assert vendor.probability is not None
    others = [v.probability for j, v in enumerate(s.links) if j != i and v.probability is not None]
    assert all(vendor.probability >= p for p in others)


def test_seed_post_is_blocked(seed_html: str) -> None:
    assert score_post(seed_html).action == "block"
    # Also as the forum would call it, with its site, platform and thread title (as the batch
    # command's RSS reader finds them).
    (record,) = read_source(str(SEED))
    full = score_post(record.html, site=record.site, platform=record.platform,
                      title=record.title)
    assert full.action == "block"
    assert full.links[0].domain == "appinventiv.com"
    assert full.links[0].verdict == "promotional"


# --------------------------------------------------------------------------- legitimate posts


@pytest.mark.parametrize("name", sorted(LEGIT_POSTS))
def test_legitimate_docs_post_is_allowed(name: str) -> None:
    s = score_post(LEGIT_POSTS[name])
    _check_score_shape(s)
    assert s.links, "the post's links were not found"
    assert (s.label, s.action) == ("ham", "allow"), (s.probability, s.reasons)
    assert all(v.verdict not in {"promotional", "suspicious"} for v in s.links)


# --------------------------------------------------------------------------- spans


def _span_posts(seed_html: str, sample_rows: list) -> list[str]:
    return [seed_html, *LEGIT_POSTS.values(), *(r.html for r in sample_rows[:40])]


def test_reason_and_verdict_spans_point_into_the_post_text(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    checked = 0
    for html in _span_posts(seed_html, sample_rows):
        post = parse_post(html)
        s = scorer.score_post(html)
        assert len(s.links) == len(post.links)
        for v, lk in zip(s.links, post.links, strict=True):
            a, b = v.span
            assert 0 <= a <= b <= len(post.text)
            assert v.span == lk.span
            assert post.text[a:b] == v.anchor_text == lk.anchor_text
            for r in v.reasons:
                assert r.span == v.span
        for r in s.reasons:
            if r.link is not None:
                assert 0 <= r.link < len(s.links)
            if r.span is None:
                continue
            a, b = r.span
            assert 0 <= a <= b <= len(post.text), (r, len(post.text))
            if r.link is not None:
                assert r.span == s.links[r.link].span
            checked += 1
    assert checked, "no reason carried a span: the check proved nothing"


# --------------------------------------------------------------------------- value semantics


def test_post_score_is_frozen(seed_html: str) -> None:
    s = score_post(seed_html)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.probability = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.action = "allow"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.links[0].verdict = "trusted"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.reasons[0].weight = 0.0  # type: ignore[misc]
    assert isinstance(s.reasons, tuple) and isinstance(s.links, tuple)
    assert all(isinstance(r, Reason) for r in s.reasons)
    assert all(isinstance(v, LinkVerdict) for v in s.links)
    hash(s.links[0].span)


def test_to_dict_is_json_serialisable(seed_html: str) -> None:
    s = score_post(seed_html)
    for d in (s.to_dict(), dataclasses.asdict(s)):
        text = json.dumps(d, allow_nan=False)
        back = json.loads(text)
        assert back["probability"] == s.probability
        assert (back["label"], back["action"], back["model_id"]) == (s.label, s.action,
                                                                     s.model_id)
        assert [v["url"] for v in back["links"]] == [v.url for v in s.links]
        assert [r["code"] for r in back["reasons"]] == [r.code for r in s.reasons]


# --------------------------------------------------------------------------- Scorer: site


def test_site_links_are_internal(scorer: Scorer) -> None:
    html = _html("https://forum.example.org/topic/123/caching-question", "that older thread")
    assert scorer.score_post(html).links[0].verdict != "internal"
    s = Scorer(site="forum.example.org", model=scorer.model).score_post(html)
    assert s.links[0].verdict == "internal"
    assert s.links[0].probability is None
    # ...and the same scorer still judges other sites' links.
    other = Scorer(site="forum.example.org", model=scorer.model).score_post(
        _html("https://docs.python.org/3/library/functools.html", "functools docs"))
    assert other.links[0].verdict != "internal"


# --------------------------------------------------------------------------- Scorer: allow list


def test_allow_list_marks_the_link_trusted(seed_html: str, scorer: Scorer) -> None:
    plain = scorer.score_post(seed_html)
    i = _vendor_index(plain, "appinventiv.com")
    allowed = Scorer(allow_domains=["appinventiv.com"], model=scorer.model).score_post(seed_html)
    assert allowed.links[i].verdict == "trusted"
    assert not any(r.code == "denied-domain" for r in allowed.reasons)
    # Entries are normalised: case, "*." prefixes and URLs name the same domain.
    for entry in ("AppInventiv.COM", "*.appinventiv.com", "https://appinventiv.com/blog/"):
        s = Scorer(allow_domains=[entry], model=scorer.model).score_post(seed_html)
        assert s.links[i].verdict == "trusted", entry


def _external_domains(post) -> list[str]:
    return sorted({lk.domain for lk in post.links if lk.is_external and lk.domain})


def test_allow_list_never_makes_the_action_stricter(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    checked = 0
    for html, kw in [(seed_html, {}), *((r.html, {"site": r.site, "platform": r.platform,
                                                   "title": r.title}) for r in sample_rows)]:
        doms = _external_domains(scorer.parse(html, **kw))
        if not doms:
            continue
        before = scorer.score_post(html, **kw)
        after = Scorer(allow_domains=doms, model=scorer.model).score_post(html, **kw)
        assert RANK[after.action] <= RANK[before.action], (doms, before.action, after.action)
        checked += 1
    assert checked >= 50


def test_allow_list_never_makes_a_post_allow_on_its_own(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    flipped = []
    for html in [seed_html, *(r.html for r in sample_rows if r.label == "spam")]:
        before = scorer.score_post(html)
        doms = _external_domains(scorer.parse(html))
        if before.action == "allow" or not doms:
            continue
        after = Scorer(allow_domains=doms, model=scorer.model).score_post(html)
        if after.action == "allow":
            flipped.append((doms, before.action, round(after.probability, 4)))
    assert not flipped, flipped


# --------------------------------------------------------------------------- Scorer: deny list


def test_deny_list_blocks_and_names_the_domain(scorer: Scorer) -> None:
    html = LEGIT_POSTS["python-json-docs"]
    assert scorer.score_post(html).action == "allow"  # the model alone lets it through
    s = Scorer(deny_domains=["python.org"], model=scorer.model).score_post(html)
    assert (s.label, s.action) == ("spam", "block")
    denied = [r for r in s.reasons if r.code == "denied-domain"]
    assert denied and "python.org" in denied[0].message
    i = _vendor_index(s, "python.org")
    assert denied[0].link == i and denied[0].span == s.links[i].span
    assert s.links[i].verdict == "promotional"
    assert s.links[i].reasons[0].code == "denied-domain"


@pytest.mark.parametrize(("entry", "url", "hit"), [
    ("vendor-example.com", "https://vendor-example.com/p", True),
    ("vendor-example.com", "https://www.vendor-example.com/p", True),
    ("vendor-example.com", "https://a.b.vendor-example.com/p", True),
    ("*.vendor-example.com", "https://shop.vendor-example.com/p", True),
    ("Vendor-Example.COM.", "https://shop.vendor-example.com/p", True),
    ("blog.vendor-example.com", "https://x.blog.vendor-example.com/p", True),
    ("blog.vendor-example.com", "https://blog.vendor-example.com/p", True),
    ("blog.vendor-example.com", "https://vendor-example.com/p", False),
    ("blog.vendor-example.com", "https://notblog.vendor-example.com/p", False),
    ("vendor-example.com", "https://badvendor-example.com/p", False),
    ("vendor-example.com", "https://vendor-example.com.evil.net/p", False),
])
def test_deny_list_matches_domains_and_subdomains(
    entry: str, url: str, hit: bool, scorer: Scorer
) -> None:
    s = Scorer(deny_domains=[entry], model=scorer.model).score_post(_html(url))
    denied = [r for r in s.reasons if r.code == "denied-domain"]
    assert bool(denied) is hit, (entry, url, s.reasons[:2])
    if hit:
        assert s.action == "block"


def test_lists_are_scoped_per_scorer(scorer: Scorer) -> None:
    html = _html("https://vendor-example.com/p")
    denying = Scorer(deny_domains=["vendor-example.com"], model=scorer.model)
    allowing = Scorer(allow_domains=["vendor-example.com"], model=scorer.model)
    assert denying.score_post(html).action == "block"
    assert allowing.score_post(html).links[0].verdict == "trusted"
    for other in (scorer, Scorer(model=scorer.model)):
        s = other.score_post(html)
        assert not any(r.code == "denied-domain" for r in s.reasons)
        assert s.links[0].verdict != "trusted"
    assert not any(r.code == "denied-domain" for r in score_post(html).reasons)
    assert scorer.deny_domains == frozenset() and scorer.allow_domains == frozenset()


# --------------------------------------------------------------------------- batches


def _mixed_items(seed_html: str, rows: list) -> list:
    items: list = [seed_html, LEGIT_POSTS["github-issue"].encode("utf-8")]
    for i, r in enumerate(rows):
        if i % 2:
            items.append(r.html)
        else:
            items.append({"html": r.html, "site": r.site, "platform": r.platform,
                          "title": r.title})
    return items


def _one_by_one(s: Scorer, items: list) -> list[PostScore]:
    out = []
    for it in items:
        if isinstance(it, dict):
            out.append(s.score_post(it["html"], site=it.get("site"),
                                    platform=it.get("platform"), title=it.get("title")))
        else:
            out.append(s.score_post(it))
    return out


def _assert_same(batch: list[PostScore], single: list[PostScore], tol: float) -> None:
    assert len(batch) == len(single)
    for k, (a, b) in enumerate(zip(batch, single, strict=True)):
        assert abs(a.probability - b.probability) <= tol, (k, a.probability, b.probability)
        assert (a.label, a.action) == (b.label, b.action), k
        assert [v.url for v in a.links] == [v.url for v in b.links], k


def test_score_posts_small_mixed_batch_equals_score_post(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    items = _mixed_items(seed_html, sample_rows[:4])  # fewer than 8: the arithmetic path
    batch = scorer.score_posts(items)
    _assert_same(batch, _one_by_one(scorer, items), 1e-9)


def test_score_posts_large_mixed_batch_matches_score_post(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    items = _mixed_items(seed_html, sample_rows)  # the vectorised (sparse) path
    batch = scorer.score_posts(items)
    _assert_same(batch, _one_by_one(scorer, items), 1e-6)
    # module-level helpers use the default scorer and agree too
    _assert_same(score_posts(items[:3]), [score_post(items[0]), score_post(items[1]),
                                          score_post(items[2]["html"], site=items[2]["site"],
                                                     platform=items[2]["platform"],
                                                     title=items[2]["title"])], 1e-9)


def test_score_posts_large_mixed_batch_equals_score_post_within_1e_9(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    items = _mixed_items(seed_html, sample_rows)
    _assert_same(scorer.score_posts(items), _one_by_one(scorer, items), 1e-9)


def test_score_posts_keeps_order_and_count(scorer: Scorer) -> None:
    names = sorted(LEGIT_POSTS)
    items = [LEGIT_POSTS[n] for n in names] * 3  # 12 items: the vectorised path
    out = scorer.score_posts(items)
    assert len(out) == len(items)
    for html, s in zip(items, out, strict=True):
        assert [v.url for v in s.links] == [lk.url for lk in parse_post(html).links]
    assert scorer.score_posts([]) == []


@pytest.mark.parametrize("bad", [{"site": "x.org"}, {"html": None, "title": "t"}])
def test_score_posts_mapping_without_html_raises(bad: dict, scorer: Scorer) -> None:
    with pytest.raises(TypeError, match="html"):
        scorer.score_posts([LEGIT_POSTS["github-issue"], bad])


# --------------------------------------------------------------------------- threads


def test_shared_scorer_is_thread_safe(seed_html: str, sample_rows: list, scorer: Scorer) -> None:
    posts = [seed_html, *LEGIT_POSTS.values(), *(r.html for r in sample_rows[:60])]
    expected = [scorer.score_post(h) for h in posts]
    start = threading.Barrier(8)

    def work(k: int) -> list[tuple[int, PostScore]]:
        start.wait()
        order = posts[k:] + posts[:k]  # every thread in another order
        idx = list(range(k, len(posts))) + list(range(k))
        out = []
        for _ in range(2):
            out.extend((i, scorer.score_post(h)) for i, h in zip(idx, order, strict=True))
        return out

    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(work, range(8)))
    assert sum(len(r) for r in results) == 8 * 2 * len(posts)
    for r in results:
        for i, s in r:
            assert s == expected[i], i


def test_fresh_scorer_loads_the_model_once_under_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = scoring.load_scoring_model

    def counting_load(*args, **kwargs):
        calls.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "load_scoring_model", counting_load)
    fresh = Scorer()
    start = threading.Barrier(8)

    def get(_: int):
        start.wait()
        return fresh.model

    with ThreadPoolExecutor(8) as ex:
        models = list(ex.map(get, range(8)))
    assert len(calls) == 1, calls
    assert all(m is models[0] for m in models)
    assert fresh.model is models[0]


# --------------------------------------------------------------------------- determinism


def test_scoring_is_deterministic(seed_html: str, scorer: Scorer) -> None:
    first = scorer.score_post(seed_html)
    assert scorer.score_post(seed_html) == first
    assert Scorer(model=scorer.model).score_post(seed_html) == first
    assert score_post(seed_html).to_dict() == first.to_dict()


# --------------------------------------------------------------------------- reasons tell the truth


def _squash(s: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (s or "").lower())


def _false_reasons(post, s: PostScore) -> list[tuple[str, str]]:
    """Reasons whose message states something that is not true of the link/post they name."""
    n_lines = post.text.count("\n") + 1
    ext = Counter(lk.domain for lk in post.links if lk.is_external)
    bad = []
    for r in s.reasons:
        if r.code == "repeated-link" and max(ext.values(), default=0) < 2:
            bad.append((r.code, "no site is linked more than once"))
        if r.link is None:
            continue
        lk = post.links[r.link]
        anchor, label = _squash(lk.anchor_text), _squash((lk.domain or "").split(".")[0])
        truth = {
            "brand-anchor": bool(anchor and label) and (anchor in label or label in anchor),
            "link-placement": lk.paragraph >= n_lines - 1,
            "signature-link": lk.in_signature,
            "code-link": lk.in_code,
            "image-link": lk.is_image,
            "bare-url": lk.source == "bare",
            "shortener": lk.is_shortener,
            "redirect-wrapper": lk.wrapped_url is not None,
            "tracking-params": bool(lk.tracking_params),
            "rel-sponsored": "sponsored" in lk.rel,
            "ip-host": lk.is_ip,
            "lookalike-host": lk.is_idn or lk.mixed_script,
        }
        if not truth.get(r.code, True):
            bad.append((r.code, f"link {r.link} {lk.anchor_text!r} -> {lk.domain}"))
    return bad


def test_reason_messages_are_true_of_the_post(
    seed_html: str, sample_rows: list, scorer: Scorer
) -> None:
    bad = []
    for html in [seed_html, *(r.html for r in sample_rows)]:
        post = scorer.parse(html)
        bad += _false_reasons(post, scorer.score_parsed([post])[0])
    assert not bad, Counter(code for code, _ in bad)


def test_link_reasons_are_about_the_link_they_name(scorer: Scorer) -> None:
    html = ('<p dir="auto">Moving to Spain as a freelancer? I used <a href="https://'
            'ibericavisas-example.es/services/spain-digital-nomad-visa-application">spain digital '
            'nomad visa application</a> service and it was quick.</p>\n<p dir="auto">Official '
            'rules: <a href="https://www.exteriores.gob.es/en/ServiciosAlCiudadano/Paginas/'
            'Visados.aspx?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=visa">'
            'visa page</a> and <a href="https://bit.ly/3xVisaFAQ">the FAQ</a></p>')
    post = scorer.parse(html)
    s = scorer.score_parsed([post])[0]
    riskiest = max((i for i, v in enumerate(s.links) if v.probability is not None),
                   key=lambda i: s.links[i].probability)
    if post.links[riskiest].domain != "ibericavisas-example.es":
        raise RuntimeError(f"precondition: riskiest link is {post.links[riskiest].domain}")
    # only codes of other links' properties (absent-feature reasons are the bug above)
    misplaced = [b for b in _false_reasons(post, s)
                 if b[0] not in {"brand-anchor", "link-placement", "repeated-link"}]
    assert not misplaced


# --------------------------------------------------------------------------- junk input

DEEP = ("<div>" * 100_000 + '<p>Buy cheap <a href="https://cheap-seo-deals.xyz/buy-backlinks">'
        "buy backlinks</a> now</p>" + "</div>" * 100_000)
MANY = "".join(f'<a href="https://site{i}.example.com/p">link {i}</a> ' for i in range(20_000))


@pytest.mark.parametrize("html", [
    "", "   \n\t  ", "\x00\x00", b"", b"\xff\xfe\xfa<p>caf\xe9 \xc3\x28 \x80\x81</p>",
    "<<<>>></a></p><a href=>", "<a href='javascript:alert(1)'>x</a><a href='mailto:a@b.c'>m</a>",
], ids=["empty", "whitespace", "nul", "empty-bytes", "bad-utf8", "broken-tags", "non-web"])
def test_junk_input_gives_a_score(html: str | bytes, scorer: Scorer) -> None:
    _check_score_shape(scorer.score_post(html))


def test_deeply_nested_post_is_scored_without_losing_its_link(scorer: Scorer) -> None:
    s = scorer.score_post(DEEP)
    _check_score_shape(s)
    assert [v.domain for v in s.links] == ["cheap-seo-deals.xyz"]
    assert s.links[0].anchor_text == "buy backlinks"


def test_twenty_thousand_links_are_capped(scorer: Scorer) -> None:
    s = scorer.score_post(MANY)
    _check_score_shape(s)
    assert len(s.links) == MAX_LINKS
    assert s.truncated is False


def test_oversized_post_is_truncated_not_refused(scorer: Scorer) -> None:
    s = scorer.score_post("<p>" + "word " * (MAX_INPUT_CHARS // 5 + 10) + "</p>")
    _check_score_shape(s)
    assert s.truncated is True


@pytest.mark.parametrize("bad", [None, 123, 1.5, ["<p>x</p>"], {"html": "<p>x</p>"}, object()])
def test_non_text_input_raises_type_error(bad: object, scorer: Scorer) -> None:
    with pytest.raises(TypeError):
        scorer.score_post(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        score_post(bad)  # type: ignore[arg-type]
    if not isinstance(bad, dict):
        with pytest.raises(TypeError):
            scorer.score_posts([bad])  # type: ignore[list-item]
