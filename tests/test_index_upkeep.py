"""The index follows every write; check/repair and reindex; writers wait, readers never do."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest

from conftest import ADMIN, MIZUHARA, Cli, hatsugen_proc, statement, write_jsonl


def found(run: Cli, q: str) -> list[str]:
    return [r["id"] for r in json.loads(run.ok("search", q, "--json").stdout)["results"]]


def test_add_update_and_speaker_changes_are_searchable_at_once(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "a.jsonl", [statement()])))
    assert found(run, "図書館") == ["mizuhara-2024-05-01"]
    new_id = run.ok("add", "--speaker", "Aiko Mizuhara", "--lang", "ja",
                    "--text", "図書館を建てます。").stdout.strip()  # fmt: skip
    assert set(found(run, "図書館")) == {new_id, "mizuhara-2024-05-01"}
    changed = statement(text="青空市は新しい公園を建設します。")
    run.ok("import", str(write_jsonl(tmp_path / "b.jsonl", [changed])))
    assert "mizuhara-2024-05-01" not in found(run, "図書館")
    assert found(run, "公園") == ["mizuhara-2024-05-01"]
    # A new alias merged into the speaker makes all her statements findable by it.
    alias = statement(id="other", text="別の話です。", speaker={**MIZUHARA, "aliases": ["@mizu"]})
    run.ok("import", str(write_jsonl(tmp_path / "c.jsonl", [alias])))
    assert set(found(run, "@mizu")) == {"mizuhara-2024-05-01", "other", new_id}
    assert run.ok("check").stdout.strip() == "index and store agree"


def test_a_lost_index_is_rebuilt_never_searched_empty(run: Cli, home: Path) -> None:
    run.ok("demo")
    shutil.rmtree(home / "index")
    searched = run.ok("search", "日韓関係")
    assert "is missing" in searched.stderr and "rebuilding it" in searched.stderr
    assert "ishiba-2025-08-23-post" in searched.stdout
    (home / "index" / "CURRENT").unlink()
    assert found(run, "カナダ") == ["ishiba-2025-08-23-post"]
    assert run.ok("check").stdout.strip() == "index and store agree"


def test_check_finds_stale_and_extra_documents(run: Cli, home: Path) -> None:
    run.ok("demo")
    app = Hatsugen(home)
    ghost = {"id": "ghost", "speaker": "nobody", "lang": "en", "text": "ghost", "version": 1}
    from hatsugen.index.schema import document

    stale = next(iter(app.store.rows(["lee-2025-08-23-joint"])))[0]
    app.index.write([
        document({**ghost, "speaker": "nobody"}, {"id": "nobody"}, 1),
        document(stale, {"id": stale["speaker"]}, 1),
    ])  # fmt: skip
    report = json.loads(run("check", "--json").stdout)
    assert report["extra"] == ["ghost"] and report["stale"] == ["lee-2025-08-23-joint"]
    run.ok("check", "--repair")
    assert run.ok("check").stdout.strip() == "index and store agree"
    assert found(run, "ghost") == []


def test_reindex_rebuilds_and_searches_keep_working(run: Cli, home: Path) -> None:
    run.ok("demo")
    app = Hatsugen(home)
    before = app.search(SearchRequest(q="協力"))["total"]
    assert "indexed 3 statements" in run.ok("reindex").stdout
    assert app.search(SearchRequest(q="協力"))["total"] == before  # old searcher → new index
    assert len(list((home / "index").glob("ix-*"))) == 1


def test_a_busy_index_queues_writes_and_nobody_fails(run: Cli, home: Path, tmp_path: Path) -> None:
    """Readers never wait for a writer; a writer that cannot get the index leaves its changes
    queued (the store logged them) and succeeds; the next holder of the index indexes them."""
    run.ok("demo")
    app = Hatsugen(home)
    path = write_jsonl(tmp_path / "a.jsonl", [statement()])
    with app.index.write_lock():
        started = time.monotonic()
        assert app.search(SearchRequest(q="カナダ"))["total"] == 1
        assert time.monotonic() - started < 5
        proc = hatsugen_proc(home, "import", str(path), env={"HATSUGEN_INDEX_WAIT": "1"})
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "1 added" in out and "1 statement queued for indexing" in err
        assert "Traceback" not in err
        waiting = json.loads(run.ok("search", "図書館", "--json").stdout)
        assert waiting["total"] == 0 and waiting["queued_for_indexing"] == 1
        assert run.json("stats")["queued_for_indexing"] == 1
        report = json.loads(run("check", "--json").stdout)
        assert report["queued"] == ["mizuhara-2024-05-01"] and not report["missing"]
    assert app.store.count() == 4  # the statement itself is safe in the store
    assert run.ok("check").stdout.strip() == "index and store agree"  # check drains the queue
    assert found(run, "図書館") == ["mizuhara-2024-05-01"]
    assert run.json("stats")["queued_for_indexing"] == 0


def test_search_works_while_an_import_is_running(home: Path, tmp_path: Path) -> None:
    app = Hatsugen(home)
    app.load_demo(actor=ADMIN)
    flag = tmp_path / "writing"
    path = write_jsonl(tmp_path / "a.jsonl", [statement()])
    proc = hatsugen_proc(home, "import", str(path), env={"HATSUGEN_FAULT": f"before-commit:{flag}"})
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        result = app.search(SearchRequest(q="カナダ"))
        assert result["total"] == 1
    finally:
        proc.kill()
        proc.wait()
