"""Rough edges found on real data, each as a daily user meets it: names typed as they are
read, words mistyped, errors and times in the interface's language, feeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hatsugen.archive.errors import RecordError
from hatsugen.archive.records import validate
from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app
from hatsugen.web.i18n import Translator

from conftest import ADMIN, SEO, TAKANASHI, statement, write_jsonl


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("daily")
    records = [
        statement(),  # 水原愛子 (みずはら あいこ): 青空市は新しい図書館を建設します / a new library
        statement(id="t-1", speaker=dict(TAKANASHI, reading="たかなし けんじ"),
                  text="議会で審議します。", translations=[]),
        statement(id="s-1", speaker=SEO, lang="ko", text="항구를 짓겠습니다.", translations=[]),
    ]  # fmt: skip
    app = Hatsugen(folder / "home")
    app.import_files([str(write_jsonl(folder / "s.jsonl", records))], actor=ADMIN)
    app.close()
    return create_app({"HATSUGEN_HOME": str(folder / "home"), "TESTING": True})


@pytest.mark.parametrize("typed", ["みずはらあいこ", "ミズハラ", "みずはら", "mizuhara aiko"])
def test_a_reading_or_romanised_name_in_the_query_finds_the_speaker(web, typed: str) -> None:  # type: ignore[no-untyped-def]
    result = web.test_client().get("/api/search", query_string={"q": typed}).get_json()
    assert [r["id"] for r in result["results"]] == ["mizuhara-2024-05-01"], typed
    page = web.test_client().get("/", query_string={"q": typed}).get_data(as_text=True)
    if result["speakers_named"]:  # found through the name, not the words: said so
        assert result["speakers_named"] == ["mizuhara-aiko"]
        assert "these are the statements of Aiko Mizuhara" in page


def test_a_query_that_is_words_is_never_widened_to_a_speaker(web) -> None:  # type: ignore[no-untyped-def]
    result = web.test_client().get("/api/search?q=議会 みずはら").get_json()
    assert result["total"] == 0 and result["speakers_named"] == []


def test_a_mistyped_word_gets_a_did_you_mean_from_the_archive(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    page = client.get("/?q=libary").get_data(as_text=True)
    total = web.test_client().get("/api/search?q=library").get_json()["total"]
    assert f"Did you mean “library”? ({total})" in page and total
    assert 'href="/?q=library"' in page
    assert "Did you mean “mizuhara”" in client.get("/?q=Mizuhraa").get_data(as_text=True)
    ja = client.get("/?q=libary&ui=ja").get_data(as_text=True)
    assert f"もしかして「library」？（{total}件）" in ja
    assert "Did you mean" not in client.get("/?q=zzzzqqq").get_data(as_text=True)


def test_several_speakers_are_chosen_on_the_page_by_any_name(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    page = client.get("/").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]+)" label="([^"]*)">', page)
    labels = dict(options)
    assert (
        "みずはら あいこ" in labels["mizuhara-aiko"] and "Aiko Mizuhara" in labels["mizuhara-aiko"]
    )
    assert re.search(r'<input name="speaker" id="f-speaker" list="speaker-list"', page)
    both = client.get("/?speaker=みずはら&speaker=高梨健二").get_data(as_text=True)
    assert both.count('class="chip"') == 2 and "2 statements" in both
    chip = re.search(r'<span class="chip"><input type="hidden" name="speaker" value="みずはら">'
                     r'[^<]*<a href="([^"]+)"', both)  # fmt: skip
    assert chip and "speaker=" in chip[1] and "%E3%81%BF" not in chip[1]  # removes that one


BAD = [
    {"lang": "ja", "text": "t"},
    {"speaker": "a", "lang": "xx1", "text": "t"},
    {"speaker": "a", "lang": "ja", "text": "t", "date": "2025-13"},
    {"speaker": "a", "lang": "ja", "text": "t", "kind": "chat"},
    {"speaker": "a", "lang": "ja", "text": "t", "bogus": 1},
    {"speaker": {"name": {"ja": "x"}, "wikidata": "P1"}, "lang": "ja", "text": "t"},
    {"speaker": "a", "lang": "ja", "text": "t", "media": {"url": "https://x.org/a.mp4",
                                                          "start": 5, "end": 1}},
    {"speaker": "a", "lang": "ja", "text": "t", "order": -1},
    {"speaker": "a", "lang": "ja", "text": "t", "source": {"url": "ftp://x"}},
    {"speaker": "a", "lang": "ja", "text": "x" * 200_001},
]  # fmt: skip


@pytest.mark.parametrize("record", BAD)
def test_record_errors_read_in_japanese(record: dict) -> None:
    with pytest.raises(RecordError) as err:
        validate(record)
    said = Translator("ja").record_error(err.value)
    assert re.search(r"[ぁ-んァ-ン一-龯]", said.split("：", 1)[1]), said
    assert not re.search(r"\b(is|must|required|unknown|not a)\b", said), said


def test_a_speaker_refusal_reads_in_japanese(web) -> None:  # type: ignore[no-untyped-def]
    from conftest import signed_in, token_of

    Hatsugen(Path(web.config["HATSUGEN_HOME"])).accounts.add(
        "cora", "contributor", "correct horse battery staple"
    )
    client = signed_in(web, "cora")
    form = {"csrf_token": token_of(client, "/add"), "speaker": "水原", "lang": "ja",
            "text": "短い名前で書いた発言です。"}  # fmt: skip
    page = client.post("/add?ui=ja", data=form).get_data(as_text=True)
    assert "は発言者の正確な名前ではありません" in page and "is not the exact name" not in page


def test_the_feed_title_is_in_the_interface_language(web) -> None:  # type: ignore[no-untyped-def]
    ja = web.test_client().get("/feed?speaker=mizuhara-aiko&q=図書館&ui=ja").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", ja)
    assert title and title[1] in ("hatsugen: 発言者：水原愛子、検索語：図書館 の発言",
                                  "hatsugen: 検索語：図書館、発言者：水原愛子 の発言")  # fmt: skip
    en = web.test_client().get("/feed?ui=en").get_data(as_text=True)
    assert "<title>hatsugen: all statements</title>" in en


def _token_bounds(text: str) -> set[int]:
    from hatsugen.index.analysis import _sudachi

    tokenizer, _ = _sudachi()
    bounds, pos = {0}, 0
    for m in tokenizer.tokenize(text):
        pos += len(m.surface())
        bounds.add(pos)
    return bounds


@pytest.mark.parametrize("shift", range(8))
def test_a_cut_long_sentence_starts_and_ends_at_word_boundaries(shift: int) -> None:
    from whoosh import query as wq

    from hatsugen.index.highlight import fragments
    from hatsugen.index.query import positive_terms

    # One long sentence with no comma or space near the cuts, as the minutes have them; the
    # shift moves the cuts across the words around them.
    before = "市民民主党と未来党の議員が図書館の建設について長い議論を続けておりまして" * 4
    after = "市民民主党と未来党の議員が公園の整備について議論を重ねております" * 4
    long = (
        "議会は午前十時に開会しました。" * 60 + before + "ま" * shift + "港湾整備の予算は" + after
    )
    shown = fragments(long + "。", "ja", positive_terms(wq.Term("ja", "港湾")))
    plain = re.sub(r"</?mark>", "", shown.html)
    assert plain.startswith("…") and plain.endswith("…") and "港湾" in plain
    start = long.index(plain.strip("…"))
    end = start + len(plain.strip("…"))
    bounds = _token_bounds(long)
    assert start in bounds and end in bounds, (plain[:20], plain[-20:])


def test_the_extract_page_has_room_for_an_article(web) -> None:  # type: ignore[no-untyped-def]
    page = web.test_client().get("/extract").get_data(as_text=True)
    rows = re.search(r'<textarea id="x-text" name="text" rows="(\d+)"', page)
    assert rows and int(rows[1]) >= 20
    css = web.test_client().get("/static/style.css").get_data(as_text=True)
    assert "#x-text { min-height: 60vh; }" in css


def test_the_command_line_says_did_you_mean_and_whose_statements(tmp_path: Path) -> None:
    from conftest import Cli

    cli = Cli(tmp_path / "home")
    cli.ok("import", str(write_jsonl(tmp_path / "s.jsonl", [statement()])))
    assert "did you mean: hatsugen search library" in cli("search", "libary").stderr
    named = cli.ok("search", "ミズハラ")
    assert "mizuhara-2024-05-01" in named.stdout
    assert "the statements of Aiko Mizuhara (水原愛子)" in named.stderr
