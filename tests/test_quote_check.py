"""Quote check (issue 28): where a circulating quote comes from, cut, spliced or altered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.archive.options import ImportOptions
from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import ADMIN, PASSWORD, Cli, form_fields, signed_in, token_of, write_jsonl

VALE = {"id": "vale-ada", "name": {"en": "Ada Vale"}}
KIRI = {"id": "kirishima-hana", "name": {"ja": "霧島花", "en": "Hana Kirishima"}}
ORO = {"id": "oro-ren", "name": {"en": "Ren Oro"}}

HARBOUR = (
    "We will not raise the harbour fee this year. The council has heard the fishermen at "
    "every meeting since the storm. Next spring we will look again at every cost, and we "
    "will publish what we find."
)
PORT_JA = (
    "港の使用料は今年は上げません。漁業者の声を聞きました。"
    "来年の春、すべての費用を見直して、結果を公表します。"
)
VALE_JA = "今年は港湾使用料を引き上げません。議会は嵐以来、会合のたびに漁業者の声を聞いてきました。"
PORT_EN = (
    "We will not raise the port fee this year. We have listened to the fishers. Next spring "
    "we will review every cost and publish the results."
)
RECORDS = [
    {"id": "vale-1", "speaker": VALE, "date": "2025-03-01", "kind": "remarks", "lang": "en",
     "text": HARBOUR, "source": {"url": "https://example.org/vale"},
     "translations": [{"lang": "ja", "by": "editor",
                       "text": VALE_JA}]},
    {"id": "kiri-1", "speaker": KIRI, "date": "2025-04-01", "kind": "post", "lang": "ja",
     "text": PORT_JA, "source": {"url": "https://example.org/kiri"},
     "translations": [{"lang": "en", "text": PORT_EN, "by": "editor"}]},
    {"id": "kiri-2", "speaker": KIRI, "date": "2025-06-01", "kind": "remarks", "lang": "ja",
     "text": "市の予算の四分の一を港の修繕に使います。櫻田橋も直します。",
     "source": {"url": "https://example.org/kiri2"}},
    {"id": "oro-1", "speaker": ORO, "date": "2025-05-01", "kind": "remarks", "lang": "en",
     "text": "Every child in the valley deserves a library within walking distance.",
     "source": {"url": "https://example.org/oro"},
     "attribution": {"status": "misattributed", "actually_said_by": {"speaker": "vale-ada"},
                     "evidence": [{"url": "https://example.org/factcheck", "kind": "fact_check"}]}},
]  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("qc") / "home"
    app = Hatsugen(home)
    path = write_jsonl(home.parent / "records.jsonl", RECORDS)
    app.import_files([str(path)], actor=ADMIN, options=ImportOptions(create_unknown_speakers=True))
    app.accounts.add("ed", "editor", PASSWORD)
    app.close()
    return home


@pytest.fixture(scope="module")
def app(archive: Path) -> Hatsugen:
    return Hatsugen(archive)


def first(app: Hatsugen, quote: str, speaker: str | None = None) -> dict:
    return app.check_quote(quote, speaker)["matches"][0]


def changes(match: dict) -> list[tuple[str, str, str]]:
    return [(p["kind"], p["source"], p["quote"]) for p in match["pieces"] if p["kind"] != "same"]


def test_the_whole_statement_is_verbatim_and_one_sentence_an_excerpt(app: Hatsugen) -> None:
    whole = first(app, HARBOUR)
    assert (whole["id"], whole["verdict"], whole["via"]) == ("vale-1", "verbatim", "text")
    part = first(app, "The council has heard the fishermen at every meeting since the storm.")
    assert (part["id"], part["verdict"]) == ("vale-1", "excerpt")
    assert part["context"]["before"] == "We will not raise the harbour fee this year."
    assert part["context"]["after"].startswith("Next spring")


def test_normalisation_is_never_reported_as_a_change(app: Hatsugen) -> None:
    # quote marks, US spelling, closing punctuation, full-width letters
    for quote in ("“We will not raise the harbor fee this year”",
                  "ＷＥ ＷＩＬＬ not raise the harbour fee this year!",
                  "「港の使用料は今年は上げません」"):  # fmt: skip
        match = first(app, quote)
        assert match["verdict"] == "excerpt", (quote, changes(match))
        assert changes(match) == []
    # numerals and itaiji as search folds them: 四分の一 = 4分の1, 櫻田 = 桜田
    match = first(app, "「市の予算の4分の1を港の修繕に使います。桜田橋も直します。」")
    assert (match["id"], match["verdict"], changes(match)) == ("kiri-2", "verbatim", [])


def test_a_splice_shows_what_stood_between_the_parts(app: Hatsugen) -> None:
    match = first(
        app, "We will not raise the harbour fee this year, and we will publish what we find"
    )
    assert (match["id"], match["verdict"]) == ("vale-1", "spliced")
    (gap,) = [p for p in match["pieces"] if p["kind"] == "gap"]
    assert gap["source"].startswith("The council has heard the fishermen")
    marked = first(
        app, "We will not raise the harbour fee this year … and we will publish what we find"
    )
    assert (marked["verdict"], marked["omission_marked"]) == ("excerpt", True)


def test_an_altered_quote_lists_each_change(app: Hatsugen) -> None:
    match = first(app, "We will raise the harbour fee this year")
    assert (match["id"], match["verdict"]) == ("vale-1", "altered")
    assert changes(match) == [("removed", "not", "")]
    replaced = first(app, "Next spring we will cut every cost, and we will publish what we find")
    assert ("replaced", "look again at", "cut") in changes(replaced)
    ja = first(app, "港の使用料は今年も上げません")
    assert ja["verdict"] == "altered" and ("replaced", "は", "も") in changes(ja)


def test_translations_find_the_original_both_ways(app: Hatsugen) -> None:
    en = first(app, "We have listened to the fishers.")
    assert (en["id"], en["via"], en["lang"], en["verdict"]) == (
        "kiri-1",
        "translation",
        "en",
        "excerpt",
    )
    ja = first(app, "今年は港湾使用料を引き上げません")
    assert (ja["id"], ja["via"], ja["lang"]) == ("vale-1", "translation", "ja")


def test_a_claimed_speaker_is_confirmed_or_the_real_one_named(app: Hatsugen) -> None:
    assert first(app, "We have listened to the fishers", "霧島花")["speaker_matches"] is True
    wrong = first(app, "We have listened to the fishers", "Ada Vale")
    assert wrong["speaker_matches"] is False and wrong["speaker"]["id"] == "kirishima-hana"
    assert first(app, "We have listened to the fishers")["speaker_matches"] is None


def test_a_quote_recorded_as_misattributed_says_so(run_cli: Cli) -> None:
    shown = run_cli.ok("check-quote", "Every child in the valley deserves a library",
                       "--speaker", "Ren Oro").stdout  # fmt: skip
    assert shown.index("MISATTRIBUTED") < shown.index("oro-1")


def test_not_in_the_archive_is_an_answer(app: Hatsugen) -> None:
    result = app.check_quote("The moon landing programme will be cancelled next week")
    assert result["matches"] == []
    # a few shared common words are not a source
    assert app.check_quote("We will look at the weather tomorrow in the valley")["matches"] == []


@pytest.fixture
def run_cli(archive: Path) -> Cli:
    return Cli(archive)


@pytest.fixture
def web(archive: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(archive), "TESTING": True})


SPLICE = "We will not raise the harbour fee this year, and we will publish what we find"


def test_page_api_and_cli_give_the_same_verdicts(web, run_cli: Cli) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    for quote in (
        SPLICE,
        "We will raise the harbour fee this year",
        "「港の使用料は今年は上げません」",
    ):
        api = client.post("/api/check-quote", json={"quote": quote}).get_json()
        cli = json.loads(run_cli.ok("check-quote", quote, "--json").stdout)
        page = client.get("/check", query_string={"quote": quote}).get_data(as_text=True)
        assert [m["verdict"] for m in api["matches"]] == [m["verdict"] for m in cli["matches"]]
        assert f"verdict-{api['matches'][0]['verdict']}" in page
    page = client.get("/check", query_string={"quote": SPLICE}).get_data(as_text=True)
    assert "Cut out here, with nothing to show it" in page and "The council has heard" in page


def test_bad_and_hostile_quotes_are_a_400_and_markup_is_text(web, run_cli: Cli) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    huge = client.post("/api/check-quote", json={"quote": "word " * 20_000})
    assert huge.status_code == 400 and "longer than" in huge.get_json()["error"]
    assert client.post("/api/check-quote", json={"text": "x"}).status_code == 400
    assert client.post("/api/check-quote", json={"quote": "…"}).status_code == 400
    page = client.get("/check", query_string={"quote": "<script>alert(1)</script> harbour fee"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.get_data(as_text=True)
    assert client.get("/check", query_string={"quote": "x" * 3000}).status_code == 400
    assert run_cli("check-quote", "…").exit_code != 0


def test_an_editor_saves_a_check_as_fact_check_evidence(web, app: Hatsugen) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "ed")
    page = client.get("/check", query_string={"quote": SPLICE}).get_data(as_text=True)
    assert "Save this check as evidence" in page
    assert "Save this check as evidence" not in web.test_client().get(
        "/check", query_string={"quote": SPLICE}).get_data(as_text=True)  # fmt: skip
    form = page[page.index('class="save-check"') - 200 :]
    fields = form_fields(form[: form.index("</form>") + 7])
    response = client.post(
        "/s/vale-1/verify", data={**fields, "csrf_token": token_of(client, "/check")}
    )
    assert response.status_code == 302
    statement = client.get("/s/vale-1").get_data(as_text=True)
    evidence = Hatsugen(app.home).record("vale-1")["attribution"]["evidence"]
    assert evidence[-1]["kind"] == "fact_check" and "/check?quote=" in evidence[-1]["url"]
    assert "spliced" in evidence[-1]["note"].lower() or "Spliced" in evidence[-1]["note"]
    assert "/check?quote=" in statement
