"""Where a text's sentences are: the splitter that result cards cut long texts with, and, for
each long text field of an indexed document, the token position at which each sentence
starts (stored with the document). With them a result card finds the sentences its matches
are in from the matches' positions, and analyses only those, not the text before them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import numpy as np

WHOLE_TEXT_CHARS = 320  # texts up to this long are shown whole

# Where a sentence ends: Japanese full stops (a closing bracket may follow), . ! ? before a
# space or the end, a line break.
_SENTENCE_END = re.compile(r"[。．！？]+[」』）)”\"]*|[.!?]+[\"”')\]]*(?=\s|$)|\n+")

# field → (length of the field's text, its sentence starts as little-endian uint32 token
# positions): what the index stores for a document's long text fields.
Starts = dict[str, tuple[int, bytes]]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, leading spaces left out, empty ones dropped."""
    out, start = [], 0
    for end in [*(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]:
        if end > start and (visible := _VISIBLE.search(text, start, end)):
            out.append((visible.start(), end))
        start = max(start, end)
    return out or [(0, len(text))]


_VISIBLE = re.compile(r"\S")


def terms_and_starts(tokens: Iterable[Any], value: str) -> tuple[list[str], tuple[int, bytes]]:
    """A long text field's terms (its tokens not stopped, with their char offsets: a
    token's position is its index) and what the index stores of it: the position of the
    first token of each sentence. One pass: the field's every token goes through it."""
    bounds = [lo for lo, _ in sentences(value)]
    terms: list[str] = []
    firsts: list[int] = []
    k, upcoming = 0, bounds[0]
    for t in tokens:
        if t.stopped:
            continue
        if t.startchar >= upcoming:  # the first token of the next sentence(s)
            while k < len(bounds) and t.startchar >= bounds[k]:
                firsts.append(len(terms))
                k += 1
            upcoming = bounds[k] if k < len(bounds) else len(value)
        terms.append(t.text)
    firsts += [len(terms)] * (len(bounds) - k)
    return terms, (len(value), np.asarray(firsts, dtype="<u4").tobytes())


def matched_sentences(stored: tuple[int, bytes], positions: np.ndarray) -> list[int]:
    """The sentences (by index) that hold the matches at token `positions`."""
    firsts = np.frombuffer(stored[1], dtype="<u4")
    at = np.searchsorted(firsts, positions, side="right") - 1
    return sorted(set(np.maximum(at, 0).tolist()))


def ranges_in_texts(
    texts: list[str], stored: tuple[int, bytes], which: list[int]
) -> list[list[tuple[int, int]]] | None:
    """For each of `texts` (a field's texts, in the order the index joined them), the char
    ranges of the sentences `which` of the joined text that fall in it. None when the texts
    are not those the index read (an edit waiting to be indexed): look everywhere."""
    joined = "\n".join(texts)
    spans = sentences(joined)
    if len(joined) != stored[0] or len(spans) * 4 != len(stored[1]):
        return None
    out: list[list[tuple[int, int]]] = []
    offset = 0
    for text in texts:
        end = offset + len(text)
        inside = [spans[i] for i in which if spans[i][0] < end and spans[i][1] > offset]
        out.append([(max(lo, offset) - offset, min(hi, end) - offset) for lo, hi in inside])
        offset = end + 1
    return out


def near(spans: list[tuple[int, int]], ranges: list[tuple[int, int]]) -> list[int]:
    """Indexes of the `spans` (a text's sentences, ascending) that overlap any of `ranges`."""
    starts = [lo for lo, _ in spans]
    out: set[int] = set()
    for lo, hi in ranges:
        first = max(bisect_right(starts, lo) - 1, 0)
        for i in range(first, len(spans)):
            if spans[i][0] >= hi:
                break
            if spans[i][1] > lo:
                out.add(i)
    return sorted(out)
