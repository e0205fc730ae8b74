"""Searching through OpenSearch: the same requests, answered with the same Hits as the
embedded engine (search.py), so the CLI, pages, API, feeds, exports and quote checks need
not know which engine answered.

The query is parsed and analysed by hatsugen (query.parse), then written as query DSL over
the pre-analysed fields (opensearch_index.py). Tiers (matched in what was said, then only in
who said it, then only in the metadata) are counted by a filters aggregation of the query
narrowed as the embedded engine narrows it, and a page is taken tier by tier; facets are
terms aggregations. Scores are Whoosh's BM25F, computed by a script from each word's
frequency, the field's exact length and statistics hatsugen reads from the whole index. What
still differs (float width, ties, prefixes) is in docs/scale.md.
"""

from __future__ import annotations

import dataclasses
import json
import math
from functools import cache
from typing import Any

from whoosh import query as wq

from .opensearch_index import BM25F_SCRIPT, RemoteIndex, SearchUnavailable
from .query import QueryError, SearchRequest, narrowed, parse, positive_terms
from .schema import MEETING_FACETS, NO_VALUE, SAID_FIELDS, SEARCH_FIELDS, TEXT_FIELDS, build_schema
from .search import Hits

FACET_FIELDS = ("speaker_id", "lang", "kind", "year", "status", *MEETING_FACETS)
FACET_SIZE = 65_536  # every value: the embedded engine counts them all
TIE = {"n": "asc"}  # equal scores or dates: the statement stored first, as in the embedded index


@cache
def _schema() -> Any:
    return build_schema()


@dataclasses.dataclass
class Stats:
    """What Whoosh's BM25F takes from the whole index: statements (N), each field's average
    length, each word's document frequency in a field (N and lengths count every statement,
    as Whoosh's do; deleted statements, which Whoosh counts until a merge, are not)."""

    statements: int
    average: dict[str, float]
    frequency: dict[tuple[str, str], int]

    def weight(self, field: str, word: str, boost: float) -> float:
        """boost × Whoosh's idf: log(N / (df + 1)) + 1."""
        df = self.frequency.get((field, word), 0)
        return boost * (math.log(max(self.statements, 1) / (df + 1)) + 1)


def _pattern(leaf: wq.Prefix | wq.Wildcard) -> tuple[str, str]:
    """A prefix's or wildcard's query kind, and the word its document count is kept under."""
    kind = "prefix" if isinstance(leaf, wq.Prefix) else "wildcard"
    return kind, f"{kind}:{leaf.text}"


