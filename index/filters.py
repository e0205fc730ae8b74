"""Filters and facets from per-document column values.

Whoosh answers a date range over 100k documents in ~200 ms and an integer range in ~60 ms;
reading the columns into arrays and filtering in memory costs a few ms per new filter, and
repeated filters come from a small cache. Columns are read a segment at a time, in one piece
by numpy, and kept in the shared postings cache (arrays.py): a segment never changes, so a
commit reads only its new segment's. A first search counts facets over just the documents
it matched (a CLI search will not search again); later ones count codes of whole columns.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.searching import Searcher

from .arrays import PostingsCache, QueryArrays
from .query import SearchRequest
from .schema import MEETING_FACETS, NO_VALUE

FACETS = ("speaker_id", "lang", "kind", "year", "status", *MEETING_FACETS)
CACHE_SIZE = 16  # filter results kept per index version (each up to one int per document)


def _distinct_bytes(
    raw: Any, docs: np.ndarray | None = None
) -> tuple[list[bytes], np.ndarray, np.ndarray]:
    """One segment's variable-length column (or just `docs`' values), read in one piece: its
    distinct values, each document's code among them and each value's count. Each value is
    cut from the column's bytes as a zero-padded row of whole 8-byte words, so numpy sorts
    rows of integers (strings and per-byte index matrices cost 3–10× more on a first search)."""
    offsets = np.asarray(raw._offsets, dtype=np.int64)
    lengths = np.asarray(raw._lengths, dtype=np.int64)
    width = max(-(-int(lengths.max(initial=0)) // 8) * 8, 8)
    end = int((offsets + lengths).max(initial=0))
    if docs is not None:
        offsets, lengths = offsets[docs], lengths[docs]
    padded = np.zeros(end + width, dtype=np.uint8)
    if end:
        padded[:end] = np.frombuffer(raw._dbfile.get(raw._basepos, end), dtype=np.uint8)
    rows = sliding_window_view(padded, width)[offsets]  # a copy: one row a document
    rows[np.arange(width) >= lengths[:, None]] = 0
    words = rows.view(">u8")  # big-endian: integer order is the bytes' order
    order = np.lexsort(words.T[::-1]) if words.shape[1] > 1 else np.argsort(words[:, 0])
    ordered = words[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    codes = np.empty(len(ordered), dtype=np.int32)
    codes[order] = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(ordered)))
    values = [ordered[i].tobytes().rstrip(b"\0") for i in starts]
    return values, codes, counts


def _referenced(
    raw: Any, docs: np.ndarray | None = None
) -> tuple[list[bytes], np.ndarray, np.ndarray]:
    """A reference column's values, each document's code (or just `docs`') and each value's
    count: it stores every document's value as a one- or two-byte reference into its list
    of values, so the codes are read in one piece, not computed. Values no document holds
    count 0."""
    dtype = np.dtype(np.uint8) if raw._itemsize == 1 else np.dtype(">u2")
    refs = np.frombuffer(raw._dbfile.get(raw._basepos, raw._doccount * raw._itemsize), dtype)
    codes = (refs if docs is None else refs[docs]).astype(np.int32)
    return list(raw._uniques), codes, np.bincount(codes, minlength=len(raw._uniques))


def _coded(raw: Any, docs: np.ndarray | None = None) -> tuple[list[bytes], np.ndarray, np.ndarray]:
    """A column read in one piece: its values, the documents' codes, the values' counts."""
    return _referenced(raw, docs) if hasattr(raw, "_uniques") else _distinct_bytes(raw, docs)


def _whole_column(column: Any, size: int) -> Any:
    """The column's raw reader when it can be read in one piece (a single segment's column of
    variable-length bytes or of references, a value for each of `size` documents), else
    None."""
    raw = column.raw_column() if hasattr(column, "raw_column") else None
    if getattr(raw, "_doccount", None) != size:
        return None
    return raw if hasattr(raw, "_offsets") or hasattr(raw, "_uniques") else None


def _codes_key(segkey: tuple, name: str) -> tuple:
    return ("codes", segkey, name)


def _segment_codes(
    sub: Searcher, name: str, cache: PostingsCache, segkey: tuple
) -> tuple[np.ndarray, list[Any]]:
    """One segment's column as codes per document and the values they stand for, kept in the
    shared cache: a segment's columns never change, so a commit codes only its new segment."""
    return cache.kept(
        _codes_key(segkey, name),
        lambda: _column_codes(sub.reader(), name),
        lambda found: found[0].nbytes + 100 * len(found[1]),
    )


