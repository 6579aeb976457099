"""Readers of the batch command: every format, detection, malformed records, streaming."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spamlinks.errors import UsageError
from spamlinks.sources import (
    Record,
    check_prolog,
    detect_format,
    read_jsonl,
    read_source,
)

FIX = Path(__file__).parent / "fixtures" / "batch"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "nodebb-topic-3669.rss"


def read(name: str, **kw: object) -> list[Record]:
    return list(read_source(str(FIX / name), **kw))  # type: ignore[arg-type]


def ids(records: list[Record]) -> list[str]:
    return [r.id for r in records]


def test_jsonl_fields_ids_and_metadata() -> None:
    recs = read("posts.jsonl")
    # The blank line is not a record; generated ids use the file name and line number.
    assert ids(recs) == ["jl-1", "jl-2", "3", "posts.jsonl:4", "jl-5"]
    assert all(r.error is None and r.html and r.html.startswith(("<p", "<div")) for r in recs)
    assert recs[0].title == "Gradle build slow after upgrading to 8.5"
    assert recs[0].site == "forum.buildtools.example" and recs[0].platform == "discourse"
    assert "payroll-outsourcing" in (recs[1].html or "")  # from the `content` field
    assert "requirements.txt" in (recs[2].html or "")  # from `cooked`
    assert "systemctl" in (recs[3].html or "")  # from `body`
    assert recs[4].platform == "reddit" and "fixed it" in (recs[4].html or "")  # `body_html`


def test_html_field_option_reads_only_that_field(tmp_path: Path) -> None:
    f = tmp_path / "custom.jsonl"
    f.write_text(json.dumps({"id": "a", "post_html": "<p>x</p>", "html": "<p>other</p>"}) + "\n"
                 + json.dumps({"id": "b", "html": "<p>no post_html here</p>"}) + "\n")
    a, b = read_source(str(f), html_field="post_html")
    assert a.html == "<p>x</p>"
    assert b.html is None and b.error and "post_html" in b.error


def test_malformed_jsonl_records_keep_their_place() -> None:
    recs = read("malformed.jsonl")
    assert ids(recs) == ["ok-1", "malformed.jsonl:2", "no-html", "number-html",
                         "malformed.jsonl:5", "ok-2"]
    errors = {r.id: r.error for r in recs}
    assert errors["ok-1"] is None and errors["ok-2"] is None
    assert "invalid JSON on line 2" in (errors["malformed.jsonl:2"] or "")
    assert "no html field" in (errors["no-html"] or "")
    assert "not a string (got int)" in (errors["number-html"] or "")
    assert "not an object" in (errors["malformed.jsonl:5"] or "")


def test_csv_rows_with_quoted_multiline_html() -> None:
    recs = read("posts.csv")
    assert ids(recs) == ["csv-1", "csv-2", "posts.csv:3"]
    assert recs[0].site == "askubuntu.com" and recs[0].platform == "stackexchange"
    assert 'href="https://wiki.archlinux.org/title/Fan_speed_control"' in (recs[0].html or "")
    assert "\n" in (recs[1].html or "") and "swiftmove-packers" in (recs[1].html or "")
    assert recs[1].title is None and recs[1].site is None  # empty cells are absent


def test_csv_row_with_wrong_field_count_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text('id,html\nr1,"<p>ok</p>"\nr2,"<p>a</p>",extra\n\nr3,<p>fine</p>\n')
    recs = list(read_source(str(f)))
    assert ids(recs) == ["r1", "bad.csv:2", "r3"]
    assert recs[1].error and "3 fields" in recs[1].error


def test_rss_items_content_encoded_description_and_missing_body() -> None:
    recs = read("feed.rss")
    assert ids(recs) == ["homenet-post-812", "https://forum.homenet.example/t/router-recs/813",
                         "homenet-post-814"]
    first, second, empty = recs
    assert "OpenWrt wireless guide" in (first.html or "")  # content:encoded beats description
    assert first.site == "forum.homenet.example" and first.title == "Mesh Wi-Fi drops every evening"
    assert second.html and second.html.startswith('<p>For reliable coverage we use <a href="')
    assert empty.html is None and empty.error and "no description" in empty.error


def test_atom_entries_html_xhtml_and_text() -> None:
    recs = read("feed.atom")
    assert ids(recs) == [f"tag:git.example.org,2026:comment-{n}" for n in (77, 78, 79)]
    assert recs[0].html and recs[0].html.startswith('<p>Reproduced on 1.4.2, see <a href="')
    # xhtml content is serialised as plain HTML, without namespace prefixes
    assert '<a href="https://docs.python.org/3/library/configparser.html">' in (recs[1].html or "")
    assert "html:" not in (recs[1].html or "") and "xmlns" not in (recs[1].html or "")
    # a text summary stays text: its markup is escaped, not interpreted
    assert recs[2].html == "Me too &lt;b&gt;not bold&lt;/b&gt;"


def test_feed_with_doctype_is_refused_without_expanding_entities() -> None:
    (rec,) = read("doctype.rss")
    assert rec.html is None and rec.error and "DOCTYPE" in rec.error


@pytest.mark.parametrize("head", [
    '<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY e "x">]><x/>',
    "\ufeff<!doctype rss><rss/>",
])
def test_check_prolog_rejects_doctype(head: str) -> None:
    with pytest.raises(ValueError, match="DOCTYPE"):
        check_prolog(head)


@pytest.mark.parametrize("head", ["", "   ", "<!-- never closed " + "x" * 100, "plain text <rss/>"])
def test_check_prolog_rejects_documents_without_a_root_up_front(head: str) -> None:
    with pytest.raises(ValueError, match="root element"):
        check_prolog(head)


def test_check_prolog_allows_doctype_text_inside_the_document() -> None:
    check_prolog('<?xml version="1.0"?><rss><item><description><![CDATA[<!DOCTYPE html>]]>'
                 "</description></item></rss>")


def test_truncated_feed_keeps_items_read_then_one_error() -> None:
    recs = read("truncated.rss")
    assert ids(recs)[0] == "cut-1" and recs[0].html == "<p>The first item arrived whole.</p>"
    assert len(recs) == 2 and recs[1].error and "malformed feed" in recs[1].error


def test_nodebb_topic_api() -> None:
    recs = read("nodebb-topic.json")
    assert ids(recs) == ["40211", "40212", "40213"]
    assert {r.platform for r in recs} == {"nodebb"}
    assert {r.title for r in recs} == {"Best way to learn Rust lifetimes?"}
    assert "hire-rust-developers" in (recs[2].html or "")


def test_discourse_topic_and_latest_posts() -> None:
    topic = read("discourse-topic.json")
    assert ids(topic) == ["118001", "118002", "118003"]
    assert topic[1].platform == "discourse" and "ZHA docs" in (topic[1].html or "")
    assert topic[2].error and "cooked" in topic[2].error  # deleted post: cooked is null
    latest = read("discourse-posts.json")
    assert ids(latest) == ["501", "502"]
    assert latest[1].title == "Oven recommendations"


def test_stackexchange_items() -> None:
    recs = read("stackexchange.json")
    assert ids(recs) == ["answer/7788001", "question/7787010", "answer/7788003"]
    assert recs[0].site == "superuser.com" and recs[0].platform == "stackexchange"
    assert recs[2].error and "filter=withbody" in recs[2].error


def test_reddit_listing_unescaped_with_comment_tree() -> None:
    recs = read("reddit.json")
    # post, comment, its reply (the "more" stub is not a post), then a link post
    assert ids(recs) == ["t3_1abcde", "t1_kx1", "t1_kx2", "t3_1abcdf"]
    assert all(r.platform == "reddit" for r in recs)
    assert (recs[0].html or "").count("&lt;") == 0 and "curious what else works &amp; why" in (
        recs[0].html or "")
    assert '<a href="https://github.com/loophabits/loop-habit-tracker">Loop</a>' in (
        recs[1].html or "")
    assert 'href="https://habits.example.org/comparison"' in (recs[3].html or "")


def test_html_folder_sorted_recursive_html_only() -> None:
    recs = read("html")
    assert ids(recs) == ["first.html", "replies/second.htm"]
    assert "npm cache docs" in (recs[0].html or "")


@pytest.mark.parametrize(("name", "expected"), [
    ("posts.jsonl", "jsonl"), ("posts.csv", "csv"), ("feed.rss", "rss"), ("feed.atom", "rss"),
    ("nodebb-topic.json", "nodebb"), ("discourse-topic.json", "discourse"),
    ("discourse-posts.json", "discourse"), ("stackexchange.json", "stackexchange"),
    ("reddit.json", "reddit"),
])
def test_detection_from_content_alone(name: str, expected: str) -> None:
    """Without a telling extension (stdin), the first line decides."""
    text = (FIX / name).read_text(encoding="utf-8")
    fmt, stream = detect_format(io.StringIO(text), "-")
    if expected in ("nodebb", "discourse", "stackexchange", "reddit") and "\n" in text.strip():
        assert fmt == "json"  # pretty-printed: the API is recognised once the document is read
    else:
        assert fmt == expected
    assert stream.read() == text  # nothing was lost by sniffing


@pytest.mark.parametrize("name", ["posts.jsonl", "posts.csv", "feed.rss", "nodebb-topic.json",
                                  "discourse-topic.json", "stackexchange.json", "reddit.json"])
def test_stdin_gives_the_same_records_as_the_file(name: str) -> None:
    from_file = [(r.html, r.error, r.platform) for r in read(name)]
    text = (FIX / name).read_text(encoding="utf-8")
    from_stdin = [(r.html, r.error, r.platform)
                  for r in read_source("-", stdin=io.StringIO(text))]
    assert from_stdin == from_file


def test_forced_format_overrides_detection(tmp_path: Path) -> None:
    f = tmp_path / "dump.txt"
    f.write_text((FIX / "stackexchange.json").read_text())
    assert ids(list(read_source(str(f), "stackexchange")))[0] == "answer/7788001"
    # read as JSONL, the pretty-printed document is a series of bad lines, each reported
    as_jsonl = list(read_source(str(f), "jsonl"))
    assert len(as_jsonl) > 3 and all(r.error for r in as_jsonl)
    with pytest.raises(UsageError):
        list(read_source(str(f), "yaml"))


def test_jsonl_is_read_lazily() -> None:
    """Records come out as lines come in: an endless input still yields its first records."""
    def endless() -> Iterator[str]:
        for n in itertools.count():
            yield json.dumps({"id": f"r{n}", "html": f"<p>post {n}</p>"}) + "\n"

    first = list(itertools.islice(read_jsonl(endless(), "stream"), 3))
    assert ids(first) == ["r0", "r1", "r2"]


def test_seed_feed_is_one_nodebb_post() -> None:
    if not SEED.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    (rec,) = list(read_source(str(SEED)))
    assert rec.error is None and rec.platform == "nodebb"
    assert rec.site == "lankadevelopers.lk"
    assert "hire-machine-learning-engineers" in (rec.html or "")
