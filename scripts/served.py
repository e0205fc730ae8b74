"""The real `hatsugen serve` on a free loopback port, for the benchmarks that load it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HATSUGEN = [sys.executable, "-m", "hatsugen"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(home: Path, *options: str, wait_s: float = 120) -> tuple[subprocess.Popen, str]:
    """(the server process, its base URL) once it answers; the caller terminates it."""
    port = free_port()
    server = subprocess.Popen(
        [*HATSUGEN, "--home", str(home), "serve", "--port", str(port), *options], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/speakers", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"the server on {url} did not answer within {wait_s:.0f} s")
