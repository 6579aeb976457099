"""Batch scoring: stream records from :mod:`spamlinks.sources` through a Scorer into JSONL/CSV.

Every input record yields exactly one output row, in input order; a record that cannot be read
or scored yields a row with an ``error``. Records are scored in batches (``batch_size``) so
memory stays flat, optionally in ``jobs`` worker processes that each load the model once.
A file output is written to a temporary ``.NAME.partial`` beside it and renamed on success;
``resume`` continues from the ids already in that partial file (or in the output).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import ModelError, UsageError
from .sources import FORMATS, Record, check_input, read_source

OUTPUT_FORMATS = ("jsonl", "csv")
#: Columns of the CSV output.
CSV_COLUMNS = ("id", "probability", "label", "action", "reason_codes", "reasons", "model_id",
               "error")
#: How many reasons each output row carries (strongest first).
TOP_REASONS = 5
DEFAULT_BATCH = 256


@dataclass
class BatchConfig:
    """What :func:`run_batch` reads, how it scores and where it writes."""

    inputs: Sequence[str]
    output: str | None = None
    """Output file; None writes to stdout."""
    input_format: str = "auto"
    html_field: str | None = None
    output_format: str = "jsonl"
    jobs: int = 1
    batch_size: int = DEFAULT_BATCH
    force: bool = False
    resume: bool = False
    model: str | None = None
    site: str | None = None
    trust_model: bool = False
    progress: bool | None = None
    """None: a bar when stderr is a terminal (and tqdm is installed)."""


@dataclass
class Summary:
    """Counts of one run."""

    actions: Counter[str] = dataclasses.field(default_factory=Counter)
    errors: int = 0
    done_before: int = 0
    """Rows already present when resuming."""
    errors_before: int = 0
    elapsed: float = 0.0
    model_load: float = 0.0
    """Seconds spent loading the model before scoring (0 when workers load it)."""

    @property
    def processed(self) -> int:
        return sum(self.actions.values()) + self.errors

    def line(self) -> str:
        scoring = self.elapsed - self.model_load
        rate = self.processed / scoring if scoring > 0 else 0.0
        acts = ", ".join(f"{k} {v}" for k, v in sorted(self.actions.items())) or "none scored"
        load = f"model loaded in {self.model_load:.2f} s, " if self.model_load else ""
        out = (f"{self.processed} records in {self.elapsed:.2f} s ({load}{rate:.0f} posts/s): "
               f"{acts}; {self.errors} errors")
        if self.done_before:
            out += (f"; {self.done_before} already in the output skipped "
                    f"({self.errors_before} of them errors)")
        return out


# scoring -------------------------------------------------------------------------------------
def _error_row(rid: str, error: str) -> dict[str, Any]:
    return {"id": rid, "error": error}


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type (None for other types), looked up once per type
    (results hold a handful of types: str, float, tuple, None, Reason, LinkVerdict)."""
    if cls not in _FIELDS:
        _FIELDS[cls] = (tuple(f.name for f in dataclasses.fields(cls))
                        if dataclasses.is_dataclass(cls) else None)
    return _FIELDS[cls]


def _plain(obj: Any) -> Any:
    """A result dataclass as JSON-ready values (a shallow, much cheaper ``asdict``)."""
    names = _field_names(type(obj))
    if names is not None:
        return {name: _plain(getattr(obj, name)) for name in names}
    if isinstance(obj, tuple) and obj and _field_names(type(obj[0])) is not None:
        return [_plain(x) for x in obj]
    return obj


def _score_row(rid: str, score: Any) -> dict[str, Any]:
    links = [_plain(v) for v in score.links]
    for link in links:  # 6 digits, like the post's: batch size must not change the output
        if link.get("probability") is not None:
            link["probability"] = round(link["probability"], 6)
    return {"id": rid, "probability": round(score.probability, 6), "label": score.label,
            "action": score.action, "reasons": [_plain(r) for r in score.reasons[:TOP_REASONS]],
            "links": links, "model_id": score.model_id}


