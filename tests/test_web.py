"""The web pages and their JSON twins, through Flask's test client."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from conftest import ADMIN, XSS


def test_search_page_and_api_show_the_same_results(client) -> None:
    api = client.get("/api/search?q=協力").get_json()
    assert set(api) == {
        "query", "total", "matched", "page", "per_page", "results", "facets",
        "queued_for_indexing", "engine", "speakers_named",
    }  # fmt: skip
    assert {r["id"] for r in api["results"]} == {"korea", "shuttle"}
    page = client.get("/?q=協力").get_data(as_text=True)
    assert "2 statements" in page
    for r in api["results"]:
        assert f'href="/s/{r["id"]}"' in page
    assert "日韓の経済<mark>協力</mark>が重要です。" in page
    assert 'lang="ko"' in page and 'lang="ja"' in page  # every text block says its language


def test_filters_facets_pages_and_sort_via_parameters(client) -> None:
    by_speaker = client.get("/api/search?speaker=seo-minjun&speaker=mizuhara-aiko").get_json()
    assert set(by_speaker["facets"]["speaker"]) == {"seo-minjun", "mizuhara-aiko"}
    dated = client.get("/api/search?since=2021-04&until=2021-04-30&sort=date").get_json()
    assert [r["id"] for r in dated["results"]] == ["kyoto", "tokyo-to"]
    page2 = client.get("/api/search?per_page=5&page=2&sort=date").get_json()
    assert page2["page"] == 2 and len(page2["results"]) == 5
    html = client.get("/?q=協力").get_data(as_text=True)
    assert "/?q=%E5%8D%94%E5%8A%9B&amp;speaker=seo-minjun" in html  # facet link adds a filter
    active = client.get("/?q=協力&speaker=seo-minjun").get_data(as_text=True)
    assert 'aria-current="true" class="active"' in active
    assert "1 statement" in active


def test_empty_result_says_so_and_suggests(client) -> None:
    page = client.get("/?q=寿司&kind=speech").get_data(as_text=True)
    assert "No statements found." in page
    assert "without the filter Kind (1)" in page
    words = client.get("/?q=寿司+観光").get_data(as_text=True)
    assert "only “寿司” (1)" in words and "only “観光” (1)" in words


def test_statement_page_and_twin(client) -> None:
    data = client.get("/api/statements/korea").get_json()
    assert data["statement"]["speaker"]["name"]["ko"] == "서민준"
    assert data["history"][0]["changed"] == ["created"]
    assert data["csl"]["issued"] == {"date-parts": [[2025, 1, 10]]}
    assert "Seo Min-jun (서민준)" in data["citation"]
    page = client.get("/s/korea").get_data(as_text=True)
    for text in (
        "한일 경제 협력이 중요합니다.",
        "日韓の経済協力が重要です。",
        "translated by press",
        "Revision history",
        "Cite this",
        'href="/s/korea/csl.json?v=1"',
        'href="/s/korea/cite.bib?v=1"',
        'href="/s/korea/cite.ris?v=1"',
    ):
        assert text in page  # fmt: skip
    csl = client.get("/s/korea/csl.json")
    assert csl.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(csl.data)[0]["id"] == "korea"


def test_speakers_pages(client) -> None:
    listing = client.get("/api/speakers").get_json()["speakers"]
    assert {s["id"]: s["count"] for s in listing}["seo-minjun"] == 2
    one = client.get("/api/speakers/mizuhara-aiko").get_json()
    assert one["speaker"]["reading"] == "みずはら あいこ"
    assert one["roles"] == ["Mayor of Aozora City"]
    dates = [s.get("date") for s in one["statements"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    page = client.get("/speakers/mizuhara-aiko").get_data(as_text=True)
    assert "@aiko_mizuhara" in page and "Mayor of Aozora City" in page
    assert "水原愛子" in client.get("/speakers").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    ["/api/search?since=notadate", "/api/search?page=-1", "/api/search?page=x",
     "/api/search?kind=rant", '/api/search?q="open', "/api/search?per_page=0",
     "/api/speakers/mizuhara-aiko?page=0"],
)  # fmt: skip
def test_bad_parameters_are_400_json(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"}


def test_bad_parameters_on_pages_are_friendly(client) -> None:
    response = client.get('/?q="open&since=2024&per_page=25')
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page.index('role="alert"')
    assert error < page.index('<form class="search"')  # above the form, not instead of it
    assert "Search statements: has an unbalanced quote" in page and "Traceback" not in page
    assert 'name="q" type="search" value="&#34;open"' in page  # what was typed is kept
    assert 'aria-invalid="true"' in page and 'value="2024"' in page
    assert '<option value="25" selected>' in page
    japanese = client.get("/?q=協力&since=2025-13-01&ui=ja").get_data(as_text=True)
    assert "開始日: 2025-13-01: 13月はありません" in japanese
    client.get("/?ui=en")


def test_dates_are_read_as_people_type_them_and_shown_in_the_interfaces_way(client) -> None:
    iso = client.get("/api/search?since=2021-04&until=2021-04-30").get_json()["total"]
    typed = [("2021/04", "2021/04/30"), ("2021年4月", "2021年4月30日"),
             ("令和3年4月", "令和三年四月三十日"), ("２０２１．４", "R3.4.30")]  # fmt: skip
    for since, until in typed:
        got = client.get(f"/api/search?since={since}&until={until}").get_json()
        assert got["total"] == iso == 2, (since, until)
    japanese = client.get("/?q=京都&ui=ja").get_data(as_text=True)
    assert '<time datetime="2021-04">2021年4月</time>' in japanese
    client.get("/?ui=en")


def test_pages_are_numbered_above_and_below_and_the_sort_says_what_is_applied(client) -> None:
    page = client.get("/?per_page=5&page=2").get_data(as_text=True)
    assert page.count('class="pages pages-') == 2
    assert '<span aria-current="page">2</span>' in page and 'href="/?per_page=5&amp;page=3"' in page
    # With no words there is no relevance: the list is newest first, and the form says so.
    assert '<option value="date" selected>' in page
    assert '<option value="relevance" disabled>' in page


def test_unknown_ids_are_404(client) -> None:
    for url in ("/s/nope", "/api/statements/nope", "/speakers/nope", "/api/speakers/nope",
                "/no-such-page"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.get("/api/statements/nope").get_json() == {"error": "no statement with id 'nope'"}


def test_archive_text_is_always_escaped(client) -> None:
    for url in ("/?q=alert", "/s/xss", "/speakers/mizuhara-aiko", "/?q=危険"):
        page = client.get(url).get_data(as_text=True)
        assert XSS not in page, url
        assert "<img src=x" not in page, url
    assert "&lt;script&gt;" in client.get("/s/xss").get_data(as_text=True)
    highlighted = client.get("/?q=危険").get_data(as_text=True)
    assert "<mark>危険</mark>な&lt;script&gt;" in highlighted


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_interface_language_from_header_switch_and_cookie(client) -> None:
    ja = client.get("/", headers={"Accept-Language": "ja,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ja">' in ja and "発言を検索" in ja
    en = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in en and "Search statements" in en
    switched = client.get("/?ui=ja")
    assert "hatsugen_ui=ja" in switched.headers["Set-Cookie"]
    remembered = client.get("/s/korea").get_data(as_text=True)  # the cookie now says ja
    assert '<html lang="ja">' in remembered and "改訂履歴" in remembered


def test_every_label_is_translated() -> None:
    from hatsugen.web.i18n import LABELS

    assert set(LABELS["ja"]) == set(LABELS["en"])
    same = [k for k in LABELS["en"] if LABELS["en"][k] == LABELS["ja"][k] and k != "api"]
    assert same == []


def test_openapi_document_is_valid_and_describes_every_api_route(client, web_app) -> None:
    doc = client.get("/api/openapi.json").get_json()
    validate_openapi(doc)
    routes = {
        str(rule)
        .replace("<statement_id>", "{id}")
        .replace("<speaker_id>", "{id}")
        .replace("<event_id>", "{id}")
        .replace("<int:number>", "{number}")
        for rule in web_app.url_map.iter_rules()
        if str(rule).startswith("/api/")
    }
    assert routes == set(doc["paths"])
    result = client.get("/api/search?q=協力").get_json()
    schema = {**doc["components"]["schemas"]["SearchResult"], "components": doc["components"]}
    jsonschema.validate(result, schema)


def test_a_statement_imported_while_serving_is_found_next_request(web_home, client) -> None:
    from hatsugen.core import Hatsugen, ImportOptions

    from conftest import statement

    assert client.get("/api/search?q=灯台").get_json()["total"] == 0
    other = Hatsugen(web_home)  # another process's view: the CLI
    keeper = {"id": "umi-tanaka", "name": {"en": "Umi Tanaka"}}
    other.add(
        statement(id="lighthouse", speaker=keeper, text="灯台を修復します。"),
        actor=ADMIN,
        options=ImportOptions(new_speaker=True),
    )
    assert client.get("/api/search?q=灯台").get_json()["total"] == 1


def test_a_card_matched_only_in_its_metadata_says_where(client) -> None:
    api = client.get("/api/search?q=summit").get_json()
    assert api["matched"] == {"text": 0, "speaker_only": 0, "metadata_only": 1}
    (card,) = api["results"]
    assert card["id"] == "shuttle" and card["matched_in"] == ["meta"]
    assert card["highlights"]["meta"] == {"event": "Aozora <mark>summit</mark>"}
    page = client.get("/?q=summit").get_data(as_text=True)
    assert "0 matched in what was said, 0 only in who said it, 1 only in their role" in page
    assert 'Matched in: <span class="event">Event: Aozora <mark>summit</mark></span>' in page
    said = client.get("/api/search?q=cooperation").get_json()
    assert said["matched"]["metadata_only"] == 0
    assert all("meta" not in r["matched_in"] for r in said["results"])


def test_any_search_or_speaker_is_an_atom_feed_newest_first(client) -> None:
    import feedparser

    page = client.get("/?q=協力&speaker=seo-minjun").get_data(as_text=True)
    link = re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', page
    )
    assert link is not None and "speaker=seo-minjun" in link.group(1)
    feed = feedparser.parse(client.get(link.group(1).replace("&amp;", "&")).get_data())
    assert not feed.bozo and [e.link for e in feed.entries] == ["http://localhost/s/korea"]
    (entry,) = feed.entries
    assert "한일 경제 협력이 중요합니다." in entry.content[0].value
    assert "Korea-Japan economic cooperation is important." in entry.content[0].value
    dated = feedparser.parse(client.get("/feed").get_data())
    dates = [e.title.split(", ")[1].split(":")[0] for e in dated.entries]
    assert len(dates) >= 10 and dates[:3] == sorted(dates[:3], reverse=True)
    hostile = client.get("/feed?q=alert").get_data(as_text=True)
    assert not feedparser.parse(hostile).bozo and "<script>" not in hostile
    speaker_page = client.get("/speakers/seo-minjun").get_data(as_text=True)
    assert 'href="/feed?speaker=seo-minjun"' in speaker_page


def test_shared_links_do_not_carry_the_interface_language(client) -> None:
    response = client.get("/?q=協力&ui=ja")
    page = response.get_data(as_text=True)
    links = re.findall(r'href="(/\?[^"]*)"', page)
    assert links and [u for u in links if "ui=" in u] == ["/?q=%E5%8D%94%E5%8A%9B&amp;ui=en"]
    assert {"Accept-Language", "Cookie"} <= set(response.headers["Vary"].split(", "))
    client.get("/?ui=en")


def test_a_statement_page_previews_when_its_link_is_pasted(client) -> None:
    page = client.get("/s/korea").get_data(as_text=True)
    assert '<meta property="og:description" content="한일 경제 협력이 중요합니다.">' in page
    assert '<meta property="og:url" content="http://localhost/s/korea">' in page
    xss = client.get("/s/xss").get_data(as_text=True)
    assert "<script>" not in xss.split("</head>")[0]


def test_long_texts_are_cut_at_sentences_and_the_translation_follows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hatsugen.core import Hatsugen
    from hatsugen.web.app import create_app

    from conftest import statement, write_jsonl

    original = (
        "市の予算について説明します。" * 20 + "半導体の工場を誘致します。" + "議論を続けます。" * 20
    )
    english = ("We explain the city budget. " * 20 + "We will attract a semiconductor plant. "
               + "We continue the debate. " * 20)  # fmt: skip
    home = tmp_path / "home"
    app = Hatsugen(home)
    record = statement(id="long-ja", text=original,
                       translations=[{"lang": "en", "text": english, "by": "editor"}])  # fmt: skip
    app.import_files([str(write_jsonl(tmp_path / "l.jsonl", [record]))], actor=ADMIN)
    app.close()
    client = create_app({"HATSUGEN_HOME": str(home), "TESTING": True}).test_client()
    (result,) = client.get("/api/search?q=半導体").get_json()["results"]
    hl = result["highlights"]
    assert hl["text"] == "…<mark>半導体</mark>の工場を誘致します。…"  # the whole sentence, no more
    assert hl["aligned"] == {"en": "…We will attract a semiconductor plant.…"}
    assert set(hl["cut"]) == {"text", "en"}
    page = client.get("/?q=半導体").get_data(as_text=True)
    assert page.count('<details class="whole"><summary>Show the whole text</summary>') == 2
    assert "We will attract a semiconductor plant.…</blockquote>" in page


def test_a_compact_list_shows_one_line_a_statement(client) -> None:
    page = client.get("/?q=協力&view=compact").get_data(as_text=True)
    assert page.count('<li id="r-') == 2 and "<article" not in page.split("results-title")[1]
    assert "<mark>協力</mark>" in page  # the matched line, marked
    assert 'href="/?q=%E5%8D%94%E5%8A%9B"' in page  # back to cards, the query kept
    cards = client.get("/?q=協力").get_data(as_text=True)
    assert 'href="/?q=%E5%8D%94%E5%8A%9B&amp;view=compact"' in cards


def test_the_count_says_what_was_searched(client) -> None:
    page = client.get("/?q=協力&speaker=seo-minjun&since=2025/01").get_data(as_text=True)
    searched = page.split('<p class="searched">')[1].split("</p>")[0]
    assert '“<span class="q">協力</span>”' in searched and "Seo Min-jun" in searched
    assert "From: 2025-01" in searched and "speakers&#39; names and metadata" in searched


def test_error_pages_speak_the_interface_language(client) -> None:
    japanese = client.get("/s/nope?ui=ja").get_data(as_text=True)
    assert "ID「nope」の発言はありません" in japanese
    assert "そのページはありません" in client.get("/no-such-page").get_data(as_text=True)
    # The JSON API's errors stay English: programs match them.
    assert client.get("/api/statements/nope").get_json() == {"error": "no statement with id 'nope'"}
    assert "no statement with id" in client.get("/s/nope?ui=en").get_data(as_text=True)
