"""HTML → :class:`Post`: visible text, links with spans, quotes and code blocks.

Never raises on junk markup. Parsing uses lxml's HTML parser (libxml2) directly, because a
BeautifulSoup tree costs several times more per post; bs4's ``UnicodeDammit`` decodes bytes.
A document nested deeper than libxml2 allows (2,048 levels) is flattened in one linear pass
and parsed again, so that nothing past the limit is silently lost.
"""

from __future__ import annotations

import codecs
import html as html_lib
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from .domains import MAX_URL_CHARS, UrlInfo, analyse_url, site_domain
from .platforms import detect_platform, get_platform

#: Posts longer than this many characters are cut to it before parsing; ``Post.truncated`` says so.
MAX_INPUT_CHARS = 2_000_000
#: At most this many links are analysed per post (the rest are counted in ``Post.links_dropped``).
MAX_LINKS = 5_000

_BLOCK = frozenset(
    "address article aside blockquote body br dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody "
    "td tfoot th thead tr ul cite".split()
)
_SKIP = frozenset("script style template noscript head title iframe object embed svg math".split())
_QUOTE_TAGS = frozenset({"blockquote", "q"})
_QUOTE_CLASSES = ("quote", "bbcode_quote", "quotecontent")
_CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "tt"})
_CODE_CLASSES = ("codebox", "highlight", "codecontent")
_SIG_CLASSES = ("signature", "sig", "postsig", "user-signature")
_SIG_LINE = re.compile(r"(?m)^(?:--|—|__+|-- )\s*$")
_BARE_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`\[\]{}|\\^]{2,2000}")
# A host and path typed without a scheme (``s.id/beasiswa``, ``bit.ly/x``, ``shop.example.com/
# deal``): a reader copies it like any URL. A path is required (a bare ``example.com`` in prose
# is a mention, not a link) and the suffix must be a public suffix that is not a file type.
_HOST_PATH = re.compile(
    r"(?i)(?<![\w@./:%~+-])(?:[a-z0-9][a-z0-9-]{0,62}+\.){1,6}+[a-z]{2,24}+"
    r"/[^\s<>\"'`\[\]{}|\\^]{1,2000}+"
)
_FILE_SUFFIXES = frozenset("py md sh rs so zip mov pl cs ps pm rb".split())
_TRAIL = ".,;:!?)]}'\"»”’…"
_WS = re.compile(r"\s+")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NEWLINE = re.compile("\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_MARKUP = re.compile(
    r"&lt;(?:div|p|a|br|span|blockquote|ul|ol|li|em|strong|code|pre)\b", re.I
)
_LITERAL_NEWLINES = re.compile(r"\\r\\n")
# Links written in a lightweight markup that reached us unrendered (a forum dump's raw field,
# plain-text exports): Markdown ``[text](url "title")`` and BBCode ``[url=…]text[/url]`` /
# ``[url]…[/url]``. Only absolute web URLs count, so prose in brackets is left alone.
_MD_LINK = re.compile(  # possessive quantifiers: no backtracking on hostile input
    r"(?<!!)\[([^\[\]\n]{1,300}+)\]\(\s*+<?"
    r"((?:https?://|www\.)(?:[^\s()<>\"]++|\([^\s()<>\"]{0,200}+\)){1,50}+)"
    r">?(?:\s++(?:\"[^\"\n]{0,300}+\"|'[^'\n]{0,300}+'))?\s*+\)"
)
_BB_LINK = re.compile(
    r"(?i)\[url=[\"']?((?:https?://|www\.)[^\s\]\"'<>]{1,2000}+)[\"']?\]([^\[\n]{0,300}+)\[/url\]"
    r"|\[url\]((?:https?://|www\.)[^\s\[\]<>]{1,2000}+)\[/url\]"
)
_MARKUP_HINT = re.compile(r"(?i)\]\(|\[url")


