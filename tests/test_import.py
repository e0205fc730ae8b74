"""`hatsugen import`: formats, all-or-nothing, --skip-invalid, updates and revisions."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MIZUHARA, SEO, TAKANASHI, Cli, statement, write_jsonl


def snapshot(run: Cli) -> str:
    """The archive's whole content, for 'exactly as before' checks."""
    doc = json.loads(run.ok("export").stdout)
    doc.pop("exported_at")
    return json.dumps(doc, sort_keys=True)


def three() -> list[dict]:
    return [
        statement(),
        statement(id="takanashi-1", speaker=TAKANASHI, lang="en", text="We will not raise taxes."),
        statement(id="seo-1", speaker=SEO, lang="ko", text="협력이 중요합니다.", kind="speech"),
    ]


def test_imports_jsonl_array_and_export(run: Cli, tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", three()[:2])
    array = tmp_path / "b.json"
    array.write_text(json.dumps(three()[2:], ensure_ascii=False, indent=2), encoding="utf-8")
    result = run.ok("import", str(jsonl), str(array))
    assert "3 added" in result.stdout
    exported = tmp_path / "export.json"
    run.ok("export", "-o", str(exported))
    other = Cli(tmp_path / "other")
    assert "3 added" in other.ok("import", str(exported)).stdout
    assert other.json("stats")["statements"] == 3


def test_bad_record_is_refused_whole_naming_file_line_and_field(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "first.jsonl", [statement()])))
    before = snapshot(run)
    records = three()
    records[1] = {**records[1], "date": "2025-13-45"}
    bad = write_jsonl(tmp_path / "bad.jsonl", records)
    result = run("import", str(bad))
    assert result.exit_code == 2
    assert f"{bad}, line 2: field 'date'" in result.stderr
    assert "2025-13-45" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(run) == before


