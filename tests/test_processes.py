"""Real processes: two imports at once, and kill -9 in the middle of an import."""

from __future__ import annotations

import signal
import time
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
