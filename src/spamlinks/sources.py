"""Readers for batch scoring: JSONL, CSV, RSS/Atom, forum API dumps and HTML folders → Records.

Every reader yields one :class:`Record` per post it finds, in input order. A post that cannot be
read (an invalid JSON line, a missing or non-string html field…) still yields a Record, with
``error`` saying why, so the batch runner can write one output row for every input row.

Formats (``FORMATS``), detected from the file extension and content or forced by name:

=================  ===========================================================================
``jsonl``          one JSON object per line; html in ``html``/``content``/``cooked``/``body``/
                   ``body_html`` (or ``html_field``), optional ``id``, ``title``, ``site``,
                   ``platform``. Read line by line: memory stays flat on any size.
``csv``            the same columns, with a header row.
``rss``/``atom``   RSS 2.0 items (``content:encoded`` or ``description``) and Atom entries
                   (``content`` or ``summary``). A NodeBB topic feed carries the topic's first
                   post as the channel description: it becomes the first record.
``nodebb``         NodeBB topic API JSON: ``posts[].content``.
``discourse``      Discourse topic JSON (``post_stream.posts[].cooked``) or ``posts.json``
                   (``latest_posts[].cooked``).
``stackexchange``  Stack Exchange API JSON: ``items[].body`` (query with ``filter=withbody``).
``reddit``         Reddit listing JSON: ``data.children[].data.body_html`` / ``selftext_html``
                   (entity-escaped), comment trees included.
``html``           one ``.html`` file, or a folder of them (sorted, recursive).
=================  ===========================================================================

Feeds are parsed with the standard library's expat parser after the document prolog has been
checked: a feed with a ``<!DOCTYPE`` (the only place entity declarations can live) is refused,
so no entity is ever expanded. API dumps are single JSON documents and are read whole.
"""

from __future__ import annotations

import csv
import html as html_lib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .errors import UsageError

#: Fields searched, in order, for a post's HTML in JSONL and CSV records.
HTML_FIELDS = ("html", "content", "cooked", "body", "body_html")
#: Format names accepted by :func:`read_source` (``auto`` detects).
FORMATS = ("auto", "jsonl", "csv", "rss", "atom", "nodebb", "discourse", "stackexchange",
           "reddit", "html")
#: How much of an XML document's start may be spent before the root element.
_MAX_PROLOG = 1 << 16
_CHUNK = 1 << 16
_JSONL_EXT = (".jsonl", ".ndjson", ".jsonlines")
_FEED_EXT = (".rss", ".atom", ".xml")
_HTML_EXT = (".html", ".htm")


@dataclass(frozen=True)
class Record:
    """One post read from an input, or why it could not be read (``error``)."""

    id: str
    html: str | None = None
    site: str | None = None
    platform: str | None = None
    title: str | None = None
    error: str | None = None


def source_name(path: str) -> str:
    """The name used in generated record ids: the file name, or ``stdin``."""
    return "stdin" if path == "-" else Path(path).name


def check_input(path: str) -> None:
    """Raise :class:`UsageError` if ``path`` cannot be read (before any output is touched)."""
    if path == "-":
        return
    p = Path(path)
    if p.is_dir():
        return
    try:
        with p.open("rb") as fh:
            fh.read(0)
    except OSError as exc:
        raise UsageError(f"cannot read input {path}: {exc.strerror or exc}") from exc


