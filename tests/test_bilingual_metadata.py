"""Bilingual metadata: role, event, place, topics and source titles in Japanese and English.

A Japanese reader searches 首脳会談 and 外交 where an English one searches summit and
diplomacy; each sees the interface's language, and nothing typed in one language is lost.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatsugen.archive.localized import from_line, pick, to_line
from hatsugen.citations import citation, csv_row
from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest
from hatsugen.web.app import create_app

from conftest import ADMIN, Cli, statement, write_jsonl

SUMMIT = {"ja": "青空首脳会談", "en": "Aozora summit"}
BILINGUAL = statement(
    id="bilingual",
    role={"ja": "青空市長", "en": "Mayor of Aozora City"},
    event=SUMMIT,
    place={"ja": "青空港", "en": "Aozora Harbour"},
    topics=[{"ja": "外交", "en": "diplomacy"}, "ports"],
    source={
        "url": "https://example.org/aozora/2",
        "title": {"ja": "青空週報", "en": "Aozora Weekly"},
    },
    text="港の再開発を進めます。",
    translations=[{"lang": "en", "text": "We will redevelop the port.", "by": "editor"}],
)
PLAIN = statement(id="plain", text="図書館を建てます。", event="Library opening",
                  translations=None)  # fmt: skip


@pytest.fixture
def app(tmp_path: Path) -> Hatsugen:
    app = Hatsugen(tmp_path / "home")
    app.import_files([str(write_jsonl(tmp_path / "s.jsonl", [BILINGUAL, PLAIN]))], actor=ADMIN)
    return app


def ids(app: Hatsugen, q: str = "", **filters: str) -> set[str]:
    return {r["id"] for r in app.search(SearchRequest(q=q, **filters))["results"]}


def test_metadata_is_found_in_either_language(app: Hatsugen) -> None:
    for q in ("首脳会談", "summit", "外交", "diplomacy", "青空港", "harbor"):
        assert ids(app, q) == {"bilingual"}, q
    # the plain statement's role, "Mayor of Aozora City", joined the speaker's bilingual one
    assert ids(app, "市長") == {"bilingual", "plain"}
    # as a topic filter too, by any of the topic's languages
    assert ids(app, topic="外交") == ids(app, topic="Diplomacy") == {"bilingual"}
    assert ids(app, topic="ports") == {"bilingual"}
    card = app.search(SearchRequest(q="首脳会談"))["results"][0]
    assert card["matched_in"] == ["meta"]
    assert "<mark>首脳会談</mark>" in card["highlights"]["meta"]["event"]


def test_the_store_keeps_both_languages(app: Hatsugen) -> None:
    stored = app.statement("bilingual")
    assert stored["event"] == SUMMIT and stored["topics"][0] == {"ja": "外交", "en": "diplomacy"}
    assert app.statement("plain")["event"] == "Library opening"  # plain strings stay plain


def test_a_bad_bilingual_value_names_its_field(tmp_path: Path) -> None:
    run = Cli(tmp_path / "home")
    good = statement(id="good", text="良い。")
    bad = write_jsonl(tmp_path / "bad.jsonl", [good, statement(topics=["ok", {"ja": ""}])])
    result = run("import", str(bad))
    assert result.exit_code != 0
    assert "line 2" in result.output and "topics[1].ja" in result.output
    assert "must not be empty" in result.output
    result = run("import", str(write_jsonl(tmp_path / "bad2.jsonl", [statement(event=["x"])])))
    assert result.exit_code != 0 and "'event'" in result.output
    assert Hatsugen(tmp_path / "home").store.count() == 0  # the good line was not kept either


def test_each_reader_sees_their_language_and_the_statement_page_shows_both(app: Hatsugen) -> None:
    client = create_app({"HATSUGEN_HOME": str(app.home), "TESTING": True}).test_client()
    ja = client.get("/?q=港&ui=ja").get_data(as_text=True)
    assert '<span class="role" lang="ja">青空市長</span>' in ja
    en = client.get("/?q=port&ui=en").get_data(as_text=True)
    assert '<span class="role" lang="en">Mayor of Aozora City</span>' in en
    page = client.get("/s/bilingual?ui=ja").get_data(as_text=True)
    assert (
        '<span lang="ja">青空首脳会談</span> <span class="native" lang="en">(Aozora summit)</span>'
        in page
    )
    assert 'href="/?topic=%E5%A4%96%E4%BA%A4"' in page  # the topic link in the reader's language
    assert '<span lang="ja">青空週報</span>' in page
    english = client.get("/s/bilingual?ui=en").get_data(as_text=True)
    assert (
        '<span lang="en">Aozora summit</span> <span class="native" lang="ja">(青空首脳会談)</span>'
        in english
    )


def test_citations_pick_their_language_and_csv_keeps_both() -> None:
    record = {**BILINGUAL, "speaker": BILINGUAL["speaker"]}
    assert "青空週報" in citation(record, ui="ja") and "Aozora Weekly" not in citation(
        record, ui="ja"
    )
    assert "Aozora Weekly" in citation(record, ui="en") and "青空週報" not in citation(
        record, ui="en"
    )
    out = io.StringIO()
    csv.writer(out).writerow(csv_row(record))
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert "青空首脳会談 / Aozora summit" in row and "外交 / diplomacy; ports" in row


def test_the_cli_writes_and_shows_both(tmp_path: Path) -> None:
    run = Cli(tmp_path / "home")
    sid = run.ok("add", "--speaker", "Aiko Mizuhara", "--new-speaker", "--lang", "ja",
                 "--text", "協力します。",
                 "--event", "青空首脳会談 | Aozora summit", "--topic", "外交 | diplomacy",
                 "--topic", "ports").stdout.strip()  # fmt: skip
    record = json.loads(run.ok("show", sid, "--json").stdout)
    assert record["event"] == SUMMIT
    assert record["topics"] == [{"ja": "外交", "en": "diplomacy"}, "ports"]
    shown = run.ok("show", sid).stdout
    assert "Event: 青空首脳会談 / Aozora summit" in shown
    bad = run("add", "--speaker", "x", "--lang", "ja", "--text", "t", "--place", "東京 | 江戸")
    assert bad.exit_code != 0 and "bad --place" in bad.output and "'ja'" in bad.output


def test_roles_in_a_new_language_are_kept_and_later_wordings_join_them(tmp_path: Path) -> None:
    app = Hatsugen(tmp_path / "home")
    rows = [statement(id="r1", role="Mayor of Aozora City", text="一。", date="2024-01-01"),
            statement(id="r2", role={"ja": "青空市長", "en": "Aozora City Mayor"}, text="二。",
                      date="2024-02-01"),
            statement(id="r3", role="Aozora City mayor", text="三。",
                      date="2024-03-01")]  # fmt: skip
    app.import_files([str(write_jsonl(tmp_path / "r.jsonl", rows))], actor=ADMIN)
    assert app.statement("r1")["role"] == "Mayor of Aozora City"
    # not mapped onto the English-only wording: that would lose 青空市長
    assert app.statement("r2")["role"] == {"ja": "青空市長", "en": "Aozora City Mayor"}
    # a later English wording joins the bilingual one
    assert app.statement("r3")["role"] == {"ja": "青空市長", "en": "Aozora City Mayor"}


def test_an_event_named_in_another_language_is_the_same_occasion(tmp_path: Path) -> None:
    app = Hatsugen(tmp_path / "home")
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", [BILINGUAL]))], actor=ADMIN)
    again = {**BILINGUAL, "id": "again", "event": "Aozora Summit"}
    report = app.import_files([str(write_jsonl(tmp_path / "b.jsonl", [again]))], actor=ADMIN)
    assert len(report.duplicates) == 1 and not report.added
    elsewhere = {**BILINGUAL, "id": "elsewhere", "event": {"ja": "別の会議"}}
    report = app.import_files([str(write_jsonl(tmp_path / "c.jsonl", [elsewhere]))], actor=ADMIN)
    assert report.added == ["elsewhere"]


def test_pick_prefers_the_reader_then_english_then_japanese() -> None:
    assert pick({"ja": "外交", "en": "diplomacy"}, "ja").text == "外交"
    assert pick({"ja": "外交", "en": "diplomacy"}, "ko") == ("diplomacy", "en")
    assert pick({"ko": "외교", "ja": "外交"}, "fr") == ("外交", "ja")
    assert pick({"en-GB": "diplomacy"}, "en") == ("diplomacy", "en-GB")
    assert pick("外交", "en") == ("外交", "ja")  # a plain string, its language by its script


def test_form_lines_read_back_what_they_wrote() -> None:
    assert from_line("青空首脳会談 | Aozora summit") == SUMMIT
    assert from_line("Aozora summit | 青空首脳会談") == {
        "en": "Aozora summit",
        "ja": "青空首脳会談",
    }
    assert from_line("[fr] sommet | summit") == {"fr": "sommet", "en": "summit"}
    assert from_line(" summit ") == "summit"  # one unmarked version stays a plain string
    assert from_line("[en] summit") == {"en": "summit"}
    assert from_line(" | ") is None
    with pytest.raises(ValueError, match="two versions read as 'en'"):
        from_line("summit | meeting")


_TEXT = st.text(st.characters(blacklist_characters="|[]", blacklist_categories=("Cs", "Cc")),
                min_size=1).map(str.strip).filter(bool)  # fmt: skip
_VALUES = st.one_of(_TEXT, st.dictionaries(st.sampled_from(["ja", "en", "ko", "fr", "zh-Hant"]),
                                           _TEXT, min_size=1))  # fmt: skip


@given(_VALUES)
def test_every_value_survives_a_form_round_trip(value: object) -> None:
    assert from_line(to_line(value)) == value  # type: ignore[arg-type]
