"""Running a search: query + filters → total, one page of (id, score), facets, terms.

One searcher serves all threads, one search at a time: a Whoosh reader holds ~160 MB at 100k
statements, searching is CPU-bound Python (the GIL runs one thread at a time anyway), and
Whoosh does not promise that a searcher may be used by two threads at once. The searcher is
replaced as soon as the index has a newer commit, so every request sees the latest writes
without ever waiting for a writer.
"""

from __future__ import annotations

import heapq
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
        by_date = req.sort == "date" or not req.q
        keep = req.page * req.per_page
        top: list[tuple[float, int]] | None = None
        if isinstance(q, wq.Every):
            matched = sorted(arrays.live(searcher) if allowed is None else allowed)
        elif any(isinstance(leaf, wq.Phrase) for leaf in q.leaves()):
            # With a phrase, walking the postings is the cost: do it once, scoring as we go.
            matched, top = _collect(searcher, q, allowed, 0 if by_date else keep)
            top.sort(reverse=True)
        else:
            matched = list(searcher.docs_for_query(q))
            if allowed is not None:
                matched = [d for d in matched if d in allowed]
        total = len(matched)
        start = (req.page - 1) * req.per_page
        page: list[tuple[str, float]] = []
        if start < total:
            if by_date:  # newest first; the same date in index order
                dates = arrays.values(searcher, "date_start", matched)
                newest = heapq.nlargest(keep, zip(dates, [-d for d in matched], strict=True))
                top = [(0.0, negated) for _, negated in newest]
            elif top is None:
                # No filter when none is needed, so Whoosh can skip blocks of postings that
                # cannot reach the page.
                results = searcher.search(
                    q, filter=None if allowed is None else set(matched), limit=keep
                )
                top = [(hit.score, -hit.docnum) for hit in results]
            page = [
                (searcher.stored_fields(-negated)["id"], round(score, 4))
                for score, negated in top[start : start + req.per_page]
            ]
        return Hits(
            total=total,
            page=page,
            facets=arrays.facets(searcher, matched),
            terms=positive_terms(q),
        )


def _collect(
    searcher: Searcher, q: wq.Query, allowed: frozenset[int] | None, keep: int
) -> tuple[list[int], list[tuple[float, int]]]:
    """Every matching document and the `keep` best (score, -docnum), in one pass.

    Ties go to the earlier document, as in Whoosh's own collector.
    """
    matched: list[int] = []
    top: list[tuple[float, int]] = []  # a min-heap
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        m = q.matcher(sub, sub.context())
        while m.is_active():
            d = m.id() + offset
            if allowed is None or d in allowed:
                matched.append(d)
                if keep:
                    entry = (m.score(), -d)
                    if len(top) < keep:
                        heapq.heappush(top, entry)
                    elif entry > top[0]:
                        heapq.heapreplace(top, entry)
            m.next()
    return matched, top
