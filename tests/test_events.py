"""Statements in their place: event pages, before and after, time codes, Diet facets, roles
held, and the web import for editors."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.media import media_link
from hatsugen.sources import SourceOptions
from hatsugen.web.app import create_app

from conftest import (
    ADMIN,
    MIZUHARA,
    PASSWORD,
    TAKANASHI,
    signed_in,
    statement,
    token_of,
    write_jsonl,
)

SOURCES = Path(__file__).parent / "sources"
MEETING = "kokkai-120814889X02220220614"  # four speeches, orders 46-49
VIDEO = "https://example.org/townhall.mp4"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    home = folder / "home"
    app = Hatsugen(home)
    seed = [statement(id="seed-m", speaker=MIZUHARA, text="種まきの話です。"),
            statement(id="seed-t", speaker=TAKANASHI, text="議会の話です。"),
            statement(id="summit-b", event="青空サミット", date="2024-06-01", text="二番目です。"),
            statement(id="summit-a", event="青空サミット", date="2024-06-01", text="一番目です。",
                      order=1)]  # fmt: skip
    app.import_files([str(write_jsonl(folder / "seed.jsonl", seed))], actor=ADMIN)
    app.import_files([str(SOURCES / "kokkai-speech.json"), str(SOURCES / "kokkai-meeting.json")],
                     actor=ADMIN, fmt="kokkai")  # fmt: skip
    app.import_files([str(SOURCES / "talk-voices.vtt")], actor=ADMIN, fmt="vtt",
                     source=SourceOptions(event="Town hall", event_id="townhall",
                                          date="2025-05-03", media_url=VIDEO))  # fmt: skip
    app.accounts.add("ed", "editor", PASSWORD)
    app.accounts.add("cora", "contributor", PASSWORD)
    app.close()
    return home


@pytest.fixture(scope="module")
def web(home: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


def ids_in_order(page: str) -> list[str]:
    return re.findall(r'<li id="s-([^"]+)" class="result"', page)


def test_an_event_page_reads_the_meeting_in_speech_order(web) -> None:  # type: ignore[no-untyped-def]
    page = web.test_client().get(f"/e/{MEETING}").get_data(as_text=True)
    assert ids_in_order(page) == [f"{MEETING}_{n:03d}" for n in (46, 47, 48, 49)]
    assert "第208回国会 参議院 内閣委員会 第22号" in page
    assert "参議院議員（国民民主党・新緑風会）" in page  # the role at the time, beside the speaker
    assert 'href="https://kokkai.ndl.go.jp/txt/120814889X02220220614"' in page  # the minutes
    assert "4 statements archived" in page
    twin = web.test_client().get(f"/api/events/{MEETING}").get_json()
    assert [s["id"] for s in twin["statements"]] == ids_in_order(page)
    assert twin["meeting"]["session"] == 208 and twin["dates"] == ["2022-06-14"]
    assert twin["statements"][1]["speaker"]["name"]["ja"] == "礒崎哲史"
    assert web.test_client().get("/e/no-such-event").status_code == 404
    assert web.test_client().get("/api/events/no-such-event").status_code == 404


def test_events_typed_in_one_by_one_read_together_in_their_order(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    page = client.get("/s/summit-b").get_data(as_text=True)
    found = re.search(r'href="/e/(ev-[0-9a-f]+)#s-summit-b"', page)
    assert found, "the statement page links to its place in its event"
    event = client.get(f"/e/{found[1]}").get_data(as_text=True)
    assert ids_in_order(event) == ["summit-a", "summit-b"]  # order 1 first, then the rest
    assert 'rel="prev" href="/s/summit-a"' in page and 'rel="next"' not in page


def test_a_statement_page_links_before_and_after_within_its_event(web) -> None:  # type: ignore[no-untyped-def]
    page = web.test_client().get(f"/s/{MEETING}_047").get_data(as_text=True)
    assert f'rel="prev" href="/s/{MEETING}_046"' in page
    assert f'rel="next" href="/s/{MEETING}_048"' in page
    assert "statement 2 of 4" in page
    assert "← Before: 石川大我" in page and "After: 柴田巧 →" in page
    ja = web.test_client().get(f"/s/{MEETING}_049?ui=ja").get_data(as_text=True)
    assert "4件中4件目" in ja and "前の発言" in ja and 'rel="next"' not in ja


def test_a_time_coded_statement_links_to_its_moment(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    event = client.get("/e/townhall").get_data(as_text=True)
    assert ids_in_order(event)  # in the order of the recording
    assert f'href="{VIDEO}#t=1,7.5"' in event and "Play from 0:01" in event
    result = client.get("/api/search?q=reserve").get_json()["results"][0]
    assert result["media"] == {"url": VIDEO, "start": 10.5, "end": 74.25}
    assert result["event_id"] == "townhall"
    search = client.get("/?q=reserve").get_data(as_text=True)
    assert f'href="{VIDEO}#t=10.5,74.25"' in search
    assert f'href="/e/townhall#s-{result["id"]}"' in search  # its place in its event
    api = client.get(f"/api/statements/{result['id']}").get_json()
    assert api["statement"]["media"]["start"] == 10.5


@pytest.mark.parametrize(
    ("url", "href", "timed"),
    [
        (
            "https://www.youtube.com/watch?v=abc&t=5",
            "https://www.youtube.com/watch?v=abc&t=754s",
            True,
        ),
        ("https://youtu.be/abc", "https://youtu.be/abc?t=754s", True),
        ("https://vimeo.com/123", "https://vimeo.com/123#t=754s", True),
        ("https://example.org/a/talk.MP3", "https://example.org/a/talk.MP3#t=754.5,800", True),
        ("https://www.shugiintv.go.jp/jp/index.php?ex=VL&deli_id=1", None, False),
    ],
)
def test_media_links_start_at_the_moment_where_the_player_can(
    url: str, href: str | None, timed: bool
) -> None:
    link = media_link({"url": url, "start": 754.5, "end": 800})
    assert link is not None and link["timed"] is timed and link["time"] == "12:34"
    assert link["href"] == (href or url)  # else the time is said beside the link


def test_diet_facets_and_filters(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    everything = client.get("/api/search?q=法案").get_json()
    assert everything["facets"]["house"] == {"参議院": everything["total"]}
    assert set(everything["facets"]["session"]) <= {"201", "204", "208"}
    narrowed = client.get("/api/search?q=法案&session=208&committee=内閣委員会").get_json()
    assert narrowed["total"] == 4
    assert {r["event_id"] for r in narrowed["results"]} == {MEETING}
    page = client.get("/?q=法案&ui=ja").get_data(as_text=True)
    assert "国会回次" in page and "第208回国会" in page and "会議名" in page
    bad = client.get("/api/search?q=法案&session=二百")
    assert bad.status_code == 400 and bad.get_json()["error"].startswith("session:")
    plain = client.get("/api/search?q=種まき").get_json()
    assert plain["facets"]["house"] == {}  # no Diet meeting: no facet to show


def test_a_speaker_page_lists_the_roles_held_in_date_order(web) -> None:  # type: ignore[no-untyped-def]
    page = web.test_client().get("/speakers/isozaki-tetsuji").get_data(as_text=True)
    held = re.search(r'<ol class="role-history">(.*?)</ol>', page, re.S)
    assert held
    roles = re.findall(r'<span lang="ja">([^<]+)</span>', held[1])
    assert roles == [
        "参議院議員（立憲・国民．新緑風会・社民）",
        "参議院議員（国民民主党・新緑風会）",
    ]


def upload(client, body: bytes, name: str, **form: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token_of(client, "/import"), "file": (io.BytesIO(body), name), **form}
    return client.post("/import", data=data, content_type="multipart/form-data")


def test_an_editor_imports_subtitles_on_the_web(web) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(web, "ed")
    body = (SOURCES / "talk-names.vtt").read_bytes()
    refused = upload(client, body, "council.vtt", format="vtt", event="Council meeting",
                     media_url=VIDEO)  # fmt: skip
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "council.vtt, line 3, cue 1–2, speaker &#39;TAKANASHI&#39;" in text
    assert "/tmp" not in text  # the upload's name, not where the server kept it
    done = upload(client, body, "council.vtt", format="vtt", event="Council meeting",
                  media_url=VIDEO,
                  speakers="TAKANASHI=takanashi-kenji\nMIZUHARA=mizuhara-aiko")  # fmt: skip
    assert done.status_code == 200
    assert "2 added, 0 updated, 0 unchanged" in done.get_data(as_text=True)
    found = web.test_client().get("/api/search?q=welcome").get_json()["results"][0]
    assert found["speaker"]["id"] == "mizuhara-aiko" and found["media"]["start"] == 65.5


def test_only_editors_import_on_the_web(web) -> None:  # type: ignore[no-untyped-def]
    contributor = signed_in(web, "cora")
    assert contributor.get("/import").status_code == 403
    assert web.test_client().get("/import").status_code in (302, 401, 403)


def test_citations_carry_the_moment_in_the_recording(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    found = client.get("/api/search?q=reserve").get_json()["results"][0]["id"]
    data = client.get(f"/api/statements/{found}").get_json()
    assert f"At 0:10 in the recording: {VIDEO}#t=10.5,74.25." in data["citation"]
    assert f"recording at 0:10: {VIDEO}#t=10.5,74.25" in data["csl"]["note"]
    ja = client.get(f"/s/{found}?ui=ja").get_data(as_text=True)
    assert f"録画の0:10：{VIDEO}#t=10.5,74.25。" in ja
