"""Where the time of one ``score_post`` goes: CPU time per stage on the ~2 KB set.

``python benchmarks/stages.py`` times each stage of scoring on its own, on the same 300 posts
as the ``~2 KB`` rows of ``run.py``, with the caches warm as they are there: parsing,
the named link and post features, the text n-grams, the anchor n-grams, and everything after
parsing (``score_parsed``), then ``score_post`` as a whole and ``score_posts`` on the 1,000
posts of ``run.py``'s throughput row. Each figure is per post, in thread CPU time, and is
the sum over chunks of 50 posts of each chunk's fastest of ``--rounds`` rounds, so a busy
neighbour on a shared machine inflates it less than a mean would. It is for comparing
versions of the code on one machine, not a benchmark of record (``run.py`` is).

Where even CPU time is too noisy (a shared VM), count instructions instead: ``--count STAGE``
warms up, then runs only that stage on the posts inside ``functools.reduce``, so that
callgrind can count exactly that work::

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \
        python benchmarks/stages.py --count score_post
    # "Collected : N" / 300 = instructions per post (score_posts: / 1,000)
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

if __package__:
    from .run import limit_threads, load_items, nearest
else:  # python benchmarks/stages.py: this folder is sys.path[0]
    from run import limit_threads, load_items, nearest

T = TypeVar("T")


def per_post(fn: Callable[[T], object], data: Sequence[T], rounds: int, chunk: int = 50) -> float:
    """Milliseconds of thread CPU time per item: per chunk the fastest round, summed."""
    for x in data:  # warm-up: caches filled as in run.py's timed rounds
        fn(x)
    chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    best = [float("inf")] * len(chunks)
    for _ in range(rounds):
        for k, part in enumerate(chunks):
            start = time.thread_time_ns()
            for x in part:
                fn(x)
            best[k] = min(best[k], time.thread_time_ns() - start)
    return sum(best) / len(data) / 1e6


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=12, help="rounds per chunk (default 12)")
    ap.add_argument("--count", choices=("parse_post", "features", "text_ngrams",
                                        "score_parsed", "score_post", "score_posts"),
                    help="run only this stage once more after a warm-up, inside "
                         "functools.reduce, for callgrind (see above); print nothing")
    args = ap.parse_args(argv)
    limit_threads()
    import spamlinks
    from spamlinks.linkfeatures import _row, anchor_document, text_document
    from spamlinks.parse import parse_post
    from spamlinks.scoring import default_scorer, score_post

    items = load_items()
    posts_2kb = nearest(items, 2048, 300)
    batch = [it.mapping() for it in nearest(items, 2048, 1000)]
    scorer = default_scorer()
    fast = scorer.model.fast
    parsed = [parse_post(it.html, site=it.site, platform=it.platform, title=it.title)
              for it in posts_2kb]
    print(f"spamlinks {Path(spamlinks.__file__).parent}", file=sys.stderr)
    if args.count:
        one: dict[str, Callable[[Any, Any], object]] = {
            "parse_post": lambda _, it: parse_post(it.html, site=it.site, platform=it.platform,
                                                   title=it.title),
            "score_post": lambda _, it: score_post(it.html, site=it.site, platform=it.platform,
                                                   title=it.title),
            "features": lambda _, p: _row(p),
            "text_ngrams": lambda _, p: fast.text_contribution(text_document(p)),
            "score_parsed": lambda _, p: scorer.score_parsed([p]),
            "score_posts": lambda _, b: scorer.score_posts(b),
        }
        data: Sequence[Any] = ([batch] if args.count == "score_posts" else
                               parsed if args.count in ("features", "text_ngrams", "score_parsed")
                               else posts_2kb)
        for x in data:
            one[args.count](None, x)
        functools.reduce(one[args.count], data, None)
        return 0
    rows: list[tuple[str, float]] = [
        ("parse_post", per_post(lambda it: parse_post(it.html, site=it.site,
                                                      platform=it.platform, title=it.title),
                                posts_2kb, args.rounds)),
        ("link and post features", per_post(_row, parsed, args.rounds)),
        ("text n-grams", per_post(lambda p: fast.text_contribution(text_document(p)),
                                  parsed, args.rounds)),
        ("anchor n-grams", per_post(lambda p: fast.anchor_contribution(anchor_document(p)),
                                    parsed, args.rounds)),
        ("score_parsed (all after parsing)", per_post(lambda p: scorer.score_parsed([p]),
                                                      parsed, args.rounds)),
        ("score_post", per_post(lambda it: score_post(it.html, site=it.site,
                                                      platform=it.platform, title=it.title),
                                posts_2kb, args.rounds)),
    ]
    calls: list[Any] = [batch]
    batch_ms = per_post(scorer.score_posts, calls, max(3, args.rounds // 2)) / len(batch)
    for name, ms in rows:
        print(f"{name:36s} {ms * 1000:8.1f} us/post")
    print(f"{'score_posts, 1,000 posts':36s} {batch_ms * 1000:8.1f} us/post "
          f"({1000 / batch_ms:,.0f} posts/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