def score_records(scorer: Any, records: Sequence[Record]) -> list[dict[str, Any]]:
    """One output row per record, in order (a batch through ``Scorer.score_parsed``; a post
    that breaks the batch is scored alone so only its own row carries the error)."""
    rows: list[dict[str, Any] | None] = [None] * len(records)
    posts, where = [], []
    for i, rec in enumerate(records):
        if rec.error is not None or rec.html is None:
            rows[i] = _error_row(rec.id, rec.error or "record has no html")
            continue
        try:
            posts.append(scorer.parse(rec.html, site=rec.site, platform=rec.platform,
                                      title=rec.title))
            where.append(i)
        except ModelError:
            raise
        except Exception as exc:
            rows[i] = _error_row(rec.id, f"cannot parse: {type(exc).__name__}: {exc}")
    try:
        scores = scorer.score_parsed(posts)
    except ModelError:
        raise
    except Exception:
        scores = None
    for k, i in enumerate(where):
        try:
            score = scores[k] if scores is not None else scorer.score_parsed([posts[k]])[0]
            rows[i] = _score_row(records[i].id, score)
        except ModelError:
            raise
        except Exception as exc:
            rows[i] = _error_row(records[i].id, f"cannot score: {type(exc).__name__}: {exc}")
    return [r for r in rows if r is not None]


_MODELS: dict[tuple[Any, ...], Any] = {}


def _scorer(model: str | None, site: str | None, trust: bool) -> Any:
    """A Scorer whose model is loaded now: once per process and model file (a model folder
    retrained in between is loaded again)."""
    from .artifacts import ARTIFACT, SCORING, load_scoring_model, model_dir
    from .scoring import Scorer

    folder = model_dir(model)
    artifact = folder / SCORING if (folder / SCORING).exists() else folder / ARTIFACT
    try:
        stamp: tuple[int, int] | None = (artifact.stat().st_mtime_ns, artifact.stat().st_size)
    except OSError:
        stamp = None
    key = (model, trust, stamp)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load_scoring_model(model, trust=trust)
    return Scorer(model, site=site, trust_model=trust, model=_MODELS[key])


_WORKER: Any = None
_WORKER_ERROR: BaseException | None = None


def _init_worker(model: str | None, site: str | None, trust: bool) -> None:
    global _WORKER, _WORKER_ERROR
    # Ctrl-C reaches the whole process group: the parent handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _WORKER = _scorer(model, site, trust)
    except BaseException as exc:  # reported with the first batch, not by a crashing worker
        _WORKER_ERROR = exc


def _work(records: list[Record], fmt: str) -> ScoredBatch:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    return render(score_records(_WORKER, records), fmt)


@dataclass(frozen=True)
class ScoredBatch:
    """A batch's output rows, already serialised (workers send text, not objects)."""

    text: str
    actions: tuple[str | None, ...]
    """Per row: its action, or None for an error row."""


def render(rows: Sequence[dict[str, Any]], fmt: str) -> ScoredBatch:
    """Serialise rows as JSONL or CSV lines (no CSV header)."""
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(csv_row(r) for r in rows)
        text = buf.getvalue()
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return ScoredBatch(text, tuple(None if "error" in r else r["action"] for r in rows))


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _loads_in_parent(cfg: BatchConfig) -> bool:
    """Whether this process loads the model: with one job, and before forking workers (they
    inherit it copy-on-write, so it is read and verified once). Other start methods load it
    in each worker."""
    return cfg.jobs <= 1 or multiprocessing.get_context().get_start_method() == "fork"


def scored_batches(batches: Iterable[list[Record]], cfg: BatchConfig) -> Iterator[ScoredBatch]:
    """Rows of each batch, in order; with ``cfg.jobs > 1`` scored by a process pool holding
    at most two batches per worker in flight (so reading never runs ahead of writing)."""
    if cfg.jobs <= 1:
        scorer = _scorer(cfg.model, cfg.site, cfg.trust_model)
        for batch in batches:
            yield render(score_records(scorer, batch), cfg.output_format)
        return
    ctx = multiprocessing.get_context()
    if _loads_in_parent(cfg):
        _scorer(cfg.model, cfg.site, cfg.trust_model)
    pool = ctx.Pool(cfg.jobs, initializer=_init_worker,
                    initargs=(cfg.model, cfg.site, cfg.trust_model))
    pending: deque[Any] = deque()
    try:
        for batch in batches:
            pending.append(pool.apply_async(_work, (batch, cfg.output_format)))
            if len(pending) >= 2 * cfg.jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    except GeneratorExit:
        # The consumer stopped early. Pool.terminate() (what ``with Pool`` does) can hang
        # forever here: its task-handler thread may be waiting on the queue lock of a worker
        # it just killed. Let the few in-flight batches (at most 2 per worker) finish instead.
        pool.close()
        for result in pending:
            result.wait()
        pool.join()
        raise
    except BaseException:
        pool.terminate()  # an error or Ctrl-C: nothing more will be read
        raise
    pool.close()
    pool.join()


