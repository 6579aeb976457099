"""Speed figures for spamlinks, printed as a plain-text table a reader can compare.

Run from the repository root::

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # smoke run (well under a minute)
    python -m benchmarks.run --json reports/bench.json

Everything runs on one thread (BLAS/OpenMP pools limited to 1). Each latency figure is the
median and p99 of individually timed calls over a few hundred distinct corpus posts, repeated
for several rounds after a warm-up pass. Start-up figures (import, first score, memory) come
from fresh subprocesses, and so do the whole-process ``spamlinks score`` rows (--jobs 1 and 2,
measured by ``benchmarks/batch.py``), printed beside the in-process rows of the same posts.
See ``benchmarks/README.md`` for what each row means.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

if __package__:
    from . import batch as whole
else:  # python benchmarks/run.py: this folder is sys.path[0]
    import batch as whole

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "models" / "model.joblib"
#: What scoring loads (verified JSON, no pickle); model.joblib is for training only.
SHIPPED_SCORING = ROOT / "models" / "scoring.json"
KB = 1024

# The project's speed goals: (key, description, target, unit, comparison).
GOALS: tuple[tuple[str, str, float, str, str], ...] = (
    ("ratio_2kb", "score_post / bs4 parse, ~2 KB posts (median/median)", 2.5, "x", "<="),
    ("median_2kb", "score_post median, 1-3 KB posts (~2 KB set)", 1.0, "ms", "<="),
    ("p99_2kb", "score_post p99, 1-3 KB posts (~2 KB set)", 5.0, "ms", "<="),
    ("batch_1000", "score_posts throughput, batch of 1,000 posts of 1-3 KB", 2000.0, "posts/s",
     ">="),
)
# Issue #6: `spamlinks score` on 3,000 typical posts (the ~2 KB set), whole process.
PROCESS_GOAL_POSTS = 3000
PROCESS_GOAL_SET = "~2 KB"
PROCESS_GOAL_RATE = 1500.0
"""posts/s with --jobs 1 (one core)."""
PROCESS_GOAL_SPEEDUP = 1.7
"""--jobs 2 posts/s over --jobs 1 posts/s."""

# Published figures of alternatives: quoted, never measured here.
QUOTED: tuple[dict[str, str], ...] = (
    {
        "tool": "SmokeDetector (Charcoal, Stack Exchange)",
        "figure": "~25 ms per post",
        "context": "whole rule suite, ~40-80 posts/s per thread on one instance (2017)",
        "source": "https://github.com/Charcoal-SE/metasmoke/issues/139 (Undo1, 2017-03-14)",
    },
    {
        "tool": "Akismet API (comment-check)",
        "figure": "~0.5 s per call (round trip)",
        "context": "one client's timings over HTTP/1.0 (2008); network bound, varies by site",
        "source": "http://blog.defv.be/2008/2/22/akismet-problems",
    },
    {
        "tool": "rspamd",
        "figure": "50-200 ms per message",
        "context": "one load test: median 78 ms, p95 200 ms, p99 331 ms per scan "
                   "(rspamd + ClamAV, 50 KB mails, 20 parallel senders, 2022)",
        "source": "https://github.com/linagora/james-project/issues/4606",
    },
)


@dataclass(frozen=True)
class Config:
    quick: bool
    import_runs: int
    first_score_runs: int
    posts_small: int
    """Distinct posts in the ~0.5 KB and ~2 KB sets."""
    rounds_small: int
    posts_large: int
    """Distinct synthetic ~20 KB posts."""
    rounds_large: int
    batch_posts: int
    loop_posts: int
    """Posts of the batch set timed one at a time with score_post (loop throughput)."""
    loop_rounds: int
    batch_reps: int
    batch100_slices: int
    memory_single: bool
    """The memory subprocess also scores the 1,000 posts one at a time before the batch."""
    process_posts: int
    """Posts in the input file of the whole-process runs, ~0.5 and ~2 KB sets."""
    process_posts_large: int
    """Posts in the input file of the whole-process runs, ~20 KB set."""
    process_runs: int
    """Fresh ``spamlinks score`` runs per set and job count."""
    seed: int = 20261125

    @staticmethod
    def make(quick: bool) -> Config:
        if quick:
            return Config(True, import_runs=2, first_score_runs=1, posts_small=100,
                          rounds_small=2, posts_large=16, rounds_large=2, batch_posts=1000,
                          loop_posts=150, loop_rounds=1, batch_reps=1, batch100_slices=3,
                          memory_single=False, process_posts=300, process_posts_large=30,
                          process_runs=1)
        return Config(False, import_runs=15, first_score_runs=7, posts_small=300,
                      rounds_small=10, posts_large=120, rounds_large=5, batch_posts=1000,
                      loop_posts=1000, loop_rounds=3, batch_reps=7, batch100_slices=30,
                      memory_single=True, process_posts=PROCESS_GOAL_POSTS,
                      process_posts_large=300, process_runs=3)


@dataclass(frozen=True)
class Item:
    """One post as a forum integration would pass it."""

    html: str
    site: str | None
    platform: str | None
    title: str | None

    @property
    def nbytes(self) -> int:
        return len(self.html.encode("utf-8"))

    def mapping(self) -> dict[str, Any]:
        return {"html": self.html, "site": self.site, "platform": self.platform,
                "title": self.title}


@dataclass
class Latency:
    set_name: str
    function: str
    posts: int
    samples: int
    kb_median: float
    kb_min: float
    kb_max: float
    median_ms: float
    p99_ms: float
    mean_ms: float
    posts_per_s: float
    cpu_median_ms: float


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    startup: dict[str, Any] = field(default_factory=dict)
    latency: list[Latency] = field(default_factory=list)
    ratios: dict[str, dict[str, float] | None] = field(default_factory=dict)
    throughput: dict[str, Any] = field(default_factory=dict)
    whole_process: list[whole.WholeProcess] = field(default_factory=list)
    """``spamlinks score`` runs, one entry per set and job count."""
    whole_process_errors: dict[str, str] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
    goals: list[dict[str, Any]] = field(default_factory=list)
    quoted: list[dict[str, str]] = field(default_factory=lambda: [dict(q) for q in QUOTED])
    model_error: str | None = None
    elapsed_s: float = 0.0


# ---------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def p99(values: Sequence[float]) -> float:
    """Nearest-rank 99th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


