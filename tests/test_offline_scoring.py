"""Scoring touches neither the network nor the file system, whatever the post says.

Each test runs in a fresh interpreter so that import-time and first-use behaviour (model load,
suffix list, shortener list) is exercised too; the guards are installed before anything that
could reach the network, and (for files) right after the model is loaded and warm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from netguard import SOCKET_GUARD

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "nodebb-topic-3669.rss"

_GUARD_SOCKETS = SOCKET_GUARD

_POSTS = """
POSTS = [
    '<p>Docs: <a href="https://docs.python.org/3/">here</a></p>',
    '<p>Try <a href="https://www.best-cheap-essay-writing.xyz/services/buy-essay?utm_source=f" '
    'rel="noopener noreferrer nofollow ugc">cheap essay writing service</a>, '
    'call +1 800 555 0199</p>',
    '<p>Short: https://bit.ly/abc and <a href="https://www.google.com/url?q=https://vendor.co.uk/x">'
    'wrapped</a> <a href="http://xn--pple-43d.com/">apple</a> <a href="http://[::1">broken</a></p>',
    b'<p>caf\\xe9 \\x81 <a href="https://bytes.example.com/">bytes</a></p>',
    '<div>' * 3000 + '<a href="https://deep.example.com/">deep</a>',
]
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def test_import_load_and_score_with_sockets_blocked() -> None:
    code = _GUARD_SOCKETS + _POSTS + textwrap.dedent(
        """
        import json, re
        from pathlib import Path
        import spamlinks
        from spamlinks import load_model, score_post, score_posts
        model = load_model()  # the shipped model, verified against its card
        seed = Path(sys.argv[1])
        if seed.exists():
            m = re.search(r"<description><!\\[CDATA\\[(.*?)\\]\\]></description>",
                          seed.read_text(encoding="utf-8"), re.S)
            POSTS.append(m.group(1))
        results = [score_post(p, site="forum.example.org", platform="nodebb") for p in POSTS]
        results += score_posts(POSTS * 3)  # the batched (sparse) path too
        for r in results:
            assert 0.0 <= r.probability <= 1.0 and r.model_id == model.model_id
        print(json.dumps({"n": len(results), "seed": seed.exists(),
                          "seed_p": results[len(POSTS) - 1].probability,
                          "attempts": len(ATTEMPTS), "events": NET_EVENTS}))
        """
    )
    report = json.loads(_run(code, str(SEED)).stdout.strip().splitlines()[-1])
    assert report["attempts"] == 0 and report["events"] == []
    assert report["n"] >= 20
    if report["seed"]:  # the seed scores as spam (README: 0.99, block band)
        assert report["seed_p"] >= 0.5


def test_no_input_makes_scoring_open_files() -> None:
    code = _GUARD_SOCKETS + _POSTS + textwrap.dedent(
        """
        import builtins, io, json, os
        import spamlinks
        from spamlinks import extract_links, load_model, parse_post, score_post, score_posts
        load_model()
        # Warm every lazily loaded resource (model, suffix list, shortener list, decoders).
        score_posts(POSTS * 3)
        for p in POSTS:
            score_post(p)
        HOSTILE = [
            '<p><a href="file:///etc/passwd">passwd</a> file:///etc/shadow</p>',
            '<p><img src="/etc/passwd" alt="x"><a href="/etc/passwd"><img src="file:///etc/hosts">'
            '</a></p>',
            '<base href="file:///"><p><a href="etc/passwd">relative under a file base</a></p>',
            '<link rel="stylesheet" href="file:///etc/hosts"><iframe src="file:///etc/passwd">'
            '</iframe><object data="/etc/group"></object><script src="/etc/passwd"></script>',
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e; <a href="&e;">e</a></p>',
            '<?xml-stylesheet href="file:///etc/passwd"?><p>'
            '<a href="https://www.google.com/url?q=file:///etc/passwd">wrapped file</a></p>',
            '<svg><image href="/etc/passwd"/><use xlink:href="file:///etc/passwd#x"/></svg>',
            '<div>' * 3000 + '<a href="file:///etc/passwd">deep</a><img src="/etc/passwd">',
            b'<p><a href="file:///etc/passwd">\\x81 bytes</a></p>',
        ]
        OPENED = []
        def no_open(*a, **k):
            OPENED.append(str(a[:1]))
            raise PermissionError("spamlinks tried to open a file: %r" % (a[:1],))
        AUDITED, IMPORTED = [], []
        STDLIB = (sys.prefix, sys.base_prefix, sys.exec_prefix)
        def audit(event, args):
            if event not in ("open", "os.listdir", "os.scandir", "glob.glob", "os.chdir"):
                return
            path = str(args[0]) if args else ""
            # Decoding unknown bytes may import a codec module on first use: a .pyc/.py read
            # from the interpreter's own library, never a path taken from the post.
            if event == "open" and path.startswith(STDLIB) and path.endswith((".py", ".pyc")):
                IMPORTED.append(path)
            else:
                AUDITED.append((event, path))
        builtins.open = io.open = os.open = no_open
        sys.addaudithook(audit)
        scores, texts = [], []
        for kw in ({}, {"base_url": "file:///etc/"}, {"site": "localhost", "platform": "reddit"}):
            for html in HOSTILE:
                post = parse_post(html, **kw)
                texts.append(post.text + " ".join(lk.url + lk.anchor_text for lk in post.links))
                scores.append(score_post(html, **kw))
                extract_links(html, **kw)
        scores += score_posts(HOSTILE * 2)
        for s in scores:
            assert 0.0 <= s.probability <= 1.0
        # libxml2 opens files in C, out of the hooks' sight: no entity or DTD was expanded.
        leaked = [t for t in texts if "root:" in t or "/bin/" in t]
        print(json.dumps({"n": len(scores), "opened": OPENED, "audited": AUDITED,
                          "imported": IMPORTED, "leaked": leaked}))
        """
    )
    report = json.loads(_run(code).stdout.strip().splitlines()[-1])
    assert report["n"] == 3 * 9 + 18
    assert report["opened"] == [], report["opened"]
    assert report["audited"] == [], report["audited"]
    assert report["leaked"] == [], report["leaked"]