# output --------------------------------------------------------------------------------------
def _one_line(value: object) -> str:
    return "" if value is None else str(value).replace("\r", " ").replace("\n", " ")


def csv_row(row: dict[str, Any]) -> list[str]:
    """A row's CSV cells (one physical line: newlines in messages become spaces)."""
    reasons = row.get("reasons") or []
    cells = {
        "id": row["id"], "probability": row.get("probability"), "label": row.get("label"),
        "action": row.get("action"),
        "reason_codes": ";".join(r["code"] for r in reasons),
        "reasons": " | ".join(r["message"] for r in reasons),
        "model_id": row.get("model_id"), "error": row.get("error"),
    }
    return [_one_line(cells[c]) for c in CSV_COLUMNS]


class _Writer:
    """Writes scored batches; the CSV header goes out with the first rows (or at ``finish``),
    so a run that fails before scoring anything writes nothing."""

    def __init__(self, fh: IO[str], header: bool) -> None:
        self.fh = fh
        self.rows = 0
        self._header = header

    def finish(self) -> None:
        if self._header:
            csv.writer(self.fh, lineterminator="\n").writerow(CSV_COLUMNS)
            self._header = False
        self.fh.flush()

    def write(self, batch: ScoredBatch) -> None:
        self.finish()
        self.fh.write(batch.text)
        self.fh.flush()  # whole lines only: an interruption leaves a resumable file
        self.rows += len(batch.actions)


def partial_path(output: str | Path) -> Path:
    """The temporary file a run into ``output`` writes before renaming it."""
    out = Path(output)
    return out.with_name(f".{out.name}.partial")


def read_done(path: Path, fmt: str) -> tuple[Counter[str], int]:
    """Ids already written to ``path`` (with multiplicity) and how many of those rows are
    errors. A last line cut off mid-write is removed from the file."""
    done: Counter[str] = Counter()
    errors = 0
    keep = 0
    with path.open("rb+") as fh:
        first = True
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # cut off mid-write: dropped below
            line = raw.decode("utf-8", errors="replace")
            try:
                if fmt == "csv":
                    cells = next(csv.reader(io.StringIO(line)))
                    if first:
                        if tuple(cells) != CSV_COLUMNS:
                            raise ValueError("not a spamlinks CSV header")
                        first = False
                        keep += len(raw)
                        continue
                    if len(cells) != len(CSV_COLUMNS):
                        raise ValueError(f"{len(cells)} fields")
                    rid, err = cells[0], cells[-1]
                else:
                    obj = json.loads(line)
                    rid, err = str(obj["id"]), obj.get("error")
            except (ValueError, KeyError, TypeError, StopIteration) as exc:
                raise UsageError(f"{path} is not {fmt.upper()} output of spamlinks score "
                                 f"({exc}); remove it or pass --force to start over") from exc
            done[rid] += 1
            errors += bool(err)
            keep += len(raw)
        fh.truncate(keep)
    return done, errors


# the run -------------------------------------------------------------------------------------
def _check(cfg: BatchConfig) -> None:
    if not cfg.inputs:
        raise UsageError("no input given")
    if cfg.jobs < 1 or cfg.batch_size < 1:
        raise UsageError("--jobs and --batch-size must be at least 1")
    if cfg.output_format not in OUTPUT_FORMATS:
        raise UsageError(f"--output-format must be one of {', '.join(OUTPUT_FORMATS)}")
    if cfg.input_format not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if list(cfg.inputs).count("-") > 1:
        raise UsageError("stdin (-) can be read only once")
    if cfg.force and cfg.resume:
        raise UsageError("--force starts over and --resume continues: pass only one")
    if cfg.resume and not cfg.output:
        raise UsageError("--resume needs an output file (-o)")
    for path in cfg.inputs:
        check_input(path)
    if cfg.output:
        out = Path(cfg.output)
        if out.is_dir():
            raise UsageError(f"output {out} is a folder")
        if not out.parent.is_dir():
            raise UsageError(f"the folder of output {out} does not exist")
        for path in cfg.inputs:
            if path != "-" and Path(path).exists() and out.exists() and out.samefile(path):
                raise UsageError(f"output {out} is also an input")