child_env = whole.pinned_env


def run_child(code: str, stdin: str = "", timeout: float = 600) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object on its last line."""
    out = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True,
                         text=True, cwd=ROOT, env=child_env(), timeout=timeout)
    lines = out.stdout.strip().splitlines()
    if out.returncode or not lines:
        raise RuntimeError(f"benchmark subprocess failed ({out.returncode}): {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def process_wall(args: list[str], runs: int) -> float:
    """Median wall time (s) of running ``python args`` to completion."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, cwd=ROOT, env=child_env(),
                       capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def code_digest(package_dir: Path) -> str:
    """Short sha256 of the scoring code and model files, to tell which code a figure is for."""
    import hashlib

    h = hashlib.sha256()
    files = sorted(package_dir.rglob("*.py"))
    model_dir = Path(os.environ.get("SPAMLINKS_MODEL") or ROOT / "models")
    files += sorted(model_dir.glob("model*.j*"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def ensure_importable() -> None:
    try:
        import spamlinks  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT / "src"))


def limit_threads() -> None:
    for var in whole.THREAD_VARS:
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


# ---------------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def version_of(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    import spamlinks

    try:
        cpus_usable = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus_usable = os.cpu_count() or 0
    return {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "cpus_usable": cpus_usable,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "numpy": version_of("numpy"),
        "scikit-learn": version_of("scikit-learn"),
        "scipy": version_of("scipy"),
        "lxml": version_of("lxml"),
        "beautifulsoup4": version_of("beautifulsoup4"),
        "spamlinks": spamlinks.__version__,
        "spamlinks_path": str(Path(spamlinks.__file__).parent),
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "code_digest_start": code_digest(Path(spamlinks.__file__).parent),
    }


# ---------------------------------------------------------------------------- posts


def load_items() -> list[Item]:
    from spamlinks.datasets import load_corpus

    return [Item(r.html, r.site, r.platform, r.title) for r in load_corpus()]


def nearest(items: list[Item], target: int, n: int) -> list[Item]:
    """The ``n`` posts whose UTF-8 size is closest to ``target`` bytes (deterministic)."""
    return sorted(items, key=lambda it: (abs(it.nbytes - target), it.nbytes, it.html))[:n]


def concatenated(items: list[Item], target: int, n: int, seed: int) -> list[Item]:
    """``n`` distinct ~``target``-byte posts, each several same-platform corpus posts joined
    (a long thread page or a very long answer)."""
    rng = random.Random(seed)
    by_platform: dict[str | None, list[Item]] = defaultdict(list)
    for it in items:
        by_platform[it.platform].append(it)
    platforms = sorted(by_platform, key=str)
    out: list[Item] = []
    for _ in range(n):
        pool = by_platform[rng.choice(platforms)]
        picked = rng.sample(pool, len(pool))
        parts: list[str] = []
        size = 0
        while size < target and picked:
            part = picked.pop().html
            parts.append(part)
            size += len(part.encode("utf-8")) + 1
        first = pool[0]
        out.append(Item("\n".join(parts), first.site, first.platform, first.title))
    return out


