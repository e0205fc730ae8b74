"""Running a search: query + filters → total, one page of (id, score), facets, terms.

Each search borrows a searcher from a small pool (two by default), so one slow search cannot
hold up the others: Whoosh does not promise that a searcher may be used by two threads at
once, and a reader holds ~160 MB at 100k statements, so the pool is small and its second
searcher opens only when searches overlap. A searcher is replaced as soon as the index has a
newer commit, so every request sees the latest writes without ever waiting for a writer.
"""

from __future__ import annotations

import dataclasses
import heapq
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector, TopCollector
from whoosh.searching import Searcher

from hatsugen.archive.errors import ArchiveError

from .arrays import QueryArrays, Unsupported, top
from .filters import FACETS, DocArrays
from .query import QueryError, SearchRequest, Terms, narrowed, parse, positive_terms
from .schema import SAID_FIELDS, SEARCH_FIELDS, TEXT_FIELDS
from .searchindex import SearchIndex
from .sentences import matched_sentences
from .settings import whole_number_from_env


@dataclass
class Hits:
    total: int
    page: list[tuple[str, float]]  # (statement id, score)
    facets: dict[str, dict[str, int]]
    terms: Terms  # field → words and phrases, for highlighting
    # By statement id on the page: `terms` less the words the statement's indexed fields do
    # not hold (known from the postings), so marking skips texts nothing can match.
    terms_of: dict[str, Terms] = dataclasses.field(default_factory=dict)
    # By statement id on the page, field → where its long text's sentences start (as
    # stored) and which of them hold the matches: marking reads only those.
    matched_at: dict[str, dict[str, tuple[tuple[int, bytes], list[int]]]] = dataclasses.field(
        default_factory=dict
    )
    # Of `total`, how many matched in what was said (texts, translations), how many only in
    # who said it (names, readings, aliases), how many only in their metadata (role, event,
    # place, topics): ranked in that order.
    in_text: int = 0
    speaker_only: int = 0
    metadata_only: int = 0


BUDGET_S = 10.0  # one search's share of the one shared searcher; others wait behind it
CHECK_EVERY = 2048  # documents between looks at the clock


class SearchTooSlow(QueryError):
    """A search that ran past its budget: ended, with a message saying how to narrow it."""

    def __init__(self, budget: float) -> None:
        super().__init__(
            f"took longer than {budget:g} s and was stopped, so that other searches are not"
            " held up; narrow it: more words, a phrase, a speaker or a date range",
            "q",
        )


def _within(docs: Iterable[int], check: Callable[[], object]) -> Iterator[int]:
    """The documents, the clock looked at every CHECK_EVERY of them."""
    for n, doc in enumerate(docs):
        if n % CHECK_EVERY == 0:
            check()
        yield doc


class _Slot:
    """One searcher and its cached columns, used by one search at a time."""

    def __init__(self) -> None:
        self.searcher: Searcher | None = None
        self.arrays: DocArrays | None = None

    def current(self, index: SearchIndex) -> tuple[Searcher, DocArrays]:
        """The searcher on the latest commit (reopened when the index has a newer one)."""
        if self.searcher is None or not index.is_current(self.searcher):
            self.close()
            self.searcher = index.searcher()
            self.arrays = DocArrays(self.searcher)
        assert self.arrays is not None
        return self.searcher, self.arrays

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher, self.arrays = None, None


def searchers_from_env() -> int:
    """How many searches may run at once in one process ($HATSUGEN_SEARCHERS, default 2)."""
    return whole_number_from_env("HATSUGEN_SEARCHERS", 2, 1, 64)


