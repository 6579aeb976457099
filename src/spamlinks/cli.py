"""Command line: a thin layer over the library. Results go to stdout, logs to stderr."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator, Sequence

from ._version import __version__
from .errors import SpamlinksError
from .parse import extract_links


def _iter_inputs(paths: Sequence[str]) -> Iterator[tuple[str, dict]]:
    """(id, record) for each post in the given JSONL files or HTML files (``-`` = stdin)."""
    for path in paths:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
        with fh:
            if path.endswith((".html", ".htm")):
                yield path, {"html": fh.read()}
                continue
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield f"{path}:{lineno}", {"error": f"invalid JSON: {exc.msg}"}
                        continue
                    yield str(rec.get("id", f"{path}:{lineno}")), rec


def _cmd_links(args: argparse.Namespace) -> int:
    failed = 0
    for rid, rec in _iter_inputs(args.inputs):
        out: dict[str, object] = {"id": rid}
        if "error" in rec:
            out["error"] = rec["error"]
            failed += 1
        else:
            html = rec.get("html") or rec.get("content") or rec.get("body") or ""
            try:
                links = extract_links(html, site=rec.get("site"), platform=rec.get("platform"))
                out["links"] = [dataclasses.asdict(link) for link in links]
            except (SpamlinksError, TypeError) as exc:
                out["error"] = str(exc)
                failed += 1
        print(json.dumps(out, ensure_ascii=False))
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spamlinks", description=__doc__)
    parser.add_argument("--version", action="version", version=f"spamlinks {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("links", help="print every link of each post as JSON lines")
    p.add_argument("inputs", nargs="+", help="JSONL files (field 'html') or .html files; - = stdin")
    p.set_defaults(func=_cmd_links)
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