def sizes_kb(items: Sequence[Item]) -> tuple[float, float, float]:
    kb = [it.nbytes / KB for it in items]
    return statistics.median(kb), min(kb), max(kb)


# ---------------------------------------------------------------------------- measurements


def measure_startup(cfg: Config, sample_html: str, report: Report) -> None:
    import_code = (
        "import json, sys, time\n"
        "t0 = time.perf_counter()\n"
        "import spamlinks\n"
        "t1 = time.perf_counter()\n"
        "heavy = sorted(m for m in ('sklearn', 'scipy', 'numpy', 'joblib') if m in sys.modules)\n"
        "print(json.dumps({'import_s': t1 - t0, 'heavy': heavy}))\n"
    )
    log(f"import spamlinks: {cfg.import_runs} fresh subprocesses")
    runs = [run_child(import_code) for _ in range(cfg.import_runs)]
    imports = [r["import_s"] for r in runs]
    report.startup["import_runs"] = cfg.import_runs
    report.startup["import_median_ms"] = statistics.median(imports) * 1e3
    report.startup["import_min_ms"] = min(imports) * 1e3
    report.startup["heavy_modules_after_import"] = runs[-1]["heavy"]
    report.startup["process_import_median_ms"] = process_wall(
        ["-c", "import spamlinks"], cfg.import_runs) * 1e3
    report.startup["process_bare_median_ms"] = process_wall(["-c", "pass"], cfg.import_runs) * 1e3

    first_code = (
        "import json, sys, time\n"
        "html = sys.stdin.read()\n"
        "t0 = time.perf_counter()\n"
        "import spamlinks\n"
        "t1 = time.perf_counter()\n"
        "try:\n"
        "    spamlinks.score_post(html)\n"
        "except Exception as exc:\n"
        "    print(json.dumps({'error': f'{type(exc).__name__}: {exc}'}))\n"
        "    raise SystemExit(0)\n"
        "t2 = time.perf_counter()\n"
        "spamlinks.score_post(html)\n"
        "t3 = time.perf_counter()\n"
        "print(json.dumps({'import_s': t1 - t0, 'first_s': t2 - t1, 'total_s': t2 - t0,\n"
        "                  'second_s': t3 - t2}))\n"
    )
    log(f"time to first score: {cfg.first_score_runs} fresh subprocesses")
    firsts = [run_child(first_code, sample_html) for _ in range(cfg.first_score_runs)]
    errors = [r["error"] for r in firsts if "error" in r]
    if errors:
        report.startup["first_score_error"] = errors[0]
        return
    report.startup["first_score_runs"] = cfg.first_score_runs
    report.startup["first_score_post_kb"] = len(sample_html.encode("utf-8")) / KB
    for key in ("import_s", "first_s", "total_s", "second_s"):
        report.startup[f"first_{key[:-2]}_median_ms"] = statistics.median(
            r[key] for r in firsts) * 1e3


Samples = dict[str, tuple[list[float], list[float]]]


def time_calls(fns: Sequence[tuple[str, Callable[[Item], object]]], items: Sequence[Item],
               rounds: int, rng: random.Random) -> Samples:
    """Per-call wall and thread-CPU seconds of each function on each post.

    Every round visits the posts in a new shuffled order and, post by post, calls the functions
    in a rotating order, so drift in machine load or caches hits all of them alike.
    """
    samples: Samples = {name: ([], []) for name, _ in fns}
    order = list(items)
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    k = len(fns)
    for _ in range(rounds):
        rng.shuffle(order)
        gc.collect()
        for i, it in enumerate(order):
            for name, fn in (*fns[i % k:], *fns[:i % k]):
                c0 = cpu_clock()
                t0 = clock()
                fn(it)
                t1 = clock()
                c1 = cpu_clock()
                wall, cpu = samples[name]
                wall.append((t1 - t0) / 1e9)
                cpu.append((c1 - c0) / 1e9)
    return samples


def summarize(set_name: str, function: str, items: Sequence[Item], wall: list[float],
              cpu: list[float]) -> Latency:
    med, lo, hi = sizes_kb(items)
    mean = statistics.fmean(wall)
    return Latency(set_name=set_name, function=function, posts=len(items), samples=len(wall),
                   kb_median=med, kb_min=lo, kb_max=hi, median_ms=statistics.median(wall) * 1e3,
                   p99_ms=p99(wall) * 1e3, mean_ms=mean * 1e3, posts_per_s=1.0 / mean,
                   cpu_median_ms=statistics.median(cpu) * 1e3)