@dataclass(frozen=True)
class Link:
    """One link in a post: an ``<a href>`` or a bare URL typed in the text."""

    url: str
    """Absolute, normalised destination (a redirect wrapper is unwrapped to its target)."""
    host: str | None
    """Lower-case host (punycode for IDN); None for non-web links."""
    domain: str | None
    """Registered domain (``appinventiv.com``); None for mailto/tel/javascript/data/relative."""
    anchor_text: str
    """Visible text of the anchor (an image's alt text for image links)."""
    rel: tuple[str, ...]
    """Lower-case ``rel`` tokens, in document order."""
    span: tuple[int, int]
    """``Post.text[span[0]:span[1]] == anchor_text``."""
    index: int
    """Position among the post's links, from 0."""
    scheme: str = ""
    scheme_class: str = "web"
    """``web``, ``mailto``, ``tel``, ``javascript``, ``data``, ``relative``, ``fragment``,
    ``other`` or ``invalid``."""
    href: str = ""
    """The ``href`` exactly as written."""
    target: str | None = None
    title: str | None = None
    source: str = "anchor"
    """``anchor`` for ``<a href>``; ``markup`` for a Markdown or BBCode link left unrendered in
    the text (``[text](url)``, ``[url=…]text[/url]``); ``bare`` for a URL typed in the text;
    ``typed`` for a host and path typed without a scheme (``bit.ly/x``), which platforms
    do not make clickable."""
    wrapped_url: str | None = None
    """The redirect wrapper (``google.com/url?q=…``) the link was unwrapped from."""
    suffix: str | None = None
    is_internal: bool = False
    """Points at the site the post lives on (or is relative/fragment)."""
    is_image: bool = False
    in_quote: bool = False
    in_code: bool = False
    in_signature: bool = False
    is_shortener: bool = False
    tracking_params: tuple[str, ...] = ()
    is_idn: bool = False
    mixed_script: bool = False
    is_ip: bool = False
    platform_rel: bool | None = None
    """True: ``rel`` is exactly what the platform adds; False: it deviates; None: unknown."""
    rel_added: tuple[str, ...] = ()
    """``rel`` tokens beyond the platform's default (e.g. ``sponsored``)."""
    rel_missing: tuple[str, ...] = ()
    """Platform-default tokens that are absent (e.g. ``nofollow``)."""
    position: float = 0.0
    """Where the link sits in the text: 0.0 = start, 1.0 = end."""
    paragraph: int = 0
    """Index of the text block (line of ``Post.text``) holding the link."""
    problem: str | None = None

    @property
    def is_web(self) -> bool:
        return self.scheme_class == "web"

    @property
    def is_external(self) -> bool:
        """A web link to another site."""
        return self.is_web and not self.is_internal

    @property
    def rel_deviates(self) -> bool:
        return self.platform_rel is False


@dataclass(frozen=True)
class Post:
    """A parsed post."""

    text: str
    """Visible text: whitespace collapsed, one line per block (paragraph, list item, ...)."""
    links: tuple[Link, ...]
    title: str | None = None
    platform: str | None = None
    platform_detected: bool = False
    """True when ``platform`` was guessed from the markup rather than given."""
    site: str | None = None
    quotes: tuple[tuple[int, int], ...] = ()
    """Spans of quoted blocks in ``text``."""
    code: tuple[tuple[int, int], ...] = ()
    """Spans of code blocks and inline code in ``text``."""
    n_images: int = 0
    html_chars: int = 0
    truncated: bool = False
    """The input was cut to ``MAX_INPUT_CHARS`` before parsing."""
    links_dropped: int = 0
    """Links beyond ``MAX_LINKS`` that were counted but not analysed."""

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.split("\n") if line.strip()]

    @property
    def quote_text(self) -> str:
        return "\n".join(self.text[a:b] for a, b in self.quotes)

    @property
    def code_text(self) -> str:
        return "\n".join(self.text[a:b] for a, b in self.code)


# --------------------------------------------------------------------------- decoding


def to_text(html: str | bytes | bytearray | memoryview) -> str:
    """Decode input to ``str``: bytes via declared/sniffed encoding, bad sequences replaced."""
    if isinstance(html, str):
        return html
    if isinstance(html, bytearray | memoryview):
        html = bytes(html)
    if isinstance(html, bytes):
        for bom, codec in _BOMS:  # a byte-order mark is the strongest evidence there is
            if html.startswith(bom):
                return html[len(bom):].decode(codec, errors="replace")
        try:
            return html.decode("utf-8")
        except UnicodeDecodeError:
            pass
        from bs4 import UnicodeDammit  # here: only non-UTF-8 bytes need bs4 (~0.15 s to import)

        dammit = UnicodeDammit(html[:MAX_INPUT_CHARS * 4], ["utf-8", "windows-1252"])
        if dammit.unicode_markup is not None:
            return dammit.unicode_markup
        return html.decode("utf-8", errors="replace")
    raise TypeError(
        f"spamlinks expects the post as str or bytes, got {type(html).__name__}; "
        "pass the post's HTML body (e.g. post['html'])"
    )


