"""Write data/MANIFEST.json: each corpus file's sha256 and counts, plus corpus-wide figures.

    python data/tools/build_manifest.py        # rewrite the manifest
    python data/tools/build_manifest.py --check  # exit 1 if it is out of date
    python data/tools/build_manifest.py --tables # print the count tables of data/README.md
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from spamlinks.datasets import corpus_files, file_sha256, read_rows
from spamlinks.neardup import SHINGLE, THRESHOLD, near_duplicate_rate

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "data" / "MANIFEST.json"


def build() -> dict:
    files, rows = {}, []
    for path in corpus_files(ROOT / "data" / "corpus"):
        part = list(read_rows(path, strict=True))
        rows.extend(part)
        files[path.name] = {
            "sha256": file_sha256(path),
            "rows": len(part),
            "labels": dict(sorted(Counter(r.label for r in part).items())),
        }

    def count(key: str) -> dict:
        return dict(sorted(Counter(getattr(r, key) for r in rows).items()))

    return {
        "files": files,
        "total": len(rows),
        "labels": count("label"),
        "platforms": count("platform"),
        "languages": count("language"),
        "categories": count("category"),
        "kinds": count("kind"),
        "produced": count("produced"),
        "near_duplicates": {
            "method": f"word {SHINGLE}-shingle Jaccard >= {THRESHOLD} with any other post",
            "rate": round(near_duplicate_rate([r.html for r in rows]), 4),
        },
    }


def tables() -> str:
    """The spam/ham count tables of data/README.md (by author, platform, language, ...)."""
    rows = [r for path in corpus_files(ROOT / "data" / "corpus")
            for r in read_rows(path, strict=True)]
    out = []
    for key, head in (("author", "part (author)"), ("platform", "platform"),
                      ("language", "language"), ("category", "category"), ("kind", "kind")):
        by = Counter((getattr(r, key), r.label) for r in rows)
        values = sorted({v for v, _ in by}, key=lambda v: (-(by[v, "spam"] + by[v, "ham"]), v))
        out += [f"| {head} | spam | ham | total |", "| --- | --- | --- | --- |"]
        out += [f"| {v} | {by[v, 'spam']} | {by[v, 'ham']} | {by[v, 'spam'] + by[v, 'ham']} |"
                for v in values]
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if "--tables" in argv:
        print(tables())
        return 0
    manifest = build()
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if "--check" in argv:
        current = MANIFEST.read_text(encoding="utf-8") if MANIFEST.exists() else ""
        if current != text:
            print("data/MANIFEST.json is out of date: run python data/tools/build_manifest.py")
            return 1
        return 0
    MANIFEST.write_text(text, encoding="utf-8")
    print(f"wrote {MANIFEST} ({manifest['total']} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