def functions(model_ok: bool) -> list[tuple[str, Callable[[Item], object]]]:
    from bs4 import BeautifulSoup

    import spamlinks

    def bs4_parse(it: Item) -> object:
        return BeautifulSoup(it.html, "lxml").find_all("a")

    def parse(it: Item) -> object:
        return spamlinks.parse_post(it.html, site=it.site, platform=it.platform, title=it.title)

    out: list[tuple[str, Callable[[Item], object]]] = [("bs4 parse", bs4_parse),
                                                      ("parse_post", parse)]
    if model_ok:
        score_post = spamlinks.score_post

        def score(it: Item) -> object:
            return score_post(it.html, site=it.site, platform=it.platform, title=it.title)

        out.append(("score_post", score))
    return out


def measure_latency(cfg: Config, sets: list[tuple[str, list[Item], int]], model_ok: bool,
                    report: Report) -> None:
    fns = functions(model_ok)
    rng = random.Random(cfg.seed)
    for set_name, items, rounds in sets:
        log(f"latency {set_name}: {len(items)} posts x {rounds} rounds x {len(fns)} functions")
        for _, fn in fns:  # warm-up pass
            for it in items[:50]:
                fn(it)
        samples = time_calls(fns, items, rounds, rng)
        by_fn = {name: summarize(set_name, name, items, *samples[name]) for name, _ in fns}
        report.latency.extend(by_fn.values())
        score, bs4 = by_fn.get("score_post"), by_fn["bs4 parse"]
        report.ratios[set_name] = ({"wall": score.median_ms / bs4.median_ms,
                                    "cpu": score.cpu_median_ms / bs4.cpu_median_ms}
                                   if score else None)