def _prepare(text: str, platform: str | None) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    text = _SURROGATE.sub("\ufffd", text)  # lone surrogates cannot be encoded for libxml2
    if "\\r\\n" in text:  # literal backslash sequences left by some exports
        text = _LITERAL_NEWLINES.sub("\n", text)
    head = text[:4000]
    if (platform == "reddit" or "<" not in head) and _ESCAPED_MARKUP.search(head):
        text = html_lib.unescape(text)
    if _MARKUP_HINT.search(text):
        text = _render_markup_links(text)
    return text


def _markup_anchor(url: str, anchor: str) -> str:
    href = html_lib.escape(html_lib.unescape(url))  # the post may be entity-escaped already
    return f'<a href="{href}" data-sl-markup="1">{anchor or url}</a>'


def _render_markup_links(text: str) -> str:
    """Unrendered Markdown / BBCode links → ``<a>`` elements, so their anchor text counts."""
    text = _MD_LINK.sub(lambda m: _markup_anchor(m.group(2), m.group(1)), text)

    def bb(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return _markup_anchor(m.group(1), m.group(2).strip())
        return _markup_anchor(m.group(3), m.group(3))

    return _BB_LINK.sub(bb, text)


# --------------------------------------------------------------------------- building


def _copy_attrs(attrs: Mapping[str, str]) -> dict[str, str]:
    # items(), not dict(attrs): lxml refuses to look up attribute names that junk markup can
    # produce (control characters), but lists them fine.
    return {k: v for k, v in attrs.items() if isinstance(k, str)}


@dataclass
class _OpenLink:
    attrs: dict[str, str]
    start: int
    in_quote: bool
    in_code: bool
    in_sig: bool
    has_image: bool = False
    alt: str = ""


class _Builder:
    """Consumes start/end/data events and builds visible text, links and block spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.last = "\n"
        self.stack: list[tuple[str, str]] = []  # (tag, role) role in {"", quote, code, sig, skip}
        self.open_count: dict[str, int] = {}  # tag -> how many are open (O(1) end-tag checks)
        self.base_href: str | None = None
        self.quote_depth = 0
        self.code_depth = 0
        self.sig_depth = 0
        self.skip_depth = 0
        self.open_links: list[_OpenLink] = []
        self.links: list[tuple[_OpenLink, int]] = []
        self.quote_spans: list[tuple[int, int]] = []
        self.code_spans: list[tuple[int, int]] = []
        self.sig_spans: list[tuple[int, int]] = []
        self.role_starts: list[int] = []
        self.n_images = 0
        self.n_links_seen = 0

    # text -----------------------------------------------------------------
    def data(self, s: str) -> None:
        if self.skip_depth or not s:
            return
        # Every whitespace character except " " is non-printable, so a printable string with
        # no double space has nothing to collapse: most text nodes skip the regex.
        if not s.isprintable() or "  " in s:
            s = _WS.sub(" ", s)
        if self.last in " \n" and s.startswith(" "):
            s = s[1:]
        if not s:
            return
        self.parts.append(s)
        self.length += len(s)
        self.last = s[-1]

    def newline(self) -> None:
        if self.last == "\n":
            return
        if self.last == " " and self.parts:
            tail = self.parts[-1][:-1]
            self.parts[-1] = tail
            self.length -= 1
        self.parts.append("\n")
        self.length += 1
        self.last = "\n"

    # elements -------------------------------------------------------------
    def start(self, tag: str, attrs: Mapping[str, str]) -> None:
        """An element opens; ``attrs`` is only read here (links keep a copy)."""
        tag = tag.lower()
        self.open_count[tag] = self.open_count.get(tag, 0) + 1
        if tag == "base" and self.base_href is None and attrs.get("href"):
            self.base_href = attrs["href"]
        if self.skip_depth or tag in _SKIP:
            self.stack.append((tag, "skip"))
            self.skip_depth += 1
            return
        role = self._role(tag, attrs.get("class", "").lower())
        if tag in _BLOCK:
            self.newline()
        self.stack.append((tag, role))
        if role:
            self.role_starts.append(self.length)
            if role == "quote":
                self.quote_depth += 1
            elif role == "code":
                self.code_depth += 1
            else:
                self.sig_depth += 1
        if tag == "a":
            self.n_links_seen += 1
            self.open_links.append(
                _OpenLink(_copy_attrs(attrs), self.length, self.quote_depth > 0,
                          self.code_depth > 0, self.sig_depth > 0)
            )
        elif tag == "img":
            self.n_images += 1
            if self.open_links:
                self.open_links[-1].has_image = True
                alt = attrs.get("alt") or attrs.get("title") or ""
                if alt.strip() and not self.open_links[-1].alt:
                    self.open_links[-1].alt = alt
                    self.data(alt)

    @staticmethod
    def _role(tag: str, cls: str) -> str:
        """``quote``, ``code``, ``sig`` or ``""`` for an element and its lower-case class."""
        if tag in _QUOTE_TAGS:
            return "quote"
        if tag in _CODE_TAGS:
            return "code"
        if not cls:  # most elements: no class, so no class-based role
            return ""
        if tag in ("aside", "div") and any(c in cls for c in _QUOTE_CLASSES):
            return "quote"
        if any(c in cls for c in _CODE_CLASSES):
            return "code"
        if any(c == w for w in cls.split() for c in _SIG_CLASSES):
            return "sig"
        return ""

    def end(self, tag: str) -> None:
        tag = tag.lower()
        # Pop to the matching open tag; an end tag with no open match is ignored.
        if not self.open_count.get(tag):
            return
        while self.stack:
            t, role = self.stack.pop()
            self.open_count[t] -= 1
            self._close(t, role)
            if t == tag:
                break

    def _close(self, tag: str, role: str) -> None:
        if role == "skip":
            self.skip_depth -= 1
            return
        if tag == "a" and self.open_links:
            self.links.append((self.open_links.pop(), self.length))
        if role:
            start = self.role_starts.pop()
            spans = {"quote": self.quote_spans, "code": self.code_spans, "sig": self.sig_spans}
            spans[role].append((start, self.length))
            if role == "quote":
                self.quote_depth -= 1
            elif role == "code":
                self.code_depth -= 1
            else:
                self.sig_depth -= 1
        if tag in _BLOCK:
            self.newline()

    def finish(self) -> str:
        while self.stack:
            t, role = self.stack.pop()
            self.open_count[t] -= 1
            self._close(t, role)
        return "".join(self.parts)


def _walk_lxml(root: etree._Element, b: _Builder) -> None:
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # comment or processing instruction: keep its tail only
            if event == "end" and el.tail:
                b.data(el.tail)
            continue
        if event == "start":
            b.start(tag, el.attrib)
            if el.text:
                b.data(el.text)
        else:
            b.end(tag)
            if el.tail:
                b.data(el.tail)


_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]{0,64})[^<>]{0,100000}>")
#: Tags kept when a document nested too deep is flattened, and how deep they may nest there.
_FLAT_KEEP = frozenset("a img br p li blockquote q pre code aside cite base".split())
#: Passed through untracked: void tags, and anchors (which never nest, so never run deep).
_FLAT_VOID = frozenset({"img", "br", "base", "a"})
_FLAT_DEPTH = 256


def _flatten(text: str) -> str:
    """Drop tags outside :data:`_FLAT_KEEP` (block tags become a line break) and kept tags
    nested deeper than :data:`_FLAT_DEPTH`; linear time (each open tag is pushed once)."""
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    open_count: dict[str, int] = {}
    kept_depth = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal kept_depth
        closing, name = m.group(1), m.group(2).lower()
        if name not in _FLAT_KEEP:
            return "<br>" if name in _BLOCK and not closing else " "
        if name in _FLAT_VOID:
            return m.group(0)
        if not closing:
            keep = kept_depth < _FLAT_DEPTH
            stack.append((name, keep))
            open_count[name] = open_count.get(name, 0) + 1
            kept_depth += keep
            return m.group(0) if keep else " "
        if not open_count.get(name):
            return " "
        out = []
        while stack:  # close implicitly everything above the match, as a browser would
            top, keep = stack.pop()
            open_count[top] -= 1
            kept_depth -= keep
            if keep:
                out.append(f"</{top}>")
            if top == name:
                break
        return "".join(out) or " "

    return _TAG.sub(sub, text)


_LOCAL = threading.local()


def _parser() -> etree.HTMLParser:
    """One libxml2 parser per thread: its error log must not be shared between threads."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
            huge_tree=True, recover=True, default_doctype=False,
        )
    return parser


