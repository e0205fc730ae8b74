"""The faster segment writer (index/writer.py) writes the index Whoosh's own writer writes:
the same terms, postings, block statistics, field lengths and stored fields, so every search
ranks alike whichever built it."""

from __future__ import annotations

from pathlib import Path

from test_relevance import scorer
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from hatsugen.index.schema import build_schema
from hatsugen.index.writer import FastWriter


def _build(folder: Path, batches: list[list[dict]], writer_class: type) -> tuple:
    """An index of `batches` (one commit each), with a pool small enough to spill to runs."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    spilled = 0
    for batch in batches:
        writer = writer_class(ix, limitmb=1)
        for doc in batch:
            writer.add_document(**doc)
        spilled += len(writer.pool.runs)
        writer.commit()
    return ix, spilled


def _contents(ix: whoosh_index.Index) -> dict:
    with ix.reader() as r:
        n = r.doc_count_all()
        postings = {}
        for field, text in r.all_terms():
            info = r.term_info(field, text)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                     info.max_weight())  # fmt: skip
            postings[field, text] = (stats, list(r.postings(field, text).all_items()))
        lengths = {f: [r.doc_field_length(d, f) for d in range(n)]
                   for f in r.schema.scorable_names()}  # fmt: skip
        return {"postings": postings, "lengths": lengths, "stored": list(r.all_stored_fields())}


def test_the_fast_writer_writes_what_whooshs_writer_writes(tmp_path: Path) -> None:
    app = scorer.open_archive(tmp_path / "home")
    docs = list(app._documents())
    app.close()
    batches = [docs[: len(docs) // 2], docs[len(docs) // 2 :]]  # a second segment, merged
    ours, spilled = _build(tmp_path / "ours", batches, FastWriter)
    theirs, _ = _build(tmp_path / "theirs", batches, SegmentWriter)
    assert spilled > 0  # the chunked runs were written and read back
    mine, whooshs = _contents(ours), _contents(theirs)
    assert len(mine["postings"]) > 1000 and len(mine["stored"]) == len(docs)
    assert mine == whooshs
