"""The eight ways the doors drifted apart (issue 25), each tried through the door it was found
in: a contributor's API token, the web forms, a re-import. Every refused change must leave the
archive exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import (
    MIZUHARA,
    PASSWORD,
    SEO,
    Cli,
    archive_state,
    form_fields,
    signed_in,
    statement,
    token_of,
    write_jsonl,
)

SID = "mizuhara-2024-05-01"
RETRACTED = {"at": "2025-01-01T00:00:00Z", "by": "x", "reason": "gone"}
FACT_CHECK = {"url": "https://example.org/fact-check", "kind": "fact_check"}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    run = Cli(home)
    seo = statement(id="seo-1", speaker=SEO, lang="ko", text="항구를 다시 열겠습니다.",
                    translations=None, role=None)  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "s.jsonl", [statement(), seo])))
    for name, role in (("ed", "editor"), ("cora", "contributor")):
        run.ok("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")
    return home


@pytest.fixture
def web(home: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


def bearer(home: Path, user: str) -> dict[str, str]:
    _, token = Hatsugen(home).accounts.create_token(user)
    return {"Authorization": f"Bearer {token}"}


def test_1_nobody_overwrites_a_statement_by_adding_it_again(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    before = archive_state(home)
    for user in ("cora", "ed"):
        sent = client.post("/api/statements", headers=bearer(home, user),
                           json={"id": SID, "speaker": "mizuhara-aiko", "lang": "ja",
                                 "text": "上書き。", "retracted": RETRACTED})  # fmt: skip
        assert sent.status_code in (403, 409), sent.get_json()
    conflict = client.post("/api/statements", headers=bearer(home, "ed"),
                           json={"id": SID, "speaker": "mizuhara-aiko", "lang": "ja",
                                 "text": "上書き。"})  # fmt: skip
    assert conflict.status_code == 409 and "PATCH" in conflict.get_json()["error"]
    assert archive_state(home) == before


def test_2_a_contributor_cannot_publish_a_statement_as_verified(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    before = archive_state(home)
    body = {"speaker": "mizuhara-aiko", "lang": "ja", "text": "港を開きます。",
            "attribution": {"status": "verified", "evidence": [
                {"url": "https://example.org/video", "kind": "video"}]}}  # fmt: skip
    sent = web.test_client().post("/api/statements", headers=bearer(home, "cora"), json=body)
    assert sent.status_code == 403 and "editor" in sent.get_json()["error"]
    assert archive_state(home) == before
    unverified = {**body, "attribution": {"status": "unverified"}}
    assert web.test_client().post("/api/statements", headers=bearer(home, "cora"),
                                  json=unverified).status_code == 201  # fmt: skip


@pytest.mark.parametrize("name", ["水原", "みずはら", "ミズハラ", "Mizuhara", "Seo Min Jun", "서"])
def test_3_a_short_or_variant_name_is_asked_about_never_a_new_speaker(  # type: ignore[no-untyped-def]
    web, home: Path, name: str
) -> None:
    before = archive_state(home)
    body = {"speaker": name, "lang": "ja", "text": "新しい発言。"}
    sent = web.test_client().post("/api/statements", headers=bearer(home, "ed"), json=body)
    error = sent.get_json()["error"]
    assert sent.status_code == 400 and ("(mizuhara-aiko)" in error or "(seo-minjun)" in error)
    assert "say it is a new speaker" in error
    assert archive_state(home) == before
    assert len(Hatsugen(home).speakers_by_id()) == 2
    # The search filter still means the real person.
    found = web.test_client().get("/api/search?speaker=水原").get_json()
    assert [r["id"] for r in found["results"]] == [SID]


def test_3_on_the_web_a_short_name_offers_the_choice(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    form = {"csrf_token": token_of(client, "/add"), "speaker": "水原", "lang": "ja",
            "text": "港を開きます。"}  # fmt: skip
    page = client.post("/add", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'name="speaker_choice" value="mizuhara-aiko"' in html and "水原愛子" in html
    assert len(Hatsugen(home).speakers_by_id()) == 2
    chosen = client.post("/add", data={**form, "speaker_choice": "mizuhara-aiko"})
    assert chosen.status_code == 302
    sid = chosen.headers["Location"].rsplit("/", 1)[1]
    assert Hatsugen(home).statement(sid)["speaker"]["id"] == "mizuhara-aiko"


def test_4_importing_the_same_file_again_keeps_a_later_correction(  # type: ignore[no-untyped-def]
    web, home: Path, tmp_path: Path
) -> None:
    run = Cli(home)
    record = statement(id="harbour", text="港を春に再開します。", translations=None)
    path = str(write_jsonl(tmp_path / "a.jsonl", [record]))
    run.ok("import", path)
    client = signed_in(web)
    fields = form_fields(client.get("/s/harbour/edit").get_data(as_text=True))
    fields.update(text="港を夏に再開します。", source_url="https://example.org/minutes",
                  reason="the minutes say summer")  # fmt: skip
    assert client.post("/s/harbour/edit", data=fields).status_code == 302
    again = run.ok("import", path)
    assert "0 updated, 1 unchanged" in again.stdout
    assert "superseded by version 2" in again.stderr and "web (ed)" in again.stderr
    kept = Hatsugen(home).statement("harbour")
    assert kept["text"] == "港を夏に再開します。"
    assert kept["source"]["url"] == "https://example.org/minutes"


def test_4_an_export_read_before_a_correction_is_a_conflict(  # type: ignore[no-untyped-def]
    web, home: Path, tmp_path: Path
) -> None:
    run = Cli(home)
    old = tmp_path / "old.json"
    run.ok("export", "-o", str(old))
    client = signed_in(web)
    fields = form_fields(client.get(f"/s/{SID}/edit").get_data(as_text=True))
    fields.update(notes="checked against the minutes", reason="note")
    assert client.post(f"/s/{SID}/edit", data=fields).status_code == 302
    before = archive_state(home)
    conflict = run("import", str(old))
    assert conflict.exit_code == 1
    assert f"{SID} is based on version 1, but the archive holds version 2" in conflict.stderr
    assert "notes" in conflict.stderr and "--overwrite" in conflict.stderr
    assert archive_state(home) == before
    assert run("import", str(old), "--skip-conflicts").exit_code == 0
    assert archive_state(home) == before
    run.ok("import", str(old), "--overwrite")
    assert "notes" not in Hatsugen(home).statement(SID)


def test_5_a_web_edit_keeps_every_translation(web, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    four = [{"lang": lang, "text": f"{lang} text", "by": "editor"} for lang in
            ("en", "ko", "zh", "fr")]  # fmt: skip
    Cli(home).ok("import", str(write_jsonl(tmp_path / "t.jsonl", [
        statement(id="four", text="四つの翻訳。", translations=four)])))  # fmt: skip
    client = signed_in(web)
    fields = form_fields(client.get("/s/four/edit").get_data(as_text=True))
    fields.update(notes="only the notes", reason="note")
    assert client.post("/s/four/edit", data=fields).status_code == 302
    saved = Hatsugen(home).statement("four")
    assert saved["translations"] == four and saved["notes"] == "only the notes"
    fields = form_fields(client.get("/s/four/edit").get_data(as_text=True))
    fields.update({"translation_1_remove": "1", "translation_4_lang": "de",
                   "translation_4_text": "de text", "translation_4_by": "machine",
                   "reason": "one out, one in"})  # fmt: skip
    assert client.post("/s/four/edit", data=fields).status_code == 302
    langs = [t["lang"] for t in Hatsugen(home).statement("four")["translations"]]
    assert langs == ["en", "zh", "fr", "de"]


def test_6_a_stale_proposal_does_not_revert_a_later_edit(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    cora = signed_in(web, "cora")
    seen = form_fields(cora.get(f"/s/{SID}/propose").get_data(as_text=True))
    assert seen["version"] == "1"
    ed = signed_in(web)
    fields = form_fields(ed.get(f"/s/{SID}/edit").get_data(as_text=True))
    fields.update(text="青空市は新しい図書館を二つ建設します。", reason="two")
    assert ed.post(f"/s/{SID}/edit", data=fields).status_code == 302
    before = archive_state(home)
    seen.update(notes="a note", reason="my note")
    proposed = cora.post(f"/s/{SID}/propose", data=seen)
    assert proposed.status_code == 409 and "二つ" in proposed.get_data(as_text=True)
    assert archive_state(home) == before
    # A proposal made on the current version, overtaken by an edit before it is accepted.
    fresh = form_fields(cora.get(f"/s/{SID}/propose").get_data(as_text=True))
    fresh.update(notes="a note", reason="my note")
    assert cora.post(f"/s/{SID}/propose", data=fresh).status_code == 302
    (proposal,) = Hatsugen(home).proposals(SID)
    fields = form_fields(ed.get(f"/s/{SID}/edit").get_data(as_text=True))
    fields.update(place="Aozora City Hall", reason="place")
    assert ed.post(f"/s/{SID}/edit", data=fields).status_code == 302
    accepted = ed.post(f"/proposals/{proposal['id']}/accept", data={"csrf_token": token_of(ed)})
    assert accepted.status_code == 409
    assert Hatsugen(home).statement(SID)["place"] == "Aozora City Hall"
    assert len(Hatsugen(home).proposals(SID)) == 1  # still open, for a person to look at


def test_7_web_evidence_keeps_who_really_said_it(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    Cli(home).ok("verify", SID, "--status", "misattributed", "--evidence", FACT_CHECK["url"],
                 "--kind", "fact_check", "--actually-said-by", "seo-minjun")  # fmt: skip
    client = signed_in(web)
    form = {"csrf_token": token_of(client), "status": "misattributed",
            "evidence_url": "https://example.org/second", "evidence_kind": "press_report",
            "actually_said_by": ""}  # fmt: skip
    assert client.post(f"/s/{SID}/verify", data=form).status_code == 302
    attribution = Hatsugen(home).statement(SID)["attribution"]
    assert attribution["actually_said_by"] == {"speaker": "seo-minjun"}
    assert len(attribution["evidence"]) == 2
    # Saying so explicitly is how it changes.
    form.update(csrf_token=token_of(client), evidence_url="", actually_said_by="origin unknown")
    assert client.post(f"/s/{SID}/verify", data=form).status_code == 302
    attribution = Hatsugen(home).statement(SID)["attribution"]
    assert attribution["actually_said_by"] == {"origin": "unknown"}


def test_8_a_contributor_cannot_add_aliases_through_extraction(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    form = {"csrf_token": token_of(client), "count": "1", "keep_0": "1",
            "speaker_0": "水原愛子", "aliases_0": "@someone_else", "lang_0": "ja",
            "text_0": "港を開きます。"}  # fmt: skip
    before = archive_state(home)
    refused = client.post("/extract/save", data=form)
    assert refused.status_code == 403 and "editor" in refused.get_data(as_text=True)
    assert archive_state(home) == before
    ed = signed_in(web)
    saved = ed.post("/extract/save", data={**form, "csrf_token": token_of(ed)})
    assert saved.status_code == 200
    assert "@someone_else" in Hatsugen(home).speakers_by_id()["mizuhara-aiko"]["aliases"]


def test_the_readme_workflow_extract_review_import_correct_import_again(  # type: ignore[no-untyped-def]
    web, home: Path, tmp_path: Path
) -> None:
    run = Cli(home)
    article = tmp_path / "a.txt"
    article.write_text("“The harbour will reopen in the spring,” Aiko Mizuhara said on Monday.\n",
                       encoding="utf-8")  # fmt: skip
    candidates = json.loads(
        run.ok("extract", str(article), "--json", "--date", "2025-03-03").stdout
    )
    assert candidates and candidates[0]["speaker"]["id"] == MIZUHARA["id"]
    reviewed = tmp_path / "c.json"
    reviewed.write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    assert "1 added" in run.ok("import", str(reviewed)).stdout
    sid = next(r["id"] for r in run.json("search", "harbour")["results"])
    client = signed_in(web)
    fields = form_fields(client.get(f"/s/{sid}/edit").get_data(as_text=True))
    fields.update(text="The harbour will reopen in the summer.", reason="the video says summer")
    assert client.post(f"/s/{sid}/edit", data=fields).status_code == 302
    again = run.ok("import", str(reviewed))
    assert "superseded" in again.stderr
    assert Hatsugen(home).statement(sid)["text"] == "The harbour will reopen in the summer."


def test_the_doors_reach_the_archive_only_through_the_core() -> None:
    root = Path(__file__).resolve().parent.parent
    for folder in ("web", "cli"):
        for path in (root / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "archive.store" not in text, path
            assert ".store." not in text and ".store\n" not in text, path


def test_the_role_table_in_the_docs_is_the_one_the_core_uses() -> None:
    from hatsugen.rules import table_rows

    docs = (Path(__file__).resolve().parent.parent / "docs" / "web.md").read_text("utf-8")
    for action, least, what in table_rows():
        assert f"| `{action}` | {least} | {what} |" in docs, action


def test_3_on_the_command_line_a_short_name_names_the_candidate(home: Path) -> None:
    run = Cli(home)
    refused = run("add", "--speaker", "水原", "--lang", "ja", "--text", "港を開きます。")
    assert refused.exit_code == 2
    assert "'水原' is not the exact name of a speaker, but may mean 水原愛子 (mizuhara-aiko)" in (
        refused.stderr
    )
    assert run.json("stats")["statements"] == 2


def test_check_finds_a_phantom_made_before_and_merge_clears_it(home: Path, tmp_path: Path) -> None:
    run = Cli(home)
    assert run("check").exit_code == 0
    # An archive from before these rules: the short name became a speaker of its own.
    phantom = statement(id="short", speaker="水原", text="短い名前で記録された発言。")
    run.ok("import", str(write_jsonl(tmp_path / "p.jsonl", [phantom])), "--new-speakers")
    (short,) = set(Hatsugen(home).speakers_by_id()) - {"mizuhara-aiko", "seo-minjun"}
    found = run("check")
    assert found.exit_code == 1
    assert f"speaker {short} (水原) may be mizuhara-aiko" in found.stdout
    assert f"hatsugen speaker merge mizuhara-aiko {short}" in found.stdout
    assert json.loads(run("check", "--json").stdout)["phantom_speakers"] == [
        {"id": short, "name": "水原", "may_be": ["mizuhara-aiko"]}
    ]
    run.ok("speaker", "merge", "mizuhara-aiko", short, "--reason", "one person")
    assert run.ok("check").stdout.strip() == "index and store agree"
    assert Hatsugen(home).statement("short")["speaker"]["id"] == "mizuhara-aiko"
