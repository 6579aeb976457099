"""URL → target facts: normalised URL, host, registered domain, scheme class and flags.

Offline by construction: tldextract runs on the Public Suffix List snapshot bundled with it
(``suffix_list_urls=()``, no cache directory), so no lookup ever touches the network or disk.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit, urlunsplit

from .errors import ResourceIntegrityError

if TYPE_CHECKING:
    import tldextract

#: Longest host (RFC 1035: 253) and URL (characters) we analyse; longer ones are marked invalid.
MAX_HOST_CHARS = 253
MAX_URL_CHARS = 8192
#: How many nested redirect wrappers are unwrapped.
MAX_UNWRAP = 3

#: Tabs, line breaks and NULs are dropped from an href before it is analysed.
_CONTROL = re.compile("[\t\r\n\x00]")

WEB_SCHEMES = frozenset({"http", "https"})
#: Scheme class of a link: ``web`` links have domains; the others are classified, not resolved.
SCHEME_CLASSES = {
    "http": "web",
    "https": "web",
    "mailto": "mailto",
    "tel": "tel",
    "sms": "tel",
    "javascript": "javascript",
    "data": "data",
    "ftp": "other",
    "file": "other",
}

_TRACKING_EXACT = frozenset(
    {
        "ref", "ref_", "ref_id", "refid", "ref_src", "referrer", "aff", "aff_id", "affid",
        "affiliate", "affiliate_id", "aff_sub", "partner", "partner_id", "tag", "clickid",
        "click_id", "irclickid", "gclid", "fbclid", "msclkid", "dclid", "yclid", "mc_cid",
        "mc_eid", "_hsenc", "_hsmi", "igshid", "si", "via", "campaign", "cmpid", "sscid",
        "wickedid", "rcm", "srsltid", "trk", "src",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "aff_")

#: Redirect wrappers: (registered domain, path prefix or "", query parameters holding the target).
_WRAPPERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("google", "/url", ("q", "url")),
    ("facebook.com", "/l.php", ("u",)),
    ("youtube.com", "/redirect", ("q",)),
    ("reddit.com", "", ("url",)),
    ("instagram.com", "", ("u",)),
    ("linkedin.com", "/redir", ("url",)),
    ("vk.com", "/away.php", ("to",)),
    ("steamcommunity.com", "/linkfilter", ("url", "u")),
    ("disq.us", "/url", ("url",)),
    ("href.li", "", ("",)),
    ("slack-redir.net", "/link", ("url",)),
    ("outlook.com", "", ("url",)),
    ("tumblr.com", "/redirect", ("z",)),
    ("t.umblr.com", "/redirect", ("z",)),
    ("deviantart.com", "/users/outgoing", ("",)),
)


#: Last path segments (extension dropped) and query parameters of generic outbound redirectors.
_REDIRECTOR_PATHS = frozenset({"out", "go", "goto", "redirect", "redir", "away", "exit", "leave",
                               "outgoing", "external", "link", "click", "r", "l", "url", "jump"})
_REDIRECTOR_PARAMS = frozenset({"url", "u", "q", "to", "target", "link", "dest", "destination",
                                "goto", "redirect", "out", "href", "r"})


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    import tldextract  # here, not at the top: it costs ~0.15 s, which `import spamlinks` skips

    # No suffix-list URLs and no cache dir: the bundled snapshot only, never network or disk.
    # Private suffixes (github.io, blogspot.com) count, so each user site is its own domain.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def read_resource(name: str, root: Traversable | None = None) -> str:
    """A shipped data file's text, after checking its sha256 against ``SHA256SUMS``."""
    folder = root or resources.files("spamlinks.resources")
    sums: dict[str, str] = {}
    for line in folder.joinpath("SHA256SUMS").read_text("utf-8").splitlines():
        if line.strip():
            digest, fname = line.split(None, 1)
            sums[fname.strip()] = digest
    data = folder.joinpath(name).read_bytes()
    if hashlib.sha256(data).hexdigest() != sums.get(name):
        raise ResourceIntegrityError(
            f"spamlinks/resources/{name} does not match its sha256 in SHA256SUMS: the installed "
            "package was changed or corrupted. Reinstall spamlinks (pip install --force-reinstall "
            "spamlinks)"
        )
    return data.decode("utf-8")


@functools.cache
def shortener_domains() -> frozenset[str]:
    """Registered domains of URL shorteners (shipped list, verified; provenance in NOTICE)."""
    text = read_resource("url_shorteners.txt")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@dataclass(frozen=True)
