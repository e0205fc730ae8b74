"""Filters and facets from per-document arrays, built once per index version.

Whoosh answers a date range over 100k documents in ~200 ms and an integer range in ~60 ms;
reading the columns once into lists and filtering in memory costs a few ms per new filter,
and repeated filters come from a small cache.
"""

from __future__ import annotations

from collections import Counter, OrderedDict

from whoosh import query as wq
from whoosh.searching import Searcher

from .query import SearchRequest

FACETS = ("speaker_id", "lang", "kind", "year")
CACHE_SIZE = 64


class DocArrays:
    """Column values by document number for one searcher (one index version)."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        self.size = reader.doc_count_all()

        def column(name: str) -> list:
            # An index with no segments yet has no columns at all.
            return list(reader.column_reader(name)) if self.size else []

        self.columns = {name: column(name) for name in FACETS}
        self.date_start = column("date_start")
        self.date_end = column("date_end")
        self.live = frozenset(reader.all_doc_ids())
        self._filters: OrderedDict[tuple, frozenset[int]] = OrderedDict()

    def allowed(self, searcher: Searcher, req: SearchRequest) -> frozenset[int] | None:
        """Documents that pass the request's filters (None: no filters at all)."""
        if not req.has_filters:
            return None
        key = (tuple(sorted(req.speakers)), req.lang, req.kind, (req.topic or "").lower(),
               req.since_key, req.until_key)  # fmt: skip
        cached = self._filters.get(key)
        if cached is not None:
            self._filters.move_to_end(key)
            return cached
        sets: list[frozenset[int]] = []
        terms = []
        if req.speakers:
            terms.append(wq.Or([wq.Term("speaker_id", s) for s in req.speakers]))
        if req.lang:
            terms.append(wq.Term("lang", req.lang.lower()))
        if req.kind:
            terms.append(wq.Term("kind", req.kind))
        if req.topic:
            terms.append(wq.Term("topic", req.topic.lower().strip()))
        if terms:
            q = terms[0] if len(terms) == 1 else wq.And(terms)
            sets.append(frozenset(searcher.docs_for_query(q)))
        if req.since_key or req.until_key:
            sets.append(self._date_range(req.since_key, req.until_key))
        result = sets[0] if len(sets) == 1 else frozenset.intersection(*sets)
        self._filters[key] = result
        if len(self._filters) > CACHE_SIZE:
            self._filters.popitem(last=False)
        return result

    def _date_range(self, since: int | None, until: int | None) -> frozenset[int]:
        """Statements whose date (a day, month or year) overlaps [since, until]; undated never."""
        lo = since or 1
        hi = until or 99999999
        starts, ends = self.date_start, self.date_end
        return frozenset(d for d in self.live if starts[d] and ends[d] >= lo and starts[d] <= hi)

    def facets(self, docs: frozenset[int] | set[int]) -> dict[str, dict[str, int]]:
        out = {}
        for name in FACETS:
            column = self.columns[name]
            counts = Counter(column[d] for d in docs)
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out
