"""Named link and post features of a parsed post, and the documents its n-grams are read from.

Plain Python and numpy, no scikit-learn: scoring needs only this module (and
:mod:`spamlinks.linear`); :mod:`spamlinks.features` wraps it in scikit-learn transformers for
training. The per-link block aggregates the post's external web links (maximum, or minimum for
:data:`HAM_EVIDENCE`), so it can be recomputed for any single link (:func:`link_rows`) to say
which link carries the risk.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .lexicon import (
    CHEAP_SUFFIXES,
    COMMERCIAL_WORDS,
    GENERIC_ANCHORS,
    domain_commercial_words,
    has_email,
    has_phone,
    is_reference_domain,
    words,
)
from .parse import Link, Post

#: Bumped whenever the meaning or order of features changes; the model card records it.
FEATURE_SCHEMA_VERSION = 6
#: Per-link features are computed for at most this many external links of a post (the counts
#: still see them all), which bounds the work a post with thousands of links can cause.
MAX_FEATURE_LINKS = 200

_SLUG_SPLIT = re.compile(r"[^\W_]+", re.UNICODE)
_URLISH = re.compile(r"^(?:https?://|www\.)|\.[a-z]{2,6}(?:/|$)", re.I)
# The lookahead (the first letters of the phrases) changes no match; it lets the scan skip
# other word starts without trying every phrase (tests/test_regex_prefilters.py checks it).
_PROMO_PHRASES = re.compile(
    r"\b(?=[acdfghioprstvw])"
    r"(?:we offer|we provide|our (?:company|agency|team|services|experts)|contact us|"
    r"visit (?:us|our)|call us|whatsapp|telegram|dm me|check out|highly recommend|"
    r"i recommend|helped me|reach out|get in touch|hire|companies like|firms like|"
    r"services like|agencies like|platforms like)\b",
    re.I,
)

LINK_FEATURES: tuple[str, ...] = (
    "anchor_commercial_share",
    "anchor_commercial_any",
    "anchor_keyword_phrase",
    "anchor_exact_keyword",
    "anchor_generic",
    "anchor_is_url",
    "anchor_brand_in_domain",
    "anchor_slug_overlap",
    "anchor_domain_overlap",
    "domain_commercial_words",
    "anchor_words_log",
    "slug_commercial_words",
    "slug_keyword_words",
    "path_blog_or_service",
    "path_depth",
    "vendor_named_in_text",
    "reference_domain",
    "unknown_domain",
    "cheap_suffix",
    "country_suffix",
    "org_suffix",
    "shortener",
    "redirect_wrapped",
    "tracking_params",
    "rel_deviates",
    "rel_sponsored",
    "rel_has_nofollow",
    "is_image_link",
    "is_bare_url",
    "in_last_paragraph",
    "in_signature",
    "in_quote",
    "in_code",
    "position",
    "idn_or_mixed_script",
    "ip_host",
    "keyword_anchor_unknown_domain",
    "slug_match_unknown_domain",
    "vendor_named_keyword_anchor",
)

POST_FEATURES: tuple[str, ...] = (
    "n_links_log",
    "n_unlisted_external_log",
    "n_internal_log",
    "external_ratio",
    "n_unlisted_domains_log",
    "max_same_domain",
    "n_reference_links",
    "share_reference_links",
    "n_bare_urls",
    "n_nonweb_links",
    "link_text_density",
    "text_chars_log",
    "n_paragraphs_log",
    "question_marks",
    "has_title",
    "n_images_log",
    "quote_share",
    "code_share",
    "text_commercial_share",
    "promo_phrases",
    "has_phone",
    "has_email",
    "no_links",
    "only_reference_links",
    "all_links_quoted_or_code",
)

#: Link features that speak for a legitimate post: a post gets them only if *every* external
#: link has them (minimum over links); all other link features take the maximum, so one
#: promotional link is enough, and a cover link to Wikipedia cannot launder a vendor link.
HAM_EVIDENCE = frozenset({"anchor_is_url", "path_depth", "reference_domain", "org_suffix",
                          "rel_has_nofollow", "in_quote", "in_code"})
_MIN_FLAGS = tuple(name in HAM_EVIDENCE for name in LINK_FEATURES)

FEATURE_NAMES: tuple[str, ...] = (
    *(f"link__{n}" for n in LINK_FEATURES),
    *(f"post__{n}" for n in POST_FEATURES),
)
_N_LINK = len(LINK_FEATURES)


def _tokens(s: str) -> list[str]:
    return [t for t in _SLUG_SPLIT.findall(s.lower()) if t]


def _commercial_share(toks: Sequence[str]) -> float:
    return sum(map(COMMERCIAL_WORDS.__contains__, toks)) / len(toks) if toks else 0.0


def _domain_name(link: Link) -> str:
    return _domain_label(link.domain, link.suffix)


def _domain_label(domain: str | None, suffix: str | None) -> str:
    dom = domain or ""
    if suffix and dom.endswith("." + suffix):
        dom = dom[: -len(suffix) - 1]
    return dom.rsplit(".", 1)[-1]


def _vendor_named(dom_name: str, reference: bool, text_squashed: str) -> float:
    """The link's brand (its lower-cased domain label) is written in the post's text outside
    the link; reference sites are never a vendor."""
    name = _vendor_name(dom_name, reference)
    return 1.0 if name is not None and name in text_squashed else 0.0


def _vendor_name(dom_name: str, reference: bool) -> str | None:
    """The squashed brand :func:`_vendor_named` looks for (None: never a vendor)."""
    name = _only_alnum(dom_name)
    return None if len(name) < 4 or reference else name


_BLOG_OR_SERVICE = frozenset({"blog", "services", "service", "product", "products", "shop",
                              "store"})


class _AnchorFacts(NamedTuple):
    """What the link features read from the anchor text alone."""

    toks: tuple[str, ...]
    token_set: frozenset[str]
    joined: str
    long_toks: tuple[str, ...]
    is_url: bool
    commercial: float
    generic: float
    words_log: float


class _UrlFacts(NamedTuple):
    """What the link features read from the URL, domain and suffix alone."""

    slug_set: frozenset[str]
    squashed_dom: str
    reference: bool
    vendor_name: str | None
    features: tuple[float, ...]
    """``domain_commercial_words``, then ``slug_commercial_words`` … ``path_depth``, then
    ``reference_domain`` … ``org_suffix`` (three runs of :data:`LINK_FEATURES`)."""


# Anchors and URLs repeat a lot (across a post's links, and across posts: the same vendor
# link, the same docs site), and their features cost more than the cache look-up. Bounded,
# thread-safe (functools), and the values are immutable.
@functools.lru_cache(maxsize=8192)
def _anchor_facts(anchor: str) -> _AnchorFacts:
    a_toks = words(anchor)
    stripped = anchor.strip()
    return _AnchorFacts(
        toks=tuple(a_toks),
        token_set=frozenset(a_toks),
        joined="".join(a_toks),
        long_toks=tuple(t for t in a_toks if len(t) >= 4),
        is_url=bool(_URLISH.search(stripped)) and " " not in stripped,
        commercial=_commercial_share(a_toks),
        generic=float(stripped.lower().strip(".:!") in GENERIC_ANCHORS),
        words_log=math.log1p(len(a_toks)),
    )


@functools.lru_cache(maxsize=8192)
def _url_facts(url: str, domain: str | None, suffix: str | None) -> _UrlFacts:
    path = [*url.split("://", 1)[-1].split("/", 1), ""][1].split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    slug_toks = _tokens(path)
    last_toks = _tokens(last.rsplit(".", 1)[0])
    dom_name = _domain_label(domain, suffix).lower()
    squashed_dom = dom_name.replace("-", "")
    sfx = (suffix or "").lower()
    tld = sfx.rsplit(".", 1)[-1]
    reference = is_reference_domain(domain, suffix)
    return _UrlFacts(
        slug_set=frozenset(slug_toks),
        squashed_dom=squashed_dom,
        reference=reference,
        vendor_name=_vendor_name(dom_name, reference),
        features=(
            min(domain_commercial_words(squashed_dom), 3) / 3,
            min(sum(t in COMMERCIAL_WORDS for t in slug_toks), 5) / 5,
            min(len(last_toks), 10) / 10 if "-" in last or "_" in last else 0.0,
            float(any(s in _BLOG_OR_SERVICE for s in (seg.lower() for seg in segments[:2]))),
            min(len(segments), 6) / 6,
            float(reference),
            float(not reference),
            float(tld in CHEAP_SUFFIXES),
            float(len(tld) == 2),
            # .org only: .net is a commercial catch-all, not an organisation's suffix (schema 6).
            float(sfx == "org" or sfx.endswith(".org")),
        ),
    )


def link_vector(link: Link, post: Post, text_squashed: str) -> list[float]:
    """The named per-link features (order: :data:`LINK_FEATURES`) of one web link."""
    return _link_vector(link, max(1, post.text.count("\n") + 1), text_squashed)


def _link_vector(link: Link, n_par: int, text_squashed: str) -> list[float]:
    """:func:`link_vector` for a post of ``n_par`` lines."""
    a = _anchor_facts(link.anchor_text)
    u = _url_facts(link.url, link.domain, link.suffix)
    a_set = a.token_set
    overlap = len(a_set & u.slug_set) / len(a_set) if a_set else 0.0
    squashed_dom = u.squashed_dom
    brand = 1.0 if a.toks and (a.joined in squashed_dom or squashed_dom in a.joined) else 0.0
    is_url = a.is_url
    long_toks = a.long_toks
    # Keywords of the anchor inside the domain (``buy essay`` → essaydune.com). An anchor that
    # *is* the brand (``Calendly`` → calendly.com) is the ordinary way to name a site, so for
    # brand anchors only commercial words count: ``custom writing`` → customwritingcompany.com
    # is an exact-match domain, not a name.
    dom_overlap = (sum(t in squashed_dom and (not brand or t in COMMERCIAL_WORDS)
                       for t in long_toks) / len(long_toks)
                   if long_toks and not is_url else 0.0)
    a_comm = a.commercial
    keyword_phrase = float(2 <= len(a.toks) <= 7 and a_comm > 0 and not is_url and brand == 0)
    reference = u.reference
    vendor = 1.0 if u.vendor_name is not None and u.vendor_name in text_squashed else 0.0
    uf = u.features
    rel = link.rel
    return [
        a_comm,
        float(a_comm > 0),
        keyword_phrase,
        float(keyword_phrase and overlap >= 0.5),
        a.generic,
        float(is_url),
        brand,
        overlap,
        dom_overlap,
        uf[0],
        a.words_log,
        *uf[1:5],
        vendor,
        *uf[5:],
        float(link.is_shortener),
        float(link.wrapped_url is not None),
        min(len(link.tracking_params), 3) / 3,
        float(link.platform_rel is False),
        float("sponsored" in rel),
        float("nofollow" in rel),
        float(link.is_image),
        float(link.source == "bare"),
        float(link.paragraph >= n_par - 1),
        float(link.in_signature),
        float(link.in_quote),
        float(link.in_code),
        link.position,
        float(link.is_idn or link.mixed_script),
        float(link.is_ip),
        # Conjunctions of the archetype, which a linear model cannot form by itself.
        float(a_comm > 0 and not is_url and not reference),
        overlap * float(not reference),
        keyword_phrase * vendor,
    ]


#: Bytes that are not ``a-z0-9`` (every byte of a multi-byte UTF-8 character is ≥ 0x80).
_NOT_ALNUM_BYTES = bytes(b for b in range(256) if not (48 <= b <= 57 or 97 <= b <= 122))


def _only_alnum(text: str) -> str:
    """``text`` without every character but ``a-z0-9`` (what ``re.sub("[^a-z0-9]", "", text)``
    gives; bytes.translate runs in C, about ten times faster)."""
    return text.encode("utf-8", "ignore").translate(None, _NOT_ALNUM_BYTES).decode("ascii")


def _squash(text: str) -> str:
    return _only_alnum(text.lower())


def _prose(post: Post) -> str:
    """The post's own words: visible text minus link anchors, quoted blocks and code."""
    cuts = sorted([lk.span for lk in post.links] + list(post.quotes) + list(post.code))
    if not cuts:
        return post.text
    pieces, prev = [], 0
    for a, b in cuts:
        if a > prev:
            pieces.append(post.text[prev:a])
        prev = max(prev, b)
    pieces.append(post.text[prev:])
    return " ".join(pieces)


