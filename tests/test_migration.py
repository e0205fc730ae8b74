"""A home made by the previous version (schema 1, index without status) opens and upgrades."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from whoosh import index as whoosh_index

from hatsugen.archive.store import MIGRATIONS, SCHEMA_VERSION
from hatsugen.index.schema import build_schema, document

from conftest import TAKANASHI, Cli, statement, write_jsonl

NOW = "2025-01-01T00:00:00Z"
OLD = [
    statement(id="old-1"),
    statement(id="old-2", speaker=TAKANASHI, lang="en", text="The quay opens in May.",
              translations=None, role="Harbour master"),
]  # fmt: skip


def make_previous_version_home(home: Path) -> None:
    """What hatsugen 0.1 left on disk: schema 1 rows, and a Whoosh index with no status."""
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "archive.sqlite3")
    conn.executescript(MIGRATIONS[0])  # type: ignore[arg-type]
    conn.execute("PRAGMA user_version = 1")
    speakers = {}
    for record in OLD:
        speaker = record["speaker"]
        speakers[speaker["id"]] = speaker
        data = json.dumps(speaker, ensure_ascii=False)
        conn.execute("INSERT OR IGNORE INTO speakers VALUES (?, ?, ?, ?)",
                     (speaker["id"], data, NOW, NOW))  # fmt: skip
        stored = {**record, "speaker": speaker["id"]}
        conn.execute(
            "INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, 1, '[\"created\"]', ?, ?, ?)",
            (record["id"], speaker["id"], record["lang"], record.get("kind"), record.get("date"),
             json.dumps(stored, ensure_ascii=False), NOW, NOW, "import (someone)"),
        )  # fmt: skip
    conn.commit()
    conn.close()
    schema = build_schema()
    schema.remove("status")
    folder = home / "index" / "ix-1"
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer()
    for record in OLD:
        doc = document({**record, "speaker": record["speaker"]["id"]},
                       speakers[record["speaker"]["id"]], 1)  # fmt: skip
        doc.pop("status")
        writer.add_document(**doc)
    writer.commit()
    (home / "index" / "CURRENT").write_text("ix-1\n", encoding="ascii")


def test_a_previous_version_home_is_migrated_in_place(run: Cli, home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    make_previous_version_home(home)
    result = run.ok("search", "quay", "--status", "unverified")
    assert "built by an older hatsugen; rebuilding" in result.stderr
    assert "old-2" in result.stdout
    with sqlite3.connect(home / "archive.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert run.ok("check").stdout.strip() == "index and store agree"
    # The old statements take part in duplicate detection at once.
    again = statement(id="new", speaker=TAKANASHI, lang="en", text="the quay opens in May",
                      translations=None)  # fmt: skip
    result = run.ok("import", str(write_jsonl(tmp_path / "again.jsonl", [again])))
    assert "duplicate of old-2" in result.stderr
    # And they can be verified, with history, like new ones.
    run.ok("verify", "old-2", "--status", "disputed", "--evidence", "https://example.org/fc",
           "--kind", "fact_check")  # fmt: skip
    assert [v["version"] for v in run.json("history", "old-2")] == [1, 2]
    assert run.json("search", "--status", "disputed")["total"] == 1


def test_an_export_of_the_previous_version_still_imports(run: Cli, tmp_path: Path) -> None:
    doc = {
        "format": "hatsugen-archive", "version": 1, "exported_at": NOW,
        "counts": {"statements": 1, "speakers": 1}, "speakers": [],
        "statements": [statement(id="v1-record")], "indexes": {},
    }  # fmt: skip
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert "1 added" in run.ok("import", str(path)).stdout
    assert json.loads(run.ok("export").stdout)["version"] == 4
    doc["version"] = 7
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 2 and "version 7 is not supported" in result.stderr


def test_check_says_when_the_index_was_built_by_another_analysis(run: Cli, home: Path):  # type: ignore[no-untyped-def]
    make_previous_version_home(home)
    result = run("check")
    assert result.exit_code == 1
    assert "built by another hatsugen version" in result.output and "reindex" in result.output
    assert "quay" not in run("check", "--json").output  # it lists no statements as missing
    run.ok("check", "--repair")
    assert run.ok("check").stdout.strip() == "index and store agree"
    assert "old-2" in run.ok("search", "quay").stdout
