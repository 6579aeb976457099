"""`spamlinks score` as a batch command: one row per record, exit codes, overwrite, resume, jobs."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from spamlinks import batch
from spamlinks.batch import CSV_COLUMNS, BatchConfig, partial_path, scored_batches
from spamlinks.cli import main
from spamlinks.sources import Record, read_source

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "batch"
SEED = ROOT.parent / "shared" / "seeds" / "nodebb-topic-3669.rss"
ALL_INPUTS = ["posts.jsonl", "malformed.jsonl", "posts.csv", "feed.rss", "feed.atom",
              "doctype.rss", "truncated.rss", "nodebb-topic.json", "discourse-topic.json",
              "discourse-posts.json", "stackexchange.json", "reddit.json", "html"]


def score(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["score", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def fix(*names: str) -> list[str]:
    return [str(FIX / n) for n in names]


def expected_ids(*names: str) -> list[str]:
    return [r.id for n in names for r in read_source(str(FIX / n))]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 JSONL records (the fixture posts with fresh ids, some broken) for order tests."""
    good = [r for n in ("posts.jsonl", "nodebb-topic.json", "stackexchange.json", "reddit.json")
            for r in read_source(str(FIX / n)) if r.html]
    path = tmp_path_factory.mktemp("many") / "many.jsonl"
    with path.open("w") as fh:
        for i in range(40):
            if i % 13 == 5:
                fh.write(f'{{"id": "bad-{i}", "html": \n')
                continue
            r = good[i % len(good)]
            rec = {"html": r.html, "platform": r.platform, "title": r.title}
            if i % 3:
                rec["id"] = f"m-{i}"
            fh.write(json.dumps(rec) + "\n")
    return path