def test_file_guard_really_blocks() -> None:
    # The guards above must be able to fail: an open after them is seen and refused.
    code = textwrap.dedent(
        """
        import builtins, io, os, sys
        seen = []
        sys.addaudithook(lambda e, a: seen.append(e) if e == "open" else None)
        def no_open(*a, **k):
            raise PermissionError("blocked")
        builtins.open = io.open = os.open = no_open
        try:
            open("/etc/hostname")
        except PermissionError:
            pass
        io.FileIO("/dev/null").close()  # bypasses the patch, but not the audit hook
        print("seen" if "open" in seen else "missed")
        """
    )
    assert _run(code).stdout.strip() == "seen"


def test_libxml2_opens_no_file_named_in_a_post() -> None:
    """The Python hooks cannot see C code opening files; strace can (skipped without it)."""
    strace = shutil.which("strace")
    if strace is None or subprocess.run([strace, "-o", os.devnull, "true"],
                                         capture_output=True).returncode != 0:
        pytest.skip("strace is not available or not permitted here")
    code = _POSTS + textwrap.dedent(
        """
        from spamlinks import score_post
        for html in POSTS + [
            '<!DOCTYPE x SYSTEM "file:///etc/passwd"><p><a href="file:///etc/group">g</a></p>',
            '<!DOCTYPE x [<!ENTITY e SYSTEM "/etc/passwd">]><p>&e;</p>',
            '<?xml-stylesheet href="/etc/shadow"?><base href="file:///etc/"><a href="passwd">p</a>',
            '<img src="/etc/passwd"><iframe src="file:///etc/shadow"></iframe>',
            '<div>' * 3000 + '<!DOCTYPE x SYSTEM "/etc/passwd"><a href="/etc/group">deep</a>',
        ]:
            score_post(html)
        print("ok")
        """
    )
    with tempfile.TemporaryDirectory() as tmp:
        trace = Path(tmp) / "trace"
        out = subprocess.run([strace, "-f", "-e", "trace=open,openat,openat2", "-o", str(trace),
                              sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
        opened = trace.read_text(errors="replace")
    assert opened.count("openat(") > 10  # the trace did record the interpreter's opens
    for name in ("/etc/passwd", "/etc/shadow", "/etc/group"):
        assert name not in opened, [ln for ln in opened.splitlines() if name in ln]


def test_batch_command_with_sockets_blocked(tmp_path: Path) -> None:
    feed = Path(__file__).parent / "fixtures" / "batch" / "feed.rss"
    posts = Path(__file__).resolve().parents[1] / "examples" / "posts.jsonl"
    out = tmp_path / "scores.jsonl"
    code = _GUARD_SOCKETS + textwrap.dedent(
        f"""
        import json
        from spamlinks.cli import main
        rc = main(["score", {str(feed)!r}, {str(posts)!r}, "-o", {str(out)!r}])
        print(json.dumps({{"rc": rc, "attempts": len(ATTEMPTS), "events": NET_EVENTS}}))
        """
    )
    report = json.loads(_run(code).stdout.strip().splitlines()[-1])
    # rc 1: the feed fixture holds one item without a body, reported as an error row.
    assert report == {"rc": 1, "attempts": 0, "events": []}
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 6 and sum("probability" in r for r in rows) == 5
