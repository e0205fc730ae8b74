"""Searching through OpenSearch: the same requests, answered with the same Hits as the
embedded engine (search.py), so the CLI, pages, API, feeds, exports and quote checks need
not know which engine answered.

The query is parsed and analysed by hatsugen (query.parse), then written as query DSL over
the pre-analysed fields (opensearch_index.py). Tiers (matched in what was said, then only in
who said it, then only in the metadata) are counted by a filters aggregation of the query
narrowed as the embedded engine narrows it, and a page is taken tier by tier; facets are
terms aggregations. What differs, and why, is in docs/scale.md: equal scores fall back to
the statement id (the embedded engine: index order), and a prefix search that spans more
than the cluster's clause limit is refused with a message.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from whoosh import query as wq

from .opensearch_index import RemoteIndex, SearchUnavailable
from .query import QueryError, SearchRequest, narrowed, parse, positive_terms
from .schema import NO_VALUE, SAID_FIELDS, TEXT_FIELDS, build_schema
from .search import Hits

FACET_FIELDS = ("speaker_id", "lang", "kind", "year", "status")
FACET_SIZE = 65_536  # every value: the embedded engine counts them all
TIE = {"n": "asc"}  # equal scores or dates: the statement stored first, as in the embedded index


@cache
def _schema() -> Any:
    return build_schema()


def to_dsl(q: wq.Query) -> dict[str, Any]:
    """A parsed Whoosh query as query DSL; scores add up as Whoosh's matchers add them."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {"match_none": {}}
    if isinstance(q, wq.Term):
        return {"term": {q.fieldname: {"value": q.text, "boost": boost}}}
    if isinstance(q, wq.Phrase):
        if q.slop != 1:
            raise QueryError("uses a phrase with slop, which the search cluster cannot run", "q")
        # Found as a phrase, scored as Whoosh scores one: the sum of its words' scores.
        phrase = {"match_phrase": {q.fieldname: {"query": " ".join(q.words)}}}
        words = [{"term": {q.fieldname: {"value": w}}} for w in q.words]
        return {"bool": {"filter": [phrase], "must": words, "boost": boost}}
    # Each word a prefix or pattern matches is scored as a word, and the field's boost is
    # not applied: Whoosh's expansion of them drops it, and the engines must agree.
    if isinstance(q, wq.Prefix):
        return {"prefix": {q.fieldname: {"value": q.text, "rewrite": "scoring_boolean"}}}
    if isinstance(q, wq.Wildcard):
        return {"wildcard": {q.fieldname: {"value": q.text, "rewrite": "scoring_boolean"}}}
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [to_dsl(q.a)], "must_not": [to_dsl(q.b)]}}
    if isinstance(q, wq.Not):  # scores 1, as Whoosh's inverse matcher does
        return {"bool": {"must": [{"match_all": {}}], "must_not": [to_dsl(q.query)]}}
    if type(q) is wq.And:
        body: dict[str, Any] = {"must": [to_dsl(s) for s in q.subqueries]}
        if boost != 1:
            body["boost"] = boost
        return {"bool": body}
    if type(q) is wq.Or:
        body = {"should": [to_dsl(s) for s in q.subqueries], "minimum_should_match": 1}
        if boost != 1:
            body["boost"] = boost
        return {"bool": body}
    raise QueryError(f"uses a query form ({type(q).__name__}) the search cluster cannot run", "q")


def filters(req: SearchRequest) -> list[dict[str, Any]]:
    """The request's filters, as filters.DocArrays.allowed applies them."""
    out: list[dict[str, Any]] = []
    if req.speakers:
        out.append({"terms": {"speaker_id": list(req.speakers)}})
    if req.lang:
        out.append({"term": {"lang": req.lang.lower()}})
    if req.kind:
        out.append({"term": {"kind": req.kind}})
    if req.topic:
        out.append({"term": {"topic": req.topic.lower().strip()}})
    if req.status:
        out.append({"term": {"status": req.status}})
    if req.undated:
        out.append({"term": {"year": NO_VALUE}})
    if req.since_key or req.until_key:  # a date (day, month or year) overlapping the range
        out.append({"range": {"date_start": {"gte": 1, "lte": req.until_key or 99999999}}})
        out.append({"range": {"date_end": {"gte": req.since_key or 1}}})
    return out