def measure_throughput(cfg: Config, batch: list[Item], report: Report) -> None:
    import spamlinks

    mappings = [it.mapping() for it in batch]
    med, lo, hi = sizes_kb(batch)
    report.throughput.update(batch_posts=len(batch), batch_kb_median=med, batch_kb_min=lo,
                             batch_kb_max=hi)

    log(f"score_posts: warm-up, then {cfg.batch_reps} x batch of {len(batch)}")
    spamlinks.score_posts(mappings[:50])
    times, cpu_times = [], []
    for _ in range(cfg.batch_reps):
        gc.collect()
        c0 = time.thread_time()
        t0 = time.perf_counter()
        spamlinks.score_posts(mappings)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.thread_time() - c0)
    report.throughput["batch_reps"] = cfg.batch_reps
    report.throughput["batch_cpu_posts_per_s"] = len(batch) / statistics.median(cpu_times)
    report.throughput["batch_median_s"] = statistics.median(times)
    report.throughput["batch_posts_per_s"] = len(batch) / statistics.median(times)
    report.throughput["batch_best_posts_per_s"] = len(batch) / min(times)

    slices = [mappings[i:i + 100] for i in range(0, len(mappings) - 99, 100)]
    log(f"score_posts: {cfg.batch100_slices} batches of 100")
    times100 = []
    for i in range(cfg.batch100_slices):
        chunk = slices[i % len(slices)]
        t0 = time.perf_counter()
        spamlinks.score_posts(chunk)
        times100.append((time.perf_counter() - t0) / len(chunk))
    report.throughput["batch100_batches"] = cfg.batch100_slices
    report.throughput["batch100_posts_per_s"] = 1.0 / statistics.median(times100)

    step = max(1, len(batch) // cfg.loop_posts)
    loop_items = batch[::step][:cfg.loop_posts]  # spread over the whole 1-3 KB range
    log(f"score_post loop: {len(loop_items)} posts x {cfg.loop_rounds} rounds")
    fns = [fn for fn in functions(True) if fn[0] == "score_post"]
    samples = time_calls(fns, loop_items, cfg.loop_rounds, random.Random(cfg.seed))
    lat = summarize("1-3 KB batch set", "score_post", loop_items, *samples["score_post"])
    report.latency.append(lat)
    report.throughput["loop_posts"] = len(loop_items)
    report.throughput["loop_posts_per_s"] = lat.posts_per_s


def measure_whole_process(cfg: Config, sets: list[tuple[str, list[Item], int]],
                          report: Report) -> None:
    """``spamlinks score`` as a user runs it: a fresh process per run, --jobs 1 and 2, on an
    input file of the set's posts cycled to ``posts``."""
    for set_name, items, posts in sets:
        try:
            report.whole_process.extend(whole.measure(
                set_name, [it.mapping() for it in items], posts, jobs=(1, 2),
                repeat=cfg.process_runs, log=log))
        except RuntimeError as exc:
            report.whole_process_errors[set_name] = str(exc)


_MEMORY_CODE = """
import json, resource, sys, time

def hwm_kb():
    try:
        with open('/proc/self/status') as fh:
            for line in fh:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

def maxrss_kb():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == 'darwin' else r

stages = []
def mark(name):
    stages.append({'stage': name, 'peak_kb': hwm_kb() or maxrss_kb(), 'ru_maxrss_kb': maxrss_kb()})

posts = json.loads(sys.stdin.read())
single = bool(posts.pop(0)['single'])
mark('interpreter + posts in memory')
import spamlinks
mark('import spamlinks')
import spamlinks.scoring
mark('import spamlinks.scoring (numpy; no scikit-learn)')
spamlinks.scoring.default_scorer().model
mark('model loaded')
spamlinks.score_post(posts[0]['html'])
mark('first score_post')
if single:
    for p in posts:
        spamlinks.score_post(p['html'], site=p['site'], platform=p['platform'], title=p['title'])
    mark(f'{len(posts):,} x score_post')
spamlinks.score_posts(posts)
mark(f'score_posts(batch of {len(posts):,})')
print(json.dumps({'stages': stages}))
"""


def measure_memory(cfg: Config, batch: list[Item], report: Report) -> None:
    log("peak memory: one fresh subprocess")
    payload = json.dumps([{"single": cfg.memory_single}, *(it.mapping() for it in batch)])
    result = run_child(_MEMORY_CODE, payload)
    report.memory["stages"] = result["stages"]
    report.memory["source"] = ("VmHWM (/proc/self/status)" if sys.platform.startswith("linux")
                               else "getrusage ru_maxrss")


def model_sizes(report: Report) -> None:
    from spamlinks.model import ARTIFACT, default_model_dir

    report.memory["shipped_model_bytes"] = (SHIPPED_MODEL.stat().st_size
                                            if SHIPPED_MODEL.exists() else None)
    used = default_model_dir() / ARTIFACT
    report.memory["model_used"] = str(used)
    report.memory["model_used_bytes"] = used.stat().st_size if used.exists() else None


def check_model(report: Report) -> bool:
    """Load the default model once; on failure record why and measure what does not need it."""
    from spamlinks.scoring import default_scorer

    try:
        model = default_scorer().model
    except Exception as exc:
        report.model_error = f"{type(exc).__name__}: {exc}"
        return False
    report.machine["model_id"] = model.model_id
    return True


def evaluate_goals(report: Report) -> None:
    two = next((lat for lat in report.latency
                if lat.set_name == "~2 KB" and lat.function == "score_post"), None)
    measured: dict[str, float | None] = {
        "ratio_2kb": (report.ratios.get("~2 KB") or {}).get("wall"),
        "median_2kb": two.median_ms if two else None,
        "p99_2kb": two.p99_ms if two else None,
        "batch_1000": report.throughput.get("batch_posts_per_s"),
    }
    for key, desc, target, unit, op in GOALS:
        value = measured[key]
        met = None if value is None else (value <= target if op == "<=" else value >= target)
        report.goals.append({"goal": key, "description": desc, "target": target, "unit": unit,
                             "comparison": op, "measured": value, "met": met})
    report.goals.append(process_goal(report.whole_process))


def process_goal(rows: Sequence[whole.WholeProcess]) -> dict[str, Any]:
    """Issue #6: whole process on 3,000 typical posts >= 1,500 posts/s with --jobs 1, and
    --jobs 2 >= 1.7x that. Met only if both parts are; measured on fewer posts (--quick),
    the row says how many."""
    by_jobs = {r.jobs: r for r in rows if r.set_name == PROCESS_GOAL_SET}
    one, two = by_jobs.get(1), by_jobs.get(2)
    rate = one.posts_per_s if one else None
    speedup = two.posts_per_s / one.posts_per_s if one and two else None
    met = (None if rate is None or speedup is None
           else rate >= PROCESS_GOAL_RATE and speedup >= PROCESS_GOAL_SPEEDUP)
    return {"goal": "process_3000",
            "description": f"spamlinks score, whole process, {PROCESS_GOAL_POSTS:,} typical "
                           f"posts ({PROCESS_GOAL_SET}): --jobs 1; --jobs 2 / --jobs 1",
            "target": PROCESS_GOAL_RATE, "unit": "posts/s", "comparison": ">=",
            "measured": rate, "met": met,
            "target_speedup": PROCESS_GOAL_SPEEDUP, "measured_speedup": speedup,
            "posts": one.posts if one else None}


# ---------------------------------------------------------------------------- output


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: bool = True) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def fmt(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            out.append(c.ljust(widths[i]) if i == 0 or not right else c.rjust(widths[i]))
        return "  ".join(out).rstrip()

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in rows)
    return "\n".join(lines)


