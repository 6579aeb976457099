"""Post → :class:`PostScore`: calibrated probability, action, reasons and per-link verdicts.

``score_post`` / ``score_posts`` use a default :class:`Scorer` built on first use; build your
own :class:`Scorer` for a site domain, allow/deny lists, another model or other thresholds.
Scoring reads the model's ``scoring.json`` (:mod:`spamlinks.artifacts`): it imports neither
scikit-learn nor joblib, and unpickles nothing.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .artifacts import ScoringModel, load_scoring_model
from .domains import site_domain
from .lexicon import is_reference_domain
from .linear import Thresholds
from .linkfeatures import FEATURE_NAMES, anchor_document, link_rows, text_document
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
def _grouping(link_only: bool) -> tuple[list[str], dict[str, str], np.ndarray]:
    """Reason codes, their templates, and a 0/1 matrix summing feature columns per code."""
    codes: list[str] = []
    templates: dict[str, str] = {}
    pairs = []
    for j, name in enumerate(FEATURE_NAMES):
        entry = _REASONS.get(name.split("__", 1)[1])
        if link_only and (entry is None or not name.startswith("link__")):
            continue
        code, template = entry or _OTHER
        if code not in templates:
            templates[code] = template
            codes.append(code)
        pairs.append((codes.index(code), j))
    matrix = np.zeros((len(codes), len(FEATURE_NAMES)))
    for i, j in pairs:
        matrix[i, j] = 1.0
    return codes, templates, matrix


_POST_CODES, _POST_TEMPLATES, _POST_GROUP = _grouping(link_only=False)
_LINK_CODES_ORDER, _LINK_TEMPLATES, _LINK_GROUP = _grouping(link_only=True)

#: Reason code → its row in ``_LINK_GROUP`` (the sum of the link features behind the code).
_LINK_CODE_ROW = {code: i for i, code in enumerate(_LINK_CODES_ORDER)}
#: Reason codes that are about one link (the riskiest) rather than the whole post.
_LINK_CODES = frozenset(
    code for name, (code, _) in _REASONS.items() if not name.startswith(("promo", "has_", "text_",
                                                                          "max_", "only_", "n_",
                                                                          "all_"))
) | {_ANCHOR_REASON[0], "ordinary-anchor"}
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

    def _score(self, posts: Sequence[Post]) -> list[PostScore]:
        """Probabilities and explanations, with the numpy work done once for all the posts
        and all their external links (tiny per-post numpy calls cost more than the maths)."""
        if not posts:
            return []
        fast = self.model.fast
        base = self.model.baseline["links"]
        rows = [link_rows(p) for p in posts]
        scaled = fast.scale(np.asarray([r[0] for r in rows]).reshape(len(posts), -1))
        text_c = np.asarray([fast.text_contribution(text_document(p)) for p in posts])
        anchor_c = np.asarray([fast.anchor_contribution(anchor_document(p)) for p in posts])
        decision = fast.intercept + scaled @ fast.w_link + text_c + anchor_c
        prob = fast.probability(decision).tolist()
        # A feature the post does not have is no reason a moderator can act on: only present
        # features (non-zero values) contribute to reasons.
        grouped = ((scaled - base) * fast.w_link * (scaled != 0)) @ _POST_GROUP.T
        # Per-link decisions: swap the post's link block and anchor block for the link's own.
        owner = np.repeat(np.arange(len(posts)), [len(r[2]) for r in rows])
        link_prob: list[float] = []
        link_sums: list[list[float]] = []
        if owner.size:
            s_links = fast.scale(np.concatenate([r[1] for r in rows if r[2]]))
            anchors = np.asarray([fast.anchor_contribution(lk.anchor_text)
                                  for r in rows for lk in r[2]])
            d_links = (decision[owner] + (s_links - scaled[owner]) @ fast.w_link + anchors
                       - anchor_c[owner])
            link_prob = fast.probability(d_links).tolist()
            link_sums = (((s_links - base) * fast.w_link * (s_links != 0)) @ _LINK_GROUP.T
                         ).tolist()
        out, k = [], 0
        for i, post in enumerate(posts):
            ext = rows[i][2]
            links = {lk.index: (link_prob[k + j], link_sums[k + j]) for j, lk in enumerate(ext)}
            k += len(ext)
            out.append(self._explain(post, links, grouped[i].tolist(), float(text_c[i]),
                                     float(anchor_c[i]), prob[i]))
        return out

    # explanation -------------------------------------------------------------
    def _explain(self, post: Post, links: dict[int, tuple[float, list[float]]],
                 grouped: list[float], text_c: float, anchor_c: float,
                 prob: float) -> PostScore:
        """``links``: external link index → (its probability, its reason-code sums)."""
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

    def _post_reasons(self, post: Post, grouped_links: list[float], text_c: float,
                      anchor_c: float, riskiest: int | None,
                      links: dict[int, tuple[float, list[float]]]) -> tuple[Reason, ...]:
        grouped = dict(zip(_POST_CODES, grouped_links, strict=True))
        templates = dict(_POST_TEMPLATES)
        for (code, template), c in ((_TEXT_REASON, text_c), (_ANCHOR_REASON, anchor_c)):
            grouped[code] = grouped.get(code, 0.0) + c
            templates.setdefault(code, template)
        out = []
        for code, weight in grouped.items():
            template = templates[code]
            if abs(weight) < MIN_REASON_WEIGHT or code == _OTHER[0]:
                continue
            link = self._link_for(code, weight, post, riskiest, links)
            if weight < 0 and code in _HAMWARD:
                code, template = _HAMWARD[code]
            about_link = code in _LINK_CODES
            if about_link and link is None:
                continue
            msg = template.format(anchor=link.anchor_text if link else "",
                                  domain=link.domain if link else "")
            out.append(Reason(code, msg, round(weight, 4),
                              link.index if (about_link and link) else None,
                              link.span if (about_link and link) else None))
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
            for weight, code in sorted(zip(sums, _LINK_CODES_ORDER, strict=True), reverse=True):
                template = _LINK_TEMPLATES[code]
                if weight >= MIN_REASON_WEIGHT:
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

