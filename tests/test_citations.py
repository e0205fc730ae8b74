"""Taking results elsewhere: whole result lists as CSV, JSON Lines, RIS and BibTeX (CLI and web),
and citations with a permalink, an access date, family/given names and a Japanese form."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import MIZUHARA, SEO, Cli, statement, write_jsonl

TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def archive(run: Cli, tmp_path: Path) -> Cli:
    records = [
        statement(
            id=f"lib-{i:02d}",
            text=f"図書館の開館時間を{i}時間延ばします。",
            date=f"2024-05-{i:02d}",
        )
        for i in range(1, 24)
    ]
    records.append(statement(id="seo-1", speaker=SEO, lang="ko", text="도서관을 짓겠습니다.",
                             translations=[{"lang": "ja", "text": "図書館を建てます。",
                                            "by": "press"}]))  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "lib.jsonl", records)))
    return run


def test_cli_exports_every_page_of_a_result_list(archive: Cli, tmp_path: Path) -> None:
    base = ["search", "図書館", "--base-url", "https://archive.example.org"]
    rows = list(
        csv.DictReader(io.StringIO(archive.ok(*base, "--format", "csv").stdout.lstrip("\ufeff")))
    )
    assert len(rows) == 24  # not the ten of one page
    assert rows[0]["permalink"].startswith("https://archive.example.org/s/")
    assert {r["accessed"] for r in rows} == {TODAY}
    korean = next(r for r in rows if r["id"] == "seo-1")
    assert korean["provenance"] == "" and korean["translation"] == "図書館を建てます。"
    ris = archive.ok(*base, "--format", "ris").stdout
    assert ris.count("ER  - ") == 24 and ris.count("TY  - GEN") == 24
    assert "AU  - 水原, 愛子" in ris and "AU  - Seo, Min-jun" in ris  # family name first
    assert f"Y2  - {TODAY.replace('-', '/')}" in ris
    bib = archive.ok(*base, "--format", "bibtex").stdout
    assert len(re.findall(r"^@misc\{", bib, re.M)) == 24 and "urldate = {" + TODAY + "}" in bib
    capped = archive("search", "図書館", "--format", "jsonl", "--max", "5")
    assert capped.exit_code == 0 and len(capped.stdout.splitlines()) == 5
    assert "5 of 24 statements written" in capped.stderr


def test_a_jsonl_result_list_imports_again(archive: Cli, tmp_path: Path) -> None:
    lines = archive.ok("search", "図書館", "--speaker", "mizuhara-aiko", "--format", "jsonl").stdout
    path = tmp_path / "again.jsonl"
    path.write_text(lines, encoding="utf-8")
    other = Cli(tmp_path / "other-home")
    result = other.ok("import", str(path))
    assert result.stdout.startswith("23 added")


def test_the_web_downloads_the_whole_list_with_permalinks(tmp_path: Path, archive: Cli) -> None:
    from hatsugen.web.app import create_app

    client = create_app({"HATSUGEN_HOME": str(archive.home), "TESTING": True}).test_client()
    page = client.get("/?q=図書館&speaker=mizuhara-aiko&page=2").get_data(as_text=True)
    link = re.search(r'href="(/api/search\?[^"]*format=ris)"', page)
    assert link is not None and "speaker=mizuhara-aiko" in link.group(1)
    assert "page=" not in link.group(1)  # the whole list, not the page shown
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.count("ER  - ") == 23 and "UR  - http://localhost/s/lib-" in body
    assert response.headers["X-Total-Count"] == "23"
    bad = client.get("/api/search?q=図書館&format=pdf")
    assert bad.status_code == 400 and "format" in bad.get_json()["error"]


def test_citations_carry_permalink_access_date_and_the_interface_language(archive: Cli) -> None:
    from hatsugen.web.app import create_app

    client = create_app({"HATSUGEN_HOME": str(archive.home), "TESTING": True}).test_client()
    english = client.get("/api/statements/lib-03").get_json()
    assert "http://localhost/s/lib-03/v/1 (accessed " + TODAY + ")" in english["citation"]
    csl = english["csl"]
    assert csl["author"] == [{"family": "水原", "given": "愛子"}]
    assert csl["URL"] == "http://localhost/s/lib-03/v/1"  # pinned to the version cited
    assert csl["accessed"]["date-parts"][0] == [int(p) for p in TODAY.split("-")]
    assert "published at https://example.org/aozora/1" in csl["note"]
    japanese = client.get("/s/lib-03?ui=ja").get_data(as_text=True)
    assert "水原愛子「図書館の開館時間を3時間延ばします。」（2024年5月3日）" in japanese
    assert "閲覧）" in japanese
    download = client.get("/s/lib-03/csl.json")
    assert json.loads(download.get_data(as_text=True))[0]["URL"] == "http://localhost/s/lib-03/v/1"


def test_english_names_split_family_last_and_east_asian_first() -> None:
    from hatsugen.citations import name_parts

    assert name_parts(MIZUHARA) == {"family": "水原", "given": "愛子"}
    assert name_parts({"name": {"en": "Hana Kirishima"}}) == {
        "family": "Kirishima",
        "given": "Hana",
    }
    assert name_parts(SEO) == {"family": "Seo", "given": "Min-jun"}
    assert name_parts({"name": {"en": "Madonna"}}) == {"literal": "Madonna"}
