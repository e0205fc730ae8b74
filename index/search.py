"""Running a search: query + filters → total, one page of (id, score), facets, terms.

Each thread keeps its own searcher (Whoosh searchers are not shared across threads) and
replaces it as soon as the index has a newer commit, so every request sees the latest writes
without ever waiting for a writer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.searching import Searcher

from .filters import DocArrays
from .query import SearchRequest, parse, positive_terms
from .searchindex import SearchIndex


@dataclass
class Hits:
    total: int
    page: list[tuple[str, float]]  # (statement id, score)
    facets: dict[str, dict[str, int]]
    terms: dict[str, set[str]]  # field → matched-able terms, for highlighting


class SearchEngine:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._local = threading.local()

    def _current(self) -> tuple[Searcher, DocArrays]:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and self.index.is_current(searcher):
            return searcher, self._local.arrays
        if searcher is not None:
            searcher.close()
        searcher = self.index.searcher()
        self._local.searcher = searcher
        self._local.arrays = DocArrays(searcher)
        return searcher, self._local.arrays

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def search(self, req: SearchRequest) -> Hits:
        req.validate()
        searcher, arrays = self._current()
        q = parse(req.q, searcher.schema) if req.q else wq.Every()
        allowed = arrays.allowed(searcher, req)
        if isinstance(q, wq.Every):
            matched = set(arrays.live if allowed is None else allowed)
        else:
            matched = set(searcher.docs_for_query(q))
            if allowed is not None:
                matched &= allowed
        total = len(matched)
        facets = arrays.facets(matched)
        start = (req.page - 1) * req.per_page
        page: list[tuple[str, float]] = []
        if start < total:
            by_date = req.sort == "date" or not req.q
            # `matched` already holds the exact answer; score with the phrases relaxed to ANDs
            # (positions are not checked twice), and with no filter at all when none is needed,
            # so Whoosh can skip blocks that cannot reach the top of the page.
            relaxed = _relax(q)
            needs_filter = allowed is not None or relaxed != q or isinstance(q, wq.Every)
            results = searcher.search(
                relaxed,
                filter=matched if needs_filter else None,
                limit=start + req.per_page,
                sortedby="date_start" if by_date else None,
                reverse=by_date,
            )
            # In date order every hit is equally relevant: Whoosh's "score" is then the sort key.
            page = [
                (hit["id"], 0.0 if by_date or hit.score is None else round(hit.score, 4))
                for hit in results[start : start + req.per_page]
            ]
        return Hits(total=total, page=page, facets=facets, terms=positive_terms(q))


def _relax(q: wq.Query) -> wq.Query:
    """The query with each phrase replaced by an AND of its words (for scoring only)."""
    if isinstance(q, wq.Phrase):
        return wq.And([wq.Term(q.fieldname, w, boost=q.boost) for w in q.words])
    return q.apply(_relax)