def _web_external(post: Post) -> list[Link]:
    return [lk for lk in post.links if lk.is_web and not lk.is_internal]


def feature_lists(post: Post) -> tuple[list[float], list[list[float]], list[Link]]:
    """The post's row of :data:`FEATURE_NAMES`, the link block of each external web link
    (at most :data:`MAX_FEATURE_LINKS`) and those links, as plain lists (scoring's hot path)."""
    text = post.text
    outside = _prose(post)
    squashed = _squash(outside)
    ext_all = _web_external(post)
    ext = ext_all[:MAX_FEATURE_LINKS]
    n_par = max(1, text.count("\n") + 1)
    per_link = [_link_vector(lk, n_par, squashed) for lk in ext]
    if len(per_link) > 1:
        link_block = [min(col) if low else max(col)
                      for col, low in zip(zip(*per_link, strict=True), _MIN_FLAGS, strict=True)]
    elif per_link:
        link_block = list(per_link[0])
    else:
        link_block = [0.0] * _N_LINK
    # Reference links (Wikipedia, docs, .gov) do not dilute a vendor link: a cover link next
    # to it must not make the post look like a many-link resource list, so the external
    # and domain counts are of links to sites not on the reference list ("unlisted").
    ref = [is_reference_domain(lk.domain, lk.suffix) for lk in ext_all]
    other = [lk for lk, r in zip(ext_all, ref, strict=True) if not r]
    domains = Counter(lk.domain for lk in other)
    n_ref = sum(ref)
    anchor_chars = sum(len(lk.anchor_text) for lk in post.links)
    n_chars = max(len(text), 1)
    toks = words(outside)
    quoted = sum(b - a for a, b in post.quotes)
    code = sum(b - a for a, b in post.code)
    internal = sum(1 for lk in post.links if lk.is_internal)
    post_block = [
        math.log1p(len(post.links)),
        math.log1p(len(other)),
        math.log1p(internal),
        len(ext_all) / len(post.links) if post.links else 0.0,
        math.log1p(len(domains)),
        min(max(domains.values(), default=0), 5) / 5,
        min(n_ref, 5) / 5,
        n_ref / len(ext_all) if ext_all else 0.0,
        min(sum(lk.source == "bare" for lk in post.links), 5) / 5,
        min(sum(not lk.is_web for lk in post.links), 5) / 5,
        min(anchor_chars / n_chars, 1.0),
        math.log1p(len(text)),
        math.log1p(text.count("\n") + 1),
        min(text.count("?"), 5) / 5,
        float(bool(post.title)),
        math.log1p(post.n_images),
        min(quoted / n_chars, 1.0),
        min(code / n_chars, 1.0),
        _commercial_share(toks),
        min(len(_PROMO_PHRASES.findall(outside[:20000])), 5) / 5,
        float(has_phone(outside[:20000])),
        float(has_email(outside[:20000])),
        float(not post.links),
        float(bool(ext_all) and n_ref == len(ext_all)),
        float(bool(ext_all) and all(lk.in_quote or lk.in_code for lk in ext_all)),
    ]
    return link_block + post_block, per_link, ext