def _open_output(cfg: BatchConfig, summary: Summary, log: IO[str]
                 ) -> tuple[IO[str], Path, Counter[str]]:
    """Open the partial file to write, after the overwrite / resume checks."""
    assert cfg.output
    out = Path(cfg.output)
    part = partial_path(out)
    done: Counter[str] = Counter()
    if cfg.resume:
        if not part.exists() and out.exists():
            part.write_bytes(out.read_bytes())
        if part.exists():
            done, summary.errors_before = read_done(part, cfg.output_format)
            summary.done_before = sum(done.values())
            print(f"spamlinks: resuming {out}: {summary.done_before} rows already written",
                  file=log)
            fh = part.open("a", encoding="utf-8", newline="")
            return fh, part, done
        print(f"spamlinks: nothing to resume for {out}; starting a new run", file=log)
    elif not cfg.force:
        if out.exists():
            raise UsageError(f"{out} exists: pass --force to overwrite it, or --resume to "
                             "continue an interrupted run into it")
        if part.exists():
            raise UsageError(f"an interrupted run left {part}: pass --resume to continue it, "
                             "or --force to start over")
    return part.open("w", encoding="utf-8", newline=""), part, done


def _progress(cfg: BatchConfig, log: IO[str]) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    disable = None if cfg.progress is None else not cfg.progress
    return tqdm(unit=" posts", file=log, disable=disable)


def run_batch(cfg: BatchConfig, *, stdin: IO[str] | None = None,
              stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Score every record of ``cfg.inputs``; 0 = all scored, 1 = some rows are errors.
    Raises :class:`UsageError` (exit status 2) before touching any output."""
    out_stream = stdout if stdout is not None else sys.stdout
    log = stderr if stderr is not None else sys.stderr
    _check(cfg)
    summary = Summary()
    start = time.perf_counter()
    if _loads_in_parent(cfg):  # a broken model fails here, before any output is opened
        _scorer(cfg.model, cfg.site, cfg.trust_model)
        summary.model_load = time.perf_counter() - start
    part: Path | None = None
    done: Counter[str] = Counter()
    if cfg.output:
        fh, part, done = _open_output(cfg, summary, log)
        header = cfg.output_format == "csv" and fh.tell() == 0
    else:
        fh, header = out_stream, cfg.output_format == "csv"
    writer = _Writer(fh, header)
    bar = _progress(cfg, log)

    def records() -> Iterator[Record]:
        for path in cfg.inputs:
            for rec in read_source(path, cfg.input_format, html_field=cfg.html_field,
                                   stdin=stdin):
                if done[rec.id] > 0:
                    done[rec.id] -= 1
                    continue
                yield rec

    try:
        for scored in scored_batches(_batches(records(), cfg.batch_size), cfg):
            writer.write(scored)
            for action in scored.actions:
                if action is None:
                    summary.errors += 1
                else:
                    summary.actions[action] += 1
            if bar is not None:
                bar.update(len(scored.actions))
    except BaseException as exc:
        if part is not None:
            fh.close()
            if writer.rows == 0 and not summary.done_before:
                part.unlink(missing_ok=True)  # nothing to resume: leave no trace
            else:
                print(f"spamlinks: stopped; the {writer.rows + summary.done_before} rows so "
                      f"far are in {part}: rerun with --resume to continue", file=log)
        if isinstance(exc, KeyboardInterrupt):
            return 130
        raise
    finally:
        if bar is not None:
            bar.close()
    writer.finish()
    if part is not None:
        assert cfg.output
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(part, cfg.output)
    summary.elapsed = time.perf_counter() - start
    where = f" → {cfg.output}" if cfg.output else ""
    print(f"spamlinks: {summary.line()}{where}", file=log)
    return 1 if summary.errors or summary.errors_before else 0


