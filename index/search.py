"""Running a search: query + filters → total, one page of (id, score), facets, terms.

One searcher serves all threads, one search at a time: a Whoosh reader holds ~160 MB at 100k
statements, searching is CPU-bound Python (the GIL runs one thread at a time anyway), and
Whoosh does not promise that a searcher may be used by two threads at once. The searcher is
replaced as soon as the index has a newer commit, so every request sees the latest writes
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
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._arrays: DocArrays | None = None

    def _current(self) -> tuple[Searcher, DocArrays]:
        """The searcher on the latest commit (call with the lock held)."""
        if self._searcher is None or not self.index.is_current(self._searcher):
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self.index.searcher()
            self._arrays = DocArrays(self._searcher)
        assert self._arrays is not None
        return self._searcher, self._arrays

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def search(self, req: SearchRequest) -> Hits:
        req.validate()
        with self._lock:
            return self._search(req)

    def _search(self, req: SearchRequest) -> Hits:
        searcher, arrays = self._current()
        q = parse(req.q, searcher.schema) if req.q else wq.Every()
        allowed = arrays.allowed(searcher, req)
        if isinstance(q, wq.Every):
            matched = set(arrays.live(searcher) if allowed is None else allowed)
        else:
            matched = set(searcher.docs_for_query(q))
            if allowed is not None:
                matched &= allowed
        total = len(matched)
        facets = arrays.facets(searcher, matched)
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
