"""Nothing silently re-attributed; hostile and unlucky input gets one clear message."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen

from conftest import MIZUHARA, TAKANASHI, Cli, at_once, statement, write_jsonl


def test_an_id_collision_never_gives_words_to_someone_else_silently(
    run: Cli, tmp_path: Path
) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [statement(id="s1")])))
    collision = write_jsonl(tmp_path / "2.jsonl", [statement(id="s1", speaker=TAKANASHI)])
    refused = run("import", str(collision))
    assert refused.exit_code == 2
    assert "s1 is archived as said by mizuhara-aiko" in refused.stderr
    assert run.json("show", "s1")["speaker"]["id"] == "mizuhara-aiko"
    allowed = run.ok("import", str(collision), "--allow-reattribution")
    assert "re-attributed: " in allowed.stderr and "from mizuhara-aiko to takanashi-kenji" in (
        allowed.stderr
    )
    assert run.json("show", "s1")["speaker"]["id"] == "takanashi-kenji"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "abc\n", "is not a valid id"),
        ("lang", "en\n", "is not a language code"),
        ("date", "2025\n", "is not a date"),
        ("date", "٢٠٢٥", "is not a date"),
        ("id", "x" * 10_000, "…' is not a valid id"),
    ],
)
def test_validation_matches_whole_values_in_ascii(
    run: Cli, tmp_path: Path, field: str, value: str, message: str
) -> None:
    result = run("import", str(write_jsonl(tmp_path / "r.jsonl", [statement(**{field: value})])))
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr) < 1000  # a 10,000-character id is not echoed back
    assert run.json("stats")["statements"] == 0


def test_full_width_digits_in_a_date_become_ascii(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "r.jsonl", [statement(date="２０２５-０８-２３")])))
    assert run.json("show", "mizuhara-2024-05-01")["date"] == "2025-08-23"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "a", "id": "b", "speaker": "x", "lang": "ja", "text": "t"}', "appears twice"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"speaker": "x", "lang": "ja", "text": "t", "n": ' + "9" * 5000 + "}", "digits"),
    ],
    ids=["duplicate-key", "deep-nesting", "huge-integer"],
)
def test_hostile_json_is_one_clear_error(run: Cli, tmp_path: Path, text: str, message: str) -> None:
    for lines in (text, text + "\n" + text):  # one object, and JSON Lines
        path = tmp_path / "bad.json"
        path.write_text(lines, encoding="utf-8")
        commands = [["import", str(path)]]
        if lines == text:
            commands.append(["add", "--from", str(path)])
        for args in commands:
            result = run(*args)
            assert result.exit_code == 2, (args, result.output)
            assert message in result.stderr and "Traceback" not in result.output
            assert "bad.json" in result.stderr  # says which file
        # Listed as rejected (exit 0); a file that cannot be read at all is still exit 2.
        skipped = run("import", "--skip-invalid", str(path))
        assert skipped.exit_code in (0, 2) and message in skipped.stderr
        assert "Traceback" not in skipped.output


def test_the_web_refuses_hostile_json_and_lone_surrogates(client) -> None:  # type: ignore[no-untyped-def]
    deep = client.post("/api/extract", data="[" * 5000 + "]" * 5000,
                       content_type="application/json")  # fmt: skip
    assert deep.status_code == 400 and "nested too deeply" in deep.get_json()["error"]
    surrogate = client.post("/api/extract", data='{"text": "a\\ud800b said"}',
                            content_type="application/json")  # fmt: skip
    assert surrogate.status_code == 400 and "lone surrogate" in surrogate.get_json()["error"]


def test_a_bad_setting_is_a_clear_error(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    run.ok("demo")
    for name in ("HATSUGEN_INDEX_LOCK_TIMEOUT", "HATSUGEN_INDEX_WAIT"):
        monkeypatch.setenv(name, "abc")
        result = run("stats")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{name} must be a number of seconds" in result.stderr
        monkeypatch.delenv(name)


def test_export_never_replaces_what_is_not_a_regular_file(run: Cli, tmp_path: Path) -> None:
    run.ok("demo")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere.json")
    for target in (fifo, link, tmp_path):
        result = run("export", "-o", str(target))
        assert result.exit_code in (2,), (target, result.output)
        assert "refusing to replace" in result.stderr or "directory" in result.stderr
    assert fifo.exists() and not fifo.is_file() and link.is_symlink()
    assert json.loads(run.ok("export", "-o", "-").stdout)["counts"]["statements"] == 3


def test_the_language_cookie_is_http_only(client) -> None:  # type: ignore[no-untyped-def]
    cookie = client.get("/?ui=ja").headers["Set-Cookie"]
    assert "HttpOnly" in cookie


def test_a_speaker_object_cannot_rename_someone_everywhere_silently(
    run: Cli, tmp_path: Path
) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [statement()])))
    other = {**MIZUHARA, "name": {"ja": "水原愛", "en": "Aiko Mizuhara"}}
    rename = write_jsonl(tmp_path / "2.jsonl", [statement(id="s2", text="別。", speaker=other)])
    refused = run("import", str(rename))
    assert refused.exit_code == 2 and "field 'speaker.name.ja'" in refused.stderr
    assert Hatsugen(run.home).store.get_speaker("mizuhara-aiko")["name"]["ja"] == "水原愛子"


@pytest.mark.parametrize(
    ("files", "damage"),
    [
        ("*.seg", lambda b: b[:100]),  # a segment truncated, as by a full disk
        ("_MAIN_*.toc", lambda b: bytes(reversed(b))),  # the table of contents scrambled
        ("_MAIN_*.toc", lambda b: b""),  # an empty table of contents
    ],
    ids=["truncated-segment", "scrambled-toc", "empty-toc"],
)
def test_a_damaged_index_is_reported_and_rebuilt_by_repair(
    run: Cli, home: Path, files: str, damage: Callable[[bytes], bytes]
) -> None:
    run.ok("demo")
    live = (home / "index" / "CURRENT").read_text().strip()
    for path in (home / "index" / live).glob(files):
        path.write_bytes(damage(path.read_bytes()))
    result = run("check")
    assert result.exit_code == 1 and "the index cannot be read" in result.stdout
    assert "Traceback" not in result.output
    run.ok("check", "--repair")
    assert run.ok("check").stdout.strip() == "index and store agree"
    assert run.json("search", "協力")["total"] == 2


def test_a_search_on_an_unreadable_index_rebuilds_it_and_says_so(run: Cli, home: Path) -> None:
    run.ok("demo")
    live = (home / "index" / "CURRENT").read_text().strip()
    for toc in (home / "index" / live).glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 40)
    result = run("search", "協力")
    assert result.exit_code == 0 and "2 statements" in result.stdout
    assert "cannot be read" in result.stderr and "rebuilding it" in result.stderr
    assert "Traceback" not in result.output


def test_a_killed_rebuilds_folder_is_listed_and_removed(run: Cli, home: Path) -> None:
    run.ok("demo")
    (home / "index" / "ix-99").mkdir()
    (home / "index" / "ix-99" / "big.seg").write_bytes(b"x" * 1000)
    result = run("check")
    assert result.exit_code == 1 and "1 orphaned: ix-99" in result.stdout
    run.ok("check", "--repair")
    assert not (home / "index" / "ix-99").exists()


@pytest.mark.parametrize("q", ["*a*", "?x", "a*", "[a TO z]", "port~", "roam~2"])
def test_queries_that_would_scan_everything_are_refused_clearly(run: Cli, q: str) -> None:
    run.ok("demo")
    result = run("search", q)
    assert result.exit_code == 2 and "bad query" in result.stderr


def test_a_huge_statement_does_not_make_every_result_huge(run: Cli, tmp_path: Path) -> None:
    too_long = "港を再開します。" + "長い演説の文です。" * 300_000  # about 2.7 million characters
    refused = run("import", str(write_jsonl(tmp_path / "t.jsonl", [statement(text=too_long)])))
    assert refused.exit_code == 2 and "characters long" in refused.stderr
    speech = "港を再開します。" + "長い演説の文です。" * 22_000  # the longest accepted: ~200,000
    run.ok("import", str(write_jsonl(tmp_path / "h.jsonl", [statement(text=speech)])))
    (result,) = run.json("search", "港")["results"]
    assert result["truncated"] is True and len(result["text"]) <= 20_001
    assert "<mark>港</mark>" in result["highlights"]["text"]
    assert len(run.json("show", "mizuhara-2024-05-01")["text"]) == len(speech)


def test_a_waiting_writer_says_the_archive_is_busy(run: Cli, home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from hatsugen.archive import store

    run.ok("demo")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(home / "archive.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("add", "--speaker", "Aiko Mizuhara", "--lang", "ja", "--text", "待つ。")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "is busy" in result.stderr
    assert "Traceback" not in result.output


def test_invisible_characters_make_no_look_alike_speaker(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [statement()])))
    run.ok("add", "--speaker", "Ai\u200dko Mizu\u200bhara", "--lang", "ja", "--text", "見分け。")
    assert run.json("stats")["speakers"] == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("file", "as the archive's home"),
        ("not-a-database", "cannot be used as a hatsugen archive"),
    ],
)
def test_an_unusable_home_is_one_clear_error(tmp_path: Path, setup: str, message: str) -> None:
    if setup == "file":
        (tmp_path / "afile").write_text("x")
        home = tmp_path / "afile" / "home"
    else:
        home = tmp_path / "home"
        home.mkdir()
        (home / "archive.sqlite3").write_bytes(b"this is not SQLite" * 100)
    result = Cli(home)("stats")
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_an_argument_that_is_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "hatsugen", "--home", str(tmp_path / "h"), "search", b"\xff"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2 and "not valid UTF-8" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_refuses_what_it_cannot_do(run: Cli) -> None:
    import socket

    assert run("serve", "--port", "99999").exit_code == 2
    assert run("serve", "--port", "-1").exit_code == 2
    assert run("serve", "--threads", "0").exit_code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("serve", "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 1 and "cannot listen on 127.0.0.1" in result.stderr


@pytest.mark.parametrize("q", ["協力", '"日韓関係"', "cooperation OR 協力", ""])
def test_a_search_past_its_budget_ends_with_a_clear_message(
    run: Cli, q: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hatsugen.index import QueryError, SearchRequest

    monkeypatch.setenv("HATSUGEN_RESULTS_KEPT", "0")  # the engine's budget, not a kept result
    run.ok("demo")
    app = Hatsugen(run.home)
    assert app.search(SearchRequest(q=q))["total"] >= 1
    app.engine.budget = 0  # every search is over budget at its first look at the clock
    if q:
        with pytest.raises(QueryError, match="took longer than 0 s and was stopped"):
            app.search(SearchRequest(q=q))
    else:  # listing without words walks no postings: nothing to stop
        assert app.search(SearchRequest(q=q))["total"] == 3


def test_a_slow_search_does_not_hold_up_another(run: Cli) -> None:
    import threading

    from hatsugen.index import SearchRequest

    run.ok("demo")
    app = Hatsugen(run.home)
    engine, release, holding = app.engine, threading.Event(), threading.Event()
    plain = engine._search

    def slow_when_asked(req, searcher, arrays):  # type: ignore[no-untyped-def]
        if req.q == "cooperation":
            holding.set()  # this search now has a searcher, and keeps it until released
            assert release.wait(30)
        return plain(req, searcher, arrays)

    engine._search = slow_when_asked  # type: ignore[method-assign]
    slow = threading.Thread(target=app.search, args=(SearchRequest(q="cooperation"),))
    slow.start()
    assert holding.wait(10)
    answered: list[int] = []
    other = threading.Thread(
        target=lambda: answered.append(app.search(SearchRequest(q="協力"))["total"])
    )
    other.start()
    other.join(10)
    finished_while_held = not other.is_alive()
    release.set()
    slow.join(10)
    other.join(10)
    assert finished_while_held and answered and answered[0] >= 1


def test_a_bad_indexing_setting_is_a_clear_error(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    run.ok("demo")
    for name, value in (("HATSUGEN_INDEX_WORKERS", "all"), ("HATSUGEN_WRITER_MB", "2")):
        monkeypatch.setenv(name, value)
        result = run("reindex")
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert f"{name} must be a whole number" in result.output
        monkeypatch.delenv(name)
    assert run.ok("search", "外交").stdout  # the index the failed rebuilds left is whole


def test_a_bad_searcher_count_is_one_clear_error(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    run.ok("demo")
    monkeypatch.setenv("HATSUGEN_SEARCHERS", "many")
    result = run("search", "x")
    assert result.exit_code != 0 and "HATSUGEN_SEARCHERS must be a whole number" in result.output
    assert "Traceback" not in result.output


def test_a_full_disk_is_one_clear_message(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import sqlite3

    from hatsugen.archive.store import Store
    from hatsugen.index.searchindex import SearchIndex

    run.ok("demo")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "ix-2/_MAIN_1.toc")

    with monkeypatch.context() as m:
        m.setattr(SearchIndex, "build", full)
        result = run("reindex")
    assert (
        result.exit_code == 1 and "no space left on the device (ix-2/_MAIN_1.toc)" in result.output
    )
    assert "check --repair" in result.output and "Traceback" not in result.output

    def store_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as m:
        m.setattr(Store, "import_records", store_full)
        result = run("import", str(write_jsonl(run.home.parent / "one.jsonl", [statement()])))
    assert result.exit_code == 1 and "the disk holding the archive is full" in result.output
    assert run.json("search", "協力")["total"] == 2  # the archive and its index as they were


def test_commands_starting_at_once_on_a_new_home_all_open_it(tmp_path: Path) -> None:
    """A new archive is never seen half-made: many openers at the same moment all succeed
    (an empty file, the sign of an unfinished creation, was refused as not an archive)."""
    import threading

    from hatsugen.archive.store import Store

    path = tmp_path / "home" / "archive.sqlite3"
    start, errors = threading.Barrier(8), []

    def open_it() -> None:
        start.wait()
        try:
            Store(path).close()
        except Exception as err:  # any failure is the finding
            errors.append(err)

    at_once(open_it, 8)
    assert errors == []
    assert (path.stat().st_mode & 0o777) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".archive")]
