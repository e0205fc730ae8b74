"""HTML-safe highlights: every character escaped, matched words in <mark>, offsets from the
analyzers themselves (so a repeated word is marked where it really is)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from html import escape

from whoosh.analysis import Composable

from .analysis import _sudachi, english_analyzer, japanese_analyzer
from .query import Terms
from .schema import text_field
from .sentences import WHOLE_TEXT_CHARS, near, sentences

CONTEXT_CHARS = 60  # around each match in a longer text
MAX_FRAGMENTS = 3


@cache
def _analyzer(field: str) -> Composable:
    return english_analyzer() if field == "en" else japanese_analyzer()


# A lone kana word (の, た, に) is never marked by itself: only inside a phrase it belongs to.
_LONE_KANA = re.compile(r"[\u3040-\u30ff]{1,2}")


class _TokenCache:
    """Analysed texts, least recently used dropped first past a budget of characters: a
    server marks the same statements again and again (every search for a common word finds
    them), and analysing them is most of a result page's cost."""

    def __init__(self, budget_chars: int) -> None:
        self.budget = budget_chars
        self.chars = 0
        self._items: OrderedDict[tuple[str, str], tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, field: str, text: str) -> tuple:
        key = (field, text)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = tuple((t.text, t.startchar, t.endchar)
                      for t in _analyzer(field)(text, chars=True, mode="index"))  # fmt: skip
        with self._lock:
            if key not in self._items:
                self._items[key] = found
                self.chars += len(text)
                while self.chars > self.budget and len(self._items) > 1:
                    (_, dropped), _ = self._items.popitem(last=False)
                    self.chars -= len(dropped)
        return found


_CACHE = _TokenCache(1_000_000)  # at most about 60 MB of tokens


def _tokens(field: str, text: str) -> tuple:
    return _CACHE.get(field, text)


def match_spans(
    text: str, lang: str, terms: Terms, field: str | None = None
) -> list[tuple[int, int]]:
    """Character spans of `text` that the query matched, merged: a phrase (or a compound the
    analysis split, 東京都) only where its words stand together, in order."""
    wanted = _wanted(terms, field or text_field(lang))
    return _merged(text, _found(text, 0, len(text), wanted)) if wanted else []


@dataclass(frozen=True)
class _Wanted:
    field: str
    singles: frozenset[str]
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # by first word: a synonym adds several


def _wanted(terms: Terms, field: str) -> _Wanted | None:
    wanted = terms.get(field)
    if not wanted:
        return None
    singles = {seq[0] for seq in wanted if len(seq) == 1 and not _LONE_KANA.fullmatch(seq[0])}
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted(seq for seq in wanted if len(seq) > 1):
        phrases.setdefault(seq[0], []).append(seq)
    if not singles and not phrases:
        return None
    return _Wanted(field, frozenset(singles), {w: tuple(p) for w, p in phrases.items()})


def _found(text: str, lo: int, hi: int, wanted: _Wanted) -> list[tuple[int, int]]:
    """Unmerged spans of the query's words and phrases in text[lo:hi], offsets in `text`."""
    tokens = _tokens(wanted.field, text[lo:hi])
    found = []
    for i, (word, start, end) in enumerate(tokens):
        if word in wanted.singles:
            found.append((lo + start, lo + end))
        for seq in wanted.phrases.get(word, ()):
            if tuple(w for w, _, _ in tokens[i : i + len(seq)]) == seq:
                found.append((lo + start, lo + tokens[i + len(seq) - 1][2]))
    return found


