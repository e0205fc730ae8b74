"""Badges, wording labels, attribution sections and citations through Flask's test client."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from trust_corpus import EVIDENCE_VIDEO, TRUST_CORPUS

from conftest import ADMIN, XSS, write_jsonl


@pytest.fixture(scope="module")
def trust_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from hatsugen.core import Hatsugen
    from hatsugen.web.app import create_app

    home = tmp_path_factory.mktemp("trust") / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(home.parent / "t.jsonl", TRUST_CORPUS))], actor=ADMIN)
    app.close()
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


@pytest.fixture
def trust_client(trust_app):  # type: ignore[no-untyped-def]
    return trust_app.test_client()  # a fresh cookie jar: the interface language is per test


def card(page: str, statement_id: str) -> str:
    start = page.index(f'id="r-{statement_id}"')
    return page[start : page.index("</article>", start)]


def test_every_card_has_a_status_badge_and_verified_links_its_primary_source(
    trust_client,
) -> None:  # type: ignore[no-untyped-def]
    page = trust_client.get("/").get_data(as_text=True)
    verified = card(page, "verified-library")
    assert "status-verified" in verified and "✓ Verified" in verified
    assert f'href="{EVIDENCE_VIDEO}"' in verified and "primary source: video" in verified
    assert "status-disputed" in card(page, "disputed-bridge")
    assert "status-unverified" in card(page, "press-quay")


def test_a_misattributed_quote_is_found_and_says_who_really_said_it(trust_client) -> None:  # type: ignore[no-untyped-def]
    page = trust_client.get("/?q=museum").get_data(as_text=True)
    viral = card(page, "viral-port")
    assert "status-misattributed" in viral and "✗ Misattributed" in viral
    assert "actually said by Seo Min-jun" in viral and 'href="/speakers/seo-minjun"' in viral
    ja = trust_client.get("/?q=museum&ui=ja").get_data(as_text=True)
    assert "誤った帰属" in ja and "実際の発言者：서민준" in ja


def test_a_translation_is_never_labelled_original(trust_client) -> None:  # type: ignore[no-untyped-def]
    press = card(trust_client.get("/?q=quay").get_data(as_text=True), "press-quay")
    assert "Quoted in translation (press) · English · spoken in Japanese" in press
    assert "The speaker&#39;s own words are not located." in press
    assert ">Original ·" not in press
    ferry = card(trust_client.get("/?q=ferry").get_data(as_text=True), "interpreted-ferry")
    # The interpreter's English is shown after the Korean original, which comes first.
    assert ferry.index("Original · Korean") < ferry.index("Interpretation · English")
    assert "not located" not in ferry


def test_status_filter_facet_and_bad_status(trust_client) -> None:  # type: ignore[no-untyped-def]
    api = trust_client.get("/api/search").get_json()
    assert api["facets"]["status"] == {
        "unverified": 2, "disputed": 1, "misattributed": 1, "verified": 1,
    }  # fmt: skip
    only = trust_client.get("/api/search?status=misattributed").get_json()
    assert [r["id"] for r in only["results"]] == ["viral-port"]
    page = trust_client.get("/?status=verified").get_data(as_text=True)
    assert "1 statement" in page and 'id="r-verified-library"' in page
    bad = trust_client.get("/api/search?status=true")
    assert bad.status_code == 400 and "status" in bad.get_json()["error"]


def test_statement_page_shows_evidence_history_and_a_careful_citation(trust_client) -> None:  # type: ignore[no-untyped-def]
    data = trust_client.get("/api/statements/viral-port").get_json()
    assert data["speakers"]["seo-minjun"]["name"]["en"] == "Seo Min-jun"
    assert "[quoted in English; misattributed: actually said by Seo Min-jun" in data["citation"]
    assert data["csl"]["note"].startswith("quoted in English; misattributed")
    page = trust_client.get("/s/verified-library").get_data(as_text=True)
    assert "Evidence" in page and "Status history" in page and "archived copy" in page
    assert "at 12:30" in page
    disputed = trust_client.get("/s/disputed-bridge").get_data(as_text=True)
    assert html.escape(XSS) in disputed and XSS not in disputed  # evidence notes are escaped
    ferry = trust_client.get("/api/statements/interpreted-ferry").get_json()
    assert ferry["csl"]["original-title"] == "여객선은 매시간 운항합니다."
    assert "interpretation in English, spoken in Korean" in ferry["citation"]


def test_the_demo_cards_tell_the_truth(tmp_path: Path) -> None:
    from hatsugen.core import Hatsugen
    from hatsugen.web.app import create_app

    home = tmp_path / "demo"
    Hatsugen(home).load_demo(actor=ADMIN)
    client = create_app({"HATSUGEN_HOME": str(home), "TESTING": True}).test_client()
    page = client.get("/?q=cooperation").get_data(as_text=True)
    for statement_id in ("ishiba-2025-08-23-joint", "lee-2025-08-23-joint"):
        shown = card(page, statement_id)
        assert "Quoted in translation (press)" in shown and ">Original ·" not in shown
    post = client.get("/s/ishiba-2025-08-23-post").get_data(as_text=True)
    assert "Original · Japanese" in post and "seed article" not in post


def test_the_servers_own_error_responses_carry_the_security_headers(tmp_path: Path) -> None:
    import socket
    import urllib.parse

    from conftest import serving

    with serving(tmp_path / "home") as url:
        host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
        with socket.create_connection((host, port), timeout=10) as conn:
            # A malformed Content-Length: answered by waitress itself, never reaching Flask.
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
            raw = b""
            while chunk := conn.recv(65536):
                raw += chunk
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        assert head.startswith("HTTP/1.1 400")
        for header in ("Content-Security-Policy:", "X-Content-Type-Options: nosniff",
                       "X-Frame-Options: DENY", "Referrer-Policy: same-origin"):  # fmt: skip
            assert header in head, head