def num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def throughput_lines(t: dict[str, Any]) -> list[str]:
    out: list[str] = []
    out.append(f"3. Throughput, single thread (1-3 KB posts: {t.get('batch_posts', 'n/a')} "
               f"corpus posts nearest 2 KB, median {num(t.get('batch_kb_median'))} KB, "
               f"{num(t.get('batch_kb_min'))}-{num(t.get('batch_kb_max'))} KB)")
    rows = [
        ["score_posts, batch of 1,000", f"{num(t.get('batch_posts_per_s'), 0)} posts/s",
         f"median of {t.get('batch_reps', 'n/a')} batches ({num(t.get('batch_median_s'), 3)} s "
         f"each); best {num(t.get('batch_best_posts_per_s'), 0)} posts/s; by cpu time "
         f"{num(t.get('batch_cpu_posts_per_s'), 0)} posts/s"],
        ["score_posts, batches of 100", f"{num(t.get('batch100_posts_per_s'), 0)} posts/s",
         f"median of {t.get('batch100_batches', 'n/a')} batches"],
        ["score_post, one at a time", f"{num(t.get('loop_posts_per_s'), 0)} posts/s",
         f"1/mean over {t.get('loop_posts', 'n/a')} posts"],
    ]
    out.append(table(["mode", "throughput", "notes"], rows, right=False))
    return out


PROCESS_MARK = "*"


def with_process_rows(rows: list[list[str]],
                      process: Sequence[whole.WholeProcess]) -> list[list[str]]:
    """The latency rows with the whole-process rows of each set after that set's rows."""
    out: list[list[str]] = []
    pending = list(process)
    for i, row in enumerate(rows):
        out.append(row)
        if i + 1 < len(rows) and rows[i + 1][0] == row[0]:
            continue
        out.extend(process_row(p) for p in pending if p.set_name == row[0])
        pending = [p for p in pending if p.set_name != row[0]]
    out.extend(process_row(p) for p in pending)
    return out


def process_row(p: whole.WholeProcess) -> list[str]:
    return [p.set_name, f"spamlinks score -j{p.jobs}{PROCESS_MARK}", f"{p.posts:,}",
            str(p.runs), f"{p.kb_median:.2f} ({p.kb_min:.2f}-{p.kb_max:.2f})",
            num(p.ms_per_post, 3), "-", num(p.posts_per_s, 0), "-"]


def process_notes(report: Report) -> list[str]:
    rows = report.whole_process
    errors = report.whole_process_errors
    if not rows and not errors:
        return ["", f"{PROCESS_MARK} spamlinks score: not measured (the model did not load)"]
    out = ["", f"{PROCESS_MARK} spamlinks score -jN: the batch command as a user runs it, "
               "`python -m spamlinks score POSTS.jsonl -o OUT --force --jobs N`,",
           "  a fresh process per run, START-UP INCLUDED (interpreter, imports, model load); "
           "input = the set's posts above cycled to `posts`",
           "  (JSONL in a temp dir), output to a temp file, BLAS threads = 1 in every process. "
           "samples = runs; median ms = median",
           "  run wall time / posts (the per-post latency equivalent, not a per-call latency); "
           "posts/s = posts / median run."]
    by_set: dict[str, dict[int, whole.WholeProcess]] = defaultdict(dict)
    for p in rows:
        by_set[p.set_name][p.jobs] = p
    parts = []
    for name, jobs in by_set.items():
        if 1 in jobs and 2 in jobs:
            parts.append(f"{name} {jobs[2].posts_per_s / jobs[1].posts_per_s:.2f}x")
    if parts:
        out.append(f"  --jobs 2 / --jobs 1: {', '.join(parts)} "
                   f"({report.machine.get('cpus_usable')} CPUs usable)")
    bad = [f"{p.set_name} -j{p.jobs}: {p.error_rows}" for p in rows if p.error_rows]
    if bad:
        out.append(f"  ERROR ROWS in the output: {', '.join(bad)}")
    out.extend(f"  {name}: FAILED: {msg[:200]}" for name, msg in errors.items())
    return out


