"""The project corpus: schema, manifest digests, the counts the corpus promises, variety."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from spamlinks import parse_post
from spamlinks.datasets import (
    CATEGORIES,
    SHARED_SETS,
    Row,
    corpus_files,
    file_sha256,
    load_corpus,
    load_shared,
    read_rows,
)
from spamlinks.errors import SchemaError
from spamlinks.neardup import near_duplicate_pairs, near_duplicate_rate

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "data" / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus() -> list[Row]:
    return load_corpus(ROOT / "data" / "corpus")


def test_manifest_digests_match_files() -> None:
    files = {p.name: p for p in corpus_files(ROOT / "data" / "corpus")}
    assert set(files) == set(MANIFEST["files"])
    for name, entry in MANIFEST["files"].items():
        assert file_sha256(files[name]) == entry["sha256"], f"{name} changed: rebuild the manifest"


def test_manifest_is_current() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "data/tools/build_manifest.py"), "--check"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_counts(corpus: list[Row]) -> None:
    labels = Counter(r.label for r in corpus)
    assert len(corpus) >= 3000
    assert labels["spam"] >= 1200
    assert labels["ham"] >= labels["spam"]
    spam_industries = {r.category for r in corpus if r.label == "spam"} - {"general"}
    assert len(spam_industries) >= 15
    assert len({r.platform for r in corpus if r.platform != "generic"}) >= 6
    assert len({r.language for r in corpus}) >= 5
    written = sum(r.produced == "written" for r in corpus)
    assert written >= 2 * len(corpus) / 3


def test_covers_the_archetype_and_hard_negatives(corpus: list[Row]) -> None:
    tactics = Counter(t for r in corpus if r.label == "spam" for t in r.tactics)
    for t in ("exact-match-anchor", "partial-anchor", "brand-anchor", "naked-url",
              "generic-anchor", "mid-text", "last-line", "signature", "after-useful-answer",
              "shortener", "redirect-wrapper", "tracking-params", "image-link", "cover-link",
              "repeated-link", "rel-sponsored", "astroturf"):
        assert tactics[t] >= 20, t
    kinds = Counter(r.kind for r in corpus if r.label == "ham")
    for k in ("docs-answer", "own-project", "vendor-docs-requested", "honest-comparison",
              "job-post", "spam-discussion", "commercial-no-link", "resource-list"):
        assert kinds[k] >= 20, k
    lengths = sorted(len(r.html) for r in corpus)
    assert lengths[len(lengths) // 10] < 400 and lengths[-len(lengths) // 10] > 1500


def test_near_duplicates_under_five_percent(corpus: list[Row]) -> None:
    rate = near_duplicate_rate([r.html for r in corpus])
    assert rate < 0.05
    assert rate == MANIFEST["near_duplicates"]["rate"]


def test_near_duplicate_measure_can_fire() -> None:
    a = "<p>" + " ".join(f"word{i}" for i in range(60)) + "</p>"
    b = a.replace("word59", "other")
    c = "<p>" + " ".join(f"thing{i}" for i in range(60)) + "</p>"
    assert [(i, j) for i, j, _ in near_duplicate_pairs([a, b, c])] == [(0, 1)]


def test_every_linked_spam_post_has_its_promotional_link(corpus: list[Row]) -> None:
    missing = []
    for r in corpus:
        if r.label != "spam" or {"no-link", "bare-url"} & set(r.tactics):
            continue
        post = parse_post(r.html, site=r.site, platform=r.platform)
        if not any(lk.is_web and not lk.is_internal for lk in post.links):
            missing.append(r.id)
    assert not missing, missing[:10]


def test_categories_are_shared_by_both_labels(corpus: list[Row]) -> None:
    by_cat = {c: Counter(r.label for r in corpus if r.category == c) for c in CATEGORIES}
    one_sided = [c for c, n in by_cat.items() if sum(n.values()) >= 30 and min(n.values()) == 0]
    assert not one_sided


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"id": "x", "html": "<p>", "label": "maybe", "source": "s"}', "label must be"),
        ('{"id": "x", "html": "<p>", "source": "s"}', "missing field 'label'"),
        ('{"id": "x", "html": 3, "label": "spam", "source": "s"}', "'html'"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"id": "ok", "html": "<p>hi</p>", "label": "ham", "source": "s"}'
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=rf"bad.jsonl:2: .*{message}"):
        list(read_rows(path))


def test_corpus_rules_are_stricter(tmp_path: Path) -> None:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "p.jsonl").write_text(
        '{"id": "x", "html": "<p>hi</p>", "label": "ham", "source": "s"}\n', encoding="utf-8")
    with pytest.raises(SchemaError, match=r"p\.jsonl:1: missing field 'platform'"):
        list(read_rows(d / "p.jsonl"))


def test_shared_sets_know_their_licence() -> None:
    assert {n for n, ok in SHARED_SETS.items() if not ok} == {"fossee_forum", "datacamp_comments"}
    with pytest.raises(SchemaError, match="evaluation only"):
        load_shared(["fossee_forum"], for_training=True)


def test_shared_sets_load_through_the_same_schema() -> None:
    if not (ROOT.parent / "shared" / "data").exists():
        pytest.skip("../shared/data is not beside this checkout")
    rows = load_shared(["fossee_forum", "stackexchange_ham"])
    assert {r.source for r in rows} == {"fossee_forum", "stackexchange_ham"}
    assert all(r.label in ("spam", "ham") for r in rows)
