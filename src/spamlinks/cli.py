"""Command line: a thin layer over the library. Results go to stdout, logs to stderr."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._version import __version__
from .errors import SpamlinksError
from .parse import extract_links


def _cmd_links(args: argparse.Namespace) -> int:
    from .sources import check_input, read_source

    for path in args.inputs:
        check_input(path)
    failed = 0
    for path in args.inputs:
        for rec in read_source(path):
            out: dict[str, object] = {"id": rec.id}
            try:
                if rec.error is not None or rec.html is None:
                    raise ValueError(rec.error or "no html")
                links = extract_links(rec.html, site=rec.site, platform=rec.platform)
                out["links"] = [dataclasses.asdict(link) for link in links]
            except (SpamlinksError, TypeError, ValueError) as exc:
                out["error"] = str(exc)
                failed += 1
            print(json.dumps(out, ensure_ascii=False))
    return 1 if failed else 0


def _cmd_score(args: argparse.Namespace) -> int:
    from .batch import BatchConfig, run_batch

    return run_batch(BatchConfig(
        inputs=args.inputs, output=args.output, input_format=args.format,
        html_field=args.html_field, output_format=args.output_format, jobs=args.jobs,
        batch_size=args.batch_size, force=args.force, resume=args.resume, model=args.model,
        site=args.site, trust_model=args.trust_model))


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {value!r}")
    return n


def _log(msg: str) -> None:
    print(f"spamlinks: {msg}", file=sys.stderr, flush=True)


def _shared_weights(values: Sequence[str] | None) -> dict[str, float] | None:
    if values is None:
        return None
    out = {}
    for v in values:
        name, _, weight = v.partition(":")
        out[name] = float(weight) if weight else 1.0
    return out


def _cmd_train(args: argparse.Namespace) -> int:
    from .model import save_model
    from .modelcard import write_model_card_md
    from .training import TrainConfig, train

    cfg = TrainConfig() if args.seed is None else TrainConfig(seed=args.seed)
    weights = _shared_weights(args.shared)
    if weights is not None:
        cfg.shared_weights = weights
    if args.folds:
        cfg.folds = args.folds
    result = train(cfg, corpus_dir=Path(args.corpus) if args.corpus else None,
                   extra_files=[Path(p) for p in args.data], progress=_log)
    out = save_model(result.model, args.out)
    write_model_card_md(result.model.card, out / "MODEL_CARD.md")
    _log(f"wrote {out} (model {result.model.model_id})")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from . import evaluation as ev
    from .model import load_model
    from .training import TrainConfig

    model = load_model(args.model, trust=args.trust_model)
    shared = ev.EVAL_ONLY if args.shared is None else tuple(args.shared)
    sets = ev.eval_sets(model, extra=[Path(p) for p in args.data], shared=shared,
                        progress=_log)
    results = ev.evaluate_sets(model, sets)
    payload: dict[str, Any] = {"model_id": model.model_id,
                                  "thresholds": dataclasses.asdict(model.thresholds),
                                  "sets": ev.strip_private(results)}
    baseline = None
    if args.baseline or args.loso:
        cfg_d = model.card.get("config", {})
        known = TrainConfig.__dataclass_fields__
        cfg = TrainConfig(**{k: v for k, v in cfg_d.items() if k in known})
        examples = ev.split_like_training(model)
        train_ex = [e for e in examples if not e.holdout]
        if args.baseline:
            _log("fitting the baseline")
            baseline = ev.baseline_scores(train_ex, sets, cfg.seed)
            payload["baseline"] = baseline
        if args.loso:
            outside = {k: v for k, v in sets.items() if not k.startswith("holdout:")}
            payload["leave_one_source_out"] = ev.leave_one_source_out(train_ex, cfg, outside,
                                                                      progress=_log)
    print(ev.format_table(results, baseline))
    if "leave_one_source_out" in payload:
        print("\nleave-one-source-out (train without the source; ROC-AUC / recall at 1% FPR):")
        for src, row in payload["leave_one_source_out"].items():
            cells = "  ".join(f"{k}: {_pair(v)}" for k, v in row.items())
            print(f"  {src:28s} {cells}")
    out = Path(args.out)
    ev.write_metrics(out / "metrics.json", payload)
    made = ev.plots(results, out)
    _log(f"wrote {out / 'metrics.json'}" + (f" and {len(made)} plots" if made else
                                            " (install matplotlib for plots)"))
    return 0


def _cmd_gate(args: argparse.Namespace) -> int:
    from . import gate
    from .model import load_model

    path = Path(args.floors)
    floors = gate.load_floors(path)
    model = load_model(args.model)
    results = gate.measure(model, list(floors["floors"]), progress=_log)
    for name, r in results.items():
        shown = {k: r.get(k) for k in ("roc_auc", "recall_at_1pct_fpr")}
        shown.update({f"label_{k}": r["label"][k] for k in ("precision", "recall", "fpr")})
        print(f"{name:28s} " + "  ".join(f"{k}={_num(v)}" for k, v in shown.items()))
    failures = gate.check(floors, results)
    if args.raise_floors:
        new = gate.raise_floors(floors, results, allow_regression=args.allow_regression)
        path.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
        _log(f"floors written to {path}")
        return 0
    for f in failures:
        print(f"FLOOR BROKEN: {f}")
    return 1 if failures else 0


def _num(v: object) -> str:
    return "-" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v)


def _pair(m: dict) -> str:
    def f(v: object) -> str:
        return "-" if v is None else f"{v:.3f}"
    pair = f"{f(m.get('roc_auc'))}/{f(m.get('recall_at_1pct_fpr'))}"
    return pair + (f" fpr@0.5={f(m['fpr_at_0.5'])}" if m.get("fpr_at_0.5") is not None else "")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spamlinks", description=__doc__)
    parser.add_argument("--version", action="version", version=f"spamlinks {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("links", help="print every link of each post as JSON lines")
    p.add_argument("inputs", nargs="+",
                   help="posts in any format `spamlinks score` reads (- = stdin)")
    p.set_defaults(func=_cmd_links)

    from .sources import FORMATS

    p = sub.add_parser(
        "score", help="score posts in batch (JSONL, CSV, RSS/Atom, forum API JSON, HTML)",
        description="Score every post of the inputs; one output row per input record, in "
                    "order. Exit status: 0 all scored, 1 some rows are errors, 2 usage error.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files or folders of .html files; - = stdin")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--format", choices=FORMATS, default="auto",
                   help="input format (default: from the extension and content)")
    p.add_argument("--html-field", help="JSONL/CSV/API field holding the post's HTML")
    p.add_argument("--output-format", choices=("jsonl", "csv"), default="jsonl",
                   help="jsonl (default; with link verdicts) or csv")
    p.add_argument("-j", "--jobs", type=_positive, default=1,
                   help="worker processes; output order is kept (default: 1)")
    p.add_argument("--batch-size", type=_positive, default=256,
                   help="records scored together (default: 256)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run: skip ids already in the output")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--site", help="the site's own host: its links count as internal")
    p.add_argument("--trust-model", action="store_true",
                   help="load a model without a verifiable card (for a folder without "
                        "scoring.json this unpickles model.joblib, which runs code)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("train", help="train a model on the corpus and licensed shared sets")
    p.add_argument("--out", default="models", help="output folder (default: models)")
    p.add_argument("--seed", type=int, help="random seed (default: the recorded project seed)")
    p.add_argument("--corpus", help="corpus folder (default: data/corpus)")
    p.add_argument("--data", nargs="*", default=[], help="more labeled JSONL files")
    p.add_argument("--shared", nargs="*", metavar="NAME[:WEIGHT]",
                   help="shared sets to train on (default: stackexchange_ham:1)")
    p.add_argument("--folds", type=int, help="cross-validation folds for calibration")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="precision/recall of a model on held-out and outside sets")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--data", nargs="*", default=[], help="more labeled JSONL files to evaluate")
    p.add_argument("--shared", nargs="*", help="shared sets to evaluate (default: eval-only sets)")
    p.add_argument("--baseline", action="store_true", help="also fit the TF-IDF baseline")
    p.add_argument("--loso", action="store_true", help="also run leave-one-source-out")
    p.add_argument("--out", default="reports", help="folder for metrics.json and plots")
    p.add_argument("--trust-model", action="store_true")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("gate", help="check the shipped model against the pinned quality floors")
    p.add_argument("--floors", default="tests/quality_floors.json")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--raise-floors", action="store_true",
                   help="raise floors the model now beats (never lowers them)")
    p.add_argument("--allow-regression", action="store_true",
                   help="with --raise-floors: also lower floors to the measured values")
    p.set_defaults(func=_cmd_gate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spamlinks`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return 0
    except (OSError, SpamlinksError) as exc:
        print(f"spamlinks: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
