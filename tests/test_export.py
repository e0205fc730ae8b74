"""The indexed JSON export: schema, order, indexes, round trip, JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from hatsugen.archive.formats import SCHEMA_PATH

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
    from hatsugen.core import Hatsugen

    Hatsugen(run.home).close()  # an archive with nothing in it yet
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


def test_every_trust_field_survives_a_round_trip(run: Cli, tmp_path: Path) -> None:
    """Wording, spoken language, an attached original, archived URLs, status, evidence and
    its history — and a misattribution naming a speaker who is only exported later."""
    rich = [
        statement(
            id="a-early-misattributed", date="2020-01-01", lang="en", wording="quoted",
            text="Ports are the lungs of a city.", translations=None,
            source={"url": "https://example.org/viral", "archived_url":
                    "https://web.archive.org/web/2020/https://example.org/viral"},
            attribution={"status": "misattributed",
                         "actually_said_by": {"speaker": "Seo Min-jun"},
                         "evidence": [{"url": "https://example.org/fc", "kind": "fact_check",
                                       "note": "traced to a 2019 speech"}]},
        ),
        statement(
            id="b-interpreted", date="2023-05-05", lang="en", spoken_lang="ja",
            wording="interpretation", text="We will open the library.",
            role={"ja": "市長", "en": "Mayor"}, event={"ja": "開館式", "en": "Opening"},
            topics=[{"ja": "図書館", "en": "libraries"}, "culture"],
            source={"title": {"ja": "市報", "en": "City bulletin"}},
            translations=[{"lang": "ja", "text": "図書館を開きます。", "original": True},
                          {"lang": "ko", "text": "도서관을 열겠습니다.", "by": "machine"}],
            attribution={"status": "verified", "evidence": [
                {"url": "https://example.org/video", "kind": "video",
                 "archived_url": "https://archive.example.org/v"}]},
        ),
        statement(id="c-later", speaker=SEO, date="2024-01-01", lang="ko",
                  text="항구는 도시의 허파입니다.", translations=None,
                  attribution={"status": "disputed", "evidence": [
                      {"url": "https://example.org/a", "kind": "press_report"}]}),
        statement(id="d-points-at-later", date="2019-01-01", text="港は都市の肺だ。",
                  translations=None,
                  attribution={"status": "misattributed", "evidence": [
                      {"url": "https://example.org/b", "kind": "fact_check"}],
                      "actually_said_by": {"statement": "c-later"}}),
    ]  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "rich.jsonl", rich)))
    run.ok("verify", "c-later", "--status", "verified", "--evidence", "https://example.org/m",
           "--kind", "primary_transcript", "--note", "minutes found")  # fmt: skip
    first = tmp_path / "first.json"
    run.ok("export", "-o", str(first))
    doc = json.loads(first.read_text(encoding="utf-8"))
    validate_export(doc)
    assert doc["version"] == 4
    # a bilingual topic is listed under each of its languages
    assert {k for k, v in doc["indexes"]["by_topic"].items() if "b-interpreted" in v} == {
        "図書館",
        "libraries",
        "culture",
    }
    assert doc["indexes"]["by_status"] == {
        "misattributed": ["d-points-at-later", "a-early-misattributed"],
        "verified": ["b-interpreted", "c-later"],
    }
    exported = {s["id"]: s for s in doc["statements"]}
    assert exported["a-early-misattributed"]["attribution"]["actually_said_by"] == {
        "speaker": "seo-minjun"
    }
    assert exported["b-interpreted"]["role"] == {"ja": "市長", "en": "Mayor"}
    history = exported["c-later"]["attribution"]["history"]
    assert [h["status"] for h in history] == ["disputed", "verified"]
    assert history[-1]["note"] == "minutes found"
    other = Cli(tmp_path / "other")
    assert "4 added" in other.ok("import", str(first)).stdout
    second = tmp_path / "second.json"
    other.ok("export", "-o", str(second))
    again = json.loads(second.read_text(encoding="utf-8"))
    doc.pop("exported_at")
    again.pop("exported_at")
    assert again == doc
    assert "4 unchanged" in other.ok("import", str(first)).stdout


def test_a_misattribution_naming_nobody_in_the_whole_import_refuses_it(
    run: Cli, tmp_path: Path
) -> None:
    fact_check = {"url": "https://example.org/b", "kind": "fact_check"}
    bad = statement(
        id="x",
        attribution={
            "status": "misattributed",
            "evidence": [fact_check],
            "actually_said_by": {"speaker": "Nobody Here"},
        },
    )
    result = run("import", str(write_jsonl(tmp_path / "bad.jsonl", [statement(id="ok"), bad])))
    assert result.exit_code == 2
    assert "bad.jsonl, line 2: field 'attribution.actually_said_by.speaker'" in result.stderr
    assert run.json("stats")["statements"] == 0


def test_an_opensearch_export_has_one_valid_document_per_statement(
    run: Cli, tmp_path: Path
) -> None:
    from hatsugen.archive.records import validate

    topics = ["ports", {"ja": "外交", "en": "diplomacy"}]
    rows = [statement(id=f"os-{i}", text=f"青空市の港 {i}", topics=topics) for i in range(7)]
    run.ok("import", str(write_jsonl(tmp_path / "s.jsonl", rows)))
    out = tmp_path / "os"
    assert "7 statements written" in run.ok("export", "--format", "opensearch", "-o", str(out),
                                             "--index", "quotes").stderr  # fmt: skip
    definition = json.loads((out / "index.json").read_text(encoding="utf-8"))
    properties = definition["mappings"]["properties"]
    analyzers = definition["settings"]["analysis"]["analyzer"]
    for name, spec in properties.items():
        assert spec.get("analyzer", "hatsugen_ja") in analyzers, name
    lines = (out / "bulk.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 14
    actions, docs = [json.loads(x) for x in lines[::2]], [json.loads(x) for x in lines[1::2]]
    ids = [a["index"]["_id"] for a in actions]
    assert sorted(ids) == sorted(r["id"] for r in rows) and len(set(ids)) == 7
    assert {a["index"]["_index"] for a in actions} == {"quotes"}
    for action, doc in zip(actions, docs, strict=True):
        assert set(doc) <= set(properties), set(doc) - set(properties)  # the mapping is strict
        assert doc["id"] == action["index"]["_id"] == doc["record"]["id"]
        assert set(doc["topic"]) == {"ports", "外交", "diplomacy"}
        assert doc["ja"].startswith("青空市の港") and "Mizuhara" in doc["speaker"]
        validate(doc["record"])  # the whole statement travels, importable again
    bad = run("export", "--format", "opensearch")
    assert bad.exit_code != 0 and "give a folder" in bad.output
