"""The archive's own English words, for "did you mean" on a query that found nothing.

Built from what is archived (English texts and translations, speakers' names in Latin
letters), never from a dictionary: a suggestion is always a word that finds something here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from hatsugen.archive.kana import romaji
from hatsugen.archive.speakers import names_of
from hatsugen.archive.store import Store

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


def _edits(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours),
    stopped early past `most`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    """Lower-cased words, bucketed by first letter (a near match starts like the word)."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for word in sorted(words):
            self._by_first[word[0]].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def nearest(self, word: str) -> str | None:
        """The word `word` most likely mistypes: the fewest edits (a swap of two neighbours
        is one: Ishbia → ishiba), at most one for a word of five letters or less and two for a
        longer one, starting with the same letter; None if there is none."""
        most = 1 if len(word) <= 5 else 2
        best: tuple[int, str] | None = None
        for other in self._by_first.get(word[:1], []):
            if abs(len(other) - len(word)) > most:
                continue
            edits = _edits(word, other, most)
            if edits <= most and (best is None or (edits, other) < best):
                best = (edits, other)
        return best[1] if best else None

    @classmethod
    def of(cls, store: Store) -> Vocabulary:
        words: set[str] = set()
        rows = store.conn.execute(
            "SELECT record FROM statements WHERE lang LIKE 'en%'"
            """ OR record LIKE '%"lang":"en%'"""
        )
        for (raw,) in rows:
            record = json.loads(raw)
            texts = [record["text"]] if record["lang"].startswith("en") else []
            texts += [t["text"] for t in record.get("translations", [])
                      if t["lang"].startswith("en")]  # fmt: skip
            for text in texts:
                words.update(w.lower().strip("'-") for w in _WORD.findall(text))
        for speaker in store.speakers():
            for name in names_of(speaker):
                words.update(w.lower() for w in _WORD.findall(name))
            words.update((romaji(speaker.get("reading") or "") or "").split("-"))  # ishiba
        words.discard("")
        return cls(words)