class SearchEngine:
    """Searches of one process. Each runs on a searcher of its own from a small pool, so a
    slow search (bounded by its budget) never holds up the others; a Whoosh searcher is not
    promised to be safe for two threads at once. The pool's second searcher is opened only
    when two searches overlap: each holds the index's columns (~160 MB at 100k statements)."""

    def __init__(self, index: SearchIndex, budget: float = BUDGET_S, searchers: int = 2) -> None:
        self.index = index
        self.budget = budget
        self._slots: queue.LifoQueue[_Slot] = queue.LifoQueue()
        for _ in range(searchers):
            self._slots.put(_Slot())  # last in, first out: the warm searcher is reused first
        self._size = searchers
        # Results by (index version, whole request): a commit makes a new version, so an entry
        # is never served after the index changed; old versions' entries age out.
        self._results: OrderedDict[tuple, Hits] = OrderedDict()
        self._results_kept = results_kept_from_env()
        self._lock = threading.Lock()

    @contextmanager
    def borrowed(self) -> Iterator[tuple[Searcher, DocArrays]]:
        """A searcher on the latest commit, for this thread alone until the block ends."""
        slot = self._slots.get()
        try:
            yield slot.current(self.index)
        finally:
            self._slots.put(slot)

    def warm(self) -> int:
        """Read the common words' postings now (a server, at start, in the background)."""
        try:
            with self.borrowed() as (searcher, arrays):
                for name in FACETS:  # the columns every search counts
                    arrays.codes(searcher, name)
                qa = arrays.query_arrays(searcher)
                for field in SEARCH_FIELDS:
                    qa.norms(field)
                return qa.warm(SEARCH_FIELDS)
        except (ArchiveError, OSError):  # no index yet, or it is being rebuilt: nothing to warm
            return 0

    def close(self) -> None:
        slots = [self._slots.get() for _ in range(self._size)]  # waits for running searches
        for slot in slots:
            slot.close()
            self._slots.put(slot)

    def search(self, req: SearchRequest) -> Hits:
        """One page of a search; the same request on the same index version (a reload, the
        back button, a feed reader polling) is answered from a small cache of results."""
        req.validate()
        with self.borrowed() as (searcher, arrays):
            key = (_version(searcher), _request_key(req))
            with self._lock:
                hits = self._results.get(key)
                if hits is not None:
                    self._results.move_to_end(key)
                    return hits
            hits = self._search(req, searcher, arrays)
            with self._lock:
                self._results[key] = hits
                while len(self._results) > self._results_kept:
                    self._results.popitem(last=False)
            return hits

    def ranked(self, req: SearchRequest, limit: int) -> Hits:
        """The first `limit` results of a search in one page, in the order the pages show
        them (for exporting a whole result list, not one page of it)."""
        req.validate()
        whole = dataclasses.replace(req, page=1, per_page=limit)
        with self.borrowed() as (searcher, arrays):
            return self._search(whole, searcher, arrays, marked=False)

    def _search(
        self, req: SearchRequest, searcher: Searcher, arrays: DocArrays, marked: bool = True
    ) -> Hits:
        """`marked`: the page will be marked, so say where each result matched (terms_of,
        matched_at); an export of a whole result list is not."""
        deadline = time.monotonic() + self.budget

        def check() -> float:
            return _over(deadline, self.budget)

        q = parse(req.q, searcher.schema) if req.q else wq.Every()
        allowed = arrays.allowed(searcher, req)
        by_date = req.sort == "date" or not req.q
        keep = req.page * req.per_page
        best: list[tuple[float, int]] | None = None
        if req.q and arrays_enabled():
            try:
                return self._from_arrays(
                    req, searcher, arrays, q, allowed, by_date, keep, check, marked
                )
            except Unsupported:
                pass  # a query shape the arrays leave to Whoosh's matchers, below
        if isinstance(q, wq.Every) and arrays_enabled():
            return self._listed(req, searcher, arrays, q, allowed, keep)
        if isinstance(q, wq.Every):
            matched = sorted(arrays.live(searcher) if allowed is None else allowed)
        elif any(isinstance(leaf, wq.Phrase) for leaf in q.leaves()):
            # With a phrase, walking the postings is the cost: do it once, scoring as we go.
            matched, best = _collect(searcher, q, allowed, 0 if by_date else keep, check)
            best.sort(reverse=True)
        else:
            matched = list(_within(searcher.docs_for_query(q), check))
            if allowed is not None:
                matched = [d for d in matched if d in allowed]
        tiers = _tiers(searcher, req.q, q, matched, check) if req.q else [matched]
        if (req.page - 1) * req.per_page < len(matched):
            if len(tiers) > 1 and not by_date:
                best = _tiered(searcher, q, tiers, keep, check)
            if by_date:  # newest first; the same date in index order
                dates = arrays.numbers(searcher, "date_start")[matched].tolist()
                newest = heapq.nlargest(keep, zip(dates, [-d for d in matched], strict=True))
                best = [(0.0, negated) for _, negated in newest]
            elif best is None:
                best = _best(searcher, q, matched if allowed is not None else None, keep, check)
        return _hits(searcher, arrays, req, q, best or [], matched, [len(t) for t in tiers])

    def _listed(
        self,
        req: SearchRequest,
        searcher: Searcher,
        arrays: DocArrays,
        q: wq.Query,
        allowed: frozenset[int] | None,
        keep: int,
    ) -> Hits:
        """No words: every live statement (or every one the filters allow), newest first,
        from the arrays (a sort of 100k dates in Python cost a browse 0.1 s per commit)."""
        qa = arrays.query_arrays(searcher)
        mask = qa.live if allowed is None else arrays.mask_of(allowed)
        matched = np.flatnonzero(mask)
        best = _newest(arrays.numbers(searcher, "date_start"), matched, keep)
        return _hits(searcher, arrays, req, q, best, matched, [int(matched.size)])

    def _from_arrays(
        self,
        req: SearchRequest,
        searcher: Searcher,
        arrays: DocArrays,
        q: wq.Query,
        allowed: frozenset[int] | None,
        by_date: bool,
        keep: int,
        check: Callable[[], float],
        marked: bool,
    ) -> Hits:
        """The search answered from the postings arrays (index/arrays.py): every match
        scored at once, so the total, the tiers and the page come from one evaluation."""
        qa = arrays.query_arrays(searcher)
        memo: dict = {}
        found = qa.evaluate(q, memo)
        check()
        matched = found.docs
        if allowed is not None:
            matched = matched[arrays.mask_of(allowed)[matched]]
        tiers: list[np.ndarray] = []
        left = matched
        for fields in _tier_fields(searcher, q):
            narrower = narrowed(req.q, q, searcher.schema, fields)
            inside = qa.evaluate(narrower, memo).contains(left)
            tiers.append(left[inside])
            left = left[~inside]
        tiers.append(left)
        check()
        best: list[tuple[float, int]] = []
        if (req.page - 1) * req.per_page < matched.size:
            if by_date:
                best = _newest(arrays.numbers(searcher, "date_start"), matched, keep)
            else:
                for tier in tiers:
                    if len(best) >= keep:
                        break
                    best += top(tier, found.scores_of(tier), keep - len(best))
        hits = _hits(searcher, arrays, req, q, best, matched, [int(t.size) for t in tiers])
        if marked:
            start = (req.page - 1) * req.per_page
            shown = [-negated for _, negated in best[start : start + req.per_page]]
            _add_where_matched(hits, qa, searcher, shown)
        return hits


