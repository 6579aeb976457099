"""Forum platforms: their default link ``rel`` values and best-effort detection from markup."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    """A forum/comment platform whose rendered HTML spamlinks knows."""

    name: str
    external_rel: frozenset[str] | None
    """The ``rel`` tokens the platform itself puts on external links in user content (None:
    unknown). A link whose ``rel`` differs was not written the platform's way."""
    signals: tuple[str, ...] = ()
    """Regexes over the raw HTML that suggest this platform's markup."""


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform("nodebb", frozenset({"noopener", "noreferrer", "nofollow", "ugc"}),
                 (r'<p dir="auto"', r'rel="noopener noreferrer nofollow ugc"')),
        Platform("discourse", frozenset({"noopener", "nofollow", "ugc"}),
                 (r'class="onebox', r'<aside class="quote"', r'rel="noopener nofollow ugc"',
                  r'class="lang-', r'data-username=')),
        Platform("stackexchange", frozenset({"nofollow", "noreferrer"}),
                 (r'rel="nofollow noreferrer"', r'class="s-')),
        Platform("wordpress", frozenset({"nofollow", "ugc"}),
                 (r'rel="nofollow ugc"', r'rel="ugc external nofollow"', r'wp-smiley',
                  r'class="url"')),
        Platform("phpbb", frozenset(),
                 (r'class="postlink', r'class="codebox"', r"<cite>[^<]{0,80} wrote:",
                  r'class="postimage"')),
        Platform("reddit", frozenset(),
                 (r'<div class="md"', r'&lt;div class=&quot;md&quot;&gt;')),
        Platform("github", frozenset({"nofollow"}),
                 (r'<p dir="auto"', r'class="user-mention', r'class="highlight', r'rel="nofollow"',
                  r'class="markdown-body')),
        Platform("generic", None),
    )
}

_COMPILED = {
    name: [re.compile(sig) for sig in p.signals] for name, p in PLATFORMS.items() if p.signals
}


def get_platform(name: str | None) -> Platform | None:
    """The :class:`Platform` called ``name`` (case-insensitive); None for None/unknown."""
    if not name:
        return None
    return PLATFORMS.get(name.strip().lower())


def detect_platform(html: str) -> str | None:
    """Best-effort guess of the platform from its markup (first 20 kB); None when unclear."""
    head = html[:20000]
    best, best_hits = None, 0
    for name, patterns in _COMPILED.items():
        hits = sum(1 for pat in patterns if pat.search(head))
        if hits > best_hits:
            best, best_hits = name, hits
    return best