def feature_row(post: Post) -> np.ndarray:
    """The post's row of :data:`FEATURE_NAMES`."""
    return np.asarray(feature_lists(post)[0], dtype=np.float64)


def link_rows(post: Post) -> tuple[np.ndarray, np.ndarray, list[Link]]:
    """The post's row, and one row per external web link as if it were the only one."""
    row, per_link, links = feature_lists(post)
    post_row = np.asarray(row, dtype=np.float64)
    if not links:
        return post_row, np.empty((0, len(FEATURE_NAMES))), []
    out = np.tile(post_row, (len(links), 1))
    out[:, :_N_LINK] = np.asarray(per_link, dtype=np.float64)
    return post_row, out, links


_DIGIT = re.compile(r"\d")


def anchor_document(post: Post) -> str:
    """The anchor texts of a post's external links, one per line (input of anchor n-grams)."""
    return "\n".join(lk.anchor_text for lk in _web_external(post) if lk.anchor_text)


def text_document(post: Post, max_chars: int = 20_000) -> str:
    """Title and visible text (capped) for text n-grams; every digit reads as 0, so n-grams
    learn the shape of numbers (prices, phone numbers) rather than particular ones."""
    body = post.text[:max_chars]
    return _DIGIT.sub("0", f"{post.title}\n{body}" if post.title else body)