def render(report: Report) -> str:
    m, s, out = report.machine, report.startup, []
    out.append("spamlinks benchmark" + (" (--quick: few repetitions, rough figures)"
                                        if report.settings.get("quick") else ""))
    out.append(f"machine: {m['cpu']} | {m['cpus_usable']}/{m['cpus']} CPUs usable | "
               f"Python {m['python']} ({m['implementation']}) | {m['os']} | "
               f"numpy {m['numpy']} | scikit-learn {m['scikit-learn']} | scipy {m['scipy']} | "
               f"lxml {m['lxml']} | bs4 {m['beautifulsoup4']}")
    out.append(f"spamlinks {m['spamlinks']} from {m['spamlinks_path']} | "
               f"model {m.get('model_id', 'n/a')} ({report.memory.get('model_used')}) | "
               f"code+model digest {m['code_digest_start']}")
    if m.get("code_digest_end") != m["code_digest_start"]:
        out.append(f"WARNING: spamlinks source or model files changed during the run "
                   f"(digest {m['code_digest_start']} -> {m.get('code_digest_end')}): "
                   "subprocess figures may be for different code than in-process ones.")
    load = m.get("loadavg_start")
    load_end = m.get("loadavg_end")
    if load:
        out.append(f"load average (1/5/15 min): start {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
                   + (f", end {load_end[0]:.2f}/{load_end[1]:.2f}/{load_end[2]:.2f}"
                      if load_end else ""))
        if max(load[0], (load_end or load)[0]) > 0.5 * (m["cpus_usable"] or 1):
            out.append("WARNING: other work was running on this machine; wall-clock figures "
                       "include waiting for a CPU (compare the cpu-median column).")
    out.append("single thread (BLAS/OpenMP pools = 1); times are wall clock (perf_counter) "
               "unless marked cpu.")
    if report.model_error:
        out.append("")
        out.append(f"MODEL DID NOT LOAD, scoring figures are missing: {report.model_error}")

    out.append("")
    out.append("1. Start-up (fresh subprocesses, median)")
    rows = [
        ["import spamlinks (in-process timer)",
         f"{num(s.get('import_median_ms'), 1)} ms",
         f"min {num(s.get('import_min_ms'), 1)} ms, n={s.get('import_runs')}; heavy modules "
         f"loaded: {', '.join(s.get('heavy_modules_after_import') or []) or 'none'}"],
        ["python -c 'import spamlinks' (process)",
         f"{num(s.get('process_import_median_ms'), 1)} ms",
         f"python -c pass: {num(s.get('process_bare_median_ms'), 1)} ms"],
    ]
    if "first_score_error" in s:
        rows.append(["time to first score", "n/a", s["first_score_error"][:120]])
    else:
        rows += [
            ["time to first score (import + 1st call)",
             f"{num(s.get('first_total_median_ms'), 1)} ms",
             f"n={s.get('first_score_runs')}, {num(s.get('first_score_post_kb'))} KB post"],
            ["  of which first score_post call", f"{num(s.get('first_first_median_ms'), 1)} ms",
             "loads and verifies models/scoring.json"],
            ["  second score_post call", f"{num(s.get('first_second_median_ms'), 2)} ms",
             "same post, model warm (one sample)"],
        ]
    out.append(table(["figure", "value", "notes"], rows, right=False))

    out.append("")
    out.append("2./4. Per-post latency, one call at a time (warm; distinct corpus posts, "
               "shuffled each round, functions interleaved post by post)")
    rows = [[lat.set_name, lat.function, str(lat.posts), f"{lat.samples:,}",
             f"{lat.kb_median:.2f} ({lat.kb_min:.2f}-{lat.kb_max:.2f})", num(lat.median_ms, 3),
             num(lat.p99_ms, 3), num(lat.posts_per_s, 0), num(lat.cpu_median_ms, 3)]
            for lat in report.latency]
    rows = with_process_rows(rows, report.whole_process)
    out.append(table(["set", "function", "posts", "samples", "KB median (range)", "median ms",
                      "p99 ms", "posts/s", "cpu median ms"], rows))
    out.extend(process_notes(report))
    ratio_rows = [[name, "n/a" if r is None else f"{r['wall']:.2f}x",
                   "n/a" if r is None else f"{r['cpu']:.2f}x"]
                  for name, r in report.ratios.items()]
    out.append("")
    out.append(table(["set", "score_post / bs4 parse: wall medians", "cpu medians"], ratio_rows))

    t = report.throughput
    out.append("")
    if not t:
        out.append("3. Throughput: not measured (the model did not load)")
    else:
        out.extend(throughput_lines(t))

    out.append("")
    mem = report.memory
    out.append(f"5. Memory (one fresh subprocess; peak resident set = {mem.get('source', 'n/a')})")
    rows = [[st["stage"], f"{st['peak_kb'] / KB:.1f} MiB"] for st in mem.get("stages", [])]
    if mem.get("stages"):
        first, last = mem["stages"][0], mem["stages"][-1]
        rows.append(["added by spamlinks (last - first)",
                     f"{(last['peak_kb'] - first['peak_kb']) / KB:.1f} MiB"])
    if mem.get("error"):
        rows.append(["error", mem["error"][:120]])
    shipped = mem.get("shipped_model_bytes")
    rows.append(["model on disk (models/model.joblib, training)",
                 "missing" if shipped is None else f"{shipped / KB:.0f} KiB ({shipped:,} bytes)"])
    if SHIPPED_SCORING.exists():
        size = SHIPPED_SCORING.stat().st_size
        rows.append(["scoring table on disk (models/scoring.json)",
                     f"{size / KB:.0f} KiB ({size:,} bytes)"])
    used_bytes = mem.get("model_used_bytes")
    if mem.get("model_used") != str(SHIPPED_MODEL) and used_bytes is not None:
        rows.append(["model on disk (model used here)", f"{used_bytes / KB:.0f} KiB"])
    out.append(table(["stage", "peak RSS"], rows))

    out.append("")
    out.append("Goals (the project's targets; measured figures above, reported as measured)")
    rows = []
    for g in report.goals:
        unit = g["unit"]
        status = "not measured" if g["met"] is None else ("met" if g["met"] else "NOT MET")
        target = f"{g['comparison']} {num(g['target'], 1)} {unit}"
        measured = "n/a" if g["measured"] is None else f"{num(g['measured'], 2)} {unit}"
        if "target_speedup" in g:
            target += f"; >= {g['target_speedup']:.1f}x"
            if g["measured_speedup"] is not None:
                measured += f"; {g['measured_speedup']:.2f}x"
            if g["posts"] is not None and g["posts"] != PROCESS_GOAL_POSTS:
                status += f" (on {g['posts']:,} posts, not {PROCESS_GOAL_POSTS:,})"
        rows.append([g["description"], target, measured, status])
    out.append(table(["goal", "target", "measured", "status"], rows, right=False))

    out.append("")
    out.append("Alternatives: PUBLISHED figures, QUOTED, NOT MEASURED HERE (other hardware, "
               "years, inputs and work; network services include the round trip)")
    rows = [[q["tool"], q["figure"], q["context"], q["source"]] for q in report.quoted]
    out.append(table(["tool", "quoted figure", "context", "source"], rows, right=False))

    out.append("")
    out.append(f"benchmark wall time: {report.elapsed_s:.1f} s")
    return "\n".join(out)


