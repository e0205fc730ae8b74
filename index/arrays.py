"""Answering a query from arrays of the index's own postings, exactly as Whoosh would score it.

Whoosh walks postings one document at a time in Python, twice per search (every match for the
total and the facets, then again for the page), and its block-quality skipping can lose the
best match (whoosh issue #413). Here each term's postings are read once into numpy arrays
(document numbers, term frequencies; positions for phrase words) and kept in a process-wide
cache keyed by segment, so a new commit (an import adds a segment) reuses every array of the
segments it kept and readers never wait for a rebuild. A query then costs a few vector
operations over its matches (document numbers and scores): BM25F as Whoosh computes it (the
same formula, operands and order, on the same one-byte field lengths), unions summed in the
parts' order, intersections, phrases by intersecting (document, position − offset) keys, and
the exact top k by (score, document).

Only the query shapes hatsugen's parser produces are answered here (terms, AND, OR, NOT,
exact phrases, everything); any other node (a prefix, a wildcard) raises Unsupported and the
search takes Whoosh's matchers, walked exhaustively, instead. tests/test_arrays.py holds
both paths to the same totals, tiers and pages.
"""

from __future__ import annotations

import io
import pickle
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

from .phrase import AdjacentPhrase
from .settings import whole_number_from_env

# Whoosh stores a field's length in one byte; a document without the field counts as 1.
_LENGTHS = np.array([byte_to_length(b) if b else 1 for b in range(256)], dtype=np.float64)
_MB = 1 << 20
WARM_BYTES = 64 * _MB


class Unsupported(Exception):
    """A query node the arrays do not answer; the search uses Whoosh's own matchers."""


@dataclass
class Postings:
    """One term in one segment: its documents (segment-local, ascending) and frequencies;
    for phrase words, every position as a (document << 32 | position) key."""

    ids: np.ndarray
    tf: np.ndarray
    keys: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.tf.nbytes + (0 if self.keys is None else self.keys.nbytes)


def cache_budget_from_env() -> int:
    """Bytes of postings kept per process ($HATSUGEN_POSTINGS_MB, default 192: with the
    searchers and the marks' cache, a worker stays near 600 MB at 100k statements)."""
    megabytes = whole_number_from_env("HATSUGEN_POSTINGS_MB", 192, 16, 1_000_000, " of megabytes")
    return megabytes * _MB