def _merged(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        # Overlapping spans and words separated only by spaces become one mark
        # ("trilateral cooperation").
        if spans and (start <= spans[-1][1] or text[spans[-1][1] : start].isspace()):
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def highlight_field(text: str, field: str, terms: Terms) -> str:
    """A short value (an event, a role) as HTML, what matched as read for `field` marked."""
    return _marked(text, 0, len(text), match_spans(text, "", terms, field))


def matches(text: str, field: str, terms: Terms) -> bool:
    """Whether the query matched anything in `text`, read as field `field` (speaker, meta)."""
    return bool(match_spans(text, "", terms, field))


def highlight(text: str, lang: str, terms: Terms) -> tuple[str, bool]:
    """(HTML, whether anything matched). Long texts become fragments around the matches."""
    shown = fragments(text, lang, terms)
    return shown.html, shown.matched


@dataclass
class Shown:
    """A text as a result shows it: HTML (escaped, <mark>s), whether the query matched in it,
    whether it is cut (fragments of a longer text), and where its fragments are (fractions of
    the text), so a translation can show the part that corresponds."""

    html: str
    matched: bool
    cut: bool
    at: list[float] = field(default_factory=list)


MAX_SENTENCE_CHARS = 240  # a longer sentence is cut around the match, at a word boundary
SNAP_CHARS = 20  # how far a cut may move to land on a space or a Japanese comma


def fragments(
    text: str,
    lang: str,
    terms: Terms,
    at: list[float] | None = None,
    matched: list[tuple[int, int]] | None = None,
) -> Shown:
    """The text whole if short; else the sentences that matched (at most MAX_FRAGMENTS), or,
    when nothing matched and `at` is given, the sentences at those places (the translation
    of the matched part of the original: by order and length). `matched`: where in the text
    the index found the query (char ranges of sentences), so that only the sentences there
    are analysed; None: look in every sentence."""
    if len(text) <= WHOLE_TEXT_CHARS:
        spans = match_spans(text, lang, terms)
        return Shown(_marked(text, 0, len(text), spans), bool(spans), False, [0.5])
    spans_of = sentences(text)
    looked = None if matched is None else near(spans_of, matched)
    chosen, spans = _shown_sentences(text, spans_of, _wanted(terms, text_field(lang)), looked)
    if not chosen:
        chosen = sorted({min(int(f * len(spans_of)), len(spans_of) - 1) for f in at or [0]})
    windows: list[list[int]] = []
    for i in chosen:
        lo, hi = spans_of[i]
        if windows and lo <= windows[-1][1] + 1:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    parts = []
    for lo, hi in windows[:MAX_FRAGMENTS]:
        lo, hi = _trimmed(text, lo, hi, [s for s in spans if lo <= s[0] < hi])
        parts.append(
            ("…" if lo > 0 else "") + _marked(text, lo, hi, spans) + ("…" if hi < len(text) else "")
        )
    # Where the shown sentences are, by order: the n-th of N sentences matches the n-th of a
    # translation's M in proportion (sentences are translated in order, one for one or so).
    places = [(i + 0.5) / len(spans_of) for i in chosen]
    return Shown(" ".join(parts), bool(spans), True, places)


def _shown_sentences(
    text: str,
    spans_of: list[tuple[int, int]],
    wanted: _Wanted | None,
    looked: list[int] | None = None,
) -> tuple[list[int], list[tuple[int, int]]]:
    """The matched sentences that will be shown, and the spans in them. Sentences are read
    one at a time, in order, and only until the last shown fragment is complete; with
    `looked` (the sentences the index says hold matches), only those are read, so marking a
    long speech costs what is shown. Skipping a sentence without matches changes nothing:
    once the fragments are complete, the next matched sentence ends the reading as the
    skipped one would have. (A phrase across a sentence end is not marked; the search still
    found it.)"""
    chosen: list[int] = []
    found: list[tuple[int, int]] = []
    if wanted is None:
        return chosen, found
    windows = 0
    for i in range(len(spans_of)) if looked is None else looked:
        lo, hi = spans_of[i]
        adjacent = bool(chosen) and lo <= spans_of[chosen[-1]][1] + 1
        if windows == MAX_FRAGMENTS and not adjacent:
            break
        here = _found(text, lo, hi, wanted)
        if here:
            windows += not adjacent
            chosen.append(i)
            found += here
    return chosen, _merged(text, found)


def _trimmed(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """A sentence longer than MAX_SENTENCE_CHARS, cut around its matches at word boundaries
    (a space, or a Japanese comma), never mid-word when a boundary is near."""
    if hi - lo <= MAX_SENTENCE_CHARS:
        return lo, hi
    first = spans[0][0] if spans else lo
    last = spans[-1][1] if spans else lo + MAX_SENTENCE_CHARS - CONTEXT_CHARS
    new_lo = max(lo, first - CONTEXT_CHARS)
    new_hi = min(hi, max(last + CONTEXT_CHARS, new_lo + MAX_SENTENCE_CHARS // 2))
    if new_lo > lo:
        window = text[new_lo : new_lo + SNAP_CHARS]
        cut = max(window.find(" "), window.find("、"))
        if 0 <= cut < (first - new_lo):
            new_lo += cut + 1
        else:
            new_lo = word_boundary(text, new_lo, limit=first)
    if new_hi < hi:
        window = text[max(new_hi - SNAP_CHARS, last) : new_hi]
        cut = max(window.rfind(" "), window.rfind("、"))
        if cut >= 0:
            new_hi = max(new_hi - SNAP_CHARS, last) + cut + (1 if window[cut] == "、" else 0)
        else:
            new_hi = max(word_boundary(text, new_hi, limit=hi), last)
    return new_lo, new_hi


def word_boundary(text: str, at: int, limit: int) -> int:
    """The word boundary nearest `at` (not past `limit`): between two words of a Japanese
    text as SudachiPy cuts it, where no space or comma is near (…民主党と…, never …主党と…);
    a space in other text."""
    lo, hi = max(0, at - SNAP_CHARS), min(len(text), at + SNAP_CHARS)
    if text[lo:hi].isascii():
        space = text.rfind(" ", lo, at + 1)
        return space + 1 if space >= 0 else at
    tokenizer, _ = _sudachi()
    bounds, pos = [], lo
    for m in tokenizer.tokenize(text[lo:hi]):
        pos += len(m.surface())
        bounds.append(pos)
    # the ends of the first and last token may be cut themselves: only inner boundaries
    inner = [b for b in bounds[:-1] if b <= max(limit, at) and b != lo] or [at]
    return min(inner, key=lambda b: abs(b - at))


def _marked(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    out, at = [], lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(escape(text[at:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        at = end
    out.append(escape(text[at:hi]))
    return "".join(out)