def counted(q: wq.Query) -> dict[tuple[str, str], dict[str, Any]]:
    """What Stats counts the statements of, (field, word) → the query that finds them: each
    word the query scores (its terms, its phrases' words) and each prefix or wildcard."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for leaf in q.leaves():
        if isinstance(leaf, wq.Term) and leaf.fieldname in SEARCH_FIELDS:
            words = [leaf.text]
        elif isinstance(leaf, wq.Phrase):
            words = leaf.words
        elif isinstance(leaf, wq.Prefix | wq.Wildcard):
            kind, key = _pattern(leaf)
            out[(leaf.fieldname, key)] = {kind: {leaf.fieldname: leaf.text}}
            continue
        else:
            continue
        for w in words:
            out[(leaf.fieldname, w)] = {"term": {leaf.fieldname: {"value": w}}}
    return out


def _bm25f(inner: dict[str, Any], field: str, weight: float, stats: Stats) -> dict[str, Any]:
    """`inner` (scoring a word's frequency) scored as Whoosh's BM25F scores that word."""
    params = {"w": weight, "len": f"len_{field}", "avg": stats.average.get(field) or 1.0}
    return {"script_score": {"query": inner,
                             "script": {"source": BM25F_SCRIPT, "params": params}}}  # fmt: skip


def to_dsl(q: wq.Query, stats: Stats) -> dict[str, Any]:
    """A parsed Whoosh query as query DSL; scores add up as Whoosh's matchers add them."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {"match_none": {}}
    if isinstance(q, wq.Term):
        term = {"term": {q.fieldname: {"value": q.text}}}
        if q.fieldname not in SEARCH_FIELDS:  # lang:, kind:, topic: … are not scored words
            return {"constant_score": {"filter": term, "boost": boost}}
        return _bm25f(term, q.fieldname, stats.weight(q.fieldname, q.text, boost), stats)
    if isinstance(q, wq.Phrase):
        if q.slop != 1:
            raise QueryError("uses a phrase with slop, which the search cluster cannot run", "q")
        # Found as a phrase, scored as Whoosh scores one: the sum of its words' scores.
        phrase = {"match_phrase": {q.fieldname: {"query": " ".join(q.words)}}}
        words = [_bm25f({"term": {q.fieldname: {"value": w}}}, q.fieldname,
                        stats.weight(q.fieldname, w, boost), stats) for w in q.words]  # fmt: skip
        return {"bool": {"filter": [phrase], "must": words}}
    # The words a prefix or pattern matches are scored together, as one word as frequent as
    # the pattern: an approximation (Whoosh scores each word, and drops the field's boost).
    if isinstance(q, wq.Prefix | wq.Wildcard):
        kind, key = _pattern(q)
        pattern = {kind: {q.fieldname: {"value": q.text, "rewrite": "scoring_boolean"}}}
        return _bm25f(pattern, q.fieldname, stats.weight(q.fieldname, key, 1.0), stats)
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [to_dsl(q.a, stats)], "must_not": [to_dsl(q.b, stats)]}}
    if isinstance(q, wq.Not):  # scores 1, as Whoosh's inverse matcher does
        return {"bool": {"must": [{"match_all": {}}], "must_not": [to_dsl(q.query, stats)]}}
    if type(q) is wq.And:
        body: dict[str, Any] = {"must": [to_dsl(s, stats) for s in q.subqueries]}
        if boost != 1:
            body["boost"] = boost
        return {"bool": body}
    if type(q) is wq.Or:
        body = {"should": [to_dsl(s, stats) for s in q.subqueries], "minimum_should_match": 1}
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
    out += [{"term": {name: getattr(req, name)}} for name in MEETING_FACETS
            if getattr(req, name)]  # fmt: skip
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
        stats = self._stats(q) if req.q else Stats(0, {}, {})
        main = to_dsl(q, stats)
        allowed = filters(req)
        tiers = self._tiers(req, q, stats) if req.q else []
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
        else:  # most pages lie in the first tier: asked for in the same round trip
            answer, first = self._run_many([body, self._page_body(main, allowed, tiers[0], start,
                                                                  req.per_page)])  # fmt: skip
        total = answer["hits"]["total"]["value"]
        if tiers:
            counted = answer["aggregations"]["tiers"]["buckets"]
            sizes = [counted[str(i)]["doc_count"] for i in range(len(tiers) - 1)]
            sizes.append(total - sum(sizes))
        else:
            sizes = [total]
        if by_date:
            page = [(h["_id"], 0.0) for h in answer["hits"]["hits"]]
        elif start + req.per_page <= sizes[0]:
            page = [(h["_id"], _score(h)) for h in first["hits"]["hits"]]
        else:
            page = self._tiered_page(main, allowed, tiers, sizes, start, req.per_page)
        facets = {name: _counts(answer["aggregations"][name]["buckets"]) for name in FACET_FIELDS}
        return Hits(
            total=total, page=page, facets=facets, terms=positive_terms(q),
            in_text=sizes[0], speaker_only=sizes[1] if len(sizes) > 1 else 0,
            metadata_only=sizes[2] if len(sizes) > 2 else 0,
        )  # fmt: skip

    def _stats(self, q: wq.Query) -> Stats:
        """N, the fields' average lengths and the query's words' document frequencies, in
        one request (Whoosh takes them from the whole index; so does this)."""
        wanted = counted(q)
        keys = list(wanted)
        aggs: dict[str, Any] = {f"len_{f}": {"sum": {"field": f"len_{f}"}} for f in SEARCH_FIELDS}
        if keys:
            aggs["df"] = {"filters": {"filters": {str(i): wanted[k] for i, k in enumerate(keys)}}}
        answer = self._run({"size": 0, "track_total_hits": True, "query": {"match_all": {}},
                            "aggs": aggs})  # fmt: skip
        n = answer["hits"]["total"]["value"]
        found = answer["aggregations"]
        buckets = found["df"]["buckets"] if keys else {}
        frequency = {k: buckets[str(i)]["doc_count"] for i, k in enumerate(keys)}
        average = {f: found[f"len_{f}"]["value"] / n if n else 1.0 for f in SEARCH_FIELDS}
        return Stats(n, average, frequency)

    def _tiers(self, req: SearchRequest, q: wq.Query, stats: Stats) -> list[dict[str, Any]]:
        """Which statements make each tier, as filters: the query matched in what was said;
        else in who said it; else (the rest) only in the metadata."""
        said = to_dsl(narrowed(req.q, q, _schema(), TEXT_FIELDS), stats)
        spoken = to_dsl(narrowed(req.q, q, _schema(), SAID_FIELDS), stats)
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
                answer = self._run(self._page_body(main, allowed, tiers[i], lo - before, hi - lo))
                page += [(h["_id"], _score(h)) for h in answer["hits"]["hits"]]
            before += count
        return page

    @staticmethod
    def _page_body(main: dict, allowed: list, tier: dict, start: int, size: int) -> dict:
        """Results start…start+size of one tier, by score (ties: the statement stored first)."""
        return {"query": {"bool": {"must": [main], "filter": [*allowed, tier]}}, "from": start,
                "size": size, "sort": ["_score", TIE], "track_scores": True, "_source": False,
                "track_total_hits": False}  # fmt: skip

    def _run_many(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Several searches in one round trip (_msearch); each answered or refused as _run."""
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines += [{}, body]
        remote = self.remote
        answers = self._guarded(lambda: remote.client.msearch(index=remote.name, body=lines))
        for answer in answers["responses"]:
            if "error" in answer:
                status = answer.get("status", 500)
                raise self._refused(SearchUnavailable(
                    f"the search cluster at {remote.url} refused a search",
                    status=status, reason=json.dumps(answer["error"])[:2000],
                ))  # fmt: skip
        return answers["responses"]

    def _run(self, body: dict[str, Any]) -> dict[str, Any]:
        remote = self.remote
        return self._guarded(lambda: remote.client.search(index=remote.name, body=body))

    def _guarded(self, call: Any) -> Any:
        try:
            return self.remote._call("a search", call)
        except SearchUnavailable as err:
            raise self._refused(err) from None

    def _refused(self, err: SearchUnavailable) -> Exception:
        """What a refused search means to the user: a pattern too wide (QueryError), an index
        that is not there, or the cluster's own words."""
        if any(s in err.reason for s in ("too_many", "maxClauseCount", "too many clauses")):
            return QueryError(
                "matches too many words for the search cluster (a prefix such as ab*); put"
                " more letters before the *", "q",
            )  # fmt: skip
        if err.status == 404:
            return SearchUnavailable(
                f"the search cluster at {self.remote.url} has no index {self.remote.name!r};"
                " run `hatsugen reindex` to build it from the archive"
            )
        return err


def _counts(buckets: list[dict]) -> dict[str, int]:
    """A facet's counts, most first, then by value (as the embedded engine orders them)."""
    counts = ((b["key"], b["doc_count"]) for b in buckets)
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))


def _score(hit: dict) -> float:
    return round(float(hit.get("_score") or 0.0), 4)