def test_every_format_gives_one_row_per_record_in_order(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    code, out, err = score(capsys, *fix(*ALL_INPUTS))
    got = rows(out)
    assert [r["id"] for r in got] == expected_ids(*ALL_INPUTS)
    errors = [r for r in got if "error" in r]
    assert code == 1  # the malformed fixtures give error rows
    read_errors = [r.id for n in ALL_INPUTS for r in read_source(str(FIX / n)) if r.error]
    assert [r["id"] for r in errors] == read_errors and len(errors) == 9
    for r in got:
        if "error" in r:
            assert set(r) == {"id", "error"} and r["error"]
            continue
        assert 0.0 <= r["probability"] <= 1.0
        assert r["label"] in ("spam", "ham") and r["action"] in ("allow", "review", "block")
        assert r["model_id"] and isinstance(r["links"], list)
        assert all({"code", "message"} <= set(x) for x in r["reasons"])
        assert len(r["reasons"]) <= batch.TOP_REASONS
    by_id = {r["id"]: r for r in got}
    # the planted vendor links score above the documentation answers of the same fixtures
    assert by_id["jl-2"]["probability"] > by_id["jl-1"]["probability"]
    assert by_id["40213"]["probability"] > by_id["40212"]["probability"]
    assert by_id["question/7787010"]["probability"] > by_id["answer/7788001"]["probability"]
    verdicts = {v["domain"]: v["verdict"] for v in by_id["jl-2"]["links"]}
    assert verdicts["ledgerbright-solutions.com"] in ("promotional", "suspicious")
    # stdout holds only rows; the summary is one line on stderr, with no progress bar
    assert f"{len(got)} records" in err and "9 errors" in err and "posts/s" in err
    assert "\r" not in err


def test_malformed_records_become_error_rows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = score(capsys, *fix("malformed.jsonl"))
    got = rows(out)
    assert code == 1
    assert [r["id"] for r in got] == ["ok-1", "malformed.jsonl:2", "no-html", "number-html",
                                      "malformed.jsonl:5", "ok-2"]
    assert [("error" in r) for r in got] == [False, True, True, True, True, False]
    assert "invalid JSON" in got[1]["error"] and "not a string" in got[3]["error"]
    assert "4 errors" in err


def test_all_scored_exits_zero_and_csv_output(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scores.csv"
    code, stdout, _ = score(capsys, *fix("posts.jsonl", "nodebb-topic.json"), "-o", str(out),
                            "--output-format", "csv")
    assert code == 0 and stdout == ""
    table = list(csv.reader(out.open(newline="")))
    assert tuple(table[0]) == CSV_COLUMNS
    assert [r[0] for r in table[1:]] == expected_ids("posts.jsonl", "nodebb-topic.json")
    for r in table[1:]:
        assert r[2] in ("spam", "ham") and r[-1] == "" and 0 <= float(r[1]) <= 1
    assert not partial_path(out).exists()


def test_stdin_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((FIX / "discourse-posts.json").read_text()))
    code, out, _ = score(capsys, "-")
    assert code == 0 and [r["id"] for r in rows(out)] == ["501", "502"]


def test_seed_feed_is_one_spam_row(capsys: pytest.CaptureFixture[str]) -> None:
    if not SEED.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    code, out, _ = score(capsys, str(SEED))
    (row,) = rows(out)
    assert code == 0
    assert row["label"] == "spam", row
    flagged = [v for v in row["links"] if v["domain"] == "appinventiv.com"]
    assert flagged and flagged[0]["verdict"] in ("promotional", "suspicious")


@pytest.mark.parametrize("argv", [
    ["score", "--jobs", "0", "x.jsonl"],
    ["score", "--output-format", "xml", "x.jsonl"],
    ["score", "--format", "yaml", "x.jsonl"],
])
def test_bad_flags_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_usage_errors_exit_2_before_touching_output(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    code, _, err = score(capsys, str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert code == 2 and "missing.jsonl" in err and not out.exists()
    assert not partial_path(out).exists()
    code, _, err = score(capsys, *fix("posts.jsonl"), "--resume")
    assert code == 2 and "--resume" in err
    code, _, err = score(capsys, "-", "-")
    assert code == 2 and "stdin" in err
    code, _, err = score(capsys, *fix("posts.jsonl"), "-o", str(out), "--force", "--resume")
    assert code == 2
    code, _, err = score(capsys, *fix("posts.jsonl"), "-o", str(out), "--model",
                         str(tmp_path / "no-model-here"))
    assert code == 2 and "model.joblib" in err
    assert not out.exists() and not partial_path(out).exists()


def test_refuses_to_overwrite_without_force(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text("precious\n")
    code, _, err = score(capsys, *fix("posts.jsonl"), "-o", str(out))
    assert code == 2 and "--force" in err and "--resume" in err
    assert out.read_text() == "precious\n"
    code, _, _ = score(capsys, *fix("posts.jsonl"), "-o", str(out), "--force")
    assert code == 0
    assert [r["id"] for r in rows(out.read_text())] == expected_ids("posts.jsonl")
    assert not partial_path(out).exists()


def test_interrupted_run_leaves_no_output_and_resume_completes(
        tmp_path: Path, many: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ref = tmp_path / "ref.jsonl"
    assert score(capsys, str(many), "-o", str(ref))[0] == 1
    reference = ref.read_text()

    out = tmp_path / "run.jsonl"
    real = batch.score_records
    calls = itertools.count()

    def flaky(scorer: object, records: list[Record]) -> list[dict]:
        if next(calls) == 3:
            raise KeyboardInterrupt
        return real(scorer, records)

    monkeypatch.setattr(batch, "score_records", flaky)
    code, _, err = score(capsys, str(many), "-o", str(out), "--batch-size", "5")
    assert code == 130 and "--resume" in err
    assert not out.exists()  # nothing that looks complete
    part = partial_path(out)
    assert len(rows(part.read_text())) == 15
    monkeypatch.setattr(batch, "score_records", real)

    code, _, err = score(capsys, str(many), "-o", str(out))
    assert code == 2 and "--resume" in err and "--force" in err  # the partial is not clobbered
    code, _, err = score(capsys, str(many), "-o", str(out), "--resume")
    assert code == 1  # the input has broken lines
    assert "15 already in the output" in err and "25 records" in err
    assert out.read_text() == reference
    assert not part.exists()


def test_resume_drops_a_line_cut_mid_write(tmp_path: Path, many: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ref = tmp_path / "ref.jsonl"
    score(capsys, str(many), "-o", str(ref))
    lines = ref.read_text().splitlines(keepends=True)
    out = tmp_path / "run.jsonl"
    partial_path(out).write_text("".join(lines[:7]) + lines[7][: len(lines[7]) // 2])
    code, _, err = score(capsys, str(many), "-o", str(out), "--resume")
    assert code == 1 and "7 already in the output" in err
    got = rows(out.read_text())
    assert out.read_text() == ref.read_text()
    assert len({r["id"] for r in got}) == len(got) == 40


def test_resume_csv_and_duplicate_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "dups.jsonl"
    src.write_text("".join(json.dumps({"id": i, "html": f"<p>post {n}</p>"}) + "\n"
                           for n, i in enumerate(["a", "dup", "b", "dup", "c"])))
    ref = tmp_path / "ref.csv"
    assert score(capsys, str(src), "-o", str(ref), "--output-format", "csv")[0] == 0
    lines = ref.read_text().splitlines(keepends=True)
    assert len(lines) == 6
    out = tmp_path / "run.csv"
    partial_path(out).write_text("".join(lines[:3]))  # header, a, dup
    code, _, err = score(capsys, str(src), "-o", str(out), "--output-format", "csv", "--resume")
    assert code == 0 and "2 already in the output" in err
    assert out.read_text() == ref.read_text()
    # a finished output resumes to itself, scoring nothing
    code, _, err = score(capsys, str(src), "-o", str(out), "--output-format", "csv", "--resume")
    assert code == 0 and "0 records" in err and out.read_text() == ref.read_text()


def test_resume_refuses_a_partial_of_another_format(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    partial_path(out).write_text(",".join(CSV_COLUMNS) + "\nx,0.1,ham,allow,,,m,\n")
    code, _, err = score(capsys, *fix("posts.jsonl"), "-o", str(out), "--resume")
    assert code == 2 and "not JSONL" in err
    assert partial_path(out).read_text().startswith("id,")  # left as it was


def test_jobs_2_keeps_order_and_rows(tmp_path: Path, many: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(many), *fix("feed.rss", "reddit.json", "html")]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert score(capsys, *inputs, "-o", str(one), "--batch-size", "3")[0] == 1
    assert score(capsys, *inputs, "-o", str(two), "--batch-size", "3", "--jobs", "2")[0] == 1
    assert two.read_text() == one.read_text()
    assert len(rows(one.read_text())) == 40 + 3 + 4 + 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_reading_does_not_run_ahead_of_scoring(jobs: int) -> None:
    """An endless input still produces its first batches: records are read as they are
    scored, never all at once."""
    pulled = itertools.count()

    def endless() -> Iterator[list[Record]]:
        for n in itertools.count():
            next(pulled)
            yield [Record(id=f"r{n}-{k}", html=f"<p>post {n} {k}</p>") for k in range(4)]

    cfg = BatchConfig(inputs=["-"], jobs=jobs)
    gen = scored_batches(endless(), cfg)
    first = list(itertools.islice(gen, 3))
    gen.close()
    assert [r["id"] for r in rows(first[2].text)] == ["r2-0", "r2-1", "r2-2", "r2-3"]
    assert first[2].actions[0] in ("allow", "review", "block")
    assert next(pulled) <= 3 + 2 * jobs + 1


def test_command_line_process(tmp_path: Path) -> None:
    """The installed entry point: rows on stdout, summary on stderr, honest exit codes."""
    proc = subprocess.run([sys.executable, "-m", "spamlinks", "score", *fix("malformed.jsonl")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    got = rows(proc.stdout)
    assert [r["id"] for r in got] == ["ok-1", "malformed.jsonl:2", "no-html", "number-html",
                                      "malformed.jsonl:5", "ok-2"]
    assert "6 records" in proc.stderr and "4 errors" in proc.stderr
    assert "records" not in proc.stdout
