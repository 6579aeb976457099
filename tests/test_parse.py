"""Extraction: links, spans, rel, platforms, quotes/code, bare URLs, odd input."""

from __future__ import annotations

import pytest

from spamlinks import Link, Post, extract_links, parse_post
from spamlinks.parse import MAX_INPUT_CHARS, MAX_LINKS


def only(html: str, **kw) -> Link:
    links = extract_links(html, **kw)
    assert len(links) == 1, links
    return links[0]


def test_seed_post_link(seed_html: str) -> None:
    post = parse_post(seed_html)
    assert post.platform == "nodebb" and post.platform_detected
    (link,) = post.links
    assert link.domain == "appinventiv.com"
    assert link.anchor_text == "hire machine learning engineers"
    assert {"nofollow", "ugc"} <= set(link.rel)
    assert post.text[link.span[0] : link.span[1]] == link.anchor_text
    assert link.platform_rel is True
    assert "Appinventiv" in post.text


@pytest.mark.parametrize(
    ("html", "kw", "field", "expected"),
    [
        ('<a href="https://Docs.Python.org/3/">docs</a>', {}, "url", "https://docs.python.org/3/"),
        ('<a href="https://blog.vendor.co.uk/x">v</a>', {}, "domain", "vendor.co.uk"),
        ('<a href="https://me.github.io/proj">p</a>', {}, "domain", "me.github.io"),
        ('<a href="/t/42">t</a>', {"base_url": "https://forum.x.org/t/1"}, "url",
         "https://forum.x.org/t/42"),
        ('<a href="/t/42">t</a>', {"base_url": "https://forum.x.org/"}, "is_internal", True),
        ('<a href="https://forum.x.org/u/bob">b</a>', {"site": "forum.x.org"}, "is_internal", True),
        ('<a href="https://other.org/">o</a>', {"site": "forum.x.org"}, "is_internal", False),
        ('<a href="//cdn.example.com/a">c</a>', {}, "scheme", "https"),
        ('<a href="x" target="_blank" title="T">x</a>', {}, "target", "_blank"),
        ('<a href="https://a.com" rel="NoFollow  Sponsored">x</a>', {}, "rel",
         ("nofollow", "sponsored")),
        ('<a href="https://a.com"><img src="b.png" alt="Best VPN"></a>', {}, "is_image", True),
        ('<a href="https://a.com"><img src="b.png" alt="Best VPN"></a>', {}, "anchor_text",
         "Best VPN"),
        ('<a href="mailto:a@b.org">mail</a>', {}, "scheme_class", "mailto"),
        ('<a href="tel:+4412345">call</a>', {}, "scheme_class", "tel"),
        ('<a href="javascript:alert(1)">js</a>', {}, "scheme_class", "javascript"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', {}, "scheme_class", "data"),
        ('<a href="mailto:a@b.org">mail</a>', {}, "domain", None),
        ('<a href="https://bit.ly/3xYz">short</a>', {}, "is_shortener", True),
        ('<a href="https://docs.python.org/">d</a>', {}, "is_shortener", False),
        ('<a href="https://v.io/p?utm_source=forum&utm_medium=post&id=3">v</a>', {},
         "tracking_params", ("utm_source", "utm_medium")),
        ('<a href="https://v.io/p?ref=abc">v</a>', {}, "tracking_params", ("ref",)),
        ('<a href="https://v.io/p?aff_id=77">v</a>', {}, "tracking_params", ("aff_id",)),
        ('<a href="https://v.io/p?page=2">v</a>', {}, "tracking_params", ()),
        ('<a href="http://[::1">x</a>', {}, "scheme_class", "invalid"),
        ('<a href="http://e.com:99999/">x</a>', {}, "scheme_class", "invalid"),
        ('<a href="http://xn--pple-43d.com/">x</a>', {}, "is_idn", True),
        ('<a href="http://аpple.com/">x</a>', {}, "mixed_script", True),
        ('<a href="http://аpple.com/">x</a>', {}, "host", "xn--pple-43d.com"),
        ('<a href="http://192.168.1.4/x">x</a>', {}, "is_ip", True),
    ],
)
def test_link_fields(html: str, kw: dict, field: str, expected: object) -> None:
    assert getattr(only(html, **kw), field) == expected


@pytest.mark.parametrize(
    ("wrapper", "target"),
    [
        ("https://www.google.com/url?q=https://vendor.io/seo&sa=D", "https://vendor.io/seo"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fvendor.io%2Fx&h=AT0", "https://vendor.io/x"),
        ("https://www.youtube.com/redirect?q=https://vendor.io/y&v=abc", "https://vendor.io/y"),
        ("https://out.reddit.com/t3_abc?url=https%3A%2F%2Fvendor.io%2Fz&token=1",
         "https://vendor.io/z"),
        ("https://www.google.co.uk/url?url=https://vendor.io/w", "https://vendor.io/w"),
    ],
)
def test_redirect_wrappers_are_unwrapped(wrapper: str, target: str) -> None:
    link = only(f'<a href="{wrapper}">go</a>')
    assert link.url == target
    assert link.domain == "vendor.io"
    assert link.wrapped_url is not None and "vendor.io" in link.wrapped_url


@pytest.mark.parametrize(
    ("href", "domain", "internal"),
    [
        # A forum's own outbound redirector: the reader lands on the vendor, so it is external.
        ("https://forum.example.org/out?url=https%3A%2F%2Fvendor.io%2Fquote%3Fref%3Dx",
         "vendor.io", False),
        ("https://blog.example.net/go.php?url=https%3A%2F%2Fvendor.io%2Fsubscribe", "vendor.io",
         False),
        ("https://forum.example.org/redirect?to=https://shop.vendor.io/p", "vendor.io", False),
        # Not redirectors: a login return address, a redirect back to the same site, non-web.
        ("https://forum.example.org/login?next=https://vendor.io/", "example.org", True),
        ("https://forum.example.org/out?url=https://forum.example.org/t/1", "example.org", True),
        ("https://forum.example.org/out?url=javascript:alert(1)", "example.org", True),
    ],
)
def test_a_sites_own_outbound_redirector_is_unwrapped(href: str, domain: str,
                                                      internal: bool) -> None:
    post = parse_post(f'<p><a href="{href}">quote</a></p>', site="forum.example.org")
    (link,) = post.links
    assert link.domain == domain
    assert link.is_internal is internal
    assert (link.wrapped_url is not None) is (not internal)


def test_google_search_is_not_a_wrapper() -> None:
    link = only('<a href="https://www.google.com/search?q=flutter">search</a>')
    assert link.domain == "google.com" and link.wrapped_url is None


def test_bare_urls_are_found_and_marked() -> None:
    post = parse_post("<p>Try https://tinyurl.com/abc12, or www.example.org/page.</p>")
    assert [(lk.source, lk.url) for lk in post.links] == [
        ("bare", "https://tinyurl.com/abc12"),
        ("bare", "http://www.example.org/page"),
    ]
    assert post.links[0].is_shortener
    for lk in post.links:
        assert post.text[lk.span[0] : lk.span[1]] == lk.anchor_text


def test_url_as_anchor_text_is_not_counted_twice() -> None:
    links = extract_links('<a href="https://a.com/x">https://a.com/x</a>')
    assert len(links) == 1 and links[0].source == "anchor"


def test_quotes_code_and_signature() -> None:
    html = (
        "<blockquote><p>buy at <a href='https://spam.biz/'>cheap pills</a></p></blockquote>"
        "<p>That's spam, reported.</p><pre><code>curl https://api.example.com/v1</code></pre>"
        "<p>--</p><p>Jo, <a href='https://jo.dev'>my site</a></p>"
    )
    post = parse_post(html)
    by_domain = {lk.domain: lk for lk in post.links}
    assert by_domain["spam.biz"].in_quote and not by_domain["spam.biz"].in_code
    assert by_domain["example.com"].in_code and by_domain["example.com"].source == "bare"
    assert by_domain["jo.dev"].in_signature
    assert "cheap pills" in post.quote_text
    assert "curl" in post.code_text


def test_positions_and_paragraphs() -> None:
    post = parse_post("<p>a <a href='https://x.io'>one</a></p><p>b</p><p>c <a href='https://y.io'>two</a></p>")
    first, last = post.links
    assert first.index == 0 and last.index == 1
    assert first.paragraph == 0 and last.paragraph == 2
    assert 0 <= first.position < last.position <= 1


# Each platform's real markup shape, and whether a link's rel is that platform's default.
PLATFORM_CASES = [
    ("nodebb", '<p dir="auto">see <a href="https://v.io/a" target="_blank" '
     'rel="noopener noreferrer nofollow ugc">x</a></p>', True),
    ("nodebb", '<p dir="auto">see <a href="https://v.io/a" rel="sponsored">x</a></p>', False),
    ("discourse", '<p>see <a href="https://v.io/a" rel="noopener nofollow ugc">x</a></p>'
     '<aside class="onebox"></aside>', True),
    ("stackexchange", '<p>see <a href="https://v.io/a" rel="nofollow noreferrer">x</a></p>', True),
    ("stackexchange", '<p>see <a href="https://v.io/a">x</a></p>', False),
    ("wordpress", '<p>see <a href="https://v.io/a" rel="nofollow ugc">x</a></p>', True),
    ("phpbb", 'see <a href="https://v.io/a" class="postlink">x</a>', True),
    ("phpbb", 'see <a href="https://v.io/a" class="postlink" rel="dofollow">x</a>', False),
    ("reddit", '<div class="md"><p>see <a href="https://v.io/a">x</a></p></div>', True),
    ("github", '<p dir="auto">see <a href="https://v.io/a" rel="nofollow">x</a></p>', True),
    ("generic", '<p>see <a href="https://v.io/a" rel="sponsored">x</a></p>', None),
]


@pytest.mark.parametrize(("platform", "html", "default"), PLATFORM_CASES)
def test_platform_rel_default(platform: str, html: str, default: bool | None) -> None:
    link = only(html, platform=platform)
    assert link.platform_rel is default


@pytest.mark.parametrize(
    ("platform", "html"),
    [(p, h) for p, h, d in PLATFORM_CASES if d and p not in ("generic",)],
)
def test_platform_detected_from_markup(platform: str, html: str) -> None:
    post = parse_post(html)
    assert post.platform == platform and post.platform_detected


def test_user_rel_sponsored_is_flagged_as_added() -> None:
    link = only('<p><a href="https://v.io" rel="nofollow ugc sponsored">x</a></p>',
                platform="wordpress")
    assert link.rel_added == ("sponsored",) and link.rel_deviates


def test_reddit_body_html_is_unescaped() -> None:
    escaped = ("&lt;div class=&quot;md&quot;&gt;&lt;p&gt;try &lt;a href=&quot;https://v.io/x"
               "&quot;&gt;this tool&lt;/a&gt;&lt;/p&gt;&lt;/div&gt;")
    for kw in ({}, {"platform": "reddit"}):
        post = parse_post(escaped, **kw)
        assert post.platform == "reddit"
        assert [(lk.domain, lk.anchor_text) for lk in post.links] == [("v.io", "this tool")]


def test_discourse_quote_is_a_quote() -> None:
    html = ('<aside class="quote" data-username="bob"><blockquote><p>go to '
            '<a href="https://v.io">v</a></p></blockquote></aside><p>no thanks</p>')
    assert only(html).in_quote


def test_phpbb_codebox_is_code() -> None:
    html = '<div class="codebox"><pre><code>wget http://files.example.net/a.tgz</code></pre></div>'
    assert only(html).in_code


@pytest.mark.parametrize(
    "junk",
    ["", "   \n\t ", "<", "</a>", "<a>", "<a href>x</a>", "&#xZZZZ; &bogus; &#0;", "\x00\x00",
     "<a href='\x00'>x</a>", "<<<>>>", "<a href=\"%zz%\">x</a>", "<?xml version='1.0'?><p>x</p>",
     "<!-- unclosed", "<script>var a='<a href=http://x.io>'</script>", "\ud800", "🙂" * 50],
)
def test_junk_never_raises(junk: str) -> None:
    post = parse_post(junk)
    assert isinstance(post, Post)
    for lk in post.links:
        assert 0 <= lk.span[0] <= lk.span[1] <= len(post.text)


def test_script_text_is_not_visible() -> None:
    post = parse_post("<p>hi</p><script>var a='<a href=http://x.io>'</script><style>p{}</style>")
    assert post.text == "hi" and post.links == ()


def test_bytes_are_decoded() -> None:
    assert parse_post("<p>café</p>".encode()).text == "café"
    assert parse_post("<p>café</p>".encode("latin-1")).text == "café"
    mixed = parse_post(b"<p>ok \xff\xfe\xfa bad utf8 \xe2\x82 here</p>").text
    assert mixed.startswith("ok ") and "bad utf8" in mixed and mixed.endswith("here")
    assert parse_post(bytearray(b"<p>x</p>")).text == "x"


@pytest.mark.parametrize("bad", [None, 3, 4.5, ["<p>"], {"html": "x"}, object()])
def test_non_text_input_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        parse_post(bad)  # type: ignore[arg-type]


def test_deep_nesting_keeps_the_link() -> None:
    html = "<div>" * 100_000 + "<a href='https://deep.example.com/'>deep</a>" + "</div>" * 100_000
    (link,) = extract_links(html)
    assert link.domain == "example.com" and link.anchor_text == "deep"


def test_huge_input_is_truncated_not_refused() -> None:
    post = parse_post("word " * 1_000_000 + "<a href='https://late.io'>late</a>")
    assert post.truncated and len(post.text) <= MAX_INPUT_CHARS
    assert post.html_chars > MAX_INPUT_CHARS


def test_too_many_links_are_capped_and_counted() -> None:
    html = "".join(f"<a href='https://e{i}.com/'>l{i}</a> " for i in range(MAX_LINKS + 10))
    post = parse_post(html)
    assert len(post.links) == MAX_LINKS and post.links_dropped == 10


def test_enormous_host_is_invalid_not_a_crash() -> None:
    link = only(f'<a href="http://{"a" * 70_000}.com/">x</a>')
    assert link.scheme_class == "invalid" and link.problem


def test_deterministic() -> None:
    html = "<p>x <a href='https://bit.ly/a?utm_source=1'>a</a> https://b.io/c</p>"
    assert parse_post(html) == parse_post(html)


def test_empty_anchor_after_trailing_block_stays_in_text() -> None:
    # Found by the property suite: an empty anchor in a trailing block pointed past the text.
    post = parse_post('0<p><a href=""></a>')
    (link,) = post.links
    assert link.span == (1, 1) and link.anchor_text == ""


def test_link_with_unlookupable_attribute_name_is_parsed() -> None:
    # lxml lists attribute names with control characters but refuses to look them up.
    post = parse_post('<p><a href="<a href="\x1f"></a>')
    assert post.links == () or all(isinstance(lk.href, str) for lk in post.links)


@pytest.mark.parametrize(
    "raw",
    [
        "Why is it so hard? [hire machine learning engineers](https://vendor.example.com/blog/hire-ml)",
        "Why is it so hard? [hire machine learning engineers]"
        '(<https://vendor.example.com/blog/hire-ml> "t")',
        "Why is it so hard? [url=https://vendor.example.com/blog/hire-ml]hire machine learning "
        "engineers[/url]",
        "Why is it so hard? [URL='https://vendor.example.com/blog/hire-ml']hire machine learning "
        "engineers[/URL]",
        "<p>Why is it so hard? [hire machine learning engineers](https://vendor.example.com/blog/"
        "hire-ml)</p>",
    ],
)
def test_unrendered_markdown_and_bbcode_links_keep_their_anchor_text(raw: str) -> None:
    """A dump's raw Markdown/BBCode: the anchor text is the link's, not the URL's."""
    post = parse_post(raw, platform="discourse")
    (link,) = post.links
    assert link.url == "https://vendor.example.com/blog/hire-ml"
    assert link.anchor_text == "hire machine learning engineers"
    assert post.text[link.span[0]:link.span[1]] == link.anchor_text
    assert link.source == "markup"
    assert link.platform_rel is None  # the platform never rendered it: its rel is unknown
    assert "](" not in post.text and "[url" not in post.text.lower()


def test_markup_links_keep_parentheses_queries_and_bare_bbcode_urls() -> None:
    post = parse_post(
        "See [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) and "
        "[url]https://x.example.com/a?b=1&amp;c=2[/url].")
    assert [(lk.url, lk.anchor_text) for lk in post.links] == [
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "Foo"),
        ("https://x.example.com/a?b=1&c=2", "https://x.example.com/a?b=1&c=2"),
    ]


@pytest.mark.parametrize(
    "raw",
    ["[not a link](foo)", "a list [1](2) and [x]", "![screenshot](https://x.example.com/a.png)",
     "[url=javascript:alert(1)]click[/url]"],
)
def test_brackets_that_are_not_web_links_stay_text(raw: str) -> None:
    post = parse_post(raw)
    assert all(lk.source != "markup" for lk in post.links)


@pytest.mark.parametrize(
    ("text", "url", "domain"),
    [
        ("Info beasiswa lengkap di sini kak s.id/beasiswa2024-lengkap", "http://s.id/beasiswa2024-lengkap",
         "s.id"),
        ("grab it at bit.ly/3xYz.", "http://bit.ly/3xYz", "bit.ly"),
        ("deals at shop.example.co.uk/deal?x=1)", "http://shop.example.co.uk/deal?x=1",
         "example.co.uk"),
    ],
)
def test_host_and_path_typed_without_a_scheme_is_a_typed_link(text: str, url: str,
                                                               domain: str) -> None:
    link = only(text)
    assert (link.url, link.domain, link.source) == (url, domain, "typed")
    assert link.is_web and link.is_external
    assert text[link.span[0]:link.span[1]] == link.anchor_text


@pytest.mark.parametrize(
    "text",
    ["edit src/main.rs/ then setup.py/x and README.md/y", "node.js/foo and vue.js/x",
     "ratio 3.5/10, 1.5mm/s, km/h", "mail a@b.com/x", "I bought it on Amazon.com last week"],
)
def test_file_names_numbers_and_mentions_are_not_links(text: str) -> None:
    assert extract_links(text) == []


def test_scheme_less_url_inside_a_full_url_is_not_counted_twice() -> None:
    (link,) = extract_links("see https://www.example.com/a/b.example.org/c")
    assert link.url == "https://www.example.com/a/b.example.org/c"