class OpenSearchEngine:
    """SearchEngine's interface (search, ranked, warm, close), answered by a cluster."""

    def __init__(self, remote: RemoteIndex) -> None:
        self.remote = remote

    def warm(self) -> int:
        return 0  # the cluster keeps its own caches

    def close(self) -> None:
        pass

    def search(self, req: SearchRequest) -> Hits:
        req.validate()
        return self._search(req)

    def ranked(self, req: SearchRequest, limit: int) -> Hits:
        req.validate()
        return self._search(dataclasses.replace(req, page=1, per_page=limit))

    def _search(self, req: SearchRequest) -> Hits:
        q = parse(req.q, _schema()) if req.q else wq.Every()
        main = to_dsl(q)
        allowed = filters(req)
        tiers = self._tiers(req, q) if req.q else []
        aggs: dict[str, Any] = {
            name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS
        }
        if tiers:  # the last tier is what is left: counted from the total
            aggs["tiers"] = {"filters": {"filters": {str(i): t for i, t in enumerate(tiers[:-1])}}}
        start = (req.page - 1) * req.per_page
        by_date = req.sort == "date" or not req.q
        body: dict[str, Any] = {"query": {"bool": {"must": [main], "filter": allowed}},
                                "aggs": aggs, "track_total_hits": True, "_source": False,
                                "size": 0}  # fmt: skip
        if by_date:
            body.update({"size": req.per_page, "from": start,
                         "sort": [{"date_start": "desc"}, TIE]})  # fmt: skip
        answer = self._run(body)
        total = answer["hits"]["total"]["value"]
        if tiers:
            counted = answer["aggregations"]["tiers"]["buckets"]
            sizes = [counted[str(i)]["doc_count"] for i in range(len(tiers) - 1)]
            sizes.append(total - sum(sizes))
        else:
            sizes = [total]
        if by_date:
            page = [(h["_id"], 0.0) for h in answer["hits"]["hits"]]
        else:
            page = self._tiered_page(main, allowed, tiers, sizes, start, req.per_page)
        facets = {name: _counts(answer["aggregations"][name]["buckets"]) for name in FACET_FIELDS}
        return Hits(
            total=total, page=page, facets=facets, terms=positive_terms(q),
            in_text=sizes[0], speaker_only=sizes[1] if len(sizes) > 1 else 0,
            metadata_only=sizes[2] if len(sizes) > 2 else 0,
        )  # fmt: skip

    def _tiers(self, req: SearchRequest, q: wq.Query) -> list[dict[str, Any]]:
        """Which statements make each tier, as filters: the query matched in what was said;
        else in who said it; else (the rest) only in the metadata."""
        said = to_dsl(narrowed(req.q, q, _schema(), TEXT_FIELDS))
        spoken = to_dsl(narrowed(req.q, q, _schema(), SAID_FIELDS))
        return [
            said,
            {"bool": {"filter": [spoken], "must_not": [said]}},
            {"bool": {"must_not": [said, spoken]}},
        ]

    def _tiered_page(
        self,
        main: dict,
        allowed: list,
        tiers: list[dict],
        sizes: list[int],
        start: int,
        size: int,
    ) -> list[tuple[str, float]]:
        """Results start…start+size in tier order, by score within a tier: one search for
        each tier the page overlaps."""
        page: list[tuple[str, float]] = []
        before = 0
        for i, count in enumerate(sizes):
            lo, hi = max(start, before), min(start + size, before + count)
            if lo < hi:
                within = [*allowed, tiers[i]] if tiers else allowed
                answer = self._run({"query": {"bool": {"must": [main], "filter": within}},
                                    "from": lo - before, "size": hi - lo,
                                    "sort": ["_score", TIE], "track_scores": True,
                                    "_source": False, "track_total_hits": False})  # fmt: skip
                page += [(h["_id"], _score(h)) for h in answer["hits"]["hits"]]
            before += count
        return page

    def _run(self, body: dict[str, Any]) -> dict[str, Any]:
        opensearchpy = __import__("opensearchpy")
        remote = self.remote
        try:
            return remote._call("a search", lambda: remote.client.search(
                index=remote.name, body=body, search_type="dfs_query_then_fetch"))  # fmt: skip
        except opensearchpy.TransportError as err:
            reason = str(getattr(err, "info", "") or err)
            if "too_many" in reason or "maxClauseCount" in reason or "too many clauses" in reason:
                raise QueryError(
                    "matches too many words for the search cluster (a prefix such as ab*);"
                    " put more letters before the *", "q",
                ) from None  # fmt: skip
            if err.status_code == 404:
                raise SearchUnavailable(
                    f"the search cluster at {remote.url} has no index {remote.name!r}; run"
                    " `hatsugen reindex` to build it from the archive"
                ) from None
            raise


def _counts(buckets: list[dict]) -> dict[str, int]:
    """A facet's counts, most first, then by value (as the embedded engine orders them)."""
    counts = ((b["key"], b["doc_count"]) for b in buckets)
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))


def _score(hit: dict) -> float:
    return round(float(hit.get("_score") or 0.0), 4)
