"""Check one or more project-corpus files: schema, counts, near-duplicates.

    python data/tools/check_part.py data/corpus/part-a.jsonl [more files]

Near-duplicates are measured against the whole corpus (all files in data/corpus).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from spamlinks.datasets import load_corpus, read_rows
from spamlinks.neardup import THRESHOLD, near_duplicate_pairs


def main(paths: list[str]) -> int:
    mine: list = []
    for p in paths:
        rows = list(read_rows(p, strict=True))
        mine.extend(rows)
        print(f"{p}: {len(rows)} rows OK")
    for key in ("label", "platform", "language", "category", "kind"):
        print(key, dict(Counter(getattr(r, key) for r in mine).most_common()))
    tactics = Counter(t for r in mine for t in r.tactics)
    print("tactics", dict(tactics.most_common()))
    everything = load_corpus()
    ids = Counter(r.id for r in everything)
    dup_ids = [i for i, n in ids.items() if n > 1]
    if dup_ids:
        print("DUPLICATE IDS across corpus:", dup_ids[:10])
    mine_ids = {r.id for r in mine}
    pairs = near_duplicate_pairs([r.html for r in everything])
    bad = [(everything[i].id, everything[j].id, round(s, 2)) for i, j, s in pairs
           if everything[i].id in mine_ids or everything[j].id in mine_ids]
    print(f"near-duplicate pairs (Jaccard >= {THRESHOLD}) touching these files: {len(bad)}")
    for b in bad[:20]:
        print("  ", b)
    return 1 if (bad or dup_ids) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(p) for p in sorted(Path("data/corpus").glob("*.jsonl"))]))