# ---------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="few repetitions: a smoke run, figures are rough")
    ap.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    ap.add_argument("--model", metavar="DIR", type=Path,
                    help="model folder to score with (sets SPAMLINKS_MODEL; default: shipped)")
    ap.add_argument("--process-posts", metavar="N", type=int,
                    help="posts in each input file of the whole-process `spamlinks score` runs "
                         "(default: 3,000, and 300 for ~20 KB; --quick: 300 and 30)")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    limit_threads()
    if args.model is not None:
        os.environ["SPAMLINKS_MODEL"] = str(args.model.resolve())
    ensure_importable()
    cfg = Config.make(args.quick)
    if args.process_posts is not None:
        cfg = replace(cfg, process_posts=args.process_posts,
                      process_posts_large=args.process_posts)
    report = Report()
    report.settings = asdict(cfg)
    report.machine = machine_info()

    log("loading the corpus")
    items = load_items()
    small = nearest(items, 512, cfg.posts_small)
    medium = nearest(items, 2 * KB, cfg.posts_small)
    large = concatenated(items, 20 * KB, cfg.posts_large, cfg.seed)
    batch = nearest(items, 2 * KB, cfg.batch_posts)

    measure_startup(cfg, medium[0].html, report)
    model_ok = check_model(report)
    model_sizes(report)
    if model_ok:
        try:
            measure_memory(cfg, batch, report)
        except RuntimeError as exc:
            report.memory["error"] = str(exc)
    measure_latency(cfg, [("~0.5 KB", small, cfg.rounds_small),
                          ("~2 KB", medium, cfg.rounds_small),
                          ("~20 KB", large, cfg.rounds_large)], model_ok, report)
    if model_ok:
        measure_throughput(cfg, batch, report)
        measure_whole_process(cfg, [("~0.5 KB", small, cfg.process_posts),
                                    ("~2 KB", medium, cfg.process_posts),
                                    ("~20 KB", large, cfg.process_posts_large)], report)
    evaluate_goals(report)

    if hasattr(os, "getloadavg"):
        report.machine["loadavg_end"] = list(os.getloadavg())
    report.machine["code_digest_end"] = code_digest(Path(report.machine["spamlinks_path"]))
    report.elapsed_s = time.perf_counter() - start
    print(render(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(report)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 1 if report.model_error else 0


if __name__ == "__main__":
    raise SystemExit(main())
