"""A 2-node cluster, 2 shards, 1 replica, as a team beyond one machine runs it: a node that
stops, a whole cluster that goes away while people write, hatsugen killed mid-sync, and an
alias rebuild under 20 readers. Real nodes, real processes (scripts/opensearch)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest

from conftest import ADMIN, CLEAN, ROOT, generate, serving, statement, write_jsonl
from opensearch_cluster import Cluster, index_name, start_cluster

pytestmark = pytest.mark.slow
QUERIES = ("", "観光", "防災 OR 選挙", "tourism", '"disaster prevention"')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("two-nodes"), nodes=2)
    yield cluster
    cluster.stop()


@pytest.fixture
def shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """New indexes get 2 shards and 1 replica (every subprocess inherits this too)."""
    monkeypatch.setenv("HATSUGEN_SEARCH_SHARDS", "2")
    monkeypatch.setenv("HATSUGEN_SEARCH_REPLICAS", "1")


def command(home: Path, cluster: Cluster, name: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "hatsugen", "--home", str(home), "--search-url", cluster.urls,
            "--search-index", name, *args]  # fmt: skip


def totals(app: Hatsugen) -> dict[str, int]:
    return {q: app.search(SearchRequest(q=q))["total"] for q in QUERIES}


def test_searches_answer_with_the_same_totals_while_a_node_is_down(
    tmp_path: Path, cluster: Cluster, shaped: None
) -> None:
    app = Hatsugen(tmp_path / "home", search_url=cluster.urls, search_index=index_name())
    app.import_files([str(generate(tmp_path / "g.jsonl", 400, seed=31))], actor=ADMIN)
    cluster.wait_green()
    before = totals(app)
    assert before[""] == 400 and before["観光"] > 0
    down = 1 - cluster.manager()  # the other node keeps the cluster's state
    cluster.stop(node=down)
    try:
        assert totals(app) == before
        assert cluster.health(1 - down)["number_of_nodes"] == 1
    finally:
        cluster.start_nodes(down)
        cluster.wait_green()


def test_writes_while_the_whole_cluster_is_down_are_queued_and_then_searchable(
    tmp_path: Path, cluster: Cluster, shaped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, name = tmp_path / "home", index_name()
    first = write_jsonl(tmp_path / "a.jsonl", [statement(id="before")])
    subprocess.run(command(home, cluster, name, "import", str(first)), check=True, cwd=ROOT)
    monkeypatch.setenv("HATSUGEN_SEARCH_URL", cluster.urls)
    monkeypatch.setenv("HATSUGEN_SEARCH_INDEX", name)
    with serving(home) as url:
        cluster.stop()
        try:
            later = [statement(id=f"while-down-{i}", text=f"灯台を{i}基建設します。")
                     for i in range(3)]  # fmt: skip
            file = str(write_jsonl(tmp_path / "b.jsonl", later))
            done = subprocess.run(command(home, cluster, name, "import", file),
                                  capture_output=True, text=True, cwd=ROOT)  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert "cannot be reached" in done.stderr and "queued" in done.stderr
            stats = subprocess.run(command(home, cluster, name, "stats", "--json"),
                                   capture_output=True, text=True, cwd=ROOT)  # fmt: skip
            assert json.loads(stats.stdout)["queued_for_indexing"] == 3, stats.stderr
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{url}/api/search?q=%E7%81%AF%E5%8F%B0", timeout=60)
            assert refused.value.code == 503  # said, not a traceback: the cluster is away
            assert "cannot be reached" in refused.value.read().decode()
        finally:
            cluster.start_nodes(0, 1)
        # serve's background indexer sends the queue once the cluster answers again.
        deadline = time.monotonic() + 60
        while True:
            with urllib.request.urlopen(
                f"{url}/api/search?q=%E7%81%AF%E5%8F%B0", timeout=30
            ) as answer:
                found = json.load(answer)
            if found["total"] == 3 and found["queued_for_indexing"] == 0:
                break
            assert time.monotonic() < deadline, found
            time.sleep(0.5)
    app = Hatsugen(home, search_url=cluster.urls, search_index=name)
    assert app.check(repair=False) == CLEAN


def test_kill_9_during_a_sync_loses_and_duplicates_nothing(
    tmp_path: Path, cluster: Cluster, shaped: None
) -> None:
    home, name = tmp_path / "home", index_name()
    big = generate(tmp_path / "g.jsonl", 3001, seed=32)
    lines = big.read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "first.jsonl").write_text(lines[0], "utf-8")  # the index exists; then a sync
    big.write_text("".join(lines[1:]), "utf-8")
    first = str(tmp_path / "first.jsonl")
    subprocess.run(command(home, cluster, name, "import", first), check=True, cwd=ROOT)
    log = (tmp_path / "import.log").open("w")
    proc = subprocess.Popen(command(home, cluster, name, "import", str(big)), cwd=ROOT,
                            stdout=log, stderr=log)  # fmt: skip
    db = home / "archive.sqlite3"
    deadline = time.monotonic() + 300
    while True:  # the import has committed to the store; the sync to the cluster is running
        assert proc.poll() is None, "ended before the kill: " + log.name
        assert time.monotonic() < deadline
        with sqlite3.connect(db, timeout=30) as conn:
            stored = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
        if stored == 3001 and sent(cluster, name) > 1:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    app = Hatsugen(home, search_url=cluster.urls, search_index=name)
    found = app.check(repair=False)
    assert found["missing"] == found["extra"] == found["stale"] == []
    assert found["queued"], "killed after the sync had finished"
    app.check(repair=True)
    assert app.check(repair=False) == CLEAN
    app.remote.remote.refresh()
    assert sent(cluster, name) == 3001  # each statement once
    assert app.search(SearchRequest())["total"] == 3001


def sent(cluster: Cluster, name: str) -> int:
    """Documents the cluster holds for the alias, refreshed or not."""
    url = f"http://127.0.0.1:{cluster.port}/{name}/_count"
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{cluster.port}/{name}/_refresh", data=b"",
                               timeout=30).close()  # fmt: skip
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.load(r)["count"]
    except urllib.error.HTTPError:
        return 0  # no index yet


def test_an_alias_rebuild_under_20_searching_clients_fails_none(
    tmp_path: Path, cluster: Cluster, shaped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, name = tmp_path / "home", index_name()
    app = Hatsugen(home, search_url=cluster.urls, search_index=name)
    app.import_files([str(generate(tmp_path / "g.jsonl", 1500, seed=33))], actor=ADMIN)
    expected = {q: app.search(SearchRequest(q=q))["total"] for q in QUERIES[1:3]}
    monkeypatch.setenv("HATSUGEN_SEARCH_URL", cluster.urls)
    monkeypatch.setenv("HATSUGEN_SEARCH_INDEX", name)
    errors: list[str] = []
    answered = [0]
    stop = threading.Event()
    with serving(home, "--threads", "24") as url:

        def client(k: int) -> None:
            q = QUERIES[1 + k % 2]
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(
                        f"{url}/api/search?q={urllib.parse.quote(q)}", timeout=60
                    ) as r:
                        total = json.load(r)["total"]
                    if total != expected[q]:
                        errors.append(f"{q}: {total} != {expected[q]}")
                    answered[0] += 1
                except Exception as err:  # every failure counts, whatever it is
                    errors.append(f"{q}: {err}")

        clients = [threading.Thread(target=client, args=(k,)) for k in range(20)]
        for t in clients:
            t.start()
        try:
            before = app.remote.remote.concrete()
            subprocess.run(command(home, cluster, name, "reindex"), check=True, cwd=ROOT,
                           capture_output=True)  # fmt: skip
            time.sleep(1)  # searches after the swap, too
        finally:
            stop.set()
            for t in clients:
                t.join()
    assert app.remote.remote.concrete() != before
    assert errors == [] and answered[0] > 20