def _column_codes(reader: Any, name: str) -> tuple[np.ndarray, list[Any]]:
    size = reader.doc_count_all()
    column = reader.column_reader(name)
    raw = _whole_column(column, size)
    if raw is not None:
        distinct, codes, _ = _coded(raw)
        return codes, [column._translate(v) for v in distinct]
    values: dict[Any, int] = {}
    codes = np.fromiter((values.setdefault(v, len(values)) for v in column), np.int32, size)
    return codes, list(values)


def _segment_numbers(sub: Searcher, name: str, cache: PostingsCache, segkey: tuple) -> np.ndarray:
    """One segment's integer column as int64, kept in the shared cache."""
    return cache.kept(("numbers", segkey, name), lambda: _column_numbers(sub.reader(), name))


def _column_numbers(reader: Any, name: str) -> np.ndarray:
    """Whoosh stores each value big-endian in its sortable form (signed: shifted by half the
    range), and none past the last document that has one: read in one piece, shifted back
    by numpy; another kind of column, one value at a time."""
    size = reader.doc_count_all()
    column = reader.column_reader(name)
    raw = column.raw_column() if hasattr(column, "raw_column") else None
    field = reader.schema[name]
    if not (
        isinstance(raw, NumericColumn.Reader)
        and getattr(field, "numtype", None) is int
        and field.bits <= 32
        and raw._typecode in "BHI"
    ):
        return np.fromiter(column, dtype=np.int64, count=size)
    width = raw._fixedlen
    found = np.full(size, raw._default, dtype=np.int64)
    count = min(raw._count, size)
    found[:count] = np.frombuffer(raw._dbfile.get(raw._basepos, count * width), f">u{width}")
    if field.signed:
        found -= 1 << (field.bits - 1)
    return found


def _counts(codes: np.ndarray, values: list[Any]) -> Counter:
    """How many of `codes` stand for each value (values none of them stands for left out)."""
    counted = np.bincount(codes, minlength=len(values))
    return Counter({values[i]: int(counted[i]) for i in np.flatnonzero(counted)})


