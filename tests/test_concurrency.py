"""Writers never fail each other: imports, a reindex and readers at once; kill -9 anywhere."""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen

from conftest import ADMIN, CLEAN, generate, hatsugen_proc, serving

pytestmark = pytest.mark.slow


def settled(home: Path, timeout: float = 60) -> Hatsugen:
    """The archive once nothing is queued any more (a server indexes in the background)."""
    app = Hatsugen(home)
    deadline = time.monotonic() + timeout
    while app.pending():
        assert time.monotonic() < deadline, f"{app.pending()} statements still queued"
        time.sleep(0.2)
    return app


def test_imports_reindex_and_readers_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    base = generate(tmp_path / "base.jsonl", 1500, seed=5)
    assert hatsugen_proc(home, "import", str(base)).wait(timeout=120) == 0
    a = generate(tmp_path / "a.jsonl", 1000, seed=6)
    b = generate(tmp_path / "b.jsonl", 1000, seed=7)
    errors: list[str] = []
    answered = [0]
    stop = threading.Event()
    with serving(home) as url:

        def read(word: str, url: str = url) -> None:
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(f"{url}/api/search?q={word}", timeout=30) as r:
                        json.load(r)
                        answered[0] += 1
                except (urllib.error.URLError, OSError, ValueError) as err:
                    errors.append(repr(err))

        readers = [threading.Thread(target=read, args=(w,)) for w in ["port", "library"] * 10]
        for t in readers:
            t.start()
        # Wait at most 1 s for a busy index (before, that failed the import: now it queues).
        quick = {"HATSUGEN_INDEX_WAIT": "1", "HATSUGEN_INDEX_LOCK_TIMEOUT": "1"}
        procs = {
            "import a": hatsugen_proc(home, "import", str(a), env=quick),
            "reindex": hatsugen_proc(home, "reindex"),
            "import b": hatsugen_proc(home, "import", str(b), env=quick),
        }
        outcome = {name: p.communicate(timeout=300) for name, p in procs.items()}
        stop.set()
        for t in readers:
            t.join(timeout=60)
        for name, proc in procs.items():
            assert proc.returncode == 0, (name, outcome[name])
            assert "Traceback" not in outcome[name][1]
        assert errors == [] and answered[0] > 0
        app = settled(home)  # the server's background indexer takes in what was queued
        assert app.store.count() == 3500
        assert app.check() == CLEAN
        assert len(list((home / "index").glob("ix-*"))) == 1


@pytest.mark.parametrize("victim", ["import", "reindex"])
def test_kill_9_anywhere_and_the_queue_finishes_the_work(tmp_path: Path, victim: str) -> None:
    rng = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "") + victim)
    home = tmp_path / "home"
    base = generate(tmp_path / "base.jsonl", 600, seed=8)
    assert hatsugen_proc(home, "import", str(base)).wait(timeout=120) == 0
    more = generate(tmp_path / "more.jsonl", 1500, seed=9)
    for round_ in range(3):
        fresh = tmp_path / f"more{round_}.jsonl"
        fresh.write_text(
            more.read_text(encoding="utf-8").replace('"id": "s9-', f'"id": "r{round_}-'),
            encoding="utf-8",
        )
        procs = {
            "import": hatsugen_proc(home, "import", str(fresh), env={"HATSUGEN_INDEX_WAIT": "1"}),
            "reindex": hatsugen_proc(home, "reindex"),
        }
        time.sleep(rng.uniform(0.3, 6.0))
        if procs[victim].poll() is None:
            procs[victim].send_signal(signal.SIGKILL)
        for p in procs.values():
            p.communicate(timeout=300)
        # Restart: the next command that gets the index finishes whatever was left.
        check = hatsugen_proc(home, "check")
        out, err = check.communicate(timeout=300)
        assert check.returncode == 0, (out, err)
        assert "index and store agree" in out and "queued" not in out
        app = Hatsugen(home)
        assert app.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert app.store.count() in {600 + 1500 * n for n in range(round_ + 2)}
        assert app.pending() == 0
        assert len(list((home / "index").glob("ix-*"))) == 1  # a killed rebuild's folder goes
        app.close()


def test_web_edits_while_an_import_runs(tmp_path: Path) -> None:
    from conftest import statement, write_jsonl

    home = tmp_path / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(tmp_path / "one.jsonl", [statement(id="edited")]))],
                     actor=ADMIN)  # fmt: skip
    app.accounts.add("ed", "editor", "correct horse battery staple")
    _, token = app.accounts.create_token("ed")
    app.close()
    big = generate(tmp_path / "big.jsonl", 3000, seed=21)
    with serving(home) as url:
        # The generated speakers are other people than the one edited here, one of them her
        # namesake: the import says so, or it would be refused as "may mean mizuhara-aiko".
        importing = hatsugen_proc(home, "import", str(big), "--new-speakers")
        statuses = []
        for n in range(15):
            request = urllib.request.Request(
                f"{url}/api/statements/edited", method="PATCH",
                data=json.dumps({"notes": f"edit {n}", "reason": f"edit {n}"}).encode(),
                headers={"Authorization": f"Bearer {token}", "If-Match": f'"{n + 1}"',
                         "Content-Type": "application/json"},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
                assert "locked" not in err.read().decode(), "database is locked"
        _, err = importing.communicate(timeout=300)
        assert importing.returncode == 0, err
        assert statuses == [200] * 15
        app = settled(home)
        assert app.store.count() == 3001
        assert len(app.history("edited")) == 16
        assert app.statement("edited")["notes"] == "edit 14"
        assert app.check() == CLEAN