def _newest(dates: np.ndarray, matched: np.ndarray, keep: int) -> list[tuple[float, int]]:
    """The `keep` newest of `matched` (ascending document numbers) as (0, -docnum): the same
    date in index order."""
    order = np.lexsort((matched, -dates[matched]))[:keep]
    return [(0.0, -int(matched[i])) for i in order]


def results_kept_from_env() -> int:
    """How many results a process keeps ($HATSUGEN_RESULTS_KEPT, default 256; 0: none)."""
    return whole_number_from_env("HATSUGEN_RESULTS_KEPT", 256, 0)


def _version(searcher: Searcher) -> tuple:
    """Which index and commit a searcher reads."""
    return getattr(searcher, "hatsugen_ix", None), searcher.reader().generation()


def _request_key(req: SearchRequest) -> tuple:
    values = (tuple(v) if isinstance(v, list) else v for v in dataclasses.astuple(req))
    return (arrays_enabled(), *values)


def arrays_enabled() -> bool:
    """Whether searches are answered from postings arrays ($HATSUGEN_ARRAYS=0: Whoosh's
    matchers only, for comparing the two)."""
    return os.environ.get("HATSUGEN_ARRAYS", "1") != "0"


def _hits(
    searcher: Searcher,
    arrays: DocArrays,
    req: SearchRequest,
    q: wq.Query,
    ranked: list[tuple[float, int]],
    matched: Any,
    tier_sizes: list[int],
) -> Hits:
    """The requested page of the (score, -docnum) ranking, with the total, facets and tiers."""
    start = (req.page - 1) * req.per_page
    page = [
        (searcher.stored_fields(-negated)["id"], round(score, 4))
        for score, negated in ranked[start : start + req.per_page]
    ]
    return Hits(
        total=len(matched),
        page=page,
        facets=arrays.facets(searcher, matched),
        terms=positive_terms(q),
        in_text=tier_sizes[0],
        speaker_only=tier_sizes[1] if len(tier_sizes) > 1 else 0,
        metadata_only=tier_sizes[2] if len(tier_sizes) > 2 else 0,
    )


