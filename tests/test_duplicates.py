"""The same quote is archived once: duplicates skipped, near-duplicates flagged, roles kept tidy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.archive.duplicates import normalise
from hatsugen.archive.roles import role_key

from conftest import ROOT, TAKANASHI, Cli, statement, write_jsonl

SEED = ROOT.parent / "shared" / "seeds" / "000_d394adb5d99a2b33.txt"
SPEECH = (
    "The harbour will reopen in the spring of next year. We have secured the funding for the"
    " new quay. Every fishing family will be consulted before the works begin."
)


@pytest.fixture
def archive(run: Cli, tmp_path: Path) -> Cli:
    first = statement(id="speech", speaker=TAKANASHI, lang="en", text=SPEECH, translations=None)
    run.ok("import", str(write_jsonl(tmp_path / "first.jsonl", [first])))
    return run


def test_typography_does_not_make_a_new_quote() -> None:
    assert normalise("“We will,” he said.") == normalise('"We will," he said')
    assert normalise("大韓民国　李在明大統領をお迎えしました。") == normalise(
        "大韓民国李在明大統領をお迎えしました"
    )
    assert normalise("ＡＢＣ  def!") == normalise("abc def")
    assert normalise("Te\u200dst") == normalise("Test")
    assert normalise("We will.") != normalise("We won't.")


@pytest.mark.parametrize(
    "variant",
    [
        SPEECH,
        "  " + SPEECH.replace(". ", ".  ") + "  ",  # white space
        "“" + SPEECH[:-1] + "”",  # quote marks, no closing full stop
        SPEECH.upper(),
        SPEECH.replace("The harbour", "Ｔｈｅ harbour"),  # full-width letters (NFKC)
    ],
)
def test_a_duplicate_is_reported_with_where_and_what_and_not_added(
    archive: Cli, tmp_path: Path, variant: str
) -> None:
    again = statement(id="again", speaker=TAKANASHI, lang="en", text=variant, translations=None)
    result = archive.ok("import", str(write_jsonl(tmp_path / "again.jsonl", [again])))
    assert "0 added" in result.stdout and "1 duplicates skipped" in result.stdout
    assert "again.jsonl, line 1: duplicate of speech" in result.stderr
    assert archive.json("stats")["statements"] == 1


@pytest.mark.parametrize(
    ("date", "event"),
    [
        ("2025-03-01", "Harbour board meeting"),  # another day
        ("2025-02-01", "City council meeting"),  # the same day, elsewhere
        ("2025-02", "Harbour board"),  # a month that holds the day, another event
    ],
)
def test_the_same_words_on_another_occasion_are_another_statement(
    run: Cli, tmp_path: Path, date: str, event: str
) -> None:
    """Ministers read the same text in both Houses; politicians repeat lines (both seen in the
    real Diet data): the same words on another date or at another event are kept, with a
    warning, while an unknown date or event is taken as the same occasion."""
    first = statement(id="first", speaker=TAKANASHI, lang="en", text=SPEECH, translations=None,
                      date="2025-02-01", event="Harbour board meeting")  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [first])))
    again = statement(id="again", speaker=TAKANASHI, lang="en", text=SPEECH, translations=None,
                      date=date, event=event)  # fmt: skip
    result = run.ok("import", str(write_jsonl(tmp_path / "2.jsonl", [again])))
    assert "1 added" in result.stdout
    assert "again has the same words as first, said on another date or at another event" in (
        result.stderr
    )
    undated = statement(id="undated", speaker=TAKANASHI, lang="en", text=SPEECH,
                        translations=None, date=None, event=None)  # fmt: skip
    result = run.ok("import", str(write_jsonl(tmp_path / "3.jsonl", [undated])))
    assert "1 duplicates skipped" in result.stdout


def test_the_same_words_by_another_speaker_are_not_a_duplicate(
    archive: Cli, tmp_path: Path
) -> None:
    other = statement(id="echo", lang="en", text=SPEECH, translations=None)
    assert "1 added" in archive.ok("import", str(write_jsonl(tmp_path / "o.jsonl", [other]))).stdout


def test_allow_duplicates_adds_it_anyway(archive: Cli, tmp_path: Path) -> None:
    again = statement(id="again", speaker=TAKANASHI, lang="en", text=SPEECH, translations=None)
    path = write_jsonl(tmp_path / "again.jsonl", [again])
    assert "1 added" in archive.ok("import", str(path), "--allow-duplicates").stdout
    assert archive.json("stats")["statements"] == 2


def test_duplicates_within_one_file_are_caught_too(run: Cli, tmp_path: Path) -> None:
    records = [
        statement(id="one", text="港を再開します。"),
        statement(id="two", text="「港を再開します」"),
    ]
    result = run.ok("import", str(write_jsonl(tmp_path / "both.jsonl", records)))
    assert "1 added" in result.stdout and "line 2: duplicate of one" in result.stderr


def test_a_near_duplicate_is_kept_with_a_warning_naming_both(archive: Cli, tmp_path: Path) -> None:
    longer = SPEECH + " The ferry timetable will not change during the works."
    near = statement(id="longer", speaker=TAKANASHI, lang="en", text=longer, translations=None)
    result = archive.ok("import", str(write_jsonl(tmp_path / "near.jsonl", [near])))
    assert "1 added" in result.stdout
    assert "warning:" in result.stderr and "longer is a near-duplicate of speech" in result.stderr
    ferry = "The ferry timetable will not change during the works at all."
    unrelated = statement(id="other", speaker=TAKANASHI, lang="en", translations=None, text=ferry)
    result = archive.ok("import", str(write_jsonl(tmp_path / "u.jsonl", [unrelated])))
    assert "near-duplicate" not in result.stderr


def test_add_refuses_a_duplicate_clearly(archive: Cli) -> None:
    result = archive("add", "--speaker", "Kenji Takanashi", "--lang", "en", "--text", SPEECH)
    assert result.exit_code == 2 and "duplicate of speech" in result.stderr
    assert archive.json("stats")["statements"] == 1


def test_a_role_in_other_words_is_recorded_in_the_stored_wording(run: Cli, tmp_path: Path) -> None:
    first = statement(id="r1", role="Mayor of Aozora City")
    second = statement(id="r2", text="二つ目。", role="Aozora City Mayor")
    other = statement(id="r3", text="三つ目。", role="Aozora City Council member")
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [first])))
    result = run.ok("import", str(write_jsonl(tmp_path / "2.jsonl", [second, other])))
    assert "role 'Aozora City Mayor' recorded as 'Mayor of Aozora City'" in result.stderr
    assert run.json("show", "r2")["role"] == "Mayor of Aozora City"
    from hatsugen.core import Hatsugen

    app = Hatsugen(run.home)  # the speaker page lists each role once
    assert app.store.roles_of("mizuhara-aiko") == [
        "Aozora City Council member",
        "Mayor of Aozora City",
    ]
    app.close()


def test_role_keys() -> None:
    assert role_key("Japanese Prime Minister") == role_key("Prime Minister of Japan")
    assert role_key("South Korean President") == role_key("President of South Korea")
    assert role_key("U.S. Secretary of State") == role_key("Secretary of State of the US")
    assert role_key("首相") == role_key("内閣総理大臣")
    assert role_key("Prime Minister of Japan") != role_key("Foreign Minister of Japan")


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seeds")
def test_extract_then_import_of_the_seed_adds_nothing_to_the_demo_and_says_why(
    run: Cli, tmp_path: Path
) -> None:
    run.ok("demo")
    listing = run.ok("extract", str(SEED)).stdout
    assert listing.count("already archived as") == 3
    candidates = json.loads(run.ok("extract", str(SEED), "--json").stdout)
    assert sorted(c["review"]["already_archived"] for c in candidates) == [
        "ishiba-2025-08-23-joint",
        "ishiba-2025-08-23-post",
        "lee-2025-08-23-joint",
    ]
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    result = run.ok("import", str(path))
    assert "0 added, 0 updated, 0 unchanged, 3 duplicates skipped" in result.stdout
    assert result.stderr.count("duplicate of") == 3
    stats = run.json("stats")
    assert stats["statements"] == 3
    from hatsugen.core import Hatsugen

    app = Hatsugen(run.home)
    # one role, kept in both languages: the article's "Japanese Prime Minister" is not another
    assert app.store.roles_of("ishiba-shigeru") == [
        {"ja": "内閣総理大臣", "en": "Prime Minister of Japan"}
    ]
    app.close()


def test_extract_says_when_a_quote_is_already_archived_on_the_web(client, web_home: Path) -> None:  # type: ignore[no-untyped-def]
    from search_corpus import CORPUS

    archived = next(r for r in CORPUS if r["lang"] == "en")
    name = archived["speaker"]["name"]["en"]
    article = f"“{archived['text']}” {name} said on Monday."
    data = client.post("/api/extract", json={"text": article}).get_json()
    (candidate,) = data["candidates"]
    assert candidate["review"] == {"already_archived": archived["id"]}
    page = client.post("/extract", data={"text": article}).get_data(as_text=True)
    assert f"Already archived as {archived['id']}" in page
    assert f'href="/s/{archived["id"]}"' in page
