"""Nothing leaves the machine: extraction works with every socket blocked."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

from netguard import SOCKET_GUARD


def test_import_and_extract_with_sockets_blocked() -> None:
    # A fresh interpreter, so import-time behaviour is exercised too.
    code = SOCKET_GUARD + textwrap.dedent(
        """
        import spamlinks
        links = spamlinks.extract_links(
            '<p><a href="https://blog.vendor.co.uk/x?utm_source=y">x</a> https://bit.ly/a</p>')
        assert [l.domain for l in links] == ["vendor.co.uk", "bit.ly"], links
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_socket_guard_really_blocks() -> None:
    # The guard above must be able to fail: a real connection attempt is refused by it.
    code = ("import socket\n"
            "def refuse(*a, **k):\n    raise RuntimeError('network access attempted')\n"
            "socket.getaddrinfo = socket.create_connection = refuse\n"
            "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:9', timeout=1)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "RuntimeError" in out.stderr
    assert socket.socket is not None
