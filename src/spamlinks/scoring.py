"""Post → :class:`PostScore`: calibrated probability, action, reasons and per-link verdicts.

``score_post`` / ``score_posts`` use a default :class:`Scorer` built on first use; build your
own :class:`Scorer` for a site domain, allow/deny lists, another model or other thresholds.
Scoring reads the model's ``scoring.json`` (:mod:`spamlinks.artifacts`): it imports neither
scikit-learn nor joblib, and unpickles nothing.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import mul, sub
from typing import TYPE_CHECKING, Any

import numpy as np

from .artifacts import ScoringModel, load_scoring_model
from .domains import site_domain
from .lexicon import is_reference_domain
from .linear import Thresholds
from .linkfeatures import (
    FEATURE_NAMES,
    LINK_FEATURES,
    anchor_document,
    feature_lists,
    text_document,
)
from .parse import Link, Post, parse_post

if TYPE_CHECKING:
    from .model import Model

_COMMERCIAL = 'anchor text "{anchor}" is commercial wording'
#: Feature → (reason code, message template). ``{anchor}``, ``{domain}`` come from the link.
_REASONS: dict[str, tuple[str, str]] = {
    "anchor_commercial_share": ("commercial-anchor", _COMMERCIAL),
    "anchor_commercial_any": ("commercial-anchor", _COMMERCIAL),
    "anchor_keyword_phrase": ("keyword-anchor", 'anchor text "{anchor}" is a keyword phrase'),
    "anchor_exact_keyword": ("keyword-anchor",
                             'anchor text "{anchor}" is an exact-match keyword for its URL'),
    "anchor_generic": ("generic-anchor", 'anchor text "{anchor}" hides where the link goes'),
    "anchor_slug_overlap": ("keyword-slug", "the URL path repeats the anchor's keywords"),
    "slug_commercial_words": ("keyword-slug", "the URL path is made of commercial keywords"),
    "slug_keyword_words": ("keyword-slug", "the URL ends in a long keyword slug"),
    "path_blog_or_service": ("vendor-page", "the link goes to a vendor's blog or service page"),
    "anchor_domain_overlap": ("keyword-domain", "the anchor's keywords are in the domain name"),
    "domain_commercial_words": ("keyword-domain", "the domain name {domain} is made of keywords"),
    "anchor_brand_in_domain": ("brand-anchor", "the anchor text is the site's brand name"),
    "vendor_named_in_text": ("vendor-named", "the text names the linked vendor ({domain})"),
    "unknown_domain": ("unknown-domain", "{domain} is not a known reference site"),
    "reference_domain": ("reference-link", "{domain} is a documentation or reference site"),
    "cheap_suffix": ("cheap-tld", "{domain} uses a suffix common on throwaway sites"),
    "shortener": ("shortener", "the link goes through a URL shortener"),
    "redirect_wrapped": ("redirect-wrapper", "the link is wrapped in a redirect"),
    "tracking_params": ("tracking-params", "the URL carries tracking or affiliate parameters"),
    "rel_deviates": ("rel-deviates", "the link's rel is not what this platform adds"),
    "rel_sponsored": ("rel-sponsored", 'the link is marked rel="sponsored"'),
    "is_image_link": ("image-link", "the link wraps an image"),
    "is_bare_url": ("bare-url", "a URL typed out in the text"),
    "in_last_paragraph": ("link-placement", "the link sits in the last paragraph"),
    "in_signature": ("signature-link", "the link sits in a signature"),
    "in_quote": ("quoted-link", "the link is inside a quotation"),
    "in_code": ("code-link", "the link is inside code"),
    "idn_or_mixed_script": ("lookalike-host", "the host uses look-alike characters or IDN"),
    "ip_host": ("ip-host", "the link points at a bare IP address"),
    # The archetype's conjunctions speak through the reason of their leading part.
    "keyword_anchor_unknown_domain": ("commercial-anchor", _COMMERCIAL),
    "slug_match_unknown_domain": ("keyword-slug", "the URL path repeats the anchor's keywords"),
    "vendor_named_keyword_anchor": ("vendor-named",
                                    "the text names the linked vendor ({domain})"),
    "promo_phrases": ("promo-phrases", "the text uses promotional phrases"),
    "has_phone": ("phone-number", "the text gives a phone number"),
    "has_email": ("email-address", "the text gives an e-mail address"),
    "text_commercial_share": ("commercial-text", "the text is dense with commercial words"),
    "max_same_domain": ("repeated-link", "the same site is linked repeatedly"),
    "only_reference_links": ("reference-link", "every link goes to a reference site"),
    "n_reference_links": ("reference-link", "links go to reference sites"),
    "all_links_quoted_or_code": ("quoted-link", "every link is quoted or in code"),
}
_TEXT_REASON = ("promotional-wording", "the wording resembles promotional posts")
_ANCHOR_REASON = ("anchor-wording", 'anchor text "{anchor}" resembles promotional anchors')
#: What the two n-gram reasons say when they point towards ham.
_HAMWARD = {
    "promotional-wording": ("ordinary-wording", "the wording resembles legitimate posts"),
    "anchor-wording": ("ordinary-anchor", 'anchor text "{anchor}" resembles legitimate anchors'),
}
_OTHER = ("link-profile", "the post's link profile")
def _grouping(link_only: bool) -> tuple[list[str], dict[str, str], list[tuple[int, ...]]]:
    """Reason codes, their templates, and per code the feature columns it sums."""
    codes: list[str] = []
    templates: dict[str, str] = {}
    columns: list[list[int]] = []
    for j, name in enumerate(FEATURE_NAMES):
        entry = _REASONS.get(name.split("__", 1)[1])
        if link_only and (entry is None or not name.startswith("link__")):
            continue
        code, template = entry or _OTHER
        if code not in templates:
            templates[code] = template
            codes.append(code)
            columns.append([])
        columns[codes.index(code)].append(j)
    return codes, templates, [tuple(c) for c in columns]


_POST_CODES, _POST_TEMPLATES, _POST_COLUMNS = _grouping(link_only=False)
_LINK_CODES_ORDER, _LINK_TEMPLATES, _LINK_COLUMNS = _grouping(link_only=True)

#: Reason code → its index in a link's reason-code sums (the link features behind the code).
_LINK_CODE_ROW = {code: i for i, code in enumerate(_LINK_CODES_ORDER)}
#: Reason codes that are about one link (the riskiest) rather than the whole post.
_LINK_CODES = frozenset(
    code for name, (code, _) in _REASONS.items() if not name.startswith(("promo", "has_", "text_",
                                                                          "max_", "only_", "n_",
                                                                          "all_"))
) | {_ANCHOR_REASON[0], "ordinary-anchor"}
#: The post-level reason codes (without the catch-all), their templates and whether they are
#: about a link, in the order the reasons are considered (then the two n-gram reasons).
_POST_REASON_CODES = tuple((code, _POST_TEMPLATES[code], code in _LINK_CODES)
                           for code in _POST_CODES if code != _OTHER[0])


def _code_of_column(codes: Sequence[str], columns: Sequence[tuple[int, ...]],
                    keep: Sequence[str]) -> list[int]:
    """Per feature column: the index in ``keep`` of the reason code it counts towards, or -1."""
    where = {code: i for i, code in enumerate(keep)}
    out = [-1] * len(FEATURE_NAMES)
    for code, cols in zip(codes, columns, strict=True):
        for j in cols:
            out[j] = where.get(code, -1)
    return out


#: Feature column → index of its reason code in a post's / a link's reason-code sums, or -1.
_POST_CODE_OF = _code_of_column(_POST_CODES, _POST_COLUMNS, [c for c, *_ in _POST_REASON_CODES])
_LINK_CODE_OF = _code_of_column(_LINK_CODES_ORDER, _LINK_COLUMNS, _LINK_CODES_ORDER)
MIN_REASON_WEIGHT = 0.25


@dataclass(frozen=True)
class Reason:
    """Why the score moved, in words a moderator can act on."""

    code: str
    """Stable machine-readable code, e.g. ``commercial-anchor``, ``vendor-named``."""
    message: str
    weight: float
    """Contribution to the log-odds of spam (positive: towards spam)."""
    link: int | None = None
    """Index of the link (in ``PostScore.links``) the reason is about, if any."""
    span: tuple[int, int] | None = None
    """Span of ``Post.text`` the reason is about, if any."""


@dataclass(frozen=True)
class LinkVerdict:
    """The verdict on one link of the post."""

    url: str
    domain: str | None
    anchor_text: str
    rel: tuple[str, ...]
    span: tuple[int, int]
    probability: float | None
    """P(spam) if this were the post's only external link; None for internal/non-web links."""
    verdict: str
    """``promotional``, ``suspicious``, ``neutral``, ``trusted``, ``internal`` or ``non-web``."""
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class PostScore:
    """The score of one post."""

    probability: float
    """Calibrated P(spam)."""
    label: str
    """``spam`` or ``ham`` at the model's decision threshold."""
    action: str
    """``allow``, ``review`` or ``block`` from the model card's operating points."""
    reasons: tuple[Reason, ...]
    """Contributions that moved the score, strongest first in the direction of ``label``
    (towards spam for spam, towards ham for ham)."""
    links: tuple[LinkVerdict, ...]
    model_id: str
    truncated: bool = False
    """The post was cut to ``spamlinks.parse.MAX_INPUT_CHARS`` before scoring."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``dataclasses.asdict``)."""
        return dataclasses.asdict(self)


