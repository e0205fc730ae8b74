"""AdjacentPhrase gives exactly Whoosh's own phrase answers, on random texts."""

from __future__ import annotations

import random
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, TEXT, Schema

from hatsugen.index.phrase import AdjacentPhrase

WORDS = ["a", "b", "c", "d", "e"]


def test_same_documents_and_order_as_whoosh_phrase(tmp_path: Path) -> None:
    rng = random.Random(5)
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=RegexTokenizer(), phrase=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    for segment in range(3):  # several segments, and a deletion, as in a real index
        writer = ix.writer()
        for i in range(300):
            words = rng.choices(WORDS, k=rng.randint(1, 12))
            writer.add_document(id=f"{segment}-{i}", body=" ".join(words))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", "1-7")
    writer.commit(merge=False)
    with ix.searcher() as s:
        checked = 0
        for n in (2, 3, 4):
            for _ in range(40):
                words = rng.choices(WORDS, k=n)
                theirs = wq.Phrase("body", words)
                ours = AdjacentPhrase("body", words)
                expected = list(s.docs_for_query(theirs))
                assert list(s.docs_for_query(ours)) == expected, words
                scored = [h["id"] for h in s.search(ours, limit=None)]
                assert sorted(scored) == sorted(s.stored_fields(d)["id"] for d in expected)
                checked += bool(expected)
        assert checked > 50  # most phrases matched something: the comparison had teeth
        missing = AdjacentPhrase("body", ["a", "zzz"])
        assert list(s.docs_for_query(missing)) == []