def _parse_tree(text: str) -> tuple[etree._Element | None, bool]:
    """The lxml tree, and whether libxml2 stopped at its nesting limit (content lost)."""
    parser = _parser()
    root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    too_deep = any("depth" in str(e.message).lower() for e in parser.error_log)
    return root, too_deep


def _build(text: str) -> _Builder:
    b = _Builder()
    if not text.strip():
        return b
    root, too_deep = _parse_tree(text)
    if too_deep:
        # Nested deeper than libxml2 allows (2,048 levels): flatten the markup and parse it
        # again, so nothing past the limit is silently lost.
        root, _ = _parse_tree(_flatten(text))
    if root is not None:
        _walk_lxml(root, b)
    return b


# --------------------------------------------------------------------------- links


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    start = min(start, len(text))  # the text's trailing whitespace was trimmed
    end = max(start, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class _Spans:
    """Spans (possibly nested) indexed for O(log n) "does anything cover/overlap this" queries."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.max_end: list[int] = []
        best = -1
        for _, z in ordered:
            best = max(best, z)
            self.max_end.append(best)

    def covers(self, pos: int) -> bool:
        """Some span has ``start <= pos < end``."""
        i = bisect_right(self.starts, pos)
        return i > 0 and self.max_end[i - 1] > pos

    def overlaps(self, a: int, z: int) -> bool:
        """Some span ``(x, y)`` has ``x < z and a < y``."""
        i = bisect_left(self.starts, z)
        return i > 0 and self.max_end[i - 1] > a


def _rel_check(rel: tuple[str, ...], platform: str | None, info: UrlInfo, internal: bool):
    plat = get_platform(platform)
    if plat is None or plat.external_rel is None or not info.is_web or internal:
        return None, (), ()
    relset = set(rel)
    added = tuple(t for t in rel if t not in plat.external_rel)
    missing = tuple(sorted(plat.external_rel - relset))
    # Presentation-only tokens that platforms vary on are not deviations.
    meaningful_added = tuple(t for t in added if t not in {"external", "noopener", "noreferrer"})
    meaningful_missing = tuple(t for t in missing if t not in {"noopener", "noreferrer"})
    return (not meaningful_added and not meaningful_missing), added, missing


def _make_links(
    text: str,
    b: _Builder,
    *,
    site: str | None,
    base_url: str | None,
    platform: str | None,
) -> tuple[list[Link], int]:
    site_dom = site_domain(site) if site else None
    base_dom = site_domain(base_url) if base_url else None
    n_text = max(len(text), 1)
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    sig_spans = list(b.sig_spans)
    m = _SIG_LINE.search(text)
    if m:
        sig_spans.append((m.start(), len(text)))
    quotes, codes, sigs = _Spans(b.quote_spans), _Spans(b.code_spans), _Spans(sig_spans)
    # A <base href> in the post changes where its relative links go, as in a browser; it never
    # makes a link internal (that is the caller's base_url / site).
    link_base = base_url
    if b.base_href:
        try:
            joined = urljoin(base_url or "", b.base_href.strip()[:MAX_URL_CHARS])
        except ValueError:
            joined = ""
        link_base = joined if "://" in joined else base_url

    def paragraph_of(pos: int) -> int:
        """Index of the last line starting at or before ``pos``."""
        return max(0, bisect_right(line_starts, pos) - 1)

    # (start, end, href, attributes, the <a> element or None, source, URL analysis if done)
    raw: list[tuple[int, int, str, Mapping[str, str], _OpenLink | None, str, UrlInfo | None]] = []
    for open_link, end in b.links:
        href = open_link.attrs.get("href")
        if href is None:
            continue
        start, stop = _strip_span(text, open_link.start, end)
        source = "markup" if "data-sl-markup" in open_link.attrs else "anchor"
        raw.append((start, stop, href, open_link.attrs, open_link, source, None))
    anchors = _Spans([(a, z) for a, z, *_ in raw])
    for m in _BARE_URL.finditer(text):
        url = m.group(0).rstrip(_TRAIL)
        a, z = m.start(), m.start() + len(url)
        if len(url) < 8 or anchors.overlaps(a, z):
            continue
        raw.append((a, z, url, {}, None, "bare", None))
    taken = _Spans([(a, z) for a, z, *_ in raw])
    for m in _HOST_PATH.finditer(text):
        url = m.group(0).rstrip(_TRAIL)
        a, z = m.start(), m.start() + len(url)
        if "/" not in url[:-1] or taken.overlaps(a, z):
            continue
        info = analyse_url("http://" + url)
        if not info.suffix or info.suffix.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
            continue
        raw.append((a, z, "http://" + url, {}, None, "typed", info))
    raw.sort(key=lambda r: (r[0], r[1]))
    dropped = max(0, len(raw) - MAX_LINKS)
    links: list[Link] = []
    for i, (a, z, href, attrs, ol, source, known) in enumerate(raw[:MAX_LINKS]):
        info = known or analyse_url(href, base_url=link_base)
        internal = info.scheme_class in ("relative", "fragment") or (
            info.domain is not None and info.domain in (site_dom, base_dom)
        )
        rel = tuple(dict.fromkeys(t.lower() for t in attrs.get("rel", "").split() if t))
        # The platform's rel is known only for links it rendered itself.
        platform_rel, added, missing = (_rel_check(rel, platform, info, internal)
                                        if source == "anchor" else (None, (), ()))
        links.append(
            Link(
                url=info.url, host=info.host, domain=info.domain, anchor_text=text[a:z],
                rel=rel, span=(a, z), index=i, scheme=info.scheme,
                scheme_class=info.scheme_class, href=href[:2048],
                target=attrs.get("target") or None, title=attrs.get("title") or None,
                source=source, wrapped_url=info.wrapped_url,
                suffix=info.suffix, is_internal=internal,
                is_image=bool(ol and ol.has_image),
                in_quote=ol.in_quote if ol else quotes.covers(a),
                in_code=ol.in_code if ol else codes.covers(a),
                in_signature=(ol.in_sig if ol else False) or sigs.covers(a),
                is_shortener=info.is_shortener, tracking_params=info.tracking_params,
                is_idn=info.is_idn, mixed_script=info.mixed_script, is_ip=info.is_ip,
                platform_rel=platform_rel, rel_added=added, rel_missing=missing,
                position=round(a / n_text, 4), paragraph=paragraph_of(a), problem=info.problem,
            )
        )
    return links, dropped


# --------------------------------------------------------------------------- public


def parse_post(
    html: str | bytes,
    *,
    site: str | None = None,
    base_url: str | None = None,
    platform: str | None = None,
    title: str | None = None,
    max_chars: int = MAX_INPUT_CHARS,
) -> Post:
    """Parse a post's HTML into a :class:`Post` (visible text, links, quotes, code).

    ``site`` is the host the post lives on (links to it are internal); ``base_url`` resolves
    relative links; ``platform`` names the markup (``nodebb``, ``discourse``, ``stackexchange``,
    ``wordpress``, ``phpbb``, ``reddit``, ``github``) and is guessed when omitted. Input over
    ``max_chars`` characters is cut to it (``Post.truncated``). Raises ``TypeError`` for input
    that is not ``str``/``bytes``; never raises on malformed markup.
    """
    text_in = to_text(html)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")
    html_chars = len(text_in)
    truncated = html_chars > max_chars
    if truncated:
        text_in = text_in[:max_chars]
    plat = platform.strip().lower() if isinstance(platform, str) and platform.strip() else None
    detected = False
    if plat is None:
        plat = detect_platform(text_in)
        detected = plat is not None
    text_in = _prepare(text_in, plat)
    b = _build(text_in)
    # The builder never emits leading whitespace, so trimming the end keeps every span valid.
    text = b.finish().rstrip()
    links, dropped = _make_links(text, b, site=site, base_url=base_url, platform=plat)
    return Post(
        text=text,
        links=tuple(links),
        title=title,
        platform=plat,
        platform_detected=detected,
        site=site,
        quotes=tuple(_clip(b.quote_spans, len(text))),
        code=tuple(_clip(b.code_spans, len(text))),
        n_images=b.n_images,
        html_chars=html_chars,
        truncated=truncated,
        links_dropped=dropped,
    )


def _clip(spans: list[tuple[int, int]], n: int) -> Iterator[tuple[int, int]]:
    for a, z in sorted(spans):
        a, z = min(a, n), min(z, n)
        if z > a:
            yield (a, z)


def extract_links(
    html: str | bytes,
    *,
    site: str | None = None,
    base_url: str | None = None,
    platform: str | None = None,
) -> list[Link]:
    """Every link in a post (anchors and bare URLs), in document order. See :func:`parse_post`."""
    return list(parse_post(html, site=site, base_url=base_url, platform=platform).links)