def _add_where_matched(hits: Hits, qa: QueryArrays, searcher: Searcher, docnums: list[int]) -> None:
    """Say, for each result of the page (`docnums`), which words it holds and which
    sentences of its long texts hold them (terms_of, matched_at), from the postings."""
    if not docnums:
        return
    stored = [searcher.stored_fields(d) for d in docnums]
    per_doc = _terms_per_doc(qa, searcher, hits.terms, docnums)
    found = _matched_sentences(qa, searcher, per_doc, docnums, stored)
    hits.terms_of = {sid: t for (sid, _), t in zip(hits.page, per_doc, strict=True)}
    hits.matched_at = {sid: m for (sid, _), m in zip(hits.page, found, strict=True) if m}


def _terms_per_doc(
    qa: QueryArrays, searcher: Searcher, terms: Terms, docnums: list[int]
) -> list[Terms]:
    """For each document, `terms` less the words and phrases its fields do not hold: the
    index analysed its texts, names and metadata as marking does, so a word missing from a
    document's postings cannot be marked in them, and a text with none left is not analysed
    (an English word does not load SudachiPy's dictionary to look for itself in Japanese
    translations and names)."""
    order = np.argsort(docnums)
    docs = np.asarray(docnums, dtype=np.int64)[order]
    out: list[Terms] = [{f: set(seqs) for f, seqs in terms.items()} for _ in docnums]
    for field in SEARCH_FIELDS:
        if field not in terms or field not in searcher.schema:
            continue
        held = {}
        for word in {w for seq in terms[field] for w in seq}:
            holding = np.zeros(len(docnums), dtype=bool)
            holding[order] = qa.holding(field, searcher.schema[field].to_bytes(word), docs)
            held[word] = holding
        for i, kept in enumerate(out):
            kept[field] = {seq for seq in terms[field] if all(held[w][i] for w in seq)}
            if not kept[field]:
                del kept[field]
    return out


def _matched_sentences(
    qa: QueryArrays,
    searcher: Searcher,
    terms_of: list[Terms],
    docnums: list[int],
    stored: list[dict],
) -> list[dict[str, tuple[tuple[int, bytes], list[int]]]]:
    """For each document, each long text field's stored sentence starts and the sentences
    that hold a word of its terms or the start of one of its phrases (words at consecutive
    positions), from the words' positions in just these documents."""
    out: list[dict] = [{} for _ in docnums]
    for field in TEXT_FIELDS:
        asking = [i for i, f in enumerate(stored) if field in (f.get("sentences") or {})
                  and terms_of[i].get(field)]  # fmt: skip
        if not asking:
            continue
        words = {w for i in asking for seq in terms_of[i][field] for w in seq}
        to_bytes = searcher.schema[field].to_bytes
        positions = {w: qa.doc_positions(field, to_bytes(w), [docnums[i] for i in asking])
                     for w in words}  # fmt: skip
        for i in asking:
            doc, starts = docnums[i], stored[i]["sentences"][field]
            at: list[np.ndarray] = []
            for seq in terms_of[i][field]:
                first = positions[seq[0]].get(doc)
                if first is None:
                    continue
                for k, word in enumerate(seq[1:], start=1):
                    first = first[np.isin(first + k, positions[word].get(doc, _NONE))]
                at.append(first)
            out[i][field] = (starts, matched_sentences(starts, np.concatenate(at) if at else _NONE))
    return out


