"""Editing on the web and through the API: who may, CSRF, history, conflicts, retraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest
from hatsugen.web.app import create_app

from conftest import (
    ADMIN,
    CLEAN,
    PASSWORD,
    XSS,
    Cli,
    form_fields,
    signed_in,
    statement,
    token_of,
    write_jsonl,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(tmp_path / "s.jsonl", [statement()]))], actor=ADMIN)
    for name, role in (("ed", "editor"), ("cora", "contributor"), ("ada", "admin")):
        app.accounts.add(name, role, PASSWORD)
    app.close()
    return home


@pytest.fixture
def web(home: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


def test_sign_in_sets_a_safe_cookie_and_a_new_session_each_time(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    response = client.post("/login", data={"name": "ed", "password": PASSWORD,
                                           "csrf_token": token_of(client)})  # fmt: skip
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("hatsugen_session="))  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    first = cookie.split(";")[0]
    again = client.post("/login", data={"name": "ed", "password": PASSWORD,
                                         "csrf_token": token_of(client)})  # fmt: skip
    second = next(c for c in again.headers.getlist("Set-Cookie")
                  if c.startswith("hatsugen_session=")).split(";")[0]  # fmt: skip
    assert first != second
    assert "ed (editor)" in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token_of(client, "/")})
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_the_secret_key_is_kept_private_in_the_home(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600


def test_wrong_passwords_are_refused_then_slowed(web) -> None:  # type: ignore[no-untyped-def]
    from hatsugen.archive import accounts

    client = web.test_client()
    for _ in range(accounts.FREE_FAILURES["user"]):
        wrong = {"name": "cora", "password": "wrong password!", "csrf_token": token_of(client)}
        assert client.post("/login", data=wrong).status_code == 401
    slowed = client.post("/login", data={"name": "cora", "password": PASSWORD,
                                         "csrf_token": token_of(client)})  # fmt: skip
    assert slowed.status_code == 429 and "too many failed sign-ins" in slowed.get_data(as_text=True)
    assert 1 <= int(slowed.headers["Retry-After"]) <= accounts.MAX_DELAY_S


def test_forms_without_their_token_change_nothing(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web)
    before = Hatsugen(home).statement("mizuhara-2024-05-01")
    missing = client.post("/s/mizuhara-2024-05-01/retract", data={"reason": "x"})
    assert missing.status_code == 400 and "security token" in missing.get_data(as_text=True)
    cross_site = client.post("/s/mizuhara-2024-05-01/retract",
                             data={"reason": "x", "csrf_token": token_of(client, "/")},
                             headers={"Origin": "https://evil.example"})  # fmt: skip
    assert cross_site.status_code == 403
    assert Hatsugen(home).statement("mizuhara-2024-05-01") == before


def test_roles_decide_who_may_write(web) -> None:  # type: ignore[no-untyped-def]
    anonymous = web.test_client()
    assert anonymous.get("/add").status_code == 302  # to the sign-in page
    cora = signed_in(web, "cora")
    assert cora.get("/add").status_code == 200
    refused = cora.get("/s/mizuhara-2024-05-01/edit")
    assert refused.status_code == 403 and "needs the editor role" in refused.get_data(as_text=True)
    token = token_of(cora, "/")
    assert cora.post("/s/mizuhara-2024-05-01/retract",
                     data={"reason": "x", "csrf_token": token}).status_code == 403  # fmt: skip


def test_add_a_statement_with_a_new_speaker(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    response = client.post("/add", data={
        "csrf_token": token_of(client, "/add"), "speaker_name_ja": "森川蓮", "new_speaker": "1",
        "speaker_name_en": "Ren Morikawa", "speaker_reading": "もりかわ れん", "lang": "ja",
        "text": "港の再開を急ぎます。", "date": "2025-03", "kind": "remarks",
        "translation_0_lang": "en", "translation_0_text": "We will hurry to reopen the port.",
        "translation_0_by": "editor", "source_url": "https://example.org/port",
    })  # fmt: skip
    assert response.status_code == 302
    statement_id = response.headers["Location"].rsplit("/", 1)[1]
    record = Hatsugen(home).statement(statement_id)
    assert record["speaker"]["name"] == {"ja": "森川蓮", "en": "Ren Morikawa"}
    assert record["translations"][0]["by"] == "editor"
    assert Hatsugen(home).history(statement_id)[0]["by"] == "web (cora)"
    bad = client.post("/add", data={"csrf_token": token_of(client, "/add"), "speaker": "x",
                                    "lang": "ja", "text": "t", "date": "2025-13"})  # fmt: skip
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "has no month 13" in page and 'value="2025-13"' in page


def test_edit_needs_a_reason_keeps_history_and_can_be_reverted(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web)
    form = client.get("/s/mizuhara-2024-05-01/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in form and "青空市は新しい図書館を建設します。" in form
    data = {"csrf_token": token_of(client, "/s/mizuhara-2024-05-01/edit"), "version": "1",
            "speaker": "mizuhara-aiko", "lang": "ja", "text": "青空市は新しい公園を建設します。",
            "date": "2024-05-01", "kind": "remarks"}  # fmt: skip
    no_reason = client.post("/s/mizuhara-2024-05-01/edit", data=data)
    assert no_reason.status_code == 400 and "why" in no_reason.get_data(as_text=True)
    saved = client.post("/s/mizuhara-2024-05-01/edit", data={**data, "reason": "typo"})
    assert saved.status_code == 302
    app = Hatsugen(home)
    latest = app.history("mizuhara-2024-05-01")[-1]
    assert latest["by"] == "web (ed)" and latest["reason"] == "typo"
    diff = client.get("/s/mizuhara-2024-05-01/diff").get_data(as_text=True)
    assert "新しい<del>図書館</del><ins>公園</ins>を建設" in diff  # Japanese: by character
    reverted = client.post("/s/mizuhara-2024-05-01/revert", data={
        "csrf_token": token_of(client, "/"), "version": "1", "reason": "back"})  # fmt: skip
    assert reverted.status_code == 302
    assert app.statement("mizuhara-2024-05-01")["text"] == "青空市は新しい図書館を建設します。"
    assert [v["version"] for v in app.history("mizuhara-2024-05-01")] == [1, 2, 3]


def test_saving_over_a_newer_version_is_refused_with_both_shown(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = signed_in(web), signed_in(web, "ada")
    base = {"speaker": "mizuhara-aiko", "lang": "ja", "date": "2024-05-01", "version": "1"}
    mine = {**base, "csrf_token": token_of(first, "/"), "text": "一つ目の版。", "reason": "a"}
    one = first.post("/s/mizuhara-2024-05-01/edit", data=mine)
    assert one.status_code == 302
    theirs = {**base, "csrf_token": token_of(second, "/"), "text": "二つ目の版。", "reason": "b"}
    two = second.post("/s/mizuhara-2024-05-01/edit", data=theirs)
    page = two.get_data(as_text=True)
    assert two.status_code == 409 and "一つ目の版。" in page and "二つ目の版。" in page
    assert Hatsugen(home).statement("mizuhara-2024-05-01")["text"] == "一つ目の版。"


def test_retract_hides_from_search_but_the_permalink_answers(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web)
    assert client.get("/api/search?q=図書館").get_json()["total"] == 1
    client.post("/s/mizuhara-2024-05-01/retract",
                data={"csrf_token": token_of(client, "/"), "reason": "wrong speaker"})  # fmt: skip
    assert client.get("/api/search?q=図書館").get_json()["total"] == 0
    page = client.get("/s/mizuhara-2024-05-01").get_data(as_text=True)
    assert "Retracted" in page and "wrong speaker" in page
    assert client.get("/api/speakers/mizuhara-aiko").get_json()["total"] == 0
    client.post("/s/mizuhara-2024-05-01/restore",
                data={"csrf_token": token_of(client, "/"), "reason": "checked"})  # fmt: skip
    assert client.get("/api/search?q=図書館").get_json()["total"] == 1
    assert Hatsugen(home).check() == CLEAN


def test_verify_on_the_web(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web)
    bad = client.post("/s/mizuhara-2024-05-01/verify", data={
        "csrf_token": token_of(client, "/"), "status": "verified",
        "evidence_url": "javascript:alert(1)", "evidence_kind": "video"})  # fmt: skip
    assert bad.status_code == 400 and "attribution.evidence[0].url" in bad.get_data(as_text=True)
    good = client.post("/s/mizuhara-2024-05-01/verify", data={
        "csrf_token": token_of(client, "/"), "status": "verified",
        "evidence_url": "https://example.org/video", "evidence_kind": "video",
        "note": "council video"})  # fmt: skip
    assert good.status_code == 302
    attribution = Hatsugen(home).statement("mizuhara-2024-05-01")["attribution"]
    assert attribution["status"] == "verified"
    assert attribution["history"][0]["by"] == "web (ed)"


def test_stored_markup_in_edited_fields_stays_inert(web) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web)
    client.post("/s/mizuhara-2024-05-01/edit", data={
        "csrf_token": token_of(client, "/"), "version": "1", "speaker": "mizuhara-aiko",
        "lang": "ja", "text": XSS, "event": XSS, "notes": XSS, "reason": XSS})  # fmt: skip
    for path in ("/s/mizuhara-2024-05-01", "/s/mizuhara-2024-05-01/diff",
                 "/s/mizuhara-2024-05-01/edit", "/?q=alert"):  # fmt: skip
        assert XSS not in client.get(path).get_data(as_text=True), path


def test_read_only_servers_refuse_every_write(home: Path) -> None:
    web = create_app({"HATSUGEN_HOME": str(home), "TESTING": True, "READ_ONLY": True})
    client = web.test_client()
    assert client.get("/login").status_code == 403
    assert client.get("/add").status_code == 403
    assert "Sign in" not in client.get("/").get_data(as_text=True)


def test_api_writes_need_a_token_and_the_version(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    new = statement(id="api-1", text="API から追加します。")
    assert client.post("/api/statements", json=new).status_code == 401
    app = Hatsugen(home)
    _, contributor = app.accounts.create_token("cora")
    token_id, editor = app.accounts.create_token("ed")
    auth = {"Authorization": f"Bearer {contributor}"}
    created = client.post("/api/statements", json=new, headers=auth)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    assert created.get_json()["history"][0]["by"] == "api (cora)"
    assert client.patch("/api/statements/api-1", json={"reason": "x"},
                        headers={**auth, "If-Match": '"1"'}).status_code == 403  # fmt: skip
    auth = {"Authorization": f"Bearer {editor}"}
    assert client.patch("/api/statements/api-1", json={"notes": "n", "reason": "x"},
                        headers=auth).status_code == 428  # fmt: skip
    ok = client.patch("/api/statements/api-1", json={"notes": "checked", "reason": "note"},
                      headers={**auth, "If-Match": '"1"'})  # fmt: skip
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    stale = client.patch("/api/statements/api-1", json={"notes": "late", "reason": "x"},
                         headers={**auth, "If-Match": '"1"'})  # fmt: skip
    assert stale.status_code == 412 and stale.get_json()["current_version"] == 2
    verdict = client.post("/api/statements/api-1/attribution", headers=auth, json={
        "status": "disputed", "evidence": {"url": "https://example.org/r",
                                           "kind": "press_report"}})  # fmt: skip
    assert verdict.status_code == 200
    assert verdict.get_json()["statement"]["attribution"]["status"] == "disputed"
    app.accounts.revoke_token(token_id)
    assert client.post("/api/statements/api-1/retract", json={"reason": "x"},
                       headers=auth).status_code == 401  # fmt: skip


def test_user_and_token_commands(run: Cli) -> None:
    result = run("user", "add", "nao", "--role", "editor", "--password-stdin",
                 input=PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nao\teditor" in run.ok("user", "list").stdout
    short = run("user", "add", "bo", "--role", "editor", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.stderr
    token = run.ok("token", "create", "nao", "--label", "ci").stdout.strip()
    assert token.startswith("hat_") and token not in run.ok("token", "list").stdout
    run.ok("token", "revoke", "1")
    assert "revoked" in run.ok("token", "list").stdout
    run.ok("user", "disable", "nao")
    assert "(disabled)" in run.ok("user", "list").stdout
    assert "sign in as editor with password" in run.ok("user", "demo-editor").stdout


def test_review_extracted_quotes_and_save_them_in_one_go(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    article = (
        "“The harbour will reopen in the spring,” Aiko Mizuhara said on Monday.\n"
        "“We were not consulted,” said Kenji Takanashi, a fisherman.\n"
        "青空市は新しい図書館を建設します。\n"
    )
    anonymous = web.test_client().post("/extract", data={"text": article})
    assert "Save the ticked candidates" not in anonymous.get_data(as_text=True)
    client = signed_in(web, "cora")
    page = client.post("/extract", data={"text": article, "source_url": "https://example.org/a"})
    html = page.get_data(as_text=True)
    assert "Save the ticked candidates" in html and 'name="keep_0"' in html
    form = {
        "csrf_token": token_of(client, "/"), "count": "2", "source_url": "https://example.org/a",
        "keep_0": "1", "speaker_0": "mizuhara-aiko", "lang_0": "en", "kind_0": "remarks",
        "wording_0": "press_translation", "date_0": "2025-03-03",
        "text_0": "The harbour will reopen in the spring.",
        "speaker_1": "Kenji Takanashi", "lang_1": "en", "text_1": "We were not consulted.",
    }  # fmt: skip
    saved = client.post("/extract/save", data=form)
    assert saved.status_code == 200 and "1 added" in saved.get_data(as_text=True)
    app = Hatsugen(home)
    found = app.search(SearchRequest(q="harbour"))["results"]
    assert len(found) == 1 and found[0]["wording"] == "press_translation"
    assert found[0]["source"] == {"url": "https://example.org/a"}
    assert app.history(found[0]["id"])[0]["by"] == "web (cora)"
    again = client.post("/extract/save", data={**form, "csrf_token": token_of(client, "/")})
    assert "0 added" in again.get_data(as_text=True)  # saving twice adds nothing
    assert app.store.count() == 2


def test_merge_two_speakers_and_undo_it(web, home: Path, run: Cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run.home = home
    twin = statement(id="twin", speaker={"id": "a-mizuhara", "name": {"en": "A. Mizuhara"}},
                     text="二人目として記録された発言。")  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "t.jsonl", [twin])))
    client = signed_in(web)
    merge = {"csrf_token": token_of(client, "/"), "merged": "A. Mizuhara", "reason": "same"}
    page = client.post("/speakers/mizuhara-aiko/merge", data=merge)
    assert page.status_code == 302
    app = Hatsugen(home)
    assert app.statement("twin")["speaker"]["id"] == "mizuhara-aiko"
    assert "A. Mizuhara" in app.store.get_speaker("mizuhara-aiko")["aliases"]
    assert app.store.find_speaker_ids("A. Mizuhara") == ["mizuhara-aiko"]
    assert app.history("twin")[-1]["reason"] == "merged a-mizuhara into mizuhara-aiko: same"
    assert "merged into" in client.get("/speakers/a-mizuhara").get_data(as_text=True)
    found = client.get("/api/search?q=二人目&speaker=mizuhara-aiko").get_json()
    assert [r["id"] for r in found["results"]] == ["twin"]
    client.post("/speakers/a-mizuhara/unmerge",
                data={"csrf_token": token_of(client, "/"), "reason": "not the same"})  # fmt: skip
    assert app.statement("twin")["speaker"]["id"] == "a-mizuhara"
    assert "A. Mizuhara" not in app.store.get_speaker("mizuhara-aiko").get("aliases", [])
    assert app.store.find_speaker_ids("A. Mizuhara") == ["a-mizuhara"]
    assert app.check() == CLEAN
    cli_merge = run("speaker", "merge", "mizuhara-aiko", "a-mizuhara", "--reason", "again")
    assert cli_merge.exit_code == 0 and "undo with" in cli_merge.stdout
    assert run("speaker", "merge", "mizuhara-aiko", "nobody", "--reason", "x").exit_code == 2


def test_a_contributor_proposes_and_an_editor_accepts_or_rejects(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    cora = signed_in(web, "cora")
    assert "Propose a correction" in cora.get("/s/mizuhara-2024-05-01").get_data(as_text=True)
    form = {"csrf_token": token_of(cora, "/"), "speaker": "mizuhara-aiko", "lang": "ja",
            "text": "青空市は新しい図書館を二つ建設します。", "date": "2024-05-01",
            "reason": "the minutes say two", "version": "1"}  # fmt: skip
    assert cora.post("/s/mizuhara-2024-05-01/propose", data=form).status_code == 302
    app = Hatsugen(home)
    assert app.statement("mizuhara-2024-05-01")["text"] == "青空市は新しい図書館を建設します。"
    ed = signed_in(web)
    page = ed.get("/s/mizuhara-2024-05-01").get_data(as_text=True)
    assert "Proposed corrections" in page and "<ins>二つ</ins>" in page
    (proposal,) = app.proposals("mizuhara-2024-05-01")
    accepted = ed.post(f"/proposals/{proposal['id']}/accept",
                       data={"csrf_token": token_of(ed, "/")})  # fmt: skip
    assert accepted.status_code == 302
    assert app.statement("mizuhara-2024-05-01")["text"] == "青空市は新しい図書館を二つ建設します。"
    latest = app.history("mizuhara-2024-05-01")[-1]
    assert latest["by"] == "web (ed), proposed by web (cora)"
    assert latest["reason"] == "the minutes say two"
    stale = {**form, "csrf_token": token_of(cora, "/"), "text": "古い版への提案。", "reason": "r"}
    assert cora.post("/s/mizuhara-2024-05-01/propose", data=stale).status_code == 409
    assert app.proposals("mizuhara-2024-05-01") == []  # made on version 1: nothing kept
    cora.post("/s/mizuhara-2024-05-01/propose", data={**stale, "version": "2"})
    (second,) = app.proposals("mizuhara-2024-05-01")
    no = {"csrf_token": token_of(ed, "/"), "reason": "not in the minutes"}
    rejected = ed.post(f"/proposals/{second['id']}/reject", data=no)
    assert rejected.status_code == 302 and app.proposals("mizuhara-2024-05-01") == []
    assert cora.post(f"/proposals/{second['id']}/accept",
                     data={"csrf_token": token_of(cora, "/")}).status_code == 403  # fmt: skip


def test_bilingual_fields_edit_on_one_line_each(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    app = Hatsugen(home)
    record = app.statement("mizuhara-2024-05-01")
    record.update(role={"ja": "青空市長", "en": "Mayor of Aozora City"},
                  topics=[{"ja": "図書館", "en": "libraries"}, "culture"])  # fmt: skip
    app.edit(record, actor=ADMIN, reason="bilingual")
    client = signed_in(web)
    page = client.get("/s/mizuhara-2024-05-01/edit").get_data(as_text=True)
    fields = form_fields(page)
    assert fields["role"] == "青空市長 | Mayor of Aozora City"
    assert fields["topics"] == "図書館 | libraries, culture"
    assert fields["event"] == "City council meeting"
    # saving an untouched form changes nothing: plain strings stay plain, objects stay objects
    fields["reason"] = "no change"
    before = app.statement("mizuhara-2024-05-01")
    assert client.post("/s/mizuhara-2024-05-01/edit", data=fields).status_code == 302
    assert Hatsugen(home).statement("mizuhara-2024-05-01") == before
    # a Japanese version added to the event on the same line
    fields["event"] = "市議会 | City council meeting"  # (an unchanged save makes no version)
    saved = client.post("/s/mizuhara-2024-05-01/edit", data=fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert Hatsugen(home).statement("mizuhara-2024-05-01")["event"] == {
        "ja": "市議会", "en": "City council meeting"}  # fmt: skip
    # two versions in one language: refused, the form kept as typed, nothing saved
    fields.update(place="青空 | 青空市", version=str(Hatsugen(home).store.meta(
        "mizuhara-2024-05-01")["version"]))  # fmt: skip
    bad = client.post("/s/mizuhara-2024-05-01/edit", data=fields)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "place" in text and "two versions read as" in text
    assert 'value="青空 | 青空市"' in text
    assert Hatsugen(home).statement("mizuhara-2024-05-01")["place"] == "Aozora"


def test_a_japanese_editor_reads_what_is_wrong_in_japanese(web) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    client.get("/?ui=ja")  # the interface language is remembered in a cookie
    base = {"csrf_token": token_of(client, "/add"), "speaker": "x", "lang": "ja", "text": "t"}
    page = client.post("/add", data={**base, "date": "2025-13"}).get_data(as_text=True)
    assert "日付（date）：2025-13: 13月はありません" in page
    assert 'value="2025-13"' in page  # what was typed is kept
    page = client.post("/add", data={**base, "place": "東京 | 江戸"}).get_data(as_text=True)
    assert "場所（place）：" in page and "どちらも ja と読めます" in page
    page = client.post("/add", data={**base, "lang": "日本語"}).get_data(as_text=True)
    assert "テキストの言語（lang）：" in page and "は言語コードではありません" in page
    english = signed_in(web, "cora")
    english.get("/?ui=en")
    page = english.post("/add", data={**base, "csrf_token": token_of(english, "/add"),
                                      "date": "2025-13"}).get_data(as_text=True)  # fmt: skip
    assert "field &#39;date&#39;: &#39;2025-13&#39; has no month 13" in page


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2025年8月23日", "2025-08-23"),
        ("2025/8/23", "2025-08-23"),
        ("令和7年8月23日", "2025-08-23"),
        ("２０２５年８月", "2025-08"),
    ],
)
def test_the_forms_read_dates_as_people_type_them(web, home: Path, typed: str, stored: str) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    response = client.post("/add", data={
        "csrf_token": token_of(client, "/add"), "speaker": "mizuhara-aiko", "lang": "ja",
        "text": f"{typed}の発言です。", "date": typed, "source_url": "https://example.org/d",
        "source_date": typed,
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    record = Hatsugen(home).statement(response.headers["Location"].rsplit("/", 1)[1])
    assert record["date"] == stored and record["source"]["date"] == stored


def test_a_refused_date_in_japanese_suggests_forms_the_form_reads(web) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "cora")
    bad = client.post("/add?ui=ja", data={"csrf_token": token_of(client, "/add"),
                                          "speaker": "mizuhara-aiko", "lang": "ja", "text": "t",
                                          "date": "八月の終わり"})  # fmt: skip
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "令和7年8月23日のように入力してください" in page
    for suggested in ("2025年8月23日", "2025/08/23", "令和7年8月23日"):
        form = {"csrf_token": token_of(client, "/add"), "speaker": "mizuhara-aiko",
                "lang": "ja", "text": f"提案どおり{suggested}", "date": suggested}  # fmt: skip
        ok = client.post("/add", data=form)
        assert ok.status_code == 302, suggested