class UrlInfo:
    """What a URL points at."""

    url: str
    """Absolute, normalised URL (scheme and host lower-cased, IDN hosts in punycode)."""
    scheme: str
    """Lower-case scheme, ``""`` when there is none."""
    scheme_class: str
    """``web``, ``mailto``, ``tel``, ``javascript``, ``data``, ``relative``, ``fragment``,
    ``other`` or ``invalid``."""
    host: str | None
    """Lower-case ASCII host (punycode for IDN), None for non-web links."""
    domain: str | None
    """Registered domain per the Public Suffix List (``appinventiv.com``), None for non-web."""
    suffix: str | None
    """Public suffix (``com``, ``co.uk``); ``""`` for IP addresses and unknown TLDs."""
    path: str = ""
    query_keys: tuple[str, ...] = ()
    tracking_params: tuple[str, ...] = ()
    """Query parameters known to track clicks or credit affiliates (``utm_*``, ``ref``, ...)."""
    is_shortener: bool = False
    is_ip: bool = False
    is_idn: bool = False
    """The host has non-ASCII or punycode labels."""
    mixed_script: bool = False
    """A host label mixes scripts (e.g. Latin and Cyrillic): a homoglyph warning."""
    port: int | None = None
    wrapped_url: str | None = None
    """The redirect-wrapper URL this target was unwrapped from, if any."""
    problem: str | None = None
    """Why the URL was judged invalid, when it was."""

    @property
    def is_web(self) -> bool:
        return self.scheme_class == "web"


def _scripts(label: str) -> set[str]:
    out = set()
    for ch in label:
        if ch.isascii():
            if ch.isalpha():
                out.add("LATIN")
            continue
        try:
            name = unicodedata.name(ch)
        except ValueError:
            continue
        out.add(name.split(" ", 1)[0])
    return out


def _normalise_host(raw: str) -> tuple[str, bool, bool]:
    """Lower-case ASCII host, whether it is IDN, and whether a label mixes scripts."""
    host = raw.strip().rstrip(".").lower()
    is_idn = not host.isascii() or "xn--" in host
    mixed = False
    labels = host.split(".")
    decoded = []
    for label in labels:
        if label.startswith("xn--"):
            try:
                label_u = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                label_u = label
        else:
            label_u = label
        decoded.append(label_u)
        if len(_scripts(label_u)) > 1:
            mixed = True
    if not host.isascii():
        try:
            host = ".".join(
                lab.encode("idna").decode("ascii") if not lab.isascii() else lab for lab in labels
            )
        except (UnicodeError, ValueError):
            host = quote(host, safe=".-")
    return host, is_idn, mixed


def _invalid(url: str, scheme: str, problem: str) -> UrlInfo:
    return UrlInfo(url=url[:MAX_URL_CHARS], scheme=scheme, scheme_class="invalid", host=None,
                   domain=None, suffix=None, problem=problem)


