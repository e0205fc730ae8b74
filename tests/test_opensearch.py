"""hatsugen searching through a real OpenSearch node: the same answers as the embedded engine
(totals, tiers, facets, filters, pages, phrases, folding, numbers, synonyms), kept in step
with the archive (versions, queue, drift, rebuilds)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_arrays import SHAPES
from test_relevance import QUERIES, scorer

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest
from hatsugen.index.opensearch_index import SearchUnavailable

from conftest import ADMIN, CLEAN, TAKANASHI, Cli, statement, write_jsonl
from opensearch_cluster import Cluster, index_name


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, opensearch: Cluster
) -> Iterator[tuple[Hatsugen, Hatsugen]]:
    """One archive searched two ways: the embedded index, and the cluster."""
    home = tmp_path_factory.mktemp("both") / "home"
    embedded = scorer.open_archive(home)
    remote = Hatsugen(home, search_url=opensearch.url, search_index=index_name())
    yield embedded, remote
    remote.close()
    embedded.close()


def answer(app: Hatsugen, req: SearchRequest) -> dict:
    r = app.search(SearchRequest(**vars(req)))
    return {"total": r["total"], "matched": r["matched"], "facets": r["facets"],
            "page": [(x["id"], x["score"]) for x in r["results"]]}  # fmt: skip


def close(a: float, b: float) -> bool:
    """Scores equal to the four places shown, but for the last one's rounding: Lucene adds
    scores as 32-bit floats, hatsugen as 64-bit."""
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1.5e-4)


def same_ranking(app: Hatsugen, req: SearchRequest, mine: list, theirs: list) -> bool:
    """The same scores in the same order, each statement with its score in the embedded
    engine's whole ranking: statements of equal score may come in another order (the
    embedded engine breaks ties by index order, the cluster by the order they were stored)."""
    if len(mine) != len(theirs) or not all(
        close(a[1], b[1]) for a, b in zip(mine, theirs, strict=True)
    ):
        return False
    whole = dict(answer(app, SearchRequest(**{**vars(req), "page": 1, "per_page": 100}))["page"])
    return all(i in whole and close(whole[i], score) for i, score in theirs)


def test_every_judged_query_and_shape_is_answered_alike(pair: tuple[Hatsugen, Hatsugen]) -> None:
    embedded, remote = pair
    texts = [q["q"] for q in QUERIES if q.get("q")] + SHAPES + ["TPP", "五兆円", "櫻田"]
    for text in texts:
        for extra in ({}, {"per_page": 3, "page": 2}, {"sort": "date"}, {"lang": "ja"},
                      {"since": "2020", "until": "2023-06"}):  # fmt: skip
            req = SearchRequest(q=text, **extra)
            mine, theirs = answer(embedded, req), answer(remote, req)
            assert {k: mine[k] for k in ("total", "matched", "facets")} == {
                k: theirs[k] for k in ("total", "matched", "facets")
            }, (text, extra)
            assert same_ranking(embedded, req, mine["page"], theirs["page"]), (
                text,
                extra,
                mine,
                theirs,
            )


def remote_app(home: Path, cluster: Cluster, name: str | None = None) -> Hatsugen:
    return Hatsugen(home, search_url=cluster.url, search_index=name or index_name())


def found(app: Hatsugen, q: str) -> set[str]:
    return {r["id"] for r in app.search(SearchRequest(q=q, per_page=100))["results"]}


def test_writes_edits_and_retractions_are_searchable_at_once(
    tmp_path: Path, opensearch: Cluster
) -> None:
    app = remote_app(tmp_path / "home", opensearch)
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", [statement()]))], actor=ADMIN)
    assert found(app, "図書館") == {"mizuhara-2024-05-01"}
    app.change("mizuhara-2024-05-01", {"text": "青空市は新しい美術館を建設します。"},
               actor=ADMIN, reason="the museum, not the library", based_on=1)  # fmt: skip
    assert found(app, "美術館") == {"mizuhara-2024-05-01"}
    assert found(app, "図書館 NOT library") == set()  # the old wording is gone
    app.retract("mizuhara-2024-05-01", actor=ADMIN, reason="duplicate")
    assert found(app, "美術館") == set()
    app.restore("mizuhara-2024-05-01", actor=ADMIN, reason="not a duplicate after all")
    assert found(app, "美術館") == {"mizuhara-2024-05-01"}
    assert app.check(repair=False) == CLEAN


def test_a_late_or_repeated_update_never_overwrites_a_newer_one(
    tmp_path: Path, opensearch: Cluster
) -> None:
    app = remote_app(tmp_path / "home", opensearch)
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", [statement()]))], actor=ADMIN)
    stale = list(app.remote.items(["mizuhara-2024-05-01"]))  # version 1, as read then
    app.change("mizuhara-2024-05-01", {"text": "青空市は新しい美術館を建設します。"},
               actor=ADMIN, reason="the museum", based_on=1)  # fmt: skip
    pushed = app.remote.remote.push(stale)  # arrives late, after version 2
    app.remote.remote.refresh()
    assert pushed.superseded == 1 and pushed.sent == 0
    assert found(app, "美術館") == {"mizuhara-2024-05-01"}
    again = app.remote.remote.push(app.remote.items(["mizuhara-2024-05-01"]))  # repeated
    assert again.sent == 1 and app.check(repair=False) == CLEAN


def test_check_lists_drift_and_repair_mends_it(tmp_path: Path, opensearch: Cluster) -> None:
    app = remote_app(tmp_path / "home", opensearch)
    records = [statement(id=f"s{i}", text=f"青空市は図書館を{i}棟建設します。") for i in range(4)]
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", records))], actor=ADMIN)
    remote = app.remote.remote
    remote.push([("s0", 1, None)])  # lost by the cluster
    [(sid, version, doc)] = list(app.remote.items(["s1"]))
    remote.push([(sid, version, {**doc, "stamp": "1.00000000"})])  # an old speaker's name
    remote.push([("ghost", 1, {**doc, "id": "ghost"})])  # never in the archive
    remote.refresh()
    drift = app.check(repair=False)
    assert (drift["missing"], drift["stale"], drift["extra"]) == (["s0"], ["s1"], ["ghost"])
    app.check(repair=True)
    assert app.check(repair=False) == CLEAN
    assert app.search(SearchRequest(q="図書館"))["total"] == 4


def test_changes_for_a_cluster_that_cannot_be_reached_are_queued_then_sent(
    tmp_path: Path, opensearch: Cluster
) -> None:
    home, name = tmp_path / "home", index_name()
    down = Hatsugen(home, search_url="http://127.0.0.1:9", search_index=name)
    report = down.import_files([str(write_jsonl(tmp_path / "a.jsonl", [statement()]))],
                               actor=ADMIN)  # fmt: skip
    assert report.added == ["mizuhara-2024-05-01"] and report.queued == 1
    assert down.stats()["queued_for_indexing"] == 1
    with pytest.raises(SearchUnavailable, match="cannot be reached"):
        down.search(SearchRequest(q="図書館"))
    more = write_jsonl(tmp_path / "b.jsonl", [statement(id="second", text="灯台を建設します。")])
    told = Cli(home)("--search-url", "http://127.0.0.1:9", "--search-index", name, "import",
                     str(more))  # fmt: skip
    assert told.exit_code == 0 and "cannot be reached" in told.stderr
    assert "queued for indexing for the search cluster" in told.stderr
    up = remote_app(home, opensearch, name)  # the cluster answers again
    assert up.stats()["queued_for_indexing"] == 2
    assert found(up, "図書館") == {"mizuhara-2024-05-01"}
    assert up.stats()["queued_for_indexing"] == 0 and up.check(repair=False) == CLEAN


def test_reindex_fills_a_new_index_and_moves_the_alias(tmp_path: Path, opensearch: Cluster) -> None:
    app = remote_app(tmp_path / "home", opensearch)
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", [statement()]))], actor=ADMIN)
    before = app.remote.remote.concrete()
    assert app.reindex() == 1
    after = app.remote.remote.concrete()
    assert len(after) == 1 and after != before
    assert not app.remote.remote.client.indices.exists(index=before[0])  # dropped
    assert found(app, "図書館") == {"mizuhara-2024-05-01"}


def test_cli_and_web_search_through_the_cluster_as_they_do_embedded(
    tmp_path: Path, opensearch: Cluster
) -> None:
    from hatsugen.web.app import create_app

    home, name = tmp_path / "home", index_name()
    records = [
        statement(id="budget", text="防衛費として五兆円を計上します。", topics=["defence"],
                  translations=None),
        statement(id="sakurada", speaker=TAKANASHI, text="櫻田議員の質問にお答えします。",
                  date="2023-01-05", translations=None),
    ]  # fmt: skip
    run = Cli(home)
    run.ok("import", str(write_jsonl(tmp_path / "a.jsonl", records)))
    remote = ["--search-url", opensearch.url, "--search-index", name]
    for q in ("5兆円", "五兆円", "桜田", "speaker:高梨", "defence"):
        embedded = run.json("search", q)
        through = run.json(*remote, "search", q)
        assert through["engine"] == "opensearch" and embedded["engine"] == "embedded"
        for key in ("total", "matched", "facets", "results"):
            assert embedded[key] == through[key], (q, key)
    assert run.json(*remote, "stats")["search_engine"] == {
        "kind": "opensearch", "url": opensearch.url, "index": name}  # fmt: skip
    assert "index and store agree" in run.ok(*remote, "check").stdout
    web = create_app({"HATSUGEN_HOME": str(home), "HATSUGEN_SEARCH_URL": opensearch.url,
                      "HATSUGEN_SEARCH_INDEX": name}).test_client()  # fmt: skip
    api = web.get("/api/search?q=五兆円").get_json()
    assert api["engine"] == "opensearch" and [r["id"] for r in api["results"]] == ["budget"]
    assert "<mark>五兆円</mark>" in api["results"][0]["highlights"]["text"]
    page = web.get("/?q=五兆円").get_data(as_text=True)
    assert 'href="/s/budget"' in page
    exported = web.get("/api/search?q=計上&format=jsonl").get_data(as_text=True).splitlines()
    assert [json.loads(line)["id"] for line in exported] == ["budget"]
    feed = web.get("/feed?q=櫻田").get_data(as_text=True)
    assert "sakurada" in feed and "budget" not in feed
    check = web.post("/api/check-quote", json={"quote": "防衛費として五兆円を計上します"})
    assert check.get_json()["matches"][0]["id"] == "budget"
    bad = web.get("/api/search?q=secur*+AND+(")
    assert bad.status_code == 400


def test_the_demo_archive_searches_alike_on_both_engines(
    tmp_path: Path, opensearch: Cluster
) -> None:
    run = Cli(tmp_path / "home")
    run.ok("demo")
    remote = ["--search-url", opensearch.url, "--search-index", index_name()]
    for q in (
        "日韓",
        "cooperation",
        "石破",
        '"strategic environment"',
        "首脳会談",
        "summit NOT Lee",
    ):
        embedded, through = run.json("search", q), run.json(*remote, "search", q)
        assert embedded["total"] > 0, q
        for key in ("total", "matched", "facets", "results"):
            assert embedded[key] == through[key], (q, key)


def test_an_index_another_archive_filled_is_never_replaced_unasked(
    tmp_path: Path, opensearch: Cluster
) -> None:
    name = index_name()
    theirs = remote_app(tmp_path / "theirs", opensearch, name)
    theirs.import_files([str(write_jsonl(tmp_path / "a.jsonl", [statement()]))], actor=ADMIN)
    mine = remote_app(tmp_path / "mine", opensearch, name)
    report = mine.import_files(
        [str(write_jsonl(tmp_path / "b.jsonl", [statement(id="mine", text="灯台を建設します。")]))],
        actor=ADMIN,
    )
    assert report.added == ["mine"] and report.queued == 1  # stored; not sent over theirs
    with pytest.raises(SearchUnavailable, match="never sent"):
        mine.search(SearchRequest(q="図書館"))
    assert found(theirs, "図書館") == {"mizuhara-2024-05-01"}
    mine.reindex()  # asked for: now the index is this archive's
    assert found(mine, "灯台") == {"mine"} and found(mine, "図書館") == set()


def test_what_the_cluster_refuses_is_said_not_a_traceback(
    tmp_path: Path, opensearch: Cluster
) -> None:
    import itertools
    import urllib.request

    from hatsugen.index import QueryError

    name = index_name()
    words = [f"zq{''.join(p)}" for p in itertools.product("abcdefghijk", repeat=3)][:1100]
    wide = statement(id="wide", lang="en", text=" ".join(words), translations=None)
    app = remote_app(tmp_path / "home", opensearch, name)
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", [wide]))], actor=ADMIN)
    with pytest.raises(QueryError, match="too many words") as err:
        app.search(SearchRequest(q="zq*"))
    assert err.value.field == "q"
    assert found(app, "zqa*") == {"wide"}  # 121 words: within the cluster's limit
    # An index (not an alias) under the name hatsugen would use, e.g. a loaded export.
    taken = index_name()
    request = urllib.request.Request(f"{opensearch.url}/{taken}", method="PUT")
    urllib.request.urlopen(request, timeout=30).close()
    other = remote_app(tmp_path / "other", opensearch, taken)
    with pytest.raises(SearchUnavailable, match="refused") as refused:
        other.reindex()
    assert "alias" in str(refused.value)