def test_array_errors_name_the_array_index_and_line(run: Cli, tmp_path: Path) -> None:
    records = three()
    records[2] = {**records[2], "colour": "blue"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 2
    assert "array index 2" in result.stderr
    assert "field 'colour': unknown field" in result.stderr
    line = result.stderr.split("line ")[1].split(",")[0]
    assert path.read_text().splitlines()[int(line) - 1].strip() == "{"
    assert run.json("stats")["statements"] == 0


def test_every_bad_record_is_listed(run: Cli, tmp_path: Path) -> None:
    records = [statement(id=f"r{i}", kind="rant") for i in range(3)] + [statement()]
    result = run("import", str(write_jsonl(tmp_path / "bad.jsonl", records)))
    assert result.exit_code == 2
    for line in (1, 2, 3):
        assert f"line {line}: field 'kind': 'rant' is not one of" in result.stderr
    assert "--skip-invalid" in result.stderr


def test_skip_invalid_imports_the_rest_and_lists_rejects(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = three()
    path.write_text(
        json.dumps(good[0], ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({**good[1], "lang": 42})
        + "\n"
        + json.dumps(good[2], ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    result = run("import", "--skip-invalid", str(path))
    assert result.exit_code == 0
    assert "2 added" in result.stdout and "2 rejected" in result.stdout
    assert f"{path}, line 2: is not valid JSON" in result.stderr
    assert f"{path}, line 3: field 'lang': must be a string" in result.stderr
    assert run.json("stats")["statements"] == 2


def test_invalid_json_line_fails_with_its_line(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(statement()) + '\n{"speaker": "x",\n', encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 2
    assert f"{path}, line 2: is not valid JSON" in result.stderr
    assert run.json("stats")["statements"] == 0


def test_missing_file_and_non_json_are_clear(run: Cli, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2 and "cannot read" in result.stderr
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    result = run("import", str(text))
    assert result.exit_code == 2 and "is not JSON" in result.stderr
    (tmp_path / "empty.json").write_text("  \n")
    result = run("import", str(tmp_path / "empty.json"))
    assert result.exit_code == 2 and "is empty" in result.stderr
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"text": "caf\xe9"}'.encode("latin-1"))
    result = run("import", str(latin1))
    assert result.exit_code == 2 and "is not UTF-8" in result.stderr


def test_reimport_is_a_noop_and_a_change_is_a_revision(run: Cli, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", three())
    run.ok("import", str(path))
    again = run.ok("import", str(path))
    assert "0 added, 0 updated, 3 unchanged" in again.stdout
    assert len(run.json("history", "mizuhara-2024-05-01")) == 1

    changed = three()
    changed[0] = {
        **changed[0],
        "text": "青空市は新しい図書館と公園を建設します。",
        "date": "2024-05",
    }
    result = run.ok("import", str(write_jsonl(tmp_path / "b.jsonl", changed)))
    assert "0 added, 1 updated, 2 unchanged" in result.stdout
    versions = run.json("history", "mizuhara-2024-05-01")
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["record"]["text"] == "青空市は新しい図書館を建設します。"
    assert versions[1]["changed"] == ["date", "text"]
    assert versions[1]["by"].startswith("import (")
    human = run.ok("history", "mizuhara-2024-05-01").stdout
    assert "v1" in human and "created" in human and "changed date, text" in human
    assert run.json("show", "mizuhara-2024-05-01")["date"] == "2024-05"


def test_records_without_id_get_a_stable_one(run: Cli, tmp_path: Path) -> None:
    record = statement(id=None)
    path = write_jsonl(tmp_path / "a.jsonl", [record])
    run.ok("import", str(path))
    assert "1 unchanged" in run.ok("import", str(path)).stdout
    assert run.json("stats")["statements"] == 1


def test_dates_keep_precision_and_bad_dates_name_the_field(run: Cli, tmp_path: Path) -> None:
    records = [
        statement(id="y", date="2025"),
        statement(id="ym", date="2025-08", text="別の発言です。"),
        statement(id="ymd", date="2025-08-23", text="三つ目の発言です。"),
    ]
    run.ok("import", str(write_jsonl(tmp_path / "d.jsonl", records)))
    assert [run.json("show", i)["date"] for i in ("y", "ym", "ymd")] == [
        "2025",
        "2025-08",
        "2025-08-23",
    ]
    for bad in ("2025-02-30", "25-08-01", "2025/08/01", "2025-00"):
        result = run("import", str(write_jsonl(tmp_path / "b.jsonl", [statement(date=bad)])))
        assert result.exit_code == 2, bad
        assert "field 'date'" in result.stderr, bad


def test_nested_field_errors_name_the_path(run: Cli, tmp_path: Path) -> None:
    cases = {
        "translations[0].by": statement(translations=[{"lang": "en", "text": "x", "by": "ai"}]),
        "source.url": statement(source={"url": "javascript:alert(1)"}),
        "speaker.name": statement(speaker={"name": "Just A String"}),
        "speaker.nickname": statement(speaker={**MIZUHARA, "nickname": "A"}),
        "text": statement(text="   "),
        "speaker": statement(speaker=None),
    }
    for field, record in cases.items():
        result = run("import", str(write_jsonl(tmp_path / "n.jsonl", [record])))
        assert result.exit_code == 2, field
        assert f"field '{field}'" in result.stderr, (field, result.stderr)


def test_the_same_id_twice_in_one_file_is_an_update(run: Cli, tmp_path: Path) -> None:
    first = statement()
    second = statement(text="青空市は図書館の計画を見直します。")
    result = run.ok("import", str(write_jsonl(tmp_path / "twice.jsonl", [first, second])))
    assert "1 added" in result.stdout
    versions = run.json("history", first["id"])
    assert [v["record"]["text"] for v in versions] == [first["text"], second["text"]]


def test_a_new_speaker_whose_name_only_looks_different_is_asked_about_then_warned_of(
    run: Cli, tmp_path: Path
) -> None:
    first = statement(id="w1", speaker={"name": {"ja": "渡邊一真"}}, text="病院を建て替える。")
    run.ok("import", str(write_jsonl(tmp_path / "a.jsonl", [first])))
    variants = [
        statement(id="w2", speaker={"name": {"ja": "渡辺一真"}}, text="図書館を開く。"),
        statement(id="w3", speaker={"name": {"en": "Kazuma Wata\u200bnabe"}}, text="Hi."),
        statement(id="w4", speaker={"name": {"en": "Kazuma Watanabe"}}, text="Hello."),
    ]
    path = str(write_jsonl(tmp_path / "b.jsonl", variants))
    # A variant spelling of an archived speaker's name is not silently a second person.
    asked = run("import", path)
    assert asked.exit_code == 2 and "may mean 渡邊一真" in asked.output
    assert run.json("stats")["statements"] == 1
    result = run.ok("import", path, "--new-speakers")  # the writer says: new people
    warnings = [line for line in result.stderr.splitlines() if line.startswith("look-alike")]
    assert len(warnings) == 1 and "渡邊一真" not in warnings[0]  # ids are named, not guessed
    assert "line 1" in warnings[0] and "give the speaker id" in warnings[0]
    # Nothing was merged: a look-alike is a question for a person, not an identity; until
    # someone answers it, a search by that name says it could be either.
    ambiguous = run("search", "--speaker", "渡辺一真")
    assert ambiguous.exit_code == 2 and "渡邊一真 (" in ambiguous.output
    assert "渡辺一真 (" in ambiguous.output
    unrelated = statement(id="w5", speaker={"name": {"ja": "霧島花"}}, text="港を守る。")
    quiet = run.ok("import", str(write_jsonl(tmp_path / "c.jsonl", [unrelated])))
    assert "look-alike" not in quiet.stderr