@functools.lru_cache(maxsize=4096)
def _host_wrappers(domain: str, host: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The redirect wrappers that a host may be (usually none); cached per host (bounded)."""
    return tuple(
        (wdomain, wpath, params) for wdomain, wpath, params in _WRAPPERS
        if domain == wdomain or host == wdomain or domain.startswith(wdomain + ".")
        or host.endswith("." + wdomain)
    )


def _wrapped_target(domain: str, host: str, path: str, query: str) -> str | None:
    for _wdomain, wpath, params in _host_wrappers(domain, host):
        if wpath and not path.startswith(wpath):
            continue
        if params == ("",):
            target = unquote(query)
            if target.startswith(("http://", "https://")):
                return target
            continue
        values = dict(parse_qsl(query, keep_blank_values=False))
        for p in params:
            target = values.get(p, "")
            if target.startswith(("http://", "https://", "www.")):
                return target if not target.startswith("www.") else "http://" + target
    return _outbound_target(domain, path, query)


def _outbound_target(domain: str, path: str, query: str) -> str | None:
    """A site's own outbound redirector (``/out?url=…``, ``/go.php?url=…``) on any host.

    Forums and blogs send external links through such pages; the reader ends up at the target,
    so the target is what the link is. Only redirector-looking paths with a known parameter
    holding an absolute URL on *another* registered domain count (not ``/login?next=…``).
    """
    last = path.rstrip("/").rsplit("/", 1)[-1].lower().split(".", 1)[0]
    if last not in _REDIRECTOR_PATHS or not query:
        return None
    for key, value in parse_qsl(query, keep_blank_values=False):
        if key.lower() in _REDIRECTOR_PARAMS and value.startswith(("http://", "https://")):
            inner = urlsplit(value).hostname or ""
            if inner and inner != domain and not inner.endswith("." + domain):
                return value
    return None


def analyse_url(href: str, *, base_url: str | None = None, _depth: int = 0) -> UrlInfo:
    """Classify and normalise one ``href``; never raises on junk (it returns ``invalid``)."""
    raw = _CONTROL.sub("", href.strip())[: MAX_URL_CHARS + 1]
    if not raw:
        return UrlInfo(url="", scheme="", scheme_class="fragment", host=None, domain=None,
                       suffix=None)
    if len(raw) > MAX_URL_CHARS:
        return _invalid(raw, "", f"URL longer than {MAX_URL_CHARS} characters")
    if raw.startswith("#"):
        return UrlInfo(url=raw, scheme="", scheme_class="fragment", host=None, domain=None,
                       suffix=None)
    if base_url and not raw.startswith("//") and ":" not in raw.split("/", 1)[0]:
        with contextlib.suppress(ValueError):
            raw = urljoin(base_url, raw)
    elif raw.startswith("//"):
        raw = "https:" + raw
    try:
        parts = urlsplit(raw)
    except ValueError as exc:
        return _invalid(raw, "", f"unparsable URL ({exc})")
    scheme = parts.scheme.lower()
    if not scheme:
        if raw.lower().startswith("www."):
            return analyse_url("http://" + raw, _depth=_depth)
        return UrlInfo(url=raw, scheme="", scheme_class="relative", host=None, domain=None,
                       suffix=None, path=parts.path)
    sclass = SCHEME_CLASSES.get(scheme, "other")
    if sclass != "web":
        shown = raw if sclass != "data" else raw[:64]
        return UrlInfo(url=shown, scheme=scheme, scheme_class=sclass, host=None, domain=None,
                       suffix=None)
    try:
        hostname = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        return _invalid(raw, scheme, f"bad host or port ({exc})")
    if not hostname:
        return _invalid(raw, scheme, "no host")
    if len(hostname) > MAX_HOST_CHARS:
        return _invalid(raw, scheme, f"host longer than {MAX_HOST_CHARS} characters")
    facts = _host_facts(hostname)
    if facts is None:
        return _invalid(raw, scheme, "empty host")
    host, is_idn, mixed, domain, suffix, is_ip, is_shortener = facts
    netloc = host if port is None else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))
    pairs = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
    keys = tuple(k.lower() for k, _ in pairs)
    tracking = tuple(
        k for k in dict.fromkeys(keys) if k in _TRACKING_EXACT or k.startswith(_TRACKING_PREFIXES)
    )
    if _depth < MAX_UNWRAP:
        target = _wrapped_target(domain, host, parts.path, parts.query)
        if target:
            inner = analyse_url(target, _depth=_depth + 1)
            if inner.is_web:
                return UrlInfo(**{**inner.__dict__, "wrapped_url": url})
    return UrlInfo(
        url=url, scheme=scheme, scheme_class="web", host=host, domain=domain, suffix=suffix,
        path=parts.path, query_keys=keys, tracking_params=tracking,
        is_shortener=is_shortener, is_ip=is_ip, is_idn=is_idn, mixed_script=mixed, port=port,
    )


_HostFacts = tuple[str, bool, bool, str, str, bool, bool]


@functools.lru_cache(maxsize=4096)
def _host_facts(hostname: str) -> _HostFacts | None:
    """Normalised host, is IDN, mixed scripts, registered domain, suffix, is IP, is shortener;
    None for an empty host. Cached (bounded): posts link the same few hosts over and over,
    and the suffix-list lookup and IDN checks cost more than the rest of :func:`analyse_url`."""
    host, is_idn, mixed = _normalise_host(hostname)
    if not host:
        return None
    ext = _extractor()(host)
    is_ip = bool(ext.domain) and not ext.suffix and _looks_ip(host)
    if is_ip:
        domain, suffix = host, ""
    elif ext.suffix and ext.domain:
        domain, suffix = f"{ext.domain}.{ext.suffix}", ext.suffix
    else:
        domain, suffix = host, ext.suffix
    shortener = domain in shortener_domains() or host in shortener_domains()
    return host, is_idn, mixed, domain, suffix, is_ip, shortener


def _looks_ip(host: str) -> bool:
    return host.replace(".", "").isdigit() or ":" in host


@functools.lru_cache(maxsize=256)
def site_domain(site: str) -> str | None:
    """Registered domain of a site given as a host (``forum.example.org``) or a URL."""
    return analyse_url(site if "//" in site else "http://" + site).domain
