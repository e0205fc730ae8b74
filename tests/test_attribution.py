"""What a text is and who really said it: wording, attribution status, evidence, verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.archive import RecordError, validate

from conftest import SEO, TAKANASHI, Cli, statement, write_jsonl

PRIMARY = {"url": "https://example.org/aozora/minutes", "kind": "primary_transcript"}
FACT_CHECK = {"url": "https://example.org/factcheck/1", "kind": "fact_check"}


def field_of(record: dict) -> str | None:
    with pytest.raises(RecordError) as err:
        validate(record)
    return err.value.field


# -- the record ---------------------------------------------------------------------------
def test_a_press_translation_keeps_its_language_and_the_one_spoken() -> None:
    record = validate(
        statement(lang="en", spoken_lang="ja", wording="press_translation", text="We will.")
    )
    assert (record["lang"], record["spoken_lang"], record["wording"]) == (
        "en",
        "ja",
        "press_translation",
    )


def test_attaching_the_original_words_sets_the_language_spoken() -> None:
    record = validate(
        statement(
            lang="en",
            wording="interpretation",
            text="We will build it.",
            translations=[{"lang": "ja", "text": "建設します。", "original": True}],
        )
    )
    assert record["spoken_lang"] == "ja"
    assert record["translations"][0] == {"lang": "ja", "text": "建設します。", "original": True}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"wording": "rumour"}, "wording"),
        ({"lang": "en", "spoken_lang": "ja"}, "spoken_lang"),  # an "original" in another language
        ({"wording": "press_translation", "spoken_lang": "ja"}, "spoken_lang"),  # same language
        (
            {"translations": [{"lang": "en", "text": "x", "original": True}]},
            "translations[0].original",
        ),  # the text is the original already
        (
            {
                "wording": "press_translation",
                "lang": "en",
                "translations": [
                    {"lang": "ja", "text": "一", "original": True},
                    {"lang": "ja", "text": "二", "original": True},
                ],
            },
            "translations[1].original",
        ),
        (
            {
                "wording": "press_translation",
                "lang": "en",
                "translations": [{"lang": "ja", "text": "一", "original": True, "by": "press"}],
            },
            "translations[0].by",
        ),
        ({"source": {"url": "javascript:alert(1)"}}, "source.url"),
        ({"source": {"archived_url": "data:text/html,<b>x</b>"}}, "source.archived_url"),
    ],
)
def test_wording_and_url_mistakes_name_the_field(overrides: dict, field: str) -> None:
    assert field_of(statement(**overrides)) == field


@pytest.mark.parametrize(
    ("attribution", "field"),
    [
        ({"status": "true"}, "attribution.status"),
        ({"status": "disputed"}, "attribution.evidence"),
        ({"status": "verified", "evidence": [FACT_CHECK]}, "attribution.evidence"),
        ({"status": "misattributed", "evidence": [FACT_CHECK]}, "attribution.actually_said_by"),
        (
            {"status": "disputed", "evidence": [FACT_CHECK], "actually_said_by": {"speaker": "x"}},
            "attribution.actually_said_by",
        ),
        (
            {"status": "disputed", "evidence": [{"url": "ftp://x.org/a", "kind": "fact_check"}]},
            "attribution.evidence[0].url",
        ),
        (
            {"status": "disputed", "evidence": [{"url": "https://x.org/a", "kind": "rumour"}]},
            "attribution.evidence[0].kind",
        ),
        (
            {"status": "disputed", "evidence": [{"url": "https://x.org/a"}]},
            "attribution.evidence[0].kind",
        ),
        (
            {"status": "verified", "evidence": [{**PRIMARY, "archived_url": "javascript:x"}]},
            "attribution.evidence[0].archived_url",
        ),
        (
            {
                "status": "misattributed",
                "evidence": [FACT_CHECK],
                "actually_said_by": {"origin": "somewhere"},
            },
            "attribution.actually_said_by.origin",
        ),
        ({"status": "verified", "evidence": [PRIMARY], "colour": "x"}, "attribution.colour"),
    ],
)
def test_attribution_mistakes_name_the_field(attribution: dict, field: str) -> None:
    assert field_of(statement(attribution=attribution)) == field


def test_an_unverified_record_says_nothing_extra() -> None:
    assert "attribution" not in validate(statement(attribution={"status": "unverified"}))


# -- verify -------------------------------------------------------------------------------
@pytest.fixture
def archive(run: Cli, tmp_path: Path) -> Cli:
    records = [
        statement(id="library"),
        statement(id="port", speaker=TAKANASHI, lang="en", text="Our port will reopen.",
                  translations=None),
        statement(id="bridge", speaker=SEO, lang="ko", text="다리를 새로 짓겠습니다.",
                  translations=None),
    ]  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "r.jsonl", records)))
    return run


def test_verify_with_primary_evidence_is_a_revision_with_who_and_why(archive: Cli) -> None:
    out = archive.ok(
        "verify", "library", "--status", "verified", "--evidence", PRIMARY["url"],
        "--kind", "primary_transcript", "--archived-url", "https://web.archive.org/web/2024/x",
        "--note", "minutes of the council, p. 4",
    ).stdout  # fmt: skip
    assert "library: verified" in out
    record = archive.json("show", "library")
    attribution = record["attribution"]
    assert attribution["status"] == "verified"
    (evidence,) = attribution["evidence"]
    assert evidence["url"] == PRIMARY["url"] and evidence["kind"] == "primary_transcript"
    assert evidence["archived_url"] == "https://web.archive.org/web/2024/x"
    assert evidence["added_by"].startswith("verify") and evidence["added_at"].endswith("Z")
    (entry,) = attribution["history"]
    assert entry["status"] == "verified" and entry["note"] == "minutes of the council, p. 4"
    history = archive.ok("history", "library").stdout
    assert "status unverified → verified — minutes of the council, p. 4" in history
    versions = archive.json("history", "library")
    assert versions[-1]["reason"] == "minutes of the council, p. 4"


def test_a_status_change_is_logged_each_time(archive: Cli) -> None:
    archive.ok("verify", "port", "--status", "disputed", "--evidence", FACT_CHECK["url"],
               "--kind", "fact_check", "--note", "two outlets differ")  # fmt: skip
    archive.ok("verify", "port", "--status", "misattributed", "--actually-said-by",
               "Seo Min-jun", "--note", "the video shows Seo")  # fmt: skip
    attribution = archive.json("show", "port")["attribution"]
    assert [h["status"] for h in attribution["history"]] == ["disputed", "misattributed"]
    assert attribution["actually_said_by"] == {"speaker": "seo-minjun"}
    shown = archive.ok("show", "port").stdout
    assert "MISATTRIBUTED" in shown and "actually said by Seo Min-jun" in shown


def test_misattributed_may_point_at_the_real_statement_or_say_origin_unknown(
    archive: Cli,
) -> None:
    archive.ok("verify", "port", "--status", "misattributed", "--evidence", FACT_CHECK["url"],
               "--kind", "fact_check", "--actually-said-by", "bridge")  # fmt: skip
    assert archive.json("show", "port")["attribution"]["actually_said_by"] == {
        "statement": "bridge"
    }
    archive.ok("verify", "library", "--status", "misattributed", "--evidence",
               FACT_CHECK["url"], "--kind", "fact_check", "--origin-unknown")  # fmt: skip
    said_by = archive.json("show", "library")["attribution"]["actually_said_by"]
    assert said_by == {"origin": "unknown"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "verified"], "attribution.evidence"),
        (["--status", "true"], "--status"),
        (["--status", "verified", "--evidence", FACT_CHECK["url"], "--kind", "fact_check"],
         "needs primary evidence"),
        (["--status", "disputed", "--evidence", "javascript:alert(1)", "--kind", "fact_check"],
         "attribution.evidence[0].url"),
        (["--status", "disputed", "--evidence", "data:text/html,x", "--kind", "fact_check"],
         "is not an http(s) URL"),
        (["--status", "disputed", "--evidence", FACT_CHECK["url"]], "--evidence needs --kind"),
        (["--status", "misattributed", "--evidence", FACT_CHECK["url"], "--kind",
          "fact_check"], "needs who really said it"),
        (["--status", "misattributed", "--evidence", FACT_CHECK["url"], "--kind",
          "fact_check", "--actually-said-by", "Nobody We Know"], "actually_said_by.speaker"),
        (["--status", "misattributed", "--evidence", FACT_CHECK["url"], "--kind",
          "fact_check", "--actually-said-by", "Aiko Mizuhara"], "is the speaker"),
        ([], "give --status"),
    ],
)  # fmt: skip
def test_bad_verifications_change_nothing(archive: Cli, args: list[str], message: str) -> None:
    before = archive.json("show", "library")
    result = archive("verify", "library", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert archive.json("show", "library") == before
    assert len(archive.json("history", "library")) == 1


def test_evidence_on_a_missing_statement_is_refused(archive: Cli) -> None:
    result = archive("verify", "nope", "--status", "disputed", "--evidence",
                     FACT_CHECK["url"], "--kind", "fact_check")  # fmt: skip
    assert result.exit_code == 2 and "no statement with id 'nope'" in result.stderr


def test_evidence_may_be_added_without_changing_the_status(archive: Cli) -> None:
    archive.ok("verify", "library", "--evidence", "https://example.org/report",
               "--kind", "press_report")  # fmt: skip
    attribution = archive.json("show", "library")["attribution"]
    assert attribution["status"] == "unverified" and len(attribution["evidence"]) == 1
    assert "history" not in attribution


# -- search -------------------------------------------------------------------------------
def test_misattributed_quotes_stay_findable_and_can_be_filtered(archive: Cli) -> None:
    archive.ok("verify", "port", "--status", "misattributed", "--evidence", FACT_CHECK["url"],
               "--kind", "fact_check", "--origin-unknown")  # fmt: skip
    found = archive.json("search", "port reopen")
    assert [r["id"] for r in found["results"]] == ["port"]
    assert found["results"][0]["status"] == "misattributed"
    assert found["results"][0]["attribution"]["actually_said_by"] == {"origin": "unknown"}
    every = archive.json("search")
    assert every["facets"]["status"] == {"unverified": 2, "misattributed": 1}
    only = archive.json("search", "--status", "misattributed")
    assert [r["id"] for r in only["results"]] == ["port"]
    assert archive.json("search", "status:misattributed")["total"] == 1
    assert archive.json("stats")["by_status"] == {"unverified": 2, "misattributed": 1}
    assert "MISATTRIBUTED" in archive.ok("search", "port").stdout


def test_search_results_say_what_the_text_is(run: Cli, tmp_path: Path) -> None:
    record = statement(
        id="interp", lang="en", wording="interpretation", text="We will build a library.",
        translations=[{"lang": "ja", "text": "図書館を建てます。", "original": True},
                      {"lang": "ko", "text": "도서관을 짓겠습니다.", "by": "machine"}],
    )  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "i.jsonl", [record])))
    (result,) = run.json("search", "図書館")["results"]
    assert (result["wording"], result["spoken_lang"], result["lang"]) == (
        "interpretation",
        "ja",
        "en",
    )
    assert "<mark>図書館</mark>" in result["highlights"]["original"]
    shown = run.ok("show", "interp").stdout
    assert "[original, ja]" in shown and "[interpretation, en; spoken in ja]" in shown
    assert shown.index("図書館を建てます") < shown.index("We will build a library")


def test_the_demo_never_calls_a_press_translation_original(run: Cli) -> None:
    run.ok("demo")
    joint = run.json("show", "ishiba-2025-08-23-joint")
    assert joint["wording"] == "press_translation" and joint["spoken_lang"] == "ja"
    assert "seed" not in json.dumps(joint["source"])
    shown = run.ok("show", "ishiba-2025-08-23-joint").stdout
    assert "[press translation, en; spoken in ja]" in shown and "[original" not in shown
    lee = run.json("show", "lee-2025-08-23-joint")
    assert lee["wording"] == "press_translation" and lee["spoken_lang"] == "ko"
    post = run.json("show", "ishiba-2025-08-23-post")
    assert "wording" not in post and post["lang"] == "ja"  # his own words
