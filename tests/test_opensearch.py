"""hatsugen searching through a real OpenSearch node: the same answers as the embedded engine
(totals, tiers, facets, filters, pages, phrases, folding, numbers, synonyms), kept in step
with the archive (versions, queue, drift, rebuilds)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_arrays import SHAPES
from test_relevance import QUERIES, scorer

from hatsugen.core import Hatsugen
from hatsugen.index import QueryError, SearchRequest

from conftest import ADMIN, MIZUHARA, TAKANASHI, Cli, statement, write_jsonl
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
    """Scores equal, but for the rounding of a long field's length: Lucene keeps a length in
    one byte of its own, so beyond 24 words the cluster's Whoosh length can be one step off."""
    return math.isclose(a, b, rel_tol=0.05, abs_tol=1e-4)


def same_ranking(app: Hatsugen, req: SearchRequest, mine: list, theirs: list) -> bool:
    """The same scores in the same order, each statement with its score in the embedded
    engine's whole ranking: statements of equal score may come in another order (the
    embedded engine breaks ties by index order, the cluster by the order they were stored)."""
    if len(mine) != len(theirs) or not all(close(a[1], b[1]) for a, b in zip(mine, theirs)):
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
