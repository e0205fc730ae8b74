"""The faster segment writer (index/writer.py) writes the index Whoosh's own writer writes:
the same terms, postings, block statistics, field lengths and stored fields, so every search
ranks alike whichever built it."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import pytest
from test_relevance import scorer
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from hatsugen.archive.errors import ArchiveError
from hatsugen.index import parallel, writer
from hatsugen.index.parallel import _analyse_chunk
from hatsugen.index.schema import build_schema
from hatsugen.index.writer import FastWriter


def _build(
    folder: Path, batches: list[list[dict]], writer_class: type, limitmb: float = 1
) -> tuple:
    """An index of `batches` (one commit each), with a pool small enough to spill to runs;
    and the most runs one commit spilled."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    spilled = 0
    for batch in batches:
        writer = writer_class(ix, limitmb=limitmb)
        for doc in batch:
            writer.add_document(**doc)
        spilled = max(spilled, len(writer.pool.runs))
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


@pytest.mark.parametrize("merge_runs", [128, 2])
def test_the_fast_writer_writes_what_whooshs_writer_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_runs: int
) -> None:
    # With 2 runs merged at once, runs are merged into runs first, then those merged.
    monkeypatch.setattr(writer, "MERGE_RUNS", merge_runs)
    app = scorer.open_archive(tmp_path / "home")
    docs = list(app._documents())
    app.close()
    batches = [docs[: len(docs) // 2], docs[len(docs) // 2 :]]  # a second segment, merged
    ours, spilled = _build(tmp_path / "ours", batches, FastWriter, limitmb=0.25)
    theirs, _ = _build(tmp_path / "theirs", batches, SegmentWriter)
    assert spilled > min(merge_runs, 2)  # the chunked runs were written and read back
    mine, whooshs = _contents(ours), _contents(theirs)
    assert len(mine["postings"]) > 1000 and len(mine["stored"]) == len(docs)
    assert mine == whooshs


def test_terms_analysed_ahead_index_as_the_text_itself(tmp_path: Path) -> None:
    # What an analysis worker returns (each text field as its list of terms) must give the
    # postings the analyzers give when Whoosh analyses the text in the writer.
    app = scorer.open_archive(tmp_path / "home")
    docs = list(app._documents())
    app.close()
    ahead = _analyse_chunk(copy.deepcopy(docs))
    assert any(isinstance(d.get("ja"), list) for d in ahead)
    analysed_ahead, _ = _build(tmp_path / "ahead", [ahead], FastWriter)
    as_text, _ = _build(tmp_path / "text", [docs], FastWriter)
    mine = _contents(analysed_ahead)
    starts = [stored.pop("sentences", None) for stored in mine["stored"]]
    assert mine == _contents(as_text)
    assert any(starts)  # and where long texts' sentences start, stored beside them


def _talks(n: int) -> list[dict]:
    return [{"id": str(i), "ja": f"第{i}回の港湾会議を開きました", "en": f"Harbour talks {i}"}
            for i in range(n)]  # fmt: skip


def test_analysis_workers_return_every_document_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_DOCS", 10)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    started = []

    class Counted(parallel._Worker):
        def __init__(self) -> None:
            super().__init__()
            started.append(self.process.pid)

    monkeypatch.setattr(parallel, "_Worker", Counted)
    out = list(parallel.analysed(_talks(60), workers=2))
    assert len(started) == 2 and os.getpid() not in started
    assert [d["id"] for d in out] == [str(i) for i in range(60)]
    assert out == _analyse_chunk(_talks(60))  # the workers' terms, as analysed here
    assert out[3]["ja"][:3] == ["第", "3", "回"] and "harbor" in out[3]["en"]


def test_a_worker_that_dies_stops_the_build_with_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_DOCS", 10)
    dies = "import sys; sys.stderr.write('no dictionary here'); sys.exit(3)"
    monkeypatch.setattr(parallel._Worker, "COMMAND", (sys.executable, "-c", dies))
    with pytest.raises(ArchiveError, match=r"exit 3\): no dictionary here"):
        list(parallel.analysed(_talks(30), workers=1))
