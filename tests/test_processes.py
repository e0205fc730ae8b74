"""Real processes: two imports at once, and kill -9 in the middle of an import."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest

from conftest import CLEAN, generate, hatsugen_proc

pytestmark = pytest.mark.slow


def test_two_imports_at_once_both_succeed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    a = generate(tmp_path / "a.jsonl", 3000, seed=1)
    b = generate(tmp_path / "b.jsonl", 3000, seed=2)
    procs = [hatsugen_proc(home, "import", str(p)) for p in (a, b)]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "3000 added" in out
        assert "locked" not in err
    app = Hatsugen(home)
    assert app.store.count() == 6000
    assert app.check() == CLEAN
    # Both files' statements are searchable.
    assert {r["id"] for r in app.search(SearchRequest(q="id:s1-0000007 OR id:s2-0000007"))[
        "results"]} == {"s1-0000007", "s2-0000007"}  # fmt: skip


def test_kill_9_mid_import_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = generate(tmp_path / "first.jsonl", 500, seed=3)
    done = hatsugen_proc(home, "import", str(first))
    assert done.wait(timeout=60) == 0
    big = generate(tmp_path / "big.jsonl", 2000, seed=4)
    flag = tmp_path / "writing"
    proc = hatsugen_proc(home, "import", str(big), env={"HATSUGEN_FAULT": f"before-commit:{flag}"})
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the import never reached its commit"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    app = Hatsugen(home)
    assert app.store.count() == 500
    assert app.check() == CLEAN
    assert app.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    app.close()
    # The archive is not left locked: the same import now goes through.
    again = hatsugen_proc(home, "import", str(big))
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    app = Hatsugen(home)
    assert app.store.count() == 2500
    assert app.check() == CLEAN


def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split()}


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def _answering(proc: subprocess.Popen) -> str:
    """A search URL of the `serve --port 0` that `proc` runs, once it answers."""
    first = proc.stdout.readline()  # type: ignore[union-attr]
    port = re.search(r"http://127\.0\.0\.1:([0-9]+)/", first).group(1)  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/api/search?q=cooperation"
    deadline = time.monotonic() + 60
    while True:
        try:
            assert _get(url) == 200
            return url
        except OSError:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.2)


def test_serve_with_workers_restarts_a_dead_one_and_stops_them_all(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert hatsugen_proc(home, "demo").wait(timeout=120) == 0
    proc = hatsugen_proc(home, "serve", "--port", "0", "--workers", "2")
    try:
        url = _answering(proc)
        workers = _children(proc.pid)
        assert len(workers) == 2
        assert all(_get(url) == 200 for _ in range(10))
        os.kill(min(workers), signal.SIGKILL)  # a worker dies: the parent starts another
        deadline = time.monotonic() + 30
        while len(_children(proc.pid) - workers) < 1:
            assert time.monotonic() < deadline, "no new worker"
            time.sleep(0.2)
        assert all(_get(url) == 200 for _ in range(10))
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert "ended with status" in err and "starting it again" in err
        assert not _children(proc.pid)
    finally:
        if proc.poll() is None:  # a failed assertion must not leave the server running
            proc.kill()
            proc.wait()


def test_a_search_process_prints_everything_and_leaves_the_archive_as_it_was(
    tmp_path: Path,
) -> None:
    """`hatsugen search` ends its process without Python's teardown once it has printed:
    its whole output still arrives, through a pipe and into a file, the archive opens and
    checks clean afterwards, and an error still exits 2 with its message."""
    home = tmp_path / "home"
    generated = generate(tmp_path / "g.jsonl", 300, seed=3)
    assert hatsugen_proc(home, "import", str(generated)).wait(timeout=120) == 0
    proc = hatsugen_proc(home, "search", "security", "--json", "--limit", "50")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    piped = json.loads(out)
    assert piped["total"] > 0 and len(piped["results"]) == min(50, piped["total"])
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with (tmp_path / "out.txt").open("w") as f:  # a file, not a pipe, written in blocks
        listed = subprocess.run(
            [sys.executable, "-m", "hatsugen", "search", "security", "--format", "jsonl"],
            env={**buffered, "HATSUGEN_HOME": str(home)}, stdout=f, timeout=60, check=False,
        )  # fmt: skip
    assert listed.returncode == 0
    assert len((tmp_path / "out.txt").read_text().splitlines()) == piped["total"]
    bad = hatsugen_proc(home, "search", '"unclosed')
    _, err = bad.communicate(timeout=60)
    assert bad.returncode == 2 and "bad query" in err
    app = Hatsugen(home)
    assert app.check() == CLEAN
    app.close()


def test_a_search_process_loads_neither_urllib_nor_a_blas_thread_pool(tmp_path: Path) -> None:
    """hatsugen's imports leave out what a search never uses (whoosh.compat's urllib.request,
    OpenBLAS's thread pool), yet urllib.request and Whoosh's urlretrieve still work when
    asked for, and a thread count the user set is kept."""
    source = tmp_path / "source.txt"
    source.write_text("kept\n", encoding="utf-8")
    probe = (
        "import os, sys, hatsugen.cli.commands\n"
        "print('urllib.request' in sys.modules, os.environ['OPENBLAS_NUM_THREADS'])\n"
        "import urllib.request, whoosh.compat\n"
        "print(callable(urllib.request.urlopen))\n"
        f"whoosh.compat.urlretrieve({source.as_uri()!r}, sys.argv[1])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    copy = tmp_path / "copy.txt"
    ran = subprocess.run(
        [sys.executable, "-c", probe, str(copy)], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["False", "1", "True"]
    assert copy.read_text(encoding="utf-8") == "kept\n"
    chosen = subprocess.run(
        [sys.executable, "-c", probe, str(copy)], env={**env, "OPENBLAS_NUM_THREADS": "2"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert chosen.stdout.split()[:2] == ["False", "2"]


def test_a_log_nobody_reads_never_stalls_the_server(tmp_path: Path) -> None:
    """stderr on a pipe that is never read (a stalled log collector, `serve 2>&1 | less` left
    alone): under load waitress reports every request that waits for a thread; the server
    must answer every request all the same."""
    home = tmp_path / "home"
    assert hatsugen_proc(home, "demo").wait(timeout=120) == 0
    proc = hatsugen_proc(home, "serve", "--port", "0", "--workers", "1", "--threads", "1")
    try:
        url = _answering(proc)
        errors: list[str] = []
        done = [0]

        def client() -> None:
            for _ in range(250):
                try:
                    assert _get(url) == 200
                    done[0] += 1
                except (OSError, AssertionError) as err:
                    errors.append(repr(err))
                    return  # a stalled server: stop asking

        clients = [threading.Thread(target=client, daemon=True) for _ in range(20)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(timeout=240)
        assert not any(c.is_alive() for c in clients), "requests stalled"
        assert errors == [] and done[0] == 5000  # ~110 KB of warnings: past a pipe's 64 KB
    finally:
        proc.kill()
        proc.wait()
