"""Property tests: random HTML-like text never raises, and spans point at anchor text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spamlinks import extract_links, parse_post

TAGS = ["a", "p", "div", "blockquote", "code", "pre", "span", "img", "br", "script", "aside", "b"]
HREFS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["https://v.io/x", "http://[::1", "mailto:x@y", "javascript:x", "//a.b",
                     "https://www.google.com/url?q=https://z.io", "http://аpple.com", "%zz",
                     "https://bit.ly/a?utm_source=x", "http://e.com:999999", "data:,x"]),
)


@st.composite
def html_like(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            parts.append(draw(st.text(max_size=30)))
        elif kind == 1:
            parts.append(f"<{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 3:
            href = draw(HREFS).replace('"', "&quot;")
            rel = draw(st.sampled_from(["", ' rel="nofollow ugc"', ' rel="SPONSORED"']))
            parts.append(f'<a href="{href}"{rel}>{draw(st.text(max_size=20))}</a>')
        elif kind == 4:
            parts.append(draw(st.sampled_from(["&amp;", "&#x0;", "&#xD800;", "&bogus", "\x00",
                                               "https://bare.example.com/p", "<!--", "]]>"])))
        else:
            parts.append(draw(st.text(alphabet="<>/=\"' &;#", max_size=10)))
    return "".join(parts)


@given(html_like(), st.sampled_from([None, "nodebb", "reddit", "phpbb", "discourse", "x"]))
def test_parse_never_raises_and_spans_hold(html: str, platform: str | None) -> None:
    post = parse_post(html, platform=platform, site="forum.example.org")
    for link in post.links:
        a, b = link.span
        assert 0 <= a <= b <= len(post.text)
        assert post.text[a:b] == link.anchor_text
        assert link.domain is None or link.scheme_class == "web"
    for a, b in (*post.quotes, *post.code):
        assert 0 <= a < b <= len(post.text)
    assert parse_post(html, platform=platform, site="forum.example.org") == post


@given(st.binary(max_size=300))
def test_any_bytes_yield_a_result(data: bytes) -> None:
    assert isinstance(extract_links(data), list)


@given(st.text(max_size=200))
def test_any_href_is_classified(href: str) -> None:
    links = extract_links(f'<a href="{href.replace(chr(34), "")}">x</a>')
    assert len(links) <= 1
    for link in links:
        assert link.scheme_class in {"web", "mailto", "tel", "javascript", "data", "relative",
                                     "fragment", "other", "invalid"}
