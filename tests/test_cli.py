"""The `links` command: every record in, one JSON line out, errors included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spamlinks.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
ROOT = Path(__file__).resolve().parents[1]


def test_links_prints_one_line_per_post(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["links", str(ROOT / "examples" / "posts.jsonl")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["ex-1", "ex-2", "ex-3"]
    assert rows[0]["links"][0]["domain"] == "brightloom-apps.io"
    assert rows[0]["links"][0]["anchor_text"] == "hire dedicated flutter app developers"


def test_links_reads_feeds_and_reports_bad_records(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["links", str(FIXTURES / "feed.rss"), str(FIXTURES / "malformed.jsonl")])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert any("links" in r for r in rows) and any("error" in r for r in rows)
    assert all(("links" in r) != ("error" in r) for r in rows)


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["links", str(tmp_path / "missing.jsonl")]) == 2