def read_source(path: str, fmt: str = "auto", *, html_field: str | None = None,
                stdin: IO[str] | None = None) -> Iterator[Record]:
    """Records of one input (``-`` = ``stdin``), in order; ``fmt`` forces a format."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    name = source_name(path)
    if path != "-" and Path(path).is_dir():
        yield from read_html_dir(Path(path))
        return
    if path == "-":
        fh: IO[str] = stdin if stdin is not None else sys.stdin
        yield from _read_stream(fh, name, fmt, path, html_field)
        return
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        yield from _read_stream(fh, name, fmt, path, html_field)


def _read_stream(fh: IO[str], name: str, fmt: str, path: str,
                 html_field: str | None) -> Iterator[Record]:
    if fmt == "auto":
        fmt, fh = detect_format(fh, path, html_field)
    if fmt == "jsonl":
        yield from read_jsonl(fh, name, html_field)
    elif fmt == "csv":
        yield from read_csv(fh, name, html_field)
    elif fmt in ("rss", "atom"):
        yield from read_feed(fh, name)
    elif fmt == "html":
        yield Record(id=name, html=fh.read())
    else:
        yield from read_api_json(fh, name, fmt, html_field)


# detection ---------------------------------------------------------------------------------
class _Peeked:
    """A text stream whose first line was already read (so stdin can be sniffed)."""

    def __init__(self, head: str, rest: IO[str]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> str:
        head, self._head = self._head, ""
        if size is None or size < 0:
            return head + self._rest.read()
        if len(head) >= size:
            self._head = head[size:]
            return head[:size]
        return head + self._rest.read(size - len(head))

    def readline(self) -> str:
        if self._head:
            head, self._head = self._head, ""
            return head
        return self._rest.readline()

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def detect_format(fh: IO[str], path: str = "",
                  html_field: str | None = None) -> tuple[str, IO[str]]:
    """Guess a stream's format from its extension and first line; returns it and a stream
    that still starts at the beginning."""
    ext = Path(path).suffix.lower() if path != "-" else ""
    if ext in _JSONL_EXT:
        return "jsonl", fh
    if ext == ".csv":
        return "csv", fh
    if ext in _HTML_EXT:
        return "html", fh
    first = fh.readline()
    peeked: Any = _Peeked(first, fh)
    head = first.lstrip("\ufeff \t\r\n")
    if not head and not first:
        return "jsonl", peeked
    if head.startswith("<"):
        low = first.lower()
        if ext in _FEED_EXT or low.startswith("<?xml") or "<rss" in low or "<feed" in low:
            return "rss", peeked
        return "html", peeked
    if head.startswith(("{", "[")):
        try:
            obj = json.loads(first)
        except json.JSONDecodeError as exc:
            # A document spread over lines: its first line stops after a bracket, comma or
            # colon. Anything else is a JSONL file whose first line is broken (read line by
            # line, that line becomes an error record).
            spread = exc.msg.startswith("Expecting") and head.rstrip().endswith(tuple("{[,:"))
            return ("json" if ext == ".json" or spread else "jsonl"), peeked
        kind = api_kind(obj)
        if kind:
            return kind, peeked
        return ("jsonl" if isinstance(obj, dict) else "json"), peeked
    fields = [f.strip().strip('"').lower() for f in first.split(",")]
    if len(fields) > 1 and set(fields) & {*HTML_FIELDS, *([html_field.lower()]
                                                           if html_field else [])}:
        return "csv", peeked
    return "jsonl", peeked


def api_kind(obj: Any) -> str | None:
    """Which forum API a parsed JSON document comes from, if any."""
    if isinstance(obj, list):
        return "reddit" if obj and all(_is_reddit_listing(x) for x in obj) else None
    if not isinstance(obj, dict):
        return None
    if "post_stream" in obj or "latest_posts" in obj:
        return "discourse"
    if _is_reddit_listing(obj):
        return "reddit"
    if isinstance(obj.get("items"), list) and ("has_more" in obj or "quota_remaining" in obj
                                               or _items_have(obj["items"], "body")):
        return "stackexchange"
    if isinstance(obj.get("posts"), list) and ("tid" in obj or _items_have(obj["posts"], "pid")):
        return "nodebb"
    return None


def _items_have(items: list[Any], key: str) -> bool:
    return any(isinstance(x, dict) and key in x for x in items[:5])


def _is_reddit_listing(obj: Any) -> bool:
    return (isinstance(obj, dict) and obj.get("kind") == "Listing"
            and isinstance(obj.get("data"), dict))


# JSONL and CSV -----------------------------------------------------------------------------
def record_from_mapping(rec: Any, default_id: str, html_field: str | None = None,
                        *, platform: str | None = None) -> Record:
    """A Record from one JSON object / CSV row; a missing or non-string html is an error."""
    if not isinstance(rec, Mapping):
        return Record(id=default_id, error=f"record is a JSON {type(rec).__name__}, "
                                           "not an object")
    rid = rec.get("id")
    rid = default_id if rid is None or rid == "" else str(rid)
    fields = (html_field,) if html_field else HTML_FIELDS
    key = next((k for k in fields if rec.get(k) is not None), None)
    if key is None:
        return Record(id=rid, error=f"no html field (looked for {', '.join(fields)})")
    html = rec[key]
    if not isinstance(html, str):
        return Record(id=rid, error=f"field {key!r} is not a string "
                                    f"(got {type(html).__name__})")

    def opt(name: str) -> str | None:
        v = rec.get(name)
        return v if isinstance(v, str) and v else None

    return Record(id=rid, html=html, site=opt("site"), platform=opt("platform") or platform,
                  title=opt("title"))


def read_jsonl(fh: Iterable[str], name: str, html_field: str | None = None) -> Iterator[Record]:
    """One Record per non-blank line; ids default to ``name:line``."""
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        rid = f"{name}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(id=rid, error=f"invalid JSON on line {lineno}: {exc.msg} "
                                       f"(column {exc.colno})")
            continue
        yield record_from_mapping(rec, rid, html_field)


def read_csv(fh: IO[str], name: str, html_field: str | None = None) -> Iterator[Record]:
    """One Record per CSV row after the header; ids default to ``name:row``."""
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield Record(id=f"{name}:header", error=f"unreadable CSV header: {exc}")
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    n = 0
    while True:
        n += 1
        rid = f"{name}:{n}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(id=rid, error=f"malformed CSV row {n}: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            n -= 1
            continue
        if len(row) != len(header):
            yield Record(id=rid, error=f"CSV row {n} has {len(row)} fields, "
                                       f"the header has {len(header)}")
            continue
        yield record_from_mapping({k: v for k, v in zip(header, row, strict=True) if v != ""},
                                  rid, html_field)


# feeds -------------------------------------------------------------------------------------
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_NODEBB_TOPIC = re.compile(r"/topic/\d+")
_ROOT_START = re.compile(r"<[A-Za-z_]")


def check_prolog(head: str) -> None:
    """Refuse XML whose prolog declares a DOCTYPE (entity declarations can only live there)."""
    pos = 1 if head.startswith("\ufeff") else 0
    while True:
        m = _PROLOG_SKIP.match(head, pos)
        if not m:
            break
        pos = m.end()
    if head.startswith("<!", pos) and head[pos + 2:pos + 9].upper() in ("DOCTYPE", "ENTITY "):
        raise ValueError("the feed declares a DOCTYPE; refusing it (entity expansion is "
                         "disabled)")
    if not _ROOT_START.match(head, pos):
        # Whatever comes first is not the root element (an unterminated comment, text, or
        # more prolog than we read): refuse rather than let a DOCTYPE slip past the check.
        raise ValueError("no feed root element at the start of the document")


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    t = "".join(el.itertext()) if len(el) else (el.text or "")
    t = t.strip()
    return t or None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def read_feed(fh: IO[str], name: str) -> Iterator[Record]:
    """Items of an RSS 2.0 feed or entries of an Atom feed, streamed (each item is freed once
    read). A feed that cannot be parsed yields one error Record (after the items read so far)."""
    head = fh.read(_CHUNK)
    while len(head) < _MAX_PROLOG and "<" not in _PROLOG_SKIP.sub("", head[:_MAX_PROLOG]):
        more = fh.read(_CHUNK)
        if not more:
            break
        head += more
    try:
        check_prolog(head)
    except ValueError as exc:
        yield Record(id=f"{name}:feed", error=str(exc))
        return
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    n = 0
    stack: list[ET.Element] = []
    channel: dict[str, str | None] = {}
    channel_done = False
    nodebb = False
    chunk = head
    try:
        while True:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            for event, el in parser.read_events():
                assert isinstance(el, ET.Element)
                if event == "start":
                    stack.append(el)
                    continue
                stack.pop()
                parent = stack[-1] if stack else None
                tag = el.tag
                if tag in ("item", f"{_ATOM}entry"):
                    if not channel_done:
                        channel_done = True
                        nodebb = _is_nodebb_topic(channel)
                        rec = _channel_record(channel, name, nodebb)
                        if rec is not None:
                            n += 1
                            yield rec
                    n += 1
                    yield (_rss_item(el, name, n, nodebb) if tag == "item"
                           else _atom_entry(el, name, n))
                    if parent is not None:  # keep memory flat on long feeds
                        parent.remove(el)
                elif parent is not None and parent.tag in ("channel", f"{_ATOM}feed"):
                    key = tag.split("}", 1)[-1]
                    if not channel_done and key == "link" and tag.startswith(_ATOM):
                        if el.get("rel", "alternate") == "alternate":
                            channel.setdefault("link", el.get("href"))
                    elif not channel_done and key in ("title", "description", "link",
                                                      "generator"):
                        channel.setdefault(key, _text(el))
                    parent.remove(el)
            if not chunk:
                break
            chunk = fh.read(_CHUNK)
    except ET.ParseError as exc:
        n += 1
        yield Record(id=f"{name}:{n}", error=f"malformed feed: {exc}")
        return
    if not channel_done:
        rec = _channel_record(channel, name, _is_nodebb_topic(channel), only=True)
        if rec is not None:
            yield rec


def _is_nodebb_topic(channel: Mapping[str, str | None]) -> bool:
    return bool(_NODEBB_TOPIC.search(channel.get("link") or "")) and (
        "node" in (channel.get("generator") or "").lower())


def _channel_record(channel: Mapping[str, str | None], name: str, nodebb: bool,
                    only: bool = False) -> Record | None:
    """NodeBB topic feeds put the topic's first post in the channel description (the items are
    the replies); a feed with no items but an HTML description is read as that one post."""
    desc = channel.get("description")
    if not desc or not (nodebb or (only and "<" in desc)):
        return None
    link = channel.get("link")
    return Record(id=link or f"{name}:1", html=desc, site=_host(link),
                  platform="nodebb" if nodebb else None, title=channel.get("title"))


def _rss_item(el: ET.Element, name: str, n: int, nodebb: bool) -> Record:
    link = _text(el.find("link"))
    rid = _text(el.find("guid")) or link or f"{name}:{n}"
    html = _text(el.find(_CONTENT_ENCODED)) or _text(el.find("description"))
    if html is None:
        return Record(id=rid, error="feed item has no description or content:encoded")
    return Record(id=rid, html=html, site=_host(link), title=_text(el.find("title")),
                  platform="nodebb" if nodebb else None)


def _atom_entry(el: ET.Element, name: str, n: int) -> Record:
    link = None
    for lk in el.findall(f"{_ATOM}link"):
        if lk.get("rel", "alternate") == "alternate":
            link = lk.get("href")
            break
    rid = _text(el.find(f"{_ATOM}id")) or link or f"{name}:{n}"
    body = el.find(f"{_ATOM}content")
    if body is None or _text(body) is None:
        body = el.find(f"{_ATOM}summary")
    html = _text(body)
    if html is None:
        return Record(id=rid, error="feed entry has no content or summary")
    if body is not None and body.get("type") == "xhtml":
        for sub in body.iter():  # serialise as plain HTML, without namespace prefixes
            if isinstance(sub.tag, str):
                sub.tag = sub.tag.split("}", 1)[-1]
        html = "".join(ET.tostring(c, encoding="unicode", short_empty_elements=False)
                       for c in body)
    elif body is not None and body.get("type", "text") == "text":
        html = html_lib.escape(html)
    return Record(id=rid, html=html, site=_host(link), title=_text(el.find(f"{_ATOM}title")))


# forum API JSON ----------------------------------------------------------------------------
def read_api_json(fh: IO[str], name: str, fmt: str,
                  html_field: str | None = None) -> Iterator[Record]:
    """Records of one JSON document (``fmt`` = an API name, or ``json`` to detect it)."""
    text = fh.read()
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Record(id=f"{name}:1", error=f"invalid JSON document: {exc.msg} "
                                           f"(line {exc.lineno}, column {exc.colno})")
        return
    if fmt == "json":
        fmt = api_kind(obj) or "records"
    readers: dict[str, Callable[[Any, str, str | None], Iterator[Record]]] = {
        "nodebb": _nodebb, "discourse": _discourse, "stackexchange": _stackexchange,
        "reddit": _reddit, "records": _records, "jsonl": _records,
    }
    if fmt not in readers:
        raise UsageError(f"format {fmt!r} cannot read a JSON document")
    yield from readers[fmt](obj, name, html_field)


def _records(obj: Any, name: str, html_field: str | None) -> Iterator[Record]:
    items = obj if isinstance(obj, list) else [obj]
    for n, rec in enumerate(items, 1):
        yield record_from_mapping(rec, f"{name}:{n}", html_field)


def _list_at(obj: Any, *keys: str) -> list[Any] | None:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj if isinstance(obj, list) else None


def _api_record(item: Any, rid: str, field: str, *, platform: str, title: str | None = None,
                site: str | None = None) -> Record:
    if not isinstance(item, dict):
        return Record(id=rid, error=f"expected a post object, got {type(item).__name__}")
    html = item.get(field)
    if html is None:
        return Record(id=rid, error=f"post has no {field!r} field")
    if not isinstance(html, str):
        return Record(id=rid, error=f"field {field!r} is not a string "
                                    f"(got {type(html).__name__})")
    return Record(id=rid, html=html, site=site, platform=platform, title=title)


def _nodebb(obj: Any, name: str, html_field: str | None) -> Iterator[Record]:
    posts = _list_at(obj, "posts")
    if posts is None:
        yield Record(id=f"{name}:1", error="not a NodeBB topic: no 'posts' list")
        return
    title = obj.get("titleRaw") or obj.get("title")
    for n, p in enumerate(posts, 1):
        pid = p.get("pid") if isinstance(p, dict) else None
        yield _api_record(p, str(pid) if pid is not None else f"{name}:{n}",
                          html_field or "content", platform="nodebb",
                          title=title if isinstance(title, str) else None)


def _discourse(obj: Any, name: str, html_field: str | None) -> Iterator[Record]:
    posts = _list_at(obj, "post_stream", "posts")
    if posts is None:
        posts = _list_at(obj, "latest_posts")
    if posts is None:
        yield Record(id=f"{name}:1", error="not a Discourse topic or posts.json: no "
                                           "'post_stream.posts' or 'latest_posts' list")
        return
    topic_title = obj.get("title") if isinstance(obj.get("title"), str) else None
    for n, p in enumerate(posts, 1):
        pid = p.get("id") if isinstance(p, dict) else None
        title = topic_title or (p.get("topic_title") if isinstance(p, dict) else None)
        yield _api_record(p, str(pid) if pid is not None else f"{name}:{n}",
                          html_field or "cooked", platform="discourse",
                          title=title if isinstance(title, str) else None)


def _stackexchange(obj: Any, name: str, html_field: str | None) -> Iterator[Record]:
    items = _list_at(obj, "items")
    if items is None:
        yield Record(id=f"{name}:1", error="not a Stack Exchange API response: no 'items' list")
        return
    for n, it in enumerate(items, 1):
        rid = f"{name}:{n}"
        if isinstance(it, dict):
            for kind in ("answer", "comment", "question"):
                if it.get(f"{kind}_id") is not None:
                    rid = f"{kind}/{it[f'{kind}_id']}"
                    break
        rec = _api_record(it, rid, html_field or "body", platform="stackexchange",
                          title=it.get("title") if isinstance(it, dict) else None,
                          site=_host(it.get("link")) if isinstance(it, dict) else None)
        if rec.error and "no 'body'" in rec.error:
            rec = Record(id=rid, error="item has no 'body' (query the API with "
                                       "filter=withbody)")
        yield rec


def _reddit_things(obj: Any) -> Iterator[dict[str, Any]]:
    """Things of a listing (or list of listings), comment trees flattened depth-first."""
    listings = obj if isinstance(obj, list) else [obj]
    for listing in listings:
        children = _list_at(listing, "data", "children") or []
        for child in children:
            if not isinstance(child, dict) or child.get("kind") == "more":
                continue
            yield child
            data = child.get("data")
            if isinstance(data, dict) and isinstance(data.get("replies"), dict):
                yield from _reddit_things(data["replies"])


def _reddit(obj: Any, name: str, html_field: str | None) -> Iterator[Record]:
    if not (isinstance(obj, list) or _is_reddit_listing(obj)):
        yield Record(id=f"{name}:1", error="not a Reddit listing: no data.children")
        return
    for n, thing in enumerate(_reddit_things(obj), 1):
        data = thing.get("data")
        if not isinstance(data, dict):
            yield Record(id=f"{name}:{n}", error="listing child has no data object")
            continue
        rid = str(data.get("name") or data.get("id") or f"{name}:{n}")
        title = data.get("title") or data.get("link_title")
        title = title if isinstance(title, str) else None
        fields = (html_field,) if html_field else ("body_html", "selftext_html")
        key = next((k for k in fields if data.get(k) is not None), None)
        if key is None and isinstance(data.get("url"), str) and not data.get("is_self"):
            # A link post: its content is the link itself.
            url = html_lib.escape(data["url"], quote=True)
            yield Record(id=rid, html=f'<p><a href="{url}">{html_lib.escape(title or url)}</a>'
                                      "</p>", site="reddit.com", platform="reddit", title=title)
            continue
        if key is None:
            yield Record(id=rid, error=f"no html field (looked for {', '.join(fields)})")
            continue
        value = data[key]
        if not isinstance(value, str):
            yield Record(id=rid, error=f"field {key!r} is not a string "
                                       f"(got {type(value).__name__})")
            continue
        yield Record(id=rid, html=html_lib.unescape(value), site="reddit.com",
                     platform="reddit", title=title)


# HTML files --------------------------------------------------------------------------------
def read_html_dir(folder: Path) -> Iterator[Record]:
    """One Record per ``.html``/``.htm`` file under ``folder`` (sorted; id = relative path)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in _HTML_EXT and p.is_file())
    for p in files:
        rid = p.relative_to(folder).as_posix()
        try:
            yield Record(id=rid, html=p.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            yield Record(id=rid, error=f"cannot read {p}: {exc.strerror or exc}")
