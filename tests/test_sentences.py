"""Where sentences are (index/sentences.py): the splitter result cards cut long texts with,
the sentence starts the index stores, and how a result finds its matched sentences again.
A mistake here would show other fragments than the ones that matched."""

from __future__ import annotations

from bisect import bisect_left
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hatsugen.index.sentences import (
    matched_sentences,
    near,
    ranges_in_texts,
    sentences,
    terms_and_starts,
)

PIECES = ["港湾", "の", "整備", "。", "」", "！", "？", ".", "!", " ", "\n", "\u3000", "Harbour",
          "works", "\u00a0", "ab", "、", "..."]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_sentences_cover_every_visible_character_once(text: str) -> None:
    spans = sentences(text)
    if not text.strip():
        assert spans == [(0, len(text))]  # nothing to cut: the text as it is
        return
    for (_, hi), (lo, _) in pairwise(spans):
        assert hi <= lo  # in order, apart
    for lo, hi in spans:
        assert lo < hi and not text[lo].isspace()  # a sentence starts where its text does
    inside = {i for lo, hi in spans for i in range(lo, hi)}
    assert all(i in inside for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_stored_starts_are_the_first_token_of_each_sentence(text: str, data: st.DataObject) -> None:
    """The one-pass starts equal looking each sentence's start up among the tokens' offsets,
    for any tokens (some stopped, which have no position)."""
    offsets = sorted(data.draw(st.sets(st.integers(0, max(len(text) - 1, 0)), max_size=40)))
    stopped = data.draw(st.lists(st.booleans(), min_size=len(offsets), max_size=len(offsets)))
    tokens = [SimpleNamespace(text=f"t{o}", startchar=o, stopped=s)
              for o, s in zip(offsets, stopped, strict=True)]  # fmt: skip
    terms, (length, starts) = terms_and_starts(iter(tokens), text)
    kept = [t.startchar for t in tokens if not t.stopped]
    assert terms == [t.text for t in tokens if not t.stopped] and length == len(text)
    want = [bisect_left(kept, lo) for lo, _ in sentences(text)]
    assert np.frombuffer(starts, dtype="<u4").tolist() == want


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), st.data())
def test_a_match_is_found_again_in_the_text_that_holds_it(
    parts: list[str], data: st.DataObject
) -> None:
    """Joined as the index joins a field's texts, a character that a matched sentence holds is
    in the ranges given to the text it came from, and in a sentence `near` them."""
    joined = "\n".join(parts)
    spans = sentences(joined)
    which = sorted(data.draw(st.sets(st.integers(0, len(spans) - 1), max_size=5)))
    stored = (len(joined), np.zeros(len(spans), dtype="<u4").tobytes())
    ranges = ranges_in_texts(parts, stored, which)
    assert ranges is not None and len(ranges) == len(parts)
    offset = 0
    for part, got in zip(parts, ranges, strict=True):
        for i in which:
            lo, hi = spans[i]
            for at in range(max(lo, offset), min(hi, offset + len(part))):
                assert any(a <= at - offset < b for a, b in got)  # the char is in a range
                own = sentences(part)
                holding = [k for k, (s, e) in enumerate(own) if s <= at - offset < e]
                assert set(holding) <= set(near(own, got))
        offset += len(part) + 1
    assert ranges_in_texts([*parts, "more"], stored, which) is None  # not what was indexed


def test_positions_give_the_sentences_that_hold_them() -> None:
    starts = (100, np.asarray([0, 4, 9, 15], dtype="<u4").tobytes())
    assert matched_sentences(starts, np.asarray([0, 3, 4, 14, 40])) == [0, 1, 2, 3]
    assert matched_sentences(starts, np.asarray([9, 10])) == [2]
    assert matched_sentences(starts, np.zeros(0, dtype=np.int64)) == []
