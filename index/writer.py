"""Whoosh's segment writer, faster: an index Whoosh reads as its own, with the same terms,
postings and statistics (tests/test_writer.py compares them with Whoosh's writer's).

Measured on real Diet paragraphs (docs/benchmarks.md), much of Whoosh 2.7.4's writer was
bookkeeping, not indexing:
- its sorting pool sorted every posting as a tuple, pickled each on its own to a run file,
  read each back the same way and merged the runs posting by posting. Here the pool keeps
  each term's postings together (added in document order, they are already sorted): runs
  sort and merge terms, and are pickled a chunk at a time;
- its pool checked the types of every posting it was given;
- writing the segment looked up each posting's field length one at a time (a file-exists
  check and a column read per posting, for a field without lengths a stat every time). The
  lengths are read here once per field, whole;
- the postings and terms files' positions were asked of the operating system three times
  per term; they are counted here;
- the loop over the sorted postings called two methods and made five type assertions per
  posting; it adds each to its block itself here;
- a block was pickled with protocol 2, which writes each posting's positions (bytes) as a
  call to `_codecs.encode` of a text: reading them back made a string and called it for
  every posting. Protocol 4 writes bytes as they are: blocks of positions are 40% smaller
  and unpickle 6× faster. Whoosh reads either (tests/test_writer.py compares what it reads);
- a block held 128 postings, so reading a common word was mostly the fixed cost of its
  blocks (a read, an unpickling, a decompression each). Blocks of BLOCK_POSTINGS read a
  word's positions 35–45% faster and its postings 2.5× faster; Whoosh reads any size.
"""

from __future__ import annotations

import heapq
import pickle
import zlib
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from .arrays import length_bytes

RUN_CHUNK = 4096  # postings per pickle in a run file
MERGE_RUNS = 128  # run files merged at once (each holds a chunk in memory meanwhile)
_LENGTH_OF = [None, *(byte_to_length(b) for b in range(1, 256))]  # as Whoosh: 0 → None


class _TermPool(PostingPool):
    """Whoosh's posting pool, its postings kept by term: (field, term) → the term's
    (document, weight, value) in the order added. Documents are added in ascending order, so
    a term's postings are already sorted; sorting a run sorts its terms, not its postings,
    and merging runs merges terms, a term's postings following run after run. The postings
    come out in the order Whoosh's pool sorts them in (field, term, document, ...): the same
    index (tests/test_writer.py compares every posting)."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb)
        self.current: dict[tuple[str, bytes], list[tuple]] = {}  # type: ignore[assignment]
        self._unsorted: set[tuple[str, bytes]] = set()  # a document added out of order

    def add(self, item: tuple) -> None:
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        group = self.current.get(key)
        if group is None:
            self.fieldnames.add(fieldname)
            group = self.current[key] = []
            self.currentsize += 200 + len(fieldname) + 2 * len(text)
        elif docnum <= group[-1][0]:
            self._unsorted.add(key)
        group.append((docnum, weight, value))
        self.currentsize += 150 + len(value or b"")  # measured: a posting held ~145 B + value
        if self.currentsize > self.limit:
            self.save()

    def save(self) -> None:
        if self.current:
            path, f = self._new_run()
            self._write_run(f, self._sorted_terms())
            self._add_run(path)
            self.current, self._unsorted = {}, set()
        self.currentsize = 0

    def _sorted_terms(self) -> Iterator[tuple]:
        for key in sorted(self.current):
            group = self.current[key]
            if key in self._unsorted:
                group.sort()
            yield key, group

    def items(self) -> Iterator[tuple]:
        """Every posting as (field, term, document, weight, value), sorted."""
        if not self.runs:
            return _postings(self._sorted_terms())
        self.save()
        runs, self.runs = self.runs, []
        while len(runs) > MERGE_RUNS:  # merged a batch at a time, keeping the runs' order
            batches = [runs[i : i + MERGE_RUNS] for i in range(0, len(runs), MERGE_RUNS)]
            runs = []
            for batch in batches:
                path, f = self._new_run()
                self._write_run(f, self._merged(batch))
                runs.append(path)
        return _postings(self._merged(runs))

    def _merged(self, paths: list[str]) -> Iterator[tuple]:
        """(term, postings) of the runs in term order, a term's postings a group at a time,
        never joined: heapq.merge keeps the runs' order for equal terms, and that is
        document order (documents are added in ascending order, and a run is spilled after
        the one before it). Joining them held a common word's every posting at once: at a
        million statements, 100 MB a word and a build's peak of 736 MB. A group out of
        order would be a bug: it stops the build."""
        runs = [self._read_run(path) for path in paths]
        key, last = None, -1
        for term, group in heapq.merge(*runs, key=itemgetter(0)):
            if term != key:
                key, last = term, -1
            if group[0][0] <= last:
                raise OutOfOrderError(f"{term!r}: document {group[0][0]} after {last}")
            last = group[-1][0]
            yield term, group

    def _write_run(self, f: Any, terms: Iterable[tuple]) -> None:
        chunk: list[tuple] = []
        size = 0
        for term in terms:
            chunk.append(term)
            size += len(term[1])
            if size >= RUN_CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk, size = [], 0
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def _postings(terms: Iterable[tuple]) -> Iterator[tuple]:
    for (fieldname, text), group in terms:
        for docnum, weight, value in group:
            yield fieldname, text, docnum, weight, value


class _WholeLengths:
    """The new segment's field lengths for the posting writer, each field's read whole."""

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._fields: dict[str, bytes | None] = {}

    def field(self, fieldname: str) -> bytes | None:
        """The field's length byte for every document (None: it stores no lengths)."""
        if fieldname not in self._fields:
            found = length_bytes(self._perdoc, fieldname, self._perdoc.doc_count_all())
            self._fields[fieldname] = None if found is None else found.tobytes()
        return self._fields[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: Any = 0) -> Any:
        raw = self.field(fieldname)
        return default if raw is None else _LENGTH_OF[raw[docnum]]

    def close(self) -> None:
        self._perdoc.close()


