"""Property tests for the batch readers: any input text gives records (or error records), never
an exception other than UsageError, and JSONL gives exactly one record per non-blank line."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from spamlinks.errors import UsageError
from spamlinks.sources import FORMATS, Record, read_source

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["html", "content", "body", "id", "title", "site", "platform", "posts",
                         "items", "cooked", "data", "children", "body_html", "post_stream"]),
        inner, max_size=5),
    max_leaves=12,
)


def read(text: str, fmt: str) -> list[Record]:
    try:
        return list(read_source("-", fmt, stdin=io.StringIO(text)))
    except UsageError:
        return []


@given(st.lists(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=40)), max_size=30))
def test_jsonl_one_record_per_non_blank_line(lines: list[str]) -> None:
    lines = [ln.replace("\n", " ").replace("\r", " ").replace("\x0b", " ").replace("\x0c", " ")
             .replace("\x1c", " ").replace("\x1d", " ").replace("\x1e", " ")
             .replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ")
             for ln in lines]
    records = read("\n".join(lines), "jsonl")
    assert len(records) == sum(1 for ln in lines if ln.strip())
    for rec in records:
        assert (rec.error is None) == isinstance(rec.html, str)
        assert rec.id


@given(st.sampled_from([f for f in FORMATS if f not in ("auto", "html", "jsonl")]),
       st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=300),
                 st.text(alphabet='<>/="?! abcdefghitemrsl&;#x:-[]CDAT', max_size=300)))
def test_any_text_in_any_format_never_raises(fmt: str, text: str) -> None:
    for rec in read(text, fmt):
        assert isinstance(rec, Record) and rec.id
        assert rec.error is not None or isinstance(rec.html, str)


@given(st.text(max_size=300))
def test_format_detection_never_raises(text: str) -> None:
    for rec in read(text, "auto"):
        assert rec.error is not None or isinstance(rec.html, str)
