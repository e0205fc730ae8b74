"""Exact phrases checked with set lookups on positions, instead of Whoosh's general span code.

A phrase here is always exact (adjacent words, in order). Whoosh answers it with SpanNear2,
which builds span objects for every candidate document; this matcher intersects the words'
postings the usual way and keeps a document when some position p of the first word has the
second word at p+1, the third at p+2, and so on. Same answers (tests/test_phrase.py).
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher


class AdjacentPhrase(wq.Phrase):
    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        if self.fieldname not in searcher.schema:
            return NullMatcher()
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        # One matcher per distinct word (a phrase pasted 30 times has 7 words, not 210),
        # intersected rarest first; positions are then read in phrase order.
        distinct: dict[str, Any] = {}
        for word in self.words:
            if word in distinct:
                continue
            term = field.to_bytes(word)
            if (self.fieldname, term) not in reader:
                return NullMatcher()  # a missing word: nothing can match
            distinct[word] = wq.Term(self.fieldname, word).matcher(searcher, context)
        rarest = sorted(
            distinct, key=lambda w: reader.doc_frequency(self.fieldname, field.to_bytes(w))
        )
        child = reduce(IntersectionMatcher, [distinct[w] for w in rarest])
        leaves = [distinct[w] for w in self.words]
        m = _AdjacentMatcher(child, leaves, self, searcher, context)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def adjacent_phrases(q: wq.Query) -> wq.Query:
    """The query with every Phrase answered by AdjacentPhrase."""
    if type(q) is wq.Phrase:
        return AdjacentPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=None)
    return q.apply(adjacent_phrases)


class _AdjacentMatcher(WrappingMatcher):
    def __init__(
        self, child: Any, leaves: list, query: AdjacentPhrase, searcher: Any, context: Any
    ) -> None:
        super().__init__(child)
        self._leaves = leaves
        self._query, self._searcher, self._context = query, searcher, context
        self._find()

    def _adjacent(self) -> bool:
        first = self._leaves[0].value_as("positions")
        rest = [frozenset(leaf.value_as("positions")) for leaf in self._leaves[1:]]
        return any(all(p + i in later for i, later in enumerate(rest, 1)) for p in first)

    def _find(self) -> None:
        child = self.child
        while child.is_active() and not self._adjacent():
            child.next()

    def next(self) -> None:
        self.child.next()
        self._find()

    def skip_to(self, id: int) -> None:
        self.child.skip_to(id)
        self._find()

    def all_ids(self):  # type: ignore[no-untyped-def]
        while self.is_active():
            yield self.id()
            self.next()

    def copy(self) -> Any:
        m = self._query.matcher(self._searcher, self._context)
        if self.is_active() and m.is_active():
            m.skip_to(self.id())
        return m

    def replace(self, minquality: float = 0) -> Any:
        # Whoosh may swap an intersection for a simpler matcher; that would lose the check.
        return self if self.is_active() else NullMatcher()

    def supports_block_quality(self) -> bool:
        return False  # block skipping would step past the position check

    def depth(self) -> int:
        return 1 + self.child.depth()
