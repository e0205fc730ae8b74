"""Quotes that travel: citations pinned to a version, JSON-LD, Wikidata ids, embeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import ADMIN, MIZUHARA, SEO, Cli, statement, write_jsonl

# Wikidata's own sandbox items: ids that name no real person.
SANDBOX, SANDBOX_2 = "Q4115189", "Q13406268"
SID = "mizuhara-2024-05-01"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    app = Hatsugen(home)
    seo = statement(id="seo-1", speaker=SEO, lang="ko", text="항구를 새로 짓겠습니다.")
    records = [statement(speaker=dict(MIZUHARA, wikidata=SANDBOX)), seo]
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", records))], actor=ADMIN)
    app.close()
    return home


@pytest.fixture
def web(home: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


def edit_text(home: Path, tmp_path: Path, text: str) -> None:
    changed = statement(speaker="mizuhara-aiko", text=text)
    changed["version"] = 1
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(tmp_path / "b.jsonl", [changed]))], actor=ADMIN)
    app.close()


def json_ld(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1
    data = json.loads(found[0])
    return data if isinstance(data, list) else [data]


# -- citations pinned to what was cited ----------------------------------------------------
def test_a_citation_names_its_version_and_hash_and_stays_checkable(web, home: Path,
                                                                   tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    client = web.test_client()
    first = client.get(f"/api/statements/{SID}").get_json()
    hash_1 = first["content_hash"]
    assert re.fullmatch(r"[0-9a-f]{10}", hash_1)
    assert f"hatsugen id {SID}, version 1, {hash_1}. http://localhost/s/{SID}/v/1" in \
        first["citations"]["en"]  # fmt: skip
    assert f"hatsugen ID {SID}（第1版、{hash_1}）、http://localhost/s/{SID}/v/1" in \
        first["citations"]["ja"]  # fmt: skip
    assert first["citations"]["ja"].startswith("水原愛子「青空市は")  # 「」 and 2024年5月1日
    assert "（2024年5月1日）" in first["citations"]["ja"]
    assert first["citations"]["en"].count("“") == 1
    edit_text(home, tmp_path, "青空市は新しい図書館と公園を建設します。")
    now = client.get(f"/api/statements/{SID}").get_json()
    assert now["content_hash"] != hash_1 and f"/s/{SID}/v/2" in now["citation"]
    old = client.get(f"/s/{SID}/v/1").get_data(as_text=True)
    assert "青空市は新しい図書館を建設します。" in old  # the wording that was cited
    assert "a newer version exists (version 2)" in old and hash_1 in old
    assert f'href="/s/{SID}/diff?a=1&amp;b=2"' in old
    assert "changed: Text" in old  # the field's label, not `text`
    assert client.get(f"/api/statements/{SID}/v/1").get_json()["content_hash"] == hash_1
    assert client.get(f"/s/{SID}/v/3").status_code == 404
    ja = client.get(f"/s/{SID}/v/1?ui=ja").get_data(as_text=True)
    assert "新しい版（第2版）があります" in ja and "変更：テキスト" in ja
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d JST", ja)  # local time, zone named


def test_bibtex_and_ris_downloads_are_pinned(web, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    edit_text(home, tmp_path, "青空市は新しい図書館と公園を建設します。")
    client = web.test_client()
    page = client.get(f"/s/{SID}").get_data(as_text=True)
    assert f'href="/s/{SID}/cite.bib?v=2"' in page and f'href="/s/{SID}/cite.ris?v=2"' in page
    bib = client.get(f"/s/{SID}/cite.bib?v=1")
    assert bib.headers["Content-Disposition"] == f'attachment; filename="{SID}-v1.bib"'
    text = bib.get_data(as_text=True)
    assert f"url = {{http://localhost/s/{SID}/v/1}}" in text and "version = {1}" in text
    assert "図書館を建設します" in text
    ris = client.get(f"/s/{SID}/cite.ris").get_data(as_text=True)
    assert f"UR  - http://localhost/s/{SID}/v/2" in ris and "ET  - version 2" in ris
    csl = json.loads(client.get(f"/s/{SID}/csl.json?v=1").get_data(as_text=True))[0]
    assert csl["version"] == "1" and csl["URL"].endswith("/v/1")
    assert client.get(f"/s/{SID}/cite.bib?v=x").status_code == 400


def test_result_lists_cite_the_version_each_statement_is_at(web, home: Path,
                                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    edit_text(home, tmp_path, "青空市は新しい図書館と公園を建設します。")
    csv = web.test_client().get("/api/search?q=図書館&format=csv").get_data(as_text=True)
    header, row = csv.lstrip("\ufeff").splitlines()[:2]
    assert header.endswith(",version,content_hash")
    assert f"http://localhost/s/{SID}/v/2" in row
    jsonl = web.test_client().get("/api/search?q=図書館&format=jsonl").get_data(as_text=True)
    assert json.loads(jsonl.splitlines()[0])["version"] == 2  # imports again based on it


# -- structured data -------------------------------------------------------------------------
# The schema.org vocabulary hatsugen emits: each type with the properties it may carry
# (checked against schema.org's definitions of these types and their parents).
VOCABULARY = {
    "Quotation": {"text", "inLanguage", "spokenByCharacter", "creator", "dateCreated",
                  "isBasedOn", "workTranslation", "url"},
    "Person": {"name", "alternateName", "url", "sameAs"},
    "CreativeWork": {"name", "url", "publisher", "datePublished"},
    "Organization": {"name", "url"},
    "ClaimReview": {"url", "claimReviewed", "itemReviewed", "author", "reviewRating",
                    "citation", "datePublished", "about"},
    "Claim": {"author", "appearance", "datePublished"},
    "Rating": {"ratingValue", "bestRating", "worstRating", "alternateName"},
}  # fmt: skip


def check_vocabulary(item: dict, top: bool = True) -> None:
    kind = item.get("@type")
    assert kind in VOCABULARY, kind
    allowed = VOCABULARY[kind] | ({"@context", "@id"} if top else {"@id"})
    assert set(item) - {"@type"} <= allowed, (kind, set(item) - allowed)
    for value in item.values():
        for nested in value if isinstance(value, list) else [value]:
            if isinstance(nested, dict):
                check_vocabulary(nested, top=False)


def test_a_statement_page_describes_itself_as_a_quotation(web) -> None:  # type: ignore[no-untyped-def]
    items = json_ld(web.test_client().get(f"/s/{SID}").get_data(as_text=True))
    assert len(items) == 1  # unverified: no review
    quote = items[0]
    check_vocabulary(quote)
    assert quote["text"] == "青空市は新しい図書館を建設します。" and quote["inLanguage"] == "ja"
    assert quote["spokenByCharacter"]["sameAs"] == f"https://www.wikidata.org/wiki/{SANDBOX}"
    assert quote["isBasedOn"]["url"] == "https://example.org/aozora/1"
    english = "Aozora City will build a new library."
    assert quote["workTranslation"] == [{"@type": "Quotation", "inLanguage": "en", "text": english}]


@pytest.mark.parametrize(
    ("status", "args", "rating"),
    [
        ("misattributed", ["--actually-said-by", "seo-minjun", "--kind", "fact_check"], 1),
        ("disputed", ["--kind", "press_report"], 3),
        ("verified", ["--kind", "video"], 5),
    ],
)
def test_a_checked_attribution_carries_a_claim_review(
    home: Path,
    web,
    status: str,
    args: list[str],
    rating: int,  # type: ignore[no-untyped-def]
) -> None:
    Cli(home).ok("verify", SID, "--status", status, "--evidence", "https://example.org/ev",
                 *args, "--note", "checked")  # fmt: skip
    for ui, name in (("en", status.capitalize()), ("ja", None)):
        items = json_ld(web.test_client().get(f"/s/{SID}?ui={ui}").get_data(as_text=True))
        review = next(i for i in items if i["@type"] == "ClaimReview")
        check_vocabulary(review)
        assert review["reviewRating"]["ratingValue"] == rating
        assert review["claimReviewed"] == "青空市は新しい図書館を建設します。"
        assert review["itemReviewed"]["author"]["name"] == "水原愛子"  # the claimed speaker
        assert review["citation"] == [{"@type": "CreativeWork", "url": "https://example.org/ev"}]
        if name:
            assert review["reviewRating"]["alternateName"] == name
        else:
            assert review["reviewRating"]["alternateName"] not in ("Misattributed", "Disputed")
    if status == "misattributed":
        assert review["about"]["name"] == "Seo Min-jun"


def test_archive_text_cannot_close_the_json_ld_script(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = Hatsugen(home)
    hostile = statement(text="</script><script>alert(1)</script> & <b>")
    app.import_files([str(write_jsonl(tmp_path / "x.jsonl", [hostile]))], actor=ADMIN)
    app.close()
    page = create_app({"HATSUGEN_HOME": str(home)}).test_client().get(f"/s/{SID}")
    text = page.get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert json_ld(text)[0]["text"] == hostile["text"]


# -- Wikidata ids --------------------------------------------------------------------------
def test_a_speaker_wikidata_id_is_validated_shown_exported_and_found(
    home: Path,
    web,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    cli = Cli(home)
    bad = statement(id="bad", speaker=dict(MIZUHARA, wikidata="P31"))
    refused = cli("import", str(write_jsonl(tmp_path / "bad.jsonl", [bad])))
    assert "field 'speaker.wikidata': 'P31' is not a Wikidata id" in refused.stderr
    other = statement(id="other", text="別の発言です。", speaker=dict(MIZUHARA, wikidata=SANDBOX_2))
    refused = cli("import", str(write_jsonl(tmp_path / "other.jsonl", [other])))
    assert refused.exit_code == 2 and f"is Wikidata {SANDBOX}; this record says" in refused.stderr
    page = web.test_client().get("/speakers/mizuhara-aiko").get_data(as_text=True)
    assert f'href="https://www.wikidata.org/wiki/{SANDBOX}"' in page
    found = cli.json("search", "--speaker", SANDBOX)
    assert [r["id"] for r in found["results"]] == [SID]
    by_qid = statement(id="by-qid", text="Q番号で名指しした発言です。", speaker=SANDBOX)
    cli.ok("import", str(write_jsonl(tmp_path / "q.jsonl", [by_qid])))
    assert Cli(home).json("show", "by-qid")["speaker"]["id"] == "mizuhara-aiko"
    out = tmp_path / "export.json"
    cli.ok("export", "-o", str(out))
    speakers = json.loads(out.read_text(encoding="utf-8"))["speakers"]
    assert next(s for s in speakers if s["id"] == "mizuhara-aiko")["wikidata"] == SANDBOX


# -- embeds --------------------------------------------------------------------------------
def test_oembed_is_discoverable_and_returns_a_framed_card(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    page = client.get(f"/s/{SID}").get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link
    answer = client.get(link[1].replace("&amp;", "&").replace("http://localhost", ""))
    data = answer.get_json()
    assert data["version"] == "1.0" and data["type"] == "rich" and data["width"] == 560
    src = re.search(r'<iframe src="([^"]+)"', data["html"])
    assert src and src[1] == f"http://localhost/embed/s/{SID}"
    card = client.get(f"/embed/s/{SID}")
    assert "frame-ancestors *" in card.headers["Content-Security-Policy"]
    assert "script-src" not in card.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in card.headers
    html = card.get_data(as_text=True)
    assert "青空市は新しい図書館を建設します。" in html and "Aozora City will build" in html
    assert "Mayor of Aozora City" in html and "Unverified" in html
    assert f'href="http://localhost/s/{SID}"' in html and "<script" not in html
    assert "出典とともにアーカイブで見る" in client.get(f"/embed/s/{SID}?ui=ja").get_data(
        as_text=True
    )
    assert client.get(f"/s/{SID}").headers["X-Frame-Options"] == "DENY"  # others still refuse
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        (f"url=http://elsewhere.example/s/{SID}", 404),
        ("url=http://localhost/s/no-such", 404),
        ("url=http://localhost/speakers/mizuhara-aiko", 404),
        (f"url=http://localhost/s/{SID}&format=xml", 501),
        (f"url=http://localhost/s/{SID}&maxwidth=wide", 400),
        ("", 400),
    ],
)
def test_oembed_refuses_what_it_cannot_embed_in_json(web, query: str, status: int) -> None:  # type: ignore[no-untyped-def]
    answer = web.test_client().get("/oembed?" + query)
    assert answer.status_code == status and answer.is_json


def test_oembed_keeps_the_card_within_the_consumers_size(web) -> None:  # type: ignore[no-untyped-def]
    data = web.test_client().get(f"/oembed?url=http://localhost/s/{SID}/v/1&maxwidth=400"
                                 "&maxheight=1000").get_json()  # fmt: skip
    assert (data["width"], data["height"]) == (400, 320)