class PostingsCache:
    """Postings arrays of every segment a searcher of this process has read, least recently
    used dropped first once over budget. Shared by all searchers and threads: a segment's
    postings never change (deletions are a separate mask), so its arrays outlive commits."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any, nbytes: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, nbytes)
            self.used += nbytes
            while self.used > self.budget and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self.used -= dropped

    def lookup(self, key: tuple) -> Any:
        item = self.get(key)
        return None if item is None else item[0]

    def kept(
        self, key: tuple, make: Callable[[], Any], nbytes: Callable[[Any], int] | None = None
    ) -> Any:
        """The value under `key`, made and kept if it is not there (costing `nbytes(value)`,
        by default its `nbytes`)."""
        value = self.lookup(key)
        if value is None:
            value = make()
            self.put(key, value, value.nbytes if nbytes is None else nbytes(value))
        return value


_CACHE: PostingsCache | None = None
_CACHE_LOCK = threading.Lock()


def shared_cache() -> PostingsCache:
    global _CACHE
    with _CACHE_LOCK:
        if _CACHE is None:
            _CACHE = PostingsCache(cache_budget_from_env())
        return _CACHE


class Evaluated:
    """A query's matches as ascending document numbers, each with its score: sparse, so a
    query of rare words (a synonym's spellings, a name) costs its postings, not passes over
    every document of the archive. Shared through a search's memo: never changed in place."""

    __slots__ = ("docs", "n", "scores")

    def __init__(self, docs: np.ndarray, scores: np.ndarray, n: int) -> None:
        self.docs = docs  # int64, ascending, no repeats
        self.scores = scores  # float64, one per document in docs
        self.n = n  # document numbers in the index version

    @property
    def mask(self) -> np.ndarray:
        """The matches as one bool per document number."""
        out = np.zeros(self.n, dtype=bool)
        out[self.docs] = True
        return out

    def contains(self, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` (ascending) match, one bool each: a binary search for a few, a
        look-up in the mask for many (searching 20,000 in 20,000 costs more than the mask)."""
        if docs.size * _SPARSE < self.n:
            return _among(docs, self.docs)
        return self.mask[docs]

    def scores_of(self, docs: np.ndarray) -> np.ndarray:
        """The scores of `docs`, ascending documents all among the matches."""
        if docs.size * _SPARSE < self.n:
            return self.scores[np.searchsorted(self.docs, docs)]
        dense = np.zeros(self.n)
        dense[self.docs] = self.scores
        return dense[docs]


# Fewer documents than the archive's size over this: work on them, not on arrays of that size.
_SPARSE = 64
_NO_DOCS = np.zeros(0, dtype=np.int64)
_ABSENT = Postings(_NO_DOCS, np.zeros(0))
_ABSENT_BYTES = 256  # what a cache entry costs in Python objects
_NO_SCORES = np.zeros(0)
_NO_DOCS.setflags(write=False)
_NO_SCORES.setflags(write=False)


class QueryArrays:
    """One index version (one searcher's lifetime): its segments, live documents and BM25
    length normalisation as arrays, and query evaluation over them."""

    def __init__(self, searcher: Searcher, cache: PostingsCache | None = None) -> None:
        self.searcher = searcher
        self.cache = cache or shared_cache()
        self.n = searcher.doc_count_all()
        self.segments = [(sub, offset, _segment_key(sub)) for sub, offset in _subs(searcher)]
        self.live = np.ones(self.n, dtype=bool)
        self._with_deletions: set[int] = set()  # offsets of segments with deleted documents
        for sub, offset, _ in self.segments:
            reader = sub.reader()
            if reader.has_deletions():
                self._with_deletions.add(offset)
                self.live[offset + _deleted(reader)] = False
        self._norms: dict[str, np.ndarray] = {}
        weighting = searcher.weighting
        self.B, self.K1 = weighting.B, weighting.K1
        self._field_B = getattr(weighting, "_field_B", {})

    # -- per-version arrays ------------------------------------------------------------
    def norms(self, field: str) -> np.ndarray:
        """BM25's length normalisation of every document in the field, K1 · (1 − B + B ·
        length / average length), from the field lengths as Whoosh's scorer reads them: the
        same for every word of this version, so a word's score is a few operations on its own
        postings. Each segment's lengths stay in the shared cache, across versions."""
        found = self._norms.get(field)
        if found is None:
            parts = [self.cache.kept(("lengths", segkey, field),
                                     lambda sub=sub: _segment_lengths(sub, field))
                     for sub, _, segkey in self.segments]  # fmt: skip
            lengths = np.concatenate(parts) if parts else np.zeros(0)
            B = self._field_B.get(field, self.B)
            avgfl, K1 = self.searcher.avg_field_length(field) or 1, self.K1
            found = self._norms[field] = K1 * ((1 - B) + B * lengths / avgfl)
        return found

    def postings(self, field: str, text: bytes, positions: bool = False) -> list[tuple]:
        """(postings, offset) of the term in each segment that has it; with positions for a
        phrase word (kept apart: most terms never need them)."""
        kind = "positions" if positions else "postings"
        out = []
        for sub, offset, segkey in self.segments:
            key = (kind, segkey, field, text)
            p = self.cache.lookup(key)
            if p is None and not positions:  # a phrase word read before holds its postings
                p = self.cache.lookup(("positions", segkey, field, text))
            if p is None:
                # A word the segment lacks is remembered too: a synonym's spellings in
                # every field are mostly absent, and asking the term table costs more.
                if (field, text) in sub.reader():
                    p = _read_postings(sub, field, text, positions)
                    self.cache.put(key, p, p.nbytes)
                    if positions:  # one read of the blocks serves both
                        plain = Postings(p.ids, p.tf)
                        self.cache.put(("postings", segkey, field, text), plain, plain.nbytes)
                else:
                    p = _ABSENT
                    self.cache.put(key, p, _ABSENT_BYTES)
            if p is not _ABSENT:
                out.append((p, offset))
        return out

    def doc_positions(self, field: str, text: bytes, docs: list[int]) -> dict[int, np.ndarray]:
        """The term's positions in each of `docs` that holds it: from the positions a phrase
        or warming cached, else from just the blocks that hold these documents (a result
        card's marking, not worth reading a common word's every position)."""
        out: dict[int, np.ndarray] = {}
        for sub, offset, segkey in self.segments:
            size = sub.reader().doc_count_all()
            local = sorted(d - offset for d in docs if offset <= d < offset + size)
            cached = self.cache.lookup(("positions", segkey, field, text)) if local else _ABSENT
            if cached is _ABSENT:
                continue
            if cached is not None:
                keys = cached.keys
                for d in local:
                    lo, hi = np.searchsorted(keys, [d << 32, (d + 1) << 32]).tolist()
                    if hi > lo:
                        out[d + offset] = keys[lo:hi] & 0xFFFFFFFF
            elif (field, text) in sub.reader():
                m = _unfiltered(sub.reader().postings(field, text))
                index = None
                if _positions_blockwise(m):
                    key = ("blocks", segkey, field, text)
                    index = self.cache.kept(key, lambda m=m: _block_index(m))
                for d, found in _doc_positions(m, local, index).items():
                    out[d + offset] = found
        return out

    def holding(self, field: str, text: bytes, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` (ascending) hold the term in the field, one bool each: the
        postings a search has just read answer, from the cache."""
        out = np.zeros(docs.size, dtype=bool)
        for p, offset in self.postings(field, text):
            out |= _among(docs - offset, p.ids)
        return out

    def warm(
        self,
        fields: tuple[str, ...],
        per_field: int = 50,
        phrases_in: tuple[str, ...] = ("ja", "en"),
    ) -> int:
        """Read the postings of each field's most frequent terms into the cache, so a server's
        first searches for common words do not read them, then their positions in the text
        fields `phrases_in` (a phrase's words, and every compound SudachiPy splits, 経済安全保障,
        need them); stops at WARM_BYTES (memory each worker spends before anyone asks).
        Returns how many terms it read."""
        reader = self.searcher.reader()
        schema = self.searcher.schema
        limit = min(WARM_BYTES, self.cache.budget // 2)
        common = []
        for field in fields:
            if field in schema:
                for _, text in reader.most_frequent_terms(field, per_field):
                    term = text if isinstance(text, bytes) else schema[field].to_bytes(text)
                    common.append((field, term))
        n = 0
        for positions in (False, True):
            for field, term in common:
                if positions and field not in phrases_in:
                    continue
                self.postings(field, term, positions)
                n += 1
                if self.cache.used > limit:
                    return n
        return n

    # -- evaluation --------------------------------------------------------------------
    def evaluate(self, q: wq.Query, memo: dict | None = None) -> Evaluated:
        """The query's matches and scores; Unsupported for a shape left to Whoosh.

        `memo` keeps each word's and phrase's result for the queries of one search (the tiers
        ask the same words again over fewer fields); callers must not change what it returns.
        """
        memo = {} if memo is None else memo
        if isinstance(q, wq.Term | AdjacentPhrase):
            key = (type(q), q.fieldname, getattr(q, "text", None), tuple(getattr(q, "words", ())),
                   q.boost)  # fmt: skip
            found = memo.get(key)
            if found is None:
                if isinstance(q, wq.Term):
                    found = self._term(q.fieldname, q.text, q.boost)
                elif q.slop == 1 and len(q.words) >= 2:
                    found = self._phrase(q, memo)
                else:
                    raise Unsupported("a phrase with slop")
                memo[key] = found
            return found
        if isinstance(q, wq.Every):
            docs = np.flatnonzero(self.live)
            return Evaluated(docs, np.full(docs.size, float(q.boost)), self.n)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self._nothing()
        if type(q) is wq.Not:
            # Whoosh's InverseMatcher: every live document the child misses, scoring 1.0
            # (so "a NOT b" scores a + 1, as Whoosh's And of a and Not(b) does).
            mask = self.live.copy()
            mask[self.evaluate(q.query, memo).docs] = False
            docs = np.flatnonzero(mask)
            return Evaluated(docs, np.ones(docs.size), self.n)
        if type(q) in (wq.Or, wq.And):
            if not q.subqueries:
                return self._nothing()
            parts = [self.evaluate(s, memo) for s in q.subqueries]
            found = self._union(parts) if type(q) is wq.Or else self._intersection(parts)
            return _boosted(found, q.boost if len(parts) > 1 else 1.0)
        if type(q) is wq.AndNot:
            a, b = self.evaluate(q.a, memo), self.evaluate(q.b, memo)
            keep = ~b.contains(a.docs)
            return _boosted(Evaluated(a.docs[keep], a.scores[keep], self.n), q.boost)
        raise Unsupported(type(q).__name__)

    def _nothing(self) -> Evaluated:
        return Evaluated(_NO_DOCS, _NO_SCORES, self.n)

    def _union(self, parts: list[Evaluated]) -> Evaluated:
        """Every part's documents, each scored as the sum of its parts' scores in the parts'
        order (the order Whoosh's union matcher adds them in: the same float sums)."""
        parts = [p for p in parts if p.docs.size]
        if len(parts) < 2:
            return parts[0] if parts else self._nothing()
        docs = np.concatenate([p.docs for p in parts])
        scores = np.concatenate([p.scores for p in parts])
        # bincount adds each document's weights in the order they come: part by part.
        if docs.size * _SPARSE < self.n:  # few matches: sort them
            unique, where = np.unique(docs, return_inverse=True)
            return Evaluated(unique, np.bincount(where, weights=scores), self.n)
        present = np.zeros(self.n, dtype=bool)
        present[docs] = True
        unique = np.flatnonzero(present)
        return Evaluated(
            unique, np.bincount(docs, weights=scores, minlength=self.n)[unique], self.n
        )

    def _intersection(self, parts: list[Evaluated]) -> Evaluated:
        """The documents in every part, scored as the parts' scores summed in order."""
        smallest = min(parts, key=lambda p: p.docs.size)
        docs = smallest.docs
        for part in parts:
            if not docs.size:
                return self._nothing()
            if part is not smallest:
                docs = docs[part.contains(docs)]
        scores = parts[0].scores_of(docs)
        for part in parts[1:]:
            scores = scores + part.scores_of(docs)
        return Evaluated(docs, scores, self.n)

    def _term(self, field: str, text: Any, boost: float) -> Evaluated:
        schema = self.searcher.schema
        if field not in schema:
            return self._nothing()
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return self._nothing()
        if not schema[field].scorable:
            raise Unsupported(f"unscored field {field}")
        found = self.postings(field, btext)
        if not found:
            return self._nothing()
        idf, K1 = self.searcher.idf(field, btext), self.K1  # as Whoosh's BM25F takes them
        norms = self.norms(field)
        all_docs, all_scores = [], []
        for p, offset in found:  # segment after segment: document numbers stay ascending
            docs = p.ids + offset if offset else p.ids
            tf = p.tf
            # bm25() of whoosh.scoring, operand for operand
            scores = idf * ((tf * (K1 + 1)) / (tf + norms[docs]))
            if offset in self._with_deletions:
                live = self.live[docs]
                docs, scores = docs[live], scores[live]
            all_docs.append(docs)
            all_scores.append(scores)
        if len(all_docs) == 1:
            return _boosted(Evaluated(all_docs[0], all_scores[0], self.n), boost)
        return _boosted(
            Evaluated(np.concatenate(all_docs), np.concatenate(all_scores), self.n), boost
        )

    def _phrase(self, q: AdjacentPhrase, memo: dict) -> Evaluated:
        """Whoosh (phrase.py) scores a phrase as its distinct words' scores summed, where the
        words stand next to each other in order."""
        schema = self.searcher.schema
        if q.fieldname not in schema:
            return self._nothing()
        field = schema[q.fieldname]
        distinct = list(dict.fromkeys(q.words))
        # Positions first: their read gives the word's postings too (one read, not two).
        positions_first = field.scorable and field.format.supports("positions")
        words = []
        for w in distinct:  # a synonym's spellings share words: 環 太平洋 パートナーシップ (協定)
            key = (wq.Term, q.fieldname, w, (), 1.0)
            if key not in memo:
                if positions_first and not self.postings(q.fieldname, field.to_bytes(w), True):
                    return self._nothing()  # a word no segment has: no phrase
                memo[key] = self._term(q.fieldname, w, 1.0)
            words.append(memo[key])
        together = self._intersection(words)
        if not together.docs.size:
            return self._nothing()
        candidates = together.mask
        # (doc << 32 | position of the phrase's first word) keys where the phrase may stand;
        # each word's keys are ascending (documents, then positions, segment after segment),
        # so narrowing is a binary search of the shorter list in the longer, never a sort.
        found: np.ndarray | None = None
        order = sorted(range(len(q.words)), key=lambda i: words[distinct.index(q.words[i])]
                       .docs.size)  # fmt: skip
        for i in order:
            keys = []
            for p, offset in self.postings(q.fieldname, field.to_bytes(q.words[i]), True):
                k = p.keys + ((np.int64(offset) << 32) - i)
                keys.append(k[candidates[k >> 32]])
            joined = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
            found = joined if found is None else _common(found, joined)
            if not found.size:
                return self._nothing()
        assert found is not None
        docs = _distinct(found >> 32)
        return _boosted(Evaluated(docs, together.scores_of(docs), self.n), q.boost)


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """An ascending array without its repeats (np.unique without the sort)."""
    if ascending.size < 2:
        return ascending
    first = np.empty(ascending.size, dtype=bool)
    first[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=first[1:])
    return ascending[first]


def _boosted(found: Evaluated, boost: float) -> Evaluated:
    if boost == 1.0 or not found.docs.size:
        return found
    return Evaluated(found.docs, found.scores * boost, found.n)


def _among(docs: np.ndarray, within: np.ndarray) -> np.ndarray:
    """Which of `docs` are in `within` (both ascending), one bool each."""
    if not within.size or not docs.size:
        return np.zeros(docs.size, dtype=bool)
    at = np.minimum(np.searchsorted(within, docs), within.size - 1)
    return within[at] == docs


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both of two ascending arrays without repeats: the shorter searched for
    in the longer."""
    if a.size > b.size:
        a, b = b, a
    return a[_among(a, b)]


def top(docs: np.ndarray, scores: np.ndarray, keep: int) -> list[tuple[float, int]]:
    """The `keep` best of `docs` (ascending document numbers; `scores`, one each) as
    (score, -docnum): by score, ties to the earlier document, as Whoosh's collector orders
    them."""
    if not keep or not docs.size:
        return []
    s = scores
    if docs.size > 4 * keep:
        # Every document scoring at least the keep-th best score, ties included.
        threshold = np.partition(s, docs.size - keep)[docs.size - keep]
        chosen = s >= threshold
        docs, s = docs[chosen], s[chosen]
    order = np.lexsort((docs, -s))[:keep]
    return [(float(s[i]), -int(docs[i])) for i in order]


def _subs(searcher: Searcher) -> list[tuple[Searcher, int]]:
    return list(searcher.subsearchers) if searcher.subsearchers else [(searcher, 0)]


def _deleted(reader: Any) -> np.ndarray:
    """A segment's deleted document numbers, from the set its codec keeps: asking about each
    document cost every index version after an edit 3.4 ms per 20k statements."""
    try:
        found = reader._perdoc.deleted_docs()
    except AttributeError:
        found = (d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
    return np.fromiter(found, dtype=np.int64)


def _segment_key(sub: Searcher) -> tuple:
    """A segment's identity for the cache: its index folder, id and size, the same for every
    index version that holds the segment (deletions are masked apart), so its arrays outlive
    commits."""
    reader = sub.reader()
    segment = reader.segment() if hasattr(reader, "segment") else None
    storage = getattr(reader, "_storage", None)
    # A compound segment is read through an overlay of its compound file (`a`), new for
    # each reader, and the index folder (`b`).
    folder = getattr(storage, "folder", None) or getattr(
        getattr(storage, "b", None), "folder", None
    )
    segid = segment.segment_id() if segment is not None else id(reader)
    return (folder or id(storage), segid, reader.doc_count_all())


def _segment_lengths(sub: Searcher, field: str) -> np.ndarray:
    reader = sub.reader()
    n = reader.doc_count_all()
    raw = length_bytes(getattr(reader, "_perdoc", None), field, n)
    return np.ones(n, dtype=np.float64) if raw is None else _LENGTHS[raw]


def length_bytes(perdoc: Any, field: str, n: int) -> np.ndarray | None:
    """A segment's stored field lengths (Whoosh's one byte a document; 0: none stored), read in
    one piece; None when the field stores no lengths."""
    try:
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    except AttributeError:
        column = None
    if column is None:
        return None
    raw = np.zeros(n, dtype=np.uint8)
    try:  # a column of one byte a document, read in one piece
        count = min(column._count, n)
        raw[:count] = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
    except AttributeError:  # another column type: one document at a time
        raw[:] = [column[d] for d in range(n)]
    return raw


def _position_keys(docs: np.ndarray, values: list[bytes]) -> np.ndarray:
    """(doc << 32 | position) keys of postings, decoded as whoosh.formats.Positions does:
    each value is a count, then a protocol-2 pickle of the gaps between positions (perhaps
    without its final "."). Nearly every value has one layout (_REGULAR), every gap under
    256: those are cut out of the joined bytes by numpy, running sums and all (a Python
    object per position made a phrase word's first read 40 ms); any other value is
    unpickled on its own."""
    n = len(values)
    if not n:
        return np.zeros(0, dtype=np.int64)
    lens = np.fromiter(map(len, values), dtype=np.int64, count=n)
    joined = np.frombuffer(b"".join(values), dtype=np.uint8)
    last = joined.size - 1
    starts = np.cumsum(lens) - lens
    head = [joined[np.minimum(starts + i, last)] for i in range(_REGULAR_HEAD + 1)]
    counts = np.zeros(n, dtype=np.int64)
    for byte in head[:_INT_SIZE]:  # big-endian
        counts = (counts << 8) | byte
    if counts.sum() > joined.size:  # a pickled gap takes two bytes at least
        raise ValueError("positions that are not Whoosh's Positions format")
    many = counts > 1
    body = lens - (joined[starts + lens - 1] == ord("."))  # without a STOP
    regular = (counts >= 1) & (body == np.where(many, _REGULAR_HEAD + 2 + 2 * counts,
                                                 _REGULAR_HEAD + 3))  # fmt: skip
    for byte, expected in zip(head[_INT_SIZE:_REGULAR_HEAD], _REGULAR, strict=True):
        regular &= byte == expected
    regular &= ~many | (head[_REGULAR_HEAD] == ord("("))  # MARK
    closing = joined[np.minimum(starts + body - 1, last)]
    regular &= closing == np.where(many, ord("e"), ord("a"))  # APPENDS, APPEND
    ends = np.cumsum(counts)
    owner = np.repeat(np.arange(n), counts)
    ops = (starts + _REGULAR_HEAD + many)[owner] + 2 * (
        np.arange(owner.size) - (ends - counts)[owner]
    )
    ops = np.minimum(ops, last - 1)
    regular[owner[joined[ops] != 0x4B]] = False  # each gap a BININT1
    gaps = joined[ops + 1].astype(np.int64)
    for i in np.flatnonzero(~regular).tolist():
        got = _unpickled(values[i])
        if len(got) != counts[i]:
            raise ValueError("a posting's positions do not match its count")
        gaps[ends[i] - counts[i] : ends[i]] = got
    running = np.cumsum(gaps)
    before = np.where(ends > counts, running[np.maximum(ends - counts - 1, 0)], 0)
    return (np.repeat(docs, counts) << 32) + running - np.repeat(before, counts)


# A value's bytes after its count, as Whoosh's Positions pickles a list of gaps: PROTO 2,
# EMPTY_LIST, BINPUT 0; then one gap (BININT1) and APPEND, or MARK, the gaps and APPENDS.
_REGULAR = b"\x80\x02]q\x00"
_REGULAR_HEAD = _INT_SIZE + len(_REGULAR)


def _unpickled(value: bytes) -> list[int]:
    return pickle.loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")


def _blocks(m: W3LeafMatcher) -> Iterator[tuple[int, bytes]]:
    """Each block's posting count and pickled data (ids, weights, values)."""
    for info, _, data in _stored_blocks(m):
        yield info[0], zlib.decompress(data) if info[3] else data


def _stored_blocks(m: W3LeafMatcher) -> Iterator[tuple[tuple, int, bytes]]:
    """Each block's info tuple (count, last id, max weight, compression, ...), where its
    data starts in the postings file, and the data as stored, read as W3LeafMatcher's _goto
    and _read_data do (a length, negative for the last block; a pickled info tuple; the
    data, perhaps compressed), from the file's bytes: the matcher unpickles the info through
    a Python file object, about twenty read calls a block."""
    postfile = m._postfile
    pos = m._baseoffset
    while True:
        length = unpack_int(postfile.get(pos, _INT_SIZE))[0]
        f = io.BytesIO(postfile.get(pos + _INT_SIZE, abs(length)))
        info = pickle.load(f)
        yield info, pos + _INT_SIZE + f.tell(), f.read()
        if length < 0:
            return
        pos += _INT_SIZE + length


@dataclass(frozen=True)
class BlockIndex:
    """Where a term's blocks are in one segment: enough to read the block that holds a
    document without walking the blocks before it (a result card's marking)."""

    last: np.ndarray  # each block's last document number, ascending
    at: np.ndarray  # where its data starts in the postings file
    size: np.ndarray  # its data's length
    compressed: np.ndarray  # bool

    @property
    def nbytes(self) -> int:
        return self.last.nbytes + self.at.nbytes + self.size.nbytes + self.compressed.nbytes


def _block_index(m: W3LeafMatcher) -> BlockIndex:
    rows = [(info[1], at, len(data), bool(info[3])) for info, at, data in _stored_blocks(m)]
    last, at, size, compressed = (np.asarray(col) for col in zip(*rows, strict=True))
    return BlockIndex(last.astype(np.int64), at.astype(np.int64), size.astype(np.int64),
                      compressed.astype(bool))  # fmt: skip


def _doc_positions(m: Any, docs: list[int], index: BlockIndex | None) -> dict[int, np.ndarray]:
    """The positions of the term `m` matches in each of `docs` (ascending, in its segment)
    that holds it, read from just the blocks that hold them (`index`: where they are; None
    for a matcher of another codec or format, which walks to each)."""
    out: dict[int, np.ndarray] = {}
    if index is None:
        for doc in docs:
            if m.is_active() and m.id() < doc:
                m.skip_to(doc)
            if m.is_active() and m.id() == doc:
                out[doc] = np.asarray(m.value_as("positions"), dtype=np.int64)
        return out
    which = np.searchsorted(index.last, docs)
    for b in sorted(set(which.tolist()) - {index.last.size}):
        data = m._postfile.get(int(index.at[b]), int(index.size[b]))
        block = pickle.loads(zlib.decompress(data) if index.compressed[b] else data)
        ids = _block_postings(block, m._byteids)[0]
        for doc in (d for d, w in zip(docs, which.tolist(), strict=True) if w == b):
            j = int(np.searchsorted(ids, doc))
            if j < ids.size and ids[j] == doc:
                out[doc] = _position_keys(ids[j : j + 1], [block[2][j]]) & 0xFFFFFFFF
    return out


def _unfiltered(m: Any) -> Any:
    """The term's own matcher, not Whoosh's filter of a segment's deleted documents (the
    live mask leaves them out)."""
    return getattr(m, "child", m) if type(m).__name__ == "FilterMatcher" else m


def _positions_blockwise(m: Any) -> bool:
    """Whether the term's positions can be read from its blocks here: Whoosh's block codec
    with the Positions format, whose values _position_keys decodes."""
    return isinstance(m, W3LeafMatcher) and type(m.format) is Positions


def _ids_and_weights(raw: bytes, n: int) -> tuple[np.ndarray, Any] | None:
    """A block's minified ids and weights read from its pickle by numpy, for the layout
    Whoosh writes nearly always: PROTO 2 (or 4, perhaps a FRAME), MARK, the first id
    (BININT1, BININT2 or BININT), the other n − 1 as BININT1 (gaps under 256), TUPLE, a memo
    put; then the weights: None, one BINFLOAT, or MARK, n BINFLOATs, TUPLE. Unpickling the
    whole block would also make every document's positions (in protocol 2, a bytes object
    through _codecs.encode each), which a word outside a phrase never needs: four fifths of
    a cold read. None: another layout."""
    if raw[:2] == b"\x80\x02":
        start = 2
    elif raw[:2] == b"\x80\x04":
        start = 11 if raw[2:3] == b"\x95" else 2  # FRAME and its 8-byte length
    else:
        return None
    if raw[start : start + 1] != b"(" or n < 1:
        return None
    op, b = raw[start + 1], np.frombuffer(raw, dtype=np.uint8)
    at = start + 2
    if op == 0x4B:  # BININT1
        first, at = raw[at], at + 1
    elif op == 0x4D:  # BININT2
        first, at = int.from_bytes(raw[at : at + 2], "little"), at + 2
    elif op == 0x4A:  # BININT
        first, at = int.from_bytes(raw[at : at + 4], "little", signed=True), at + 4
    else:
        return None
    end = at + 2 * (n - 1)
    if len(raw) <= end + 2 or raw[end] != 0x74 or (b[at:end:2] != 0x4B).any():  # TUPLE
        return None
    ids = np.empty(n, dtype=np.int64)
    ids[0] = first
    ids[1:] = b[at + 1 : end : 2]
    w = end + {0x71: 3, 0x72: 6, 0x94: 2}.get(raw[end + 1], 0)  # BINPUT, LONG_BINPUT, MEMOIZE
    if w == end:
        return None
    if raw[w] == 0x4E:  # NONE
        return ids, None
    if raw[w] == 0x47:  # BINFLOAT: every weight the same
        return ids, float(np.frombuffer(raw, dtype=">f8", count=1, offset=w + 1)[0])
    stop = w + 1 + 9 * n
    if (
        raw[w] != 0x28
        or len(raw) <= stop
        or raw[stop] != 0x74
        or (b[w + 1 : stop : 9] != 0x47).any()
    ):
        return None
    floats = b[w + 1 : stop].reshape(n, 9)[:, 1:].copy().view(">f8").ravel()
    return ids, floats.astype(np.float64)


def _block_postings(ids_weights: tuple, byteids: bool) -> tuple[np.ndarray, np.ndarray]:
    """A block's documents and frequencies, de-minified as W3LeafMatcher's _read_ids and
    _read_weights do (gaps summed; no weights: 1.0; one weight: it, through the float32 array
    Whoosh keeps it in), by numpy instead of a generator per posting."""
    raw_ids, weights = ids_weights[0], ids_weights[1]
    ids = np.asarray(raw_ids, dtype=np.int64)
    if not byteids:
        ids = np.cumsum(ids)
    if weights is None:
        return ids, np.ones(ids.size)
    if isinstance(weights, float):
        return ids, np.full(ids.size, float(np.float32(weights)))
    return ids, np.asarray(weights, dtype=np.float64)


def _read_postings(sub: Searcher, field: str, text: bytes, positions: bool) -> Postings:
    """The term's postings in one segment, a block at a time where the codec allows."""
    reader = sub.reader()
    m = reader.postings(field, text)
    m = _unfiltered(m)  # deletions: masked
    ids: list[Any] = []
    tfs: list[Any] = []
    keys: list[np.ndarray] = []
    decode = m.format.decoder("positions") if positions else None
    if isinstance(m, W3LeafMatcher) and (decode is None or _positions_blockwise(m)):
        values: list[bytes] = []
        for count, raw in _blocks(m):
            data = None if decode is not None else _ids_and_weights(raw, count)
            if data is None:
                data = pickle.loads(raw)
            block_ids, block_tfs = _block_postings(data, m._byteids)
            ids.append(block_ids)
            tfs.append(block_tfs)
            if decode is not None:  # variable-size values: the block's list as stored
                values.extend(data[2])
        if decode is not None and ids:  # decoded together: numpy's cost is per call
            keys.append(_position_keys(np.concatenate(ids), values))
    elif isinstance(m, W3LeafMatcher):  # another format's positions: the matcher decodes
        while m.is_active():
            m._read_values()
            block_ids, block_tfs = _block_postings(m._data, m._byteids)
            ids.append(block_ids)
            tfs.append(block_tfs)
            keys.extend(
                (np.int64(doc) << 32) + np.asarray(decode(v), dtype=np.int64)
                for doc, v in zip(block_ids.tolist(), m._values, strict=True)
            )
            m._next_block()
    else:
        while m.is_active():
            ids.append(np.array([m.id()], dtype=np.int64))
            tfs.append(np.array([m.weight()], dtype=np.float64))
            if decode is not None:
                keys.append((np.int64(m.id()) << 32) + np.asarray(decode(m.value()), np.int64))
            m.next()
    return Postings(
        ids=np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64),
        tf=np.concatenate(tfs) if tfs else np.zeros(0),
        keys=(np.concatenate(keys) if keys else np.zeros(0, np.int64)) if positions else None,
    )
