"""BM25F as Whoosh computes it, with document lengths read from a list instead of a column.

Scoring is three quarters of a broad query's time at 100k statements, and most of that is the
per-document length lookup through Whoosh's column reader (~2.5 µs each). A long-lived
searcher decodes a field's lengths into a list the second time it scores that field; a
one-shot CLI search never pays for the list. Scores are identical (tests/test_search.py).
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length


class ListLengthBM25F(BM25F):
    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf)
        if getattr(scorer, "dfl", None) is not None:
            lengths = _lengths(searcher, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


def _lengths(searcher: Any, fieldname: str) -> list[int] | None:
    """The field's length for every document of this (segment) searcher, once asked twice."""
    state = searcher.__dict__.setdefault("_hatsugen_lengths", {})
    uses = state[("uses", fieldname)] = state.get(("uses", fieldname), 0) + 1
    if fieldname in state:
        return state[fieldname]
    if uses < 2:
        return None
    try:
        column = searcher.reader()._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    except AttributeError:  # another codec: keep Whoosh's own lookup
        column = None
    state[fieldname] = None if column is None else [byte_to_length(b) if b else 1 for b in column]
    return state[fieldname]
