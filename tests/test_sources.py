"""Real source formats in: the Diet minutes API, transcripts, subtitles (`import --from`).

The Diet fixtures are real NDL records (tests/sources/README.md); the press conferences and
subtitles have fictional speakers only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen

from conftest import MIZUHARA, TAKANASHI, Cli, statement, write_jsonl

SOURCES = Path(__file__).parent / "sources"
KOKKAI = SOURCES / "kokkai-speech.json"
MEETING = SOURCES / "kokkai-meeting.json"
VIDEO = "https://example.org/townhall.mp4"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def known(tmp_path: Path, cli: Cli) -> Cli:
    """An archive that knows the fictional speakers the transcripts name."""
    records = [statement(id="seed-m", speaker=MIZUHARA, text="種まきの話です。"),
               statement(id="seed-t", speaker=TAKANASHI, text="議会の話です。")]  # fmt: skip
    cli.ok("import", str(write_jsonl(tmp_path / "seed.jsonl", records)))
    return cli


def counts(result: object) -> str:
    return result.stdout.splitlines()[0]  # type: ignore[attr-defined]


def stored(cli: Cli) -> dict[str, dict]:
    app = Hatsugen(cli.home)
    try:
        return {r["id"]: r for r, _ in app.store.iter_records()}
    finally:
        app.close()


def kokkai_file(tmp_path: Path, records: list[dict], name: str = "speech.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"numberOfRecords": len(records), "speechRecord": records},
                               ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return path


def speech(**overrides: object) -> dict:
    """A speechRecord as the API sends it, for a fictional meeting and member."""
    record = {
        "speechID": "999999999X00120250501_003", "issueID": "999999999X00120250501",
        "session": 217, "nameOfHouse": "衆議院", "nameOfMeeting": "青空委員会",
        "issue": "第1号", "date": "2025-05-01", "speechOrder": 3, "speaker": "水原愛子",
        "speakerYomi": "みずはらあいこ", "speakerGroup": "青空党", "speakerPosition": None,
        "speakerRole": None, "speech": "○水原愛子君　防災計画について質問します。",
        "speechURL": "https://kokkai.ndl.go.jp/txt/999999999X00120250501/3",
        "meetingURL": "https://kokkai.ndl.go.jp/txt/999999999X00120250501",
    }  # fmt: skip
    record.update(overrides)
    return record


# -- kokkai ---------------------------------------------------------------------------------
def test_diet_speeches_keep_their_ids_order_meeting_and_the_speaker_at_the_time(cli: Cli) -> None:
    assert counts(cli.ok("import", "--from", "kokkai", str(KOKKAI))).startswith("7 added")
    records = stored(cli)
    r = records["kokkai-120814889X02220220614_049"]
    assert r["text"].startswith("私は、日本共産党を代表して")  # the ○田村智子君 heading is gone
    assert r["event_id"] == "kokkai-120814889X02220220614" and r["order"] == 49
    minutes = "https://kokkai.ndl.go.jp/txt/120814889X02220220614"
    assert r["meeting"] == {"house": "参議院", "committee": "内閣委員会", "session": 208,
                            "issue": "第22号", "url": minutes}  # fmt: skip
    assert r["source"]["url"] == "https://kokkai.ndl.go.jp/txt/120814889X02220220614/49"
    assert r["role"] == "参議院議員（日本共産党）" and r["kind"] == "remarks"
    assert records["kokkai-120115254X01920200527_031"]["kind"] == "speech"  # 本会議
    # one person across two meetings and two groups is one speaker, with the NDL's reading
    isozaki = [r for r in records.values() if r["id"].endswith(("_044", "_047"))]
    assert len({r["speaker"] for r in isozaki}) == 1
    app = Hatsugen(cli.home)
    found = next(s for s in app.speakers_by_id().values() if s["name"]["ja"] == "礒崎哲史")
    roles = app.role_history(found["id"])
    app.close()
    assert [(r["role"], r["first"]) for r in roles] == [  # in the order they were held
        ("参議院議員（立憲・国民．新緑風会・社民）", "2020-05-27"),
        ("参議院議員（国民民主党・新緑風会）", "2022-06-14"),
    ]
    assert found["reading"] == "いそざき てつじ" and found["id"] == "isozaki-tetsuji"  # split


def test_importing_the_same_minutes_again_changes_nothing(cli: Cli) -> None:
    cli.ok("import", "--from", "kokkai", str(KOKKAI), str(MEETING))
    again = cli.ok("import", "--from", "kokkai", str(KOKKAI), str(MEETING))
    assert counts(again) == "0 added, 0 updated, 10 unchanged, 0 rejected"
    assert "new speaker" not in again.stderr


def test_a_meeting_response_gives_each_speech_the_meeting_fields(cli: Cli) -> None:
    cli.ok("import", "--from", "kokkai", str(MEETING))
    records = sorted(stored(cli).values(), key=lambda r: r["order"])
    assert [r["order"] for r in records] == [118, 119, 121]
    assert {r["event_id"] for r in records} == {"kokkai-120414889X02820210615"}
    assert all(r["meeting"]["committee"] == "内閣委員会" and r["date"] == "2021-06-15"
               for r in records)  # fmt: skip


def test_the_record_header_and_the_chairs_calls_are_left_out_and_counted(
    tmp_path: Path, cli: Cli
) -> None:
    path = kokkai_file(tmp_path, [
        speech(speechID="999999999X00120250501_000", speechOrder=0, speaker="会議録情報",
               speakerYomi=None, speakerGroup=None, speech="令和七年五月一日（木曜日）"),
        speech(speechID="999999999X00120250501_001", speechOrder=1, speaker="高梨健二",
               speakerYomi="たかなしけんじ", speakerPosition="委員長",
               speech="○高梨委員長　これより会議を開きます。水原愛子君。"),
        speech(),
    ])  # fmt: skip
    result = cli.ok("import", "--from", "kokkai", str(path))
    assert counts(result).startswith("1 added")
    assert "left out: 1 × meeting header (会議録情報)" in result.stderr
    assert "left out: 1 × presiding officer's procedural line (委員長)" in result.stderr
    said = list(stored(cli).values())
    assert len(said) == 1 and said[0]["text"] == "防災計画について質問します。"


def test_a_chairs_own_remarks_stay_statements(tmp_path: Path, cli: Cli) -> None:
    path = kokkai_file(tmp_path, [
        speech(speechID="999999999X00120250501_001", speechOrder=1, speaker="高梨健二",
               speakerYomi="たかなしけんじ", speakerPosition="委員長",
               speech="○高梨委員長　これより会議を開きます。\n　この際、一言申し上げます。"
                      "青空市の復興に全力を尽くします。"),
        speech(speechID="999999999X00120250501_002", speechOrder=2, speaker="高梨健二",
               speakerYomi="たかなしけんじ", speakerPosition="委員長",
               speech="○高梨委員長　御異議ありませんか。\n　〔「異議なし」と呼ぶ者あり〕\n"
                      "　御異議なしと認めます。よって、そのように決しました。"),
    ])  # fmt: skip
    result = cli.ok("import", "--from", "kokkai", str(path))
    assert counts(result).startswith("1 added")
    said = next(iter(stored(cli).values()))
    assert said["text"].endswith("青空市の復興に全力を尽くします。")
    assert said["role"] == "委員長（青空党）" and said["order"] == 1


def test_namesakes_are_listed_never_merged(tmp_path: Path, cli: Cli) -> None:
    cli.ok("import", "--from", "kokkai", str(kokkai_file(tmp_path, [speech()], "a.json")))
    other_reading = speech(speechID="999999999X00120250502_004", date="2025-05-02",
                           speakerYomi="みずはらちかこ")  # fmt: skip
    refused = cli("import", "--from", "kokkai",
                  str(kokkai_file(tmp_path, [other_reading], "b.json")))  # fmt: skip
    assert refused.exit_code == 2
    assert "reads 'みずはらちかこ' here, but the archived 水原愛子" in refused.stderr
    assert "b.json, speechRecord[0] (999999999X00120250502_004)" in refused.stderr
    two_groups = [speech(speechID="999999999X00120250503_001", date="2025-05-03"),
                  speech(speechID="999999999X00120250503_002", date="2025-05-03",
                         speakerGroup="緑の党")]  # fmt: skip
    refused = cli("import", "--from", "kokkai",
                  str(kokkai_file(tmp_path, two_groups, "c.json")))  # fmt: skip
    assert refused.exit_code == 2 and "two people of one name" in refused.stderr
    assert len(stored(cli)) == 1  # nothing of either file


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ({"speech": None}, "field 'speech': is required"),
        ({"nameOfMeeting": ""}, "field 'nameOfMeeting': is required"),
        ({"session": "217"}, "field 'session': must be a whole number"),
        ({"speech": "○水原愛子君　"}, "field 'speech': has no words after the speaker's heading"),
        ({"date": "2025-13-01"}, "field 'date'"),
    ],
)
def test_a_bad_diet_record_names_file_record_and_field_and_imports_nothing(
    tmp_path: Path, cli: Cli, record: dict, says: str
) -> None:
    good = speech(speechID="999999999X00120250501_001", speechOrder=1)
    path = kokkai_file(tmp_path, [good, speech(**record)])
    refused = cli("import", "--from", "kokkai", str(path))
    assert refused.exit_code == 2
    assert (
        f"speech.json, speechRecord[1] (999999999X00120250501_003): {says}" in refused.stderr
        or ("speechRecord[1]" in refused.stderr and says in refused.stderr)
    )
    assert not cli.home.exists() or stored(cli) == {}


def test_other_json_is_refused_with_what_to_save_instead(tmp_path: Path, cli: Cli) -> None:
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps({"meetingRecord": [{"issueID": "x"}]}), encoding="utf-8")
    refused = cli("import", "--from", "kokkai", str(listing))
    assert refused.exit_code == 2 and "save /api/meeting" in refused.stderr
    plain = write_jsonl(tmp_path / "plain.jsonl", [statement()])
    refused = cli("import", "--from", "kokkai", str(plain))
    assert refused.exit_code == 2 and "plain.jsonl" in refused.stderr


# -- transcripts ----------------------------------------------------------------------------
PRESS = ["--event", "青空市 市長定例記者会見", "--date", "2025-05-01"]


def test_a_press_conference_transcript_in_japanese(known: Cli) -> None:
    result = known.ok("import", "--from", "transcript", *PRESS, "--speaker",
                      "水原市長=mizuhara-aiko", "--source-url", "https://example.org/press",
                      str(SOURCES / "press-ja.txt"))  # fmt: skip
    assert counts(result).startswith("2 added")
    assert "moderator's turns (司会)" in result.stderr
    said = sorted((r for r in stored(known).values() if r.get("order")),
                  key=lambda r: r["order"])  # fmt: skip
    assert [r["speaker"] for r in said] == ["mizuhara-aiko", "mizuhara-aiko"]
    assert (
        said[0]["text"].startswith("本日は、青空市の新しい防災計画")
        and "\n避難所" in said[0]["text"]
    )
    assert said[1]["context"] == "計画の財源はどのように確保するのですか。"  # the 【記者】 question
    assert said[1]["source"] == {"url": "https://example.org/press", "date": "2025-05-01"}
    assert said[0]["event"] == "青空市 市長定例記者会見" and said[0]["lang"] == "ja"
    again = known.ok("import", "--from", "transcript", *PRESS, "--speaker",
                     "水原市長=mizuhara-aiko", "--source-url", "https://example.org/press",
                     str(SOURCES / "press-ja.txt"))  # fmt: skip
    assert counts(again) == "0 added, 0 updated, 2 unchanged, 0 rejected"


def test_unknown_markers_are_listed_with_their_lines_not_guessed(known: Cli) -> None:
    refused = known("import", "--from", "transcript", *PRESS, str(SOURCES / "press-ja.txt"))
    assert refused.exit_code == 2
    assert "press-ja.txt, line 7, marker '水原市長'" in refused.stderr
    assert "press-ja.txt, line 14, marker '水原市長'" in refused.stderr
    assert "--speaker 'MARKER=ID'" in refused.stderr
    assert len(stored(known)) == 2  # the seed only
    short = known("import", "--from", "srt", "--event", "会見動画", "--media-url", VIDEO,
                  str(SOURCES / "talk-names.srt"))  # fmt: skip
    assert short.exit_code == 2  # 水原 may mean 水原愛子: never taken for her, never new
    assert "'水原' is not the exact name of a speaker, but may mean 水原愛子" in short.stderr


def test_an_english_transcript_with_q_and_capitals(known: Cli) -> None:
    known.ok("import", "--from", "transcript", "--event", "Press conference", "--date",
             "2025-05-01", "--speaker", "PRIME MINISTER=mizuhara-aiko", "--speaker",
             "MR. TAKANASHI=takanashi-kenji", str(SOURCES / "press-en.txt"))  # fmt: skip
    said = sorted((r for r in stored(known).values() if r.get("order")),
                  key=lambda r: r["order"])  # fmt: skip
    assert [(r["speaker"], r["lang"]) for r in said] == [
        ("mizuhara-aiko", "en"),
        ("mizuhara-aiko", "en"),
        ("takanashi-kenji", "en"),
    ]
    assert said[0]["text"] == ("Today I am announcing a new disaster plan.\nIt adds ten shelters"
                               " and a storehouse at every primary school.")  # fmt: skip
    assert said[1]["context"] == "How will the plan be funded?"


def test_an_html_transcript_names_the_html_line(known: Cli) -> None:
    result = known.ok("import", "--from", "transcript", "--event", "HTML会見", "--speaker",
                      "水原市長=mizuhara-aiko", "--speaker", "高梨議長=takanashi-kenji",
                      str(SOURCES / "press-ja.html"))  # fmt: skip
    said = sorted((r for r in stored(known).values() if r.get("order")),
                  key=lambda r: r["order"])  # fmt: skip
    assert [r["text"] for r in said] == [
        "本日は、青空市の新しい防災計画についてお知らせします。",
        "財源は、国の補助金と市の基金を組み合わせて確保します。",
        "議会でも審議します。",
    ]
    assert said[1]["context"] == "計画の財源はどのように確保するのですか。"
    assert "1 × lines before the first speaker marker" in result.stderr  # the <h1>, not <nav>
    refused = known("import", "--from", "transcript", "--event", "HTML会見",
                    str(SOURCES / "press-ja.html"))  # fmt: skip
    assert "press-ja.html, line 7, marker '水原市長'" in refused.stderr


def test_the_diet_minutes_style_transcript(known: Cli) -> None:
    minutes = str(SOURCES / "diet-minutes.txt")
    refused = known("import", "--from", "transcript", "--event", "内閣委員会", minutes)
    assert refused.exit_code == 2 and "line 3, marker '木戸口英司'" in refused.stderr
    known.ok("import", "--from", "transcript", "--event", "内閣委員会", "--date", "2021-06-15",
             "--new-speakers", minutes)  # fmt: skip
    said = sorted((r for r in stored(known).values() if r.get("order")),
                  key=lambda r: r["order"])  # fmt: skip
    starts = ["立憲民主・社民の木戸口英", "日本維新の会の高木かおり", "国民民主党・新緑風会の矢"]
    assert [r["text"][:12] for r in said] == starts
    # the minutes API's records of the same meeting then name the same three people
    result = known.ok("import", "--from", "kokkai", str(MEETING))
    assert "new speaker" not in result.stderr


def test_a_file_without_markers_says_which_styles_are_read(tmp_path: Path, known: Cli) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("ただの文章です。\n話者の印はありません。\n", encoding="utf-8")
    refused = known("import", "--from", "transcript", "--event", "x", str(path))
    assert refused.exit_code == 2 and "has no speaker markers" in refused.stderr


# -- subtitles ------------------------------------------------------------------------------
def test_vtt_voice_tags_make_one_statement_per_turn_with_its_times(known: Cli) -> None:
    args = ["import", "--from", "vtt", "--event", "Town hall", "--date", "2025-05-03",
            "--media-url", VIDEO, str(SOURCES / "talk-voices.vtt")]  # fmt: skip
    assert counts(known.ok(*args)).startswith("3 added")
    said = sorted((r for r in stored(known).values() if r.get("order")),
                  key=lambda r: r["order"])  # fmt: skip
    assert [r["speaker"] for r in said] == ["mizuhara-aiko", "mizuhara-aiko", "takanashi-kenji"]
    assert said[0]["text"] == "Good morning. Today I am announcing the city's new disaster plan."
    assert said[0]["media"] == {"url": VIDEO, "start": 1.0, "end": 7.5}
    assert said[1]["context"] == "How will it be funded?"  # the Reporter's cue
    assert said[1]["text"] == "Through national grants & the reserve fund."
    assert said[1]["media"] == {"url": VIDEO, "start": 10.5, "end": 74.25}
    assert counts(known.ok(*args)) == "0 added, 0 updated, 3 unchanged, 0 rejected"


def test_vtt_and_srt_name_prefixes_and_unmarked_cues(known: Cli) -> None:
    known.ok("import", "--from", "vtt", "--event", "Council", "--media-url", VIDEO,
             "--speaker", "TAKANASHI=takanashi-kenji", "--speaker", "MIZUHARA=mizuhara-aiko",
             str(SOURCES / "talk-names.vtt"))  # fmt: skip
    known.ok("import", "--from", "srt", "--event", "会見動画", "--media-url", VIDEO,
             "--speaker", "水原=mizuhara-aiko", "--speaker", "高梨=takanashi-kenji",
             str(SOURCES / "talk-names.srt"))  # fmt: skip
    known.ok("import", "--from", "srt", "--event", "Greeting", "--media-url", VIDEO,
             "--speaker", "mizuhara-aiko", str(SOURCES / "talk-plain.srt"))  # fmt: skip
    by_text = {r["text"]: r for r in stored(known).values()}
    council = by_text["The council will review the plan in June, as promised."]
    assert council["speaker"] == "takanashi-kenji"
    assert council["media"] == {"url": VIDEO, "start": 60.0, "end": 65.0}
    assert (
        by_text["本日は防災計画についてお知らせします。"]["media"]["end"] == 5.0
    )  # joined, no space
    assert by_text["議会で審議します。"]["speaker"] == "takanashi-kenji"
    plain = by_text["Good morning, everyone. Today I am announcing the new disaster plan."]
    assert plain["speaker"] == "mizuhara-aiko" and plain["media"]["start"] == 1.0


@pytest.mark.parametrize(
    ("fmt", "body", "says"),
    [
        (
            "vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\n<v A>Hi\n",
            "line 3, cue 1: field 'timing': '00:00:01.000 --> 00:00:0x.000' is not a timing",
        ),
        (
            "vtt",
            "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v Aiko Mizuhara>Hi\n",
            "line 3, cue 1: field 'timing': ends (1.000 s) before it starts (5.000 s)",
        ),
        ("vtt", "00:00:01.000 --> 00:00:02.000\nHi\n", "the first line must be WEBVTT"),
        (
            "srt",
            "1\n00:00:01,000 --> 00:00:02,000\nGood morning.\n",
            "line 2, cue 1: field 'speaker': names no speaker",
        ),
        ("srt", "1\nGood morning.\n", "line 1, cue 1: field 'timing': has no timing line"),
    ],
)
def test_bad_subtitles_name_line_cue_and_field_and_import_nothing(
    tmp_path: Path, known: Cli, fmt: str, body: str, says: str
) -> None:
    fine = ("9\n00:00:09,000 --> 00:00:10,000\nMIZUHARA: Fine.\n" if fmt == "srt"
            else "00:00:09.000 --> 00:00:10.000\n<v Aiko Mizuhara>Fine.\n")  # fmt: skip
    path = tmp_path / f"bad.{fmt}"
    path.write_text(body + "\n" + fine, encoding="utf-8")  # a good cue after the bad one
    refused = known("import", "--from", fmt, "--event", "x", "--media-url", VIDEO,
                    "--speaker", "MIZUHARA=mizuhara-aiko", str(path))  # fmt: skip
    assert refused.exit_code == 2
    assert says in refused.stderr, refused.stderr
    assert len(stored(known)) == 2  # the seed only


def test_subtitles_need_the_recording(known: Cli) -> None:
    refused = known("import", "--from", "vtt", "--event", "x", str(SOURCES / "talk-voices.vtt"))
    assert refused.exit_code == 2 and "--media-url" in refused.stderr


def test_source_options_belong_to_a_source_format(tmp_path: Path, cli: Cli) -> None:
    plain = write_jsonl(tmp_path / "plain.jsonl", [statement()])
    refused = cli("import", "--event", "x", str(plain))
    assert refused.exit_code == 2 and "--from" in refused.output


# -- the record format ----------------------------------------------------------------------
def test_media_is_validated_exported_and_read_back(tmp_path: Path, cli: Cli) -> None:
    bad = statement(media={"url": VIDEO, "start": 12, "end": 3})
    refused = cli("import", str(write_jsonl(tmp_path / "bad.jsonl", [bad])))
    assert "field 'media.end': 3 is before the start (12)" in refused.stderr
    timed = statement(media={"url": VIDEO, "start": 754.5, "end": 800}, event_id="townhall-1",
                      order=2, meeting={"house": "衆議院", "session": 217})  # fmt: skip
    cli.ok("import", str(write_jsonl(tmp_path / "ok.jsonl", [timed])))
    out = tmp_path / "export.json"
    cli.ok("export", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == 4
    assert doc["statements"][0]["media"] == {"url": VIDEO, "start": 754.5, "end": 800}
    other = Cli(tmp_path / "other")
    other.ok("import", str(out))
    assert stored(other)[timed["id"]]["event_id"] == "townhall-1"
    old = dict(doc, version=3, statements=[statement(id="old-one", text="前の版の書式です。")])
    (tmp_path / "v3.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert counts(other.ok("import", str(tmp_path / "v3.json"))).startswith("1 added")


def test_an_older_archive_learns_the_events_of_its_statements(tmp_path: Path) -> None:
    """Statements archived before events had pages get theirs when the archive is opened."""
    import sqlite3

    cli = Cli(tmp_path / "home")
    records = [statement(id=f"summit-{i}", event="青空サミット", text=f"発言その{i}です。")
               for i in range(2)]  # fmt: skip
    cli.ok("import", str(write_jsonl(tmp_path / "a.jsonl", records)))
    db = tmp_path / "home" / "archive.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE statements SET event_key = NULL")
        conn.execute("DROP INDEX statements_event")
        conn.execute("ALTER TABLE statements DROP COLUMN event_key")
        conn.execute("PRAGMA user_version = 6")
    app = Hatsugen(tmp_path / "home")
    try:
        event = app.place_in_event("summit-1")
        assert event is not None and event["before"] == "summit-0" and event["count"] == 2
    finally:
        app.close()


def test_a_bad_transcript_names_its_line_and_imports_nothing(tmp_path: Path, known: Cli) -> None:
    empty_turn = tmp_path / "empty.txt"
    empty_turn.write_text(
        "（水原市長）\n本日はお知らせがあります。\n（水原市長）\n", encoding="utf-8"
    )
    refused = known("import", "--from", "transcript", "--event", "x", "--speaker",
                    "水原市長=mizuhara-aiko", str(empty_turn))  # fmt: skip
    assert refused.exit_code == 2
    assert "empty.txt, line 3: field 'text': the turn of '水原市長' has no words" in refused.stderr
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Q: ok\nPRIME MINISTER: caf\xe9\n".encode("latin-1"))
    refused = known("import", "--from", "transcript", "--event", "x", str(latin1))
    assert refused.exit_code == 2 and "latin1.txt, line 2: is not UTF-8 text" in refused.stderr
    assert len(stored(known)) == 2  # the seed only