def _sigmoid(z: float) -> float:
    """The calibrated probability of calibrated log-odds ``z``, as numpy computes it (0.0
    where ``exp`` overflows)."""
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        return 0.0


_FEATURES = range(len(FEATURE_NAMES))


def _code_sums(scaled: list[float], code_of: list[int], n_codes: int, base: list[float],
               w: list[float]) -> list[float]:
    """Reason weights: per reason code, the contributions of the features behind it. A
    feature the post does not have is no reason a moderator can act on: only present
    features (non-zero values) contribute."""
    sums = [0.0] * n_codes
    for j in compress(_FEATURES, scaled):
        k = code_of[j]
        if k >= 0:
            sums[k] += (scaled[j] - base[j]) * w[j]
    return sums


class _Weights:
    """A model's coefficients, scale factors and baseline as lists of Python floats."""

    def __init__(self, model: Model | ScoringModel) -> None:
        self.model = model
        fast = self.fast = model.fast
        n = len(FEATURE_NAMES)
        self.w: list[float] = np.asarray(fast.w_link, dtype=np.float64).reshape(n).tolist()
        self.factor: list[float] = np.broadcast_to(
            np.asarray(fast.link_factor, dtype=np.float64), (n,)).tolist()
        self.base: list[float] = np.broadcast_to(
            np.asarray(model.baseline["links"], dtype=np.float64), (n,)).tolist()
        self.intercept = float(fast.intercept)
        self.cal_a = float(fast.cal_a)
        self.cal_b = float(fast.cal_b)


