"""The indexed JSON export: schema, order, indexes, round trip, JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from archive.formats import SCHEMA_PATH

from conftest import SEO, TAKANASHI, Cli, statement, write_jsonl

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_export(doc: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)


def records() -> list[dict]:
    return [
        statement(id="b-late", date="2025-01-02", topics=["ports", "economy"]),
        statement(id="a-undated", speaker=TAKANASHI, lang="en", text="Undated.", date=None),
        statement(id="c-early", speaker=SEO, lang="ko", text="협력.", date="2020", kind="post"),
        statement(id="a-same-day", date="2025-01-02", text="同じ日の発言。"),
    ]


def test_export_is_sorted_indexed_and_valid(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "r.jsonl", records())))
    doc = json.loads(run.ok("export").stdout)
    validate_export(doc)
    assert doc["counts"] == {"statements": 4, "speakers": 3}
    assert [s["id"] for s in doc["statements"]] == ["a-undated", "c-early", "a-same-day", "b-late"]
    indexes = doc["indexes"]
    assert indexes["by_speaker"]["mizuhara-aiko"] == ["a-same-day", "b-late"]
    assert indexes["by_date"] == {"2020": ["c-early"], "2025-01": ["a-same-day", "b-late"]}
    assert indexes["by_lang"]["ko"] == ["c-early"]
    assert indexes["by_kind"]["post"] == ["c-early"]
    assert indexes["by_topic"]["ports"] == ["b-late"]


def test_empty_archive_exports_a_valid_document(run: Cli) -> None:
    doc = json.loads(run.ok("export").stdout)
    validate_export(doc)
    assert doc["statements"] == [] and doc["counts"]["statements"] == 0


def test_round_trip_through_an_empty_home_is_identical(run: Cli, tmp_path: Path) -> None:
    run.ok("demo")
    run.ok("import", str(write_jsonl(tmp_path / "r.jsonl", records())))
    first = tmp_path / "first.json"
    run.ok("export", "-o", str(first))
    other = Cli(tmp_path / "other")
    other.ok("import", str(first))
    second = tmp_path / "second.json"
    other.ok("export", "-o", str(second))

    def without_time(path: Path) -> dict:
        doc = json.loads(path.read_text(encoding="utf-8"))
        validate_export(doc)
        doc.pop("exported_at")
        return doc

    assert without_time(first) == without_time(second)
    assert not list(tmp_path.glob("*.partial"))


def test_jsonl_export_streams_one_importable_statement_per_line(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "r.jsonl", records())))
    out = run.ok("export", "--format", "jsonl").stdout
    lines = out.splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0])["speaker"]["id"] == "takanashi-kenji"
    path = tmp_path / "out.jsonl"
    path.write_text(out, encoding="utf-8")
    other = Cli(tmp_path / "other")
    assert "4 added" in other.ok("import", str(path)).stdout


def test_export_to_an_unwritable_place_fails_clearly(run: Cli, tmp_path: Path) -> None:
    run.ok("demo")
    result = run("export", "-o", str(tmp_path / "missing-dir" / "x.json"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