class _Counted:
    """A file being written whose position is counted, not asked of the operating system:
    Whoosh's postings and terms writers ask it three times per term (a system call each,
    7% of a build's writing)."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._pos = file.tell()

    def write(self, data: Any) -> int:
        written = self._file.write(data)
        self._pos += memoryview(data).nbytes
        return written

    def tell(self) -> int:
        return self._pos

    def seek(self, *args: Any) -> int:
        self._file.seek(*args)
        self._pos = self._file.tell()
        return self._pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


BLOCK_PROTOCOL = 4  # bytes pickled as bytes (2 made each a call to _codecs.encode)
# Postings a block (Whoosh: 128). Larger blocks read faster (1,024 no faster than 512) but a
# result card's marking reads a whole block to get one document's positions.
BLOCK_POSTINGS = 512


class _BlockWriter(W3PostingsWriter):
    """Whoosh's postings writer, each block's data pickled with BLOCK_PROTOCOL; its info
    tuple, length and compression as W3PostingsWriter._write_block writes them."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = pickle.dumps(data, BLOCK_PROTOCOL)
        comp = self._compression  # Whoosh compresses every block, however small
        if comp:
            databytes = zlib.compress(databytes, comp)
        info = (len(self._ids), self._ids[-1], self._maxweight, comp,
                length_to_byte(self._minlength), length_to_byte(self._maxlength))  # fmt: skip
        infobytes = pickle.dumps(info, 2)
        size = len(infobytes) + len(databytes)
        self._postfile.write_int(-size if last else size)  # negative: the last block
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class _FastFieldWriter(W3FieldWriter):
    """Whoosh's field writer, its loop over the sorted postings (FieldWriter.add_postings)
    adding each posting to the block itself: W3PostingsWriter.add_posting, less two calls
    and five type assertions per posting, and each field's lengths read as bytes."""

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        super().start_field(fieldname, fieldobj)
        if type(self._postwriter) is W3PostingsWriter:
            self._postwriter.__class__ = _BlockWriter

    def add_postings(self, schema: Any, lengths: Any, items: Iterable[tuple]) -> None:
        if not isinstance(lengths, _WholeLengths):
            super().add_postings(schema, lengths, items)
            return
        lastfn: str | None = None
        lasttext: bytes | None = None
        raw: bytes | None = None
        pw: Any = None
        for fieldname, btext, docnum, weight, value in items:
            # Whoosh's order checks, as FieldWriter.add_postings makes them
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
            if fieldname == lastfn and lasttext and btext < lasttext:
                raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                raw = lengths.field(fieldname)
                lastfn, lasttext = fieldname, None
            if docnum == -1:  # a spelling word, which Whoosh's loop skips too
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                pw = self._postwriter
            length = 0 if raw is None else _LENGTH_OF[raw[docnum]]
            if pw._byteids:  # never for a document's postings; Whoosh's own way if it were
                pw.add_posting(docnum, weight, value or b"", length)
                continue
            # W3PostingsWriter.add_posting
            if len(pw._ids) >= pw._blocklimit:
                pw._write_block()
            pw._ids.append(docnum)
            pw._weights.append(weight)
            if weight > pw._maxweight:
                pw._maxweight = weight
            if value:
                pw._values.append(value)
            if length:
                if pw._minlength is None or length < pw._minlength:
                    pw._minlength = length
                if length > pw._maxlength:
                    pw._maxlength = length
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class FastWriter(SegmentWriter):
    """A SegmentWriter (one process) whose flush writes the same segment faster."""

    def __init__(self, ix: Index, limitmb: int) -> None:
        super().__init__(ix, limitmb=limitmb, codec=W3Codec(blocklimit=BLOCK_POSTINGS))
        self.pool = _TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        fields = self.fieldwriter
        if type(fields) is W3FieldWriter:  # the same writer, a faster loop
            fields.__class__ = _FastFieldWriter
            for written in (fields._postfile, fields._tindex.dbfile):  # postings, terms
                written.file = _Counted(written.file)

    def per_document_reader(self) -> Any:
        return _WholeLengths(super().per_document_reader())
