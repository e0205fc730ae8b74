"""The relevance set (tests/relevance): every judged query, as a user would see its results.

Real Diet paragraphs (full-width Ｇ７, kanji numbers, old name forms, abbreviations) and
fictional bilingual statements; queries.json says for each query what must be found, what
must not, which strings a mark may cover, and how a speaker name must resolve. The scorer is
scripts/eval_relevance.py, which prints the same judgments as figures.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "eval_relevance", ROOT / "scripts" / "eval_relevance.py"
)
assert _spec and _spec.loader
scorer = importlib.util.module_from_spec(_spec)
sys.modules["eval_relevance"] = scorer
_spec.loader.exec_module(scorer)

QUERIES = scorer.queries()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hatsugen]:
    app = scorer.open_archive(tmp_path_factory.mktemp("relevance") / "home")
    yield app
    app.close()


@pytest.fixture(scope="module")
def by_speaker() -> dict[str, set[str]]:
    return scorer.statements_by_speaker()


def test_the_set_is_large_enough() -> None:
    assert len(QUERIES) >= 60
    assert len({q["id"] for q in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("query", QUERIES, ids=[q["id"] for q in QUERIES])
def test_judged_query(archive: Hatsugen, by_speaker: dict[str, set[str]], query: dict) -> None:
    outcome = scorer.run(archive, query, by_speaker)
    assert not outcome.missed, f"not found: {outcome.missed} ({query['why']})"
    assert not outcome.wrong, f"wrongly found: {outcome.wrong} ({query['why']})"
    assert not outcome.stray_marks, f"marked outside the match: {outcome.stray_marks}"
    assert not outcome.problems, outcome.problems


def test_facets_show_ten_then_more_and_years_in_date_order(archive: Hatsugen) -> None:
    import re

    from hatsugen.web.app import create_app

    client = create_app({"HATSUGEN_HOME": str(archive.home), "TESTING": True}).test_client()
    page = client.get("/?q=防衛").get_data(as_text=True)
    speakers = page.split("<h3>Speaker</h3>")[1].split("</section>")[0]
    shown, more = speakers.split('<details class="more"')
    assert len(re.findall(r"<li[ >]", shown)) == 10 and re.search(
        r"<summary>\d+ more…</summary>", more
    )
    years = page.split("<h3>Year</h3>")[1].split("</section>")[0]
    listed = re.findall(r">(\d{4})</a>", years)
    assert len(listed) > 3 and listed == sorted(listed, reverse=True)


def test_the_speakers_page_is_in_reading_order_with_a_filter_and_pages(archive: Hatsugen) -> None:
    import re

    from hatsugen.web.app import create_app

    client = create_app({"HATSUGEN_HOME": str(archive.home), "TESTING": True}).test_client()
    page = client.get("/speakers").get_data(as_text=True)
    readings = re.findall(r'class="reading" lang="ja">([^<]*)', page)
    assert len(readings) > 50 and readings == sorted(readings)  # あいうえお
    found = client.get("/speakers?q=さくら").get_data(as_text=True)
    assert "櫻田義孝" in found and "石破茂" not in found  # by reading, and the old form 櫻
    assert "櫻田義孝" in client.get("/speakers?q=桜田").get_data(as_text=True)
    by_count = client.get("/api/speakers?sort=count").get_json()["speakers"]
    assert [s["count"] for s in by_count] == sorted((s["count"] for s in by_count), reverse=True)
    paged = client.get("/api/speakers?page=1").get_json()
    assert paged["total"] > len(paged["speakers"]) or paged["total"] <= 100
    assert client.get("/api/speakers?sort=height").status_code == 400


def test_years_are_a_histogram_and_undated_statements_can_be_chosen(
    archive: Hatsugen, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import re

    from hatsugen.index import QueryError, SearchRequest
    from hatsugen.web.app import create_app

    client = create_app({"HATSUGEN_HOME": str(archive.home), "TESTING": True}).test_client()
    years = client.get("/?q=防衛").get_data(as_text=True).split("<h3>Year</h3>")[1]
    bars = re.findall(r'class="bar w(\d+)"', years.split("</section>")[0])
    assert bars and "10" in bars and all(0 <= int(b) <= 10 for b in bars)
    from conftest import ADMIN, statement, write_jsonl

    home = tmp_path_factory.mktemp("undated") / "home"
    app = Hatsugen(home)
    records = [statement(id="dated"), statement(id="undated", date=None, text="日付のない発言。")]
    app.import_files([str(write_jsonl(home.parent / "u.jsonl", records))], actor=ADMIN)
    found = app.search(SearchRequest(q="", undated=True))
    assert [r["id"] for r in found["results"]] == ["undated"]
    with pytest.raises(QueryError, match="undated"):
        app.search(SearchRequest(q="x", undated=True, since="2020"))
    page = create_app({"HATSUGEN_HOME": str(home), "TESTING": True}).test_client().get("/")
    assert 'href="/?undated=1"' in page.get_data(as_text=True)
    app.close()