_NONE = np.zeros(0, dtype=np.int64)


def _best(
    searcher: Searcher,
    q: wq.Query,
    among: Iterable[int] | None,
    keep: int,
    check: Callable[[], float],
) -> list[tuple[float, int]]:
    """The `keep` best (score, -docnum) by Whoosh's collector made exhaustive, among some docs.

    Whoosh's block-quality skipping ("optimize") can drop the best match from the first page
    at 100k statements (whoosh issue #413). So can what `optimize=False` leaves on: every ten
    matches the collector "replaces" the matcher given the page's lowest score, and a union
    inside an intersection then drops a field whose best score is below it, although its score
    adds to the other words' (on the 100k Diet paragraphs, 防衛 予算 lost its second-best
    match). Neither is used: every match is scored.
    """
    exhaustive = TopCollector(limit=keep, usequality=False, replace=0)
    collector = TimeLimitCollector(exhaustive, timelimit=check(), use_alarm=False)
    if among is not None:  # filtering wraps last, so it sees the docs first
        collector = FilterCollector(collector, set(among))
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        check()  # raises SearchTooSlow: the budget is spent
        raise
    return [(hit.score, -hit.docnum) for hit in collector.results()]


def _tiers(
    searcher: Searcher, text: str, q: wq.Query, matched: list[int], check: Callable[[], float]
) -> list[list[int]]:
    """The matched documents in tiers: matched in what was said; else in who said it; else
    only in the metadata. The same query over fewer fields decides; a field none of whose
    query words is in the index cannot add a tier, and is not searched."""
    tiers, left = [], matched
    for fields in _tier_fields(searcher, q):
        check()
        narrower = narrowed(text, q, searcher.schema, fields)
        inside = set(_within(searcher.docs_for_query(narrower), check))
        tiers.append([d for d in left if d in inside])
        left = [d for d in left if d not in inside]
    return [*tiers, left]


def _tier_fields(searcher: Searcher, q: wq.Query) -> list[tuple[str, ...]]:
    """The narrower field sets that decide the tiers: what was said, then also who said it;
    one beyond which none of the query's words is in the index adds nothing, and ends it."""
    reader = searcher.reader()
    fields_used = {
        leaf.fieldname
        for leaf in q.leaves()
        if isinstance(leaf, wq.Term | wq.Phrase) and _present(reader, searcher.schema, leaf)
    }
    out = []
    for fields in (TEXT_FIELDS, SAID_FIELDS):
        if not (fields_used - set(fields)):  # nothing beyond these fields can match
            break
        out.append(fields)
    return out


def _present(reader: Any, schema: Any, leaf: wq.Query) -> bool:
    field = schema[leaf.fieldname]
    words = leaf.words if isinstance(leaf, wq.Phrase) else [leaf.text]
    return all((leaf.fieldname, field.to_bytes(w)) in reader for w in words)


def _tiered(
    searcher: Searcher,
    q: wq.Query,
    tiers: list[list[int]],
    keep: int,
    check: Callable[[], float],
) -> list[tuple[float, int]]:
    """The `keep` best, tier by tier (see _tiers); by score within each."""
    top: list[tuple[float, int]] = []
    for tier in tiers:
        if len(top) >= keep:
            break
        if tier:
            top += _best(searcher, q, tier, keep - len(top), check)
    return top


def _over(deadline: float, budget: float) -> float:
    """The seconds left of the budget; SearchTooSlow once there are none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise SearchTooSlow(budget)
    return left


def _collect(
    searcher: Searcher,
    q: wq.Query,
    allowed: frozenset[int] | None,
    keep: int,
    check: Callable[[], object] = lambda: None,
) -> tuple[list[int], list[tuple[float, int]]]:
    """Every matching document and the `keep` best (score, -docnum), in one pass.

    Ties go to the earlier document, as in Whoosh's own collector.
    """
    matched: list[int] = []
    top: list[tuple[float, int]] = []  # a min-heap
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        m = q.matcher(sub, sub.context())
        walked = 0
        while m.is_active():
            if walked % CHECK_EVERY == 0:
                check()
            walked += 1
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