class DocArrays:
    """Column values by document number for one index version (one searcher's lifetime)."""

    def __init__(self, searcher: Searcher) -> None:
        self.size = searcher.reader().doc_count_all()
        self._uses: Counter[str] = Counter()
        self._live: frozenset[int] | None = None
        self._filters: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._masks: dict[int, tuple[frozenset[int], np.ndarray]] = {}
        self._query_arrays: QueryArrays | None = None
        self._codes: dict[str, tuple[np.ndarray, list[Any]]] = {}
        self._arrays: dict[str, np.ndarray] = {}

    def query_arrays(self, searcher: Searcher) -> QueryArrays:
        """The postings arrays of this index version (made on first use)."""
        if self._query_arrays is None:
            self._query_arrays = QueryArrays(searcher)
        return self._query_arrays

    def mask_of(self, docs: frozenset[int]) -> np.ndarray:
        """A filter's documents as a mask over every document number (cached with it)."""
        key = id(docs)
        found = self._masks.get(key)
        if found is None or found[0] is not docs:
            mask = np.zeros(self.size, dtype=bool)
            mask[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
            found = self._masks[key] = (docs, mask)
            if len(self._masks) > CACHE_SIZE:
                self._masks.pop(next(iter(self._masks)))
        return found[1]

    def live(self, searcher: Searcher) -> frozenset[int]:
        if self._live is None:
            self._live = frozenset(searcher.reader().all_doc_ids())
        return self._live

    def allowed(self, searcher: Searcher, req: SearchRequest) -> frozenset[int] | None:
        """Documents that pass the request's filters (None: no filters at all)."""
        if not req.has_filters:
            return None
        key = (tuple(sorted(req.speakers)), req.lang, req.kind, (req.topic or "").lower(),
               req.since_key, req.until_key, req.status, req.undated,
               *(getattr(req, name) for name in MEETING_FACETS))  # fmt: skip
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
        if req.status:
            terms.append(wq.Term("status", req.status))
        if req.undated:
            terms.append(wq.Term("year", NO_VALUE))
        terms += [wq.Term(name, getattr(req, name)) for name in MEETING_FACETS
                  if getattr(req, name)]  # fmt: skip
        if terms:
            q = terms[0] if len(terms) == 1 else wq.And(terms)
            sets.append(frozenset(searcher.docs_for_query(q)))
        if req.since_key or req.until_key:
            base = sets[0] if sets else self.live(searcher)  # narrow first: fewer dates
            sets.append(self._date_range(searcher, base, req.since_key, req.until_key))
        result = sets[0] if len(sets) == 1 else frozenset.intersection(*sets)
        self._filters[key] = result
        if len(self._filters) > CACHE_SIZE:
            self._filters.popitem(last=False)
        return result

    def _date_range(
        self, searcher: Searcher, docs: frozenset[int], since: int | None, until: int | None
    ) -> frozenset[int]:
        """Statements whose date (a day, month or year) overlaps [since, until]; undated never.
        Compared as arrays over every document: a new range costs no pass in Python."""
        lo, hi = since or 1, until or 99999999
        starts, ends = self.numbers(searcher, "date_start"), self.numbers(searcher, "date_end")
        inside = (starts != 0) & (ends >= lo) & (starts <= hi)
        inside &= self.mask_of(docs)
        return frozenset(np.flatnonzero(inside).tolist())

    def numbers(self, searcher: Searcher, name: str) -> np.ndarray:
        """A numeric column as int64 by document number, joined from each segment's (kept
        across index versions, like the facet codes)."""
        found = self._arrays.get(name)
        if found is None:
            arrays = self.query_arrays(searcher)
            parts = [_segment_numbers(sub, name, arrays.cache, segkey)
                     for sub, _, segkey in arrays.segments]  # fmt: skip
            found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            self._arrays[name] = found
        return found

    def codes(self, searcher: Searcher, name: str) -> tuple[np.ndarray, list[Any]]:
        """The column as integer codes per document and the values they stand for, joined
        from each segment's (kept across index versions: a commit codes its new segment)."""
        found = self._codes.get(name)
        if found is None:
            arrays = self.query_arrays(searcher)
            index: dict[Any, int] = {}
            parts = []
            for sub, _, segkey in arrays.segments:
                local, values = _segment_codes(sub, name, arrays.cache, segkey)
                number = np.fromiter(
                    (index.setdefault(v, len(index)) for v in values), np.int32, len(values)
                )
                parts.append(number[local])
            codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            found = self._codes[name] = (codes, list(index))
        return found

    def facets(self, searcher: Searcher, docs: Iterable[int]) -> dict[str, dict[str, int]]:
        """Counts of each facet's values among `docs`: one bincount per facet once the columns
        are coded (a server's second search); the values of just these documents otherwise (a
        CLI search, which will not search again)."""
        docs = np.asarray(docs if isinstance(docs, np.ndarray) else sorted(docs), dtype=np.int64)
        out = {}
        for name in FACETS:
            first_use = self.size and name not in self._codes and not self._uses[name]
            once = self._counted_once(searcher, name, docs) if first_use else None
            if once is not None:
                counts = once
            elif not self.size:
                counts = Counter()
            else:
                self._uses[name] += 1
                codes, values = self.codes(searcher, name)
                counts = _counts(codes[docs], values)
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _counted_once(self, searcher: Searcher, name: str, docs: np.ndarray) -> Counter | None:
        """The column's values among `docs` counted without coding the whole column, segment
        by segment: from the segment's codes if a search made them, else by numpy over just
        these documents' bytes when its column is one piece, else one document at a time
        when they are few (None when they are a tenth of a segment or more: coding the
        column costs less)."""
        arrays = self.query_arrays(searcher)
        counts: Counter = Counter()
        for sub, offset, segkey in arrays.segments:
            reader = sub.reader()
            size = reader.doc_count_all()
            local = docs[(docs >= offset) & (docs < offset + size)] - offset
            if not local.size:
                continue
            coded = arrays.cache.lookup(_codes_key(segkey, name))
            column = reader.column_reader(name)
            raw = _whole_column(column, size) if coded is None else None
            if coded is not None:
                codes, values = coded
                counts.update(_counts(codes[local], values))
            elif raw is not None:
                distinct, _, counted = _coded(raw, local)
                counts.update(
                    {
                        column._translate(v): int(n)
                        for v, n in zip(distinct, counted, strict=True)
                        if n
                    }
                )
            elif local.size * 10 < size:
                counts.update(column[d] for d in local.tolist())
            else:
                return None
        self._uses[name] += 1
        return counts