def _matches(entry_set: frozenset[str], link: Link) -> str | None:
    if not link.host:
        return None
    for candidate in (link.domain, link.host):
        if candidate in entry_set:
            return candidate
    parts = link.host.split(".")
    for i in range(1, len(parts) - 1):
        suffix = ".".join(parts[i:])
        if suffix in entry_set:
            return suffix
    return None


def _norm_domains(domains: Iterable[str] | str) -> frozenset[str]:
    if isinstance(domains, str):
        domains = [domains]
    out = set()
    for d in domains:
        d = d.strip().lower()
        if d:
            out.add(site_domain(d) if "/" in d else d.lstrip("*.").rstrip("."))
    return frozenset(x for x in out if x)


class Scorer:
    """Scores posts with one model and one site's configuration.

    ``site``: the site's own host (its links count as internal). ``allow_domains`` lower a
    link's risk (the link is treated as internal) but never make a post ``allow`` on their own.
    ``deny_domains`` send a post to ``block`` with a reason naming the domain. ``thresholds``
    override the model card's operating points. A model from ``model_path`` is loaded from its
    ``scoring.json`` after that file's sha256 is checked against the card (a folder made before
    ``scoring.json`` existed falls back to its verified ``model.joblib``); ``trust_model=True``
    skips the checks for a model you built. ``model`` may be a :class:`~spamlinks.model.Model`
    (e.g. from :func:`~spamlinks.model.load_model`) or a loaded scoring model.
    """

    def __init__(
        self,
        model_path: str | None = None,
        *,
        site: str | None = None,
        allow_domains: Iterable[str] | str = (),
        deny_domains: Iterable[str] | str = (),
        thresholds: Thresholds | Mapping[str, float] | None = None,
        trust_model: bool = False,
        model: Model | ScoringModel | None = None,
    ) -> None:
        self.model_path = model_path
        self.site = site
        self.allow_domains = _norm_domains(allow_domains)
        self.deny_domains = _norm_domains(deny_domains)
        if isinstance(thresholds, Mapping):
            thresholds = Thresholds(**{k: float(v) for k, v in thresholds.items()})
        self._thresholds = thresholds
        self.trust_model = trust_model
        self._model = model
        self._prepared: _Weights | None = None
        self._lock = threading.Lock()

    # model -----------------------------------------------------------------
    @property
    def model(self) -> Model | ScoringModel:
        """The model, loaded (and verified) on first use, once, thread-safely."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_scoring_model(self.model_path, trust=self.trust_model)
        return self._model

    @property
    def thresholds(self) -> Thresholds:
        return self._thresholds or self.model.thresholds

    # public ----------------------------------------------------------------
    def score_post(
        self,
        html: str | bytes,
        *,
        site: str | None = None,
        platform: str | None = None,
        title: str | None = None,
        base_url: str | None = None,
    ) -> PostScore:
        """Score one post's HTML."""
        post = self.parse(html, site=site, platform=platform, title=title, base_url=base_url)
        return self.score_parsed([post])[0]

    def score_posts(self, posts: Iterable[str | bytes | Mapping[str, Any]]) -> list[PostScore]:
        """Score many posts at once (one vectorised pass); items are HTML or mappings with
        ``html`` and optional ``site``, ``platform``, ``title``, ``base_url``."""
        parsed = []
        for item in posts:
            if isinstance(item, Mapping):
                html = item.get("html")
                if html is None:
                    raise TypeError("a post mapping needs an 'html' field")
                parsed.append(self.parse(html, site=item.get("site"),
                                         platform=item.get("platform"), title=item.get("title"),
                                         base_url=item.get("base_url")))
            else:
                parsed.append(self.parse(item))
        return self.score_parsed(parsed)

    def parse(self, html: str | bytes, *, site: str | None = None, platform: str | None = None,
              title: str | None = None, base_url: str | None = None) -> Post:
        """Parse a post with this scorer's site (links to it are internal)."""
        return parse_post(html, site=site or self.site, platform=platform, title=title,
                          base_url=base_url)

    def _allow(self, post: Post) -> Post:
        """The post with allow-listed links treated as internal (the same object if none)."""
        if not self.allow_domains or not any(_matches(self.allow_domains, lk)
                                             for lk in post.links):
            return post
        links = tuple(dataclasses.replace(lk, is_internal=True)
                      if _matches(self.allow_domains, lk) else lk for lk in post.links)
        return dataclasses.replace(post, links=links)

    def score_parsed(self, posts: Sequence[Post]) -> list[PostScore]:
        """Score already parsed posts.

        Allow-listed links are scored as internal, which lowers the post's probability, but a
        post that would not be ``allow`` without its allow-listed links is at least ``review``.
        """
        allowed = [self._allow(p) for p in posts]
        results = self._score(allowed)
        changed = [i for i, (a, b) in enumerate(zip(posts, allowed, strict=True)) if a is not b]
        if changed:
            t = self.thresholds
            raw = self._score([posts[i] for i in changed])
            for i, r in zip(changed, raw, strict=True):
                if results[i].action == "allow" and t.action(r.probability) != "allow":
                    note = Reason("allow-listed-link",
                                  "allow-listed links lowered the score, but without them the "
                                  f"post scores {r.probability:.2f}", 0.0)
                    results[i] = dataclasses.replace(results[i], action="review",
                                                     reasons=(note, *results[i].reasons))
        return results

    def _weights(self) -> _Weights:
        """The model's numbers as plain lists (built once per model)."""
        model = self.model
        cached = self._prepared
        if cached is None or cached.model is not model:
            cached = self._prepared = _Weights(model)
        return cached

    def _score(self, posts: Sequence[Post]) -> list[PostScore]:
        """Probabilities and explanations. Plain Python floats throughout: a post has 64
        features and a few links, so numpy's per-call overhead would cost more than the maths."""
        if not posts:
            return []
        wt = self._weights()
        fast = wt.fast
        w, factor, base = wt.w, wt.factor, wt.base
        intercept, cal_a, cal_b = wt.intercept, wt.cal_a, wt.cal_b
        w_link = w[:len(LINK_FEATURES)]
        out = []
        for post in posts:
            row, per_link, ext = feature_lists(post)
            scaled = list(map(mul, row, factor))
            text_c = fast.text_contribution(text_document(post))
            anchor_c = fast.anchor_contribution(anchor_document(post))
            decision = intercept + sum(map(mul, scaled, w)) + text_c + anchor_c
            prob = _sigmoid(cal_a * decision + cal_b)
            grouped = _code_sums(scaled, _POST_CODE_OF, len(_POST_REASON_CODES), base, w)
            # Per-link decisions: swap the post's link block and anchor block for the link's own.
            links: dict[int, tuple[float, list[float]]] = {}
            for lk, values in zip(ext, per_link, strict=True):
                s_link = list(map(mul, values, factor))
                swap = sum(map(mul, map(sub, s_link, scaled), w_link))
                d_link = decision + swap + fast.anchor_contribution(lk.anchor_text) - anchor_c
                sums = _code_sums(s_link, _LINK_CODE_OF, len(_LINK_CODES_ORDER), base, w)
                links[lk.index] = (_sigmoid(cal_a * d_link + cal_b), sums)
            out.append(self._explain(post, links, grouped, text_c, anchor_c, prob))
        return out

    # explanation -------------------------------------------------------------
    def _explain(self, post: Post, links: dict[int, tuple[float, list[float]]],
                 grouped: list[float], text_c: float, anchor_c: float,
                 prob: float) -> PostScore:
        """``links``: external link index → (its probability, its reason-code sums);
        ``grouped``: the post's reason-code sums (order: ``_POST_REASON_CODES``)."""
        model, t = self.model, self.thresholds
        base = model.baseline
        riskiest = max(links, key=lambda i: links[i][0]) if links else None
        reasons = self._post_reasons(post, grouped, text_c - base["text"],
                                     anchor_c - base["anchor"], riskiest, links)
        verdicts = []
        denied: list[tuple[int, str]] = []
        for lk in post.links:
            hit = _matches(self.deny_domains, lk) if self.deny_domains else None
            if hit:
                denied.append((lk.index, hit))
            prob_sums = links.get(lk.index)
            verdicts.append(self._verdict(lk, prob_sums[0] if prob_sums else None,
                                          prob_sums[1] if prob_sums else None, hit, t))
        label = "spam" if prob >= t.label else "ham"
        action = t.action(prob)
        if label == "ham":  # lead with what speaks for the verdict
            reasons = tuple(sorted(reasons, key=lambda r: r.weight))
        if denied:
            label, action = "spam", "block"
            deny_reasons = tuple(
                Reason("denied-domain", f"{dom} is on this site's deny list", 10.0, idx,
                       post.links[idx].span) for idx, dom in denied)
            reasons = deny_reasons + reasons
        return PostScore(probability=prob, label=label, action=action, reasons=reasons,
                         links=tuple(verdicts), model_id=model.model_id,
                         truncated=post.truncated)

    def _post_reasons(self, post: Post, grouped: list[float], text_c: float,
                      anchor_c: float, riskiest: int | None,
                      links: dict[int, tuple[float, list[float]]]) -> tuple[Reason, ...]:
        out = []
        candidates = [(*entry, weight) for entry, weight in zip(_POST_REASON_CODES, grouped,
                                                                 strict=True)
                      if abs(weight) >= MIN_REASON_WEIGHT]
        for code, template, about_link, weight in ((*_TEXT_REASON, False, text_c),
                                                   (*_ANCHOR_REASON, True, anchor_c)):
            if abs(weight) >= MIN_REASON_WEIGHT:
                candidates.append((code, template, about_link, weight))
        for code, template, about_link, weight in candidates:
            link = self._link_for(code, weight, post, riskiest, links) if about_link else None
            if weight < 0 and code in _HAMWARD:
                code, template = _HAMWARD[code]
            if about_link and link is None:
                continue
            msg = template.format(anchor=link.anchor_text if link else "",
                                  domain=link.domain if link else "")
            out.append(Reason(code, msg, round(weight, 4), link.index if link else None,
                              link.span if link else None))
        out.sort(key=lambda r: -r.weight)
        return tuple(out)

    @staticmethod
    def _link_for(code: str, weight: float, post: Post, riskiest: int | None,
                  links: dict[int, tuple[float, list[float]]]) -> Link | None:
        """The link a post-level reason is about: the one whose own features carry it most."""
        row = _LINK_CODE_ROW.get(code)
        if row is not None and links:
            sign = 1.0 if weight >= 0 else -1.0
            best = max(links, key=lambda i: sign * links[i][1][row])
            return post.links[best]
        return post.links[riskiest] if riskiest is not None else None

    def _verdict(self, lk: Link, prob: float | None, sums: list[float] | None,
                 denied: str | None, t: Thresholds) -> LinkVerdict:
        reasons: list[Reason] = []
        if sums is not None:
            for weight, code in sorted([(weight, code) for weight, code
                                        in zip(sums, _LINK_CODES_ORDER, strict=True)
                                        if weight >= MIN_REASON_WEIGHT], reverse=True):
                template = _LINK_TEMPLATES[code]
                reasons.append(Reason(code, template.format(anchor=lk.anchor_text,
                                                            domain=lk.domain),
                                      round(weight, 4), lk.index, lk.span))
        if denied:
            verdict = "promotional"
            reasons.insert(0, Reason("denied-domain", f"{denied} is on this site's deny list",
                                     10.0, lk.index, lk.span))
        elif not lk.is_web:
            verdict = "non-web"
        elif lk.is_internal:
            allowed = bool(self.allow_domains) and _matches(self.allow_domains, lk) is not None
            verdict = "trusted" if allowed else "internal"
        elif prob is None:
            verdict = "neutral"
        elif prob >= t.label:
            verdict = "promotional"
        elif prob >= t.review:
            verdict = "suspicious"
        elif is_reference_domain(lk.domain, lk.suffix):
            verdict = "trusted"
        else:
            verdict = "neutral"
        return LinkVerdict(url=lk.url, domain=lk.domain, anchor_text=lk.anchor_text, rel=lk.rel,
                           span=lk.span, probability=prob, verdict=verdict,
                           reasons=tuple(reasons))


_default: Scorer | None = None
_default_lock = threading.Lock()


def default_scorer() -> Scorer:
    """The shared default :class:`Scorer` (shipped model), created on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Scorer()
    return _default


def score_post(
    html: str | bytes,
    *,
    site: str | None = None,
    platform: str | None = None,
    title: str | None = None,
    base_url: str | None = None,
) -> PostScore:
    """Score one post with the shipped model: probability, label, action, reasons, link verdicts.

    >>> score_post('<p>Docs: <a href="https://docs.python.org/3/">here</a></p>').action
    'allow'
    """
    return default_scorer().score_post(html, site=site, platform=platform, title=title,
                                       base_url=base_url)


def score_posts(posts: Iterable[str | bytes | Mapping[str, Any]]) -> list[PostScore]:
    """Score many posts in one vectorised pass with the shipped model."""
    return default_scorer().score_posts(posts)

