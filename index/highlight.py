"""HTML-safe highlights: every character escaped, matched words in <mark>, offsets from the
analyzers themselves (so a repeated word is marked where it really is)."""

from __future__ import annotations

import re
from functools import cache
from html import escape

from whoosh.analysis import Composable

from .analysis import english_analyzer, japanese_analyzer
from .schema import text_field

WHOLE_TEXT_CHARS = 320  # texts up to this long are shown whole
CONTEXT_CHARS = 60  # around each match in a longer text
MAX_FRAGMENTS = 3


@cache
def _analyzer(field: str) -> Composable:
    return english_analyzer() if field == "en" else japanese_analyzer()


Terms = dict[str, set[tuple[str, ...]]]  # field → words and phrases (see positive_terms)
# A lone kana word (の, た, に) is never marked by itself: only inside a phrase it belongs to.
_LONE_KANA = re.compile(r"[\u3040-\u30ff]{1,2}")


def match_spans(
    text: str, lang: str, terms: Terms, field: str | None = None
) -> list[tuple[int, int]]:
    """Character spans of `text` that the query matched, merged: a phrase (or a compound the
    analysis split, 東京都) only where its words stand together, in order."""
    field = field or text_field(lang)
    wanted = terms.get(field)
    if not wanted:
        return []
    singles = {seq[0] for seq in wanted if len(seq) == 1 and not _LONE_KANA.fullmatch(seq[0])}
    phrases = [seq for seq in wanted if len(seq) > 1]
    tokens = [(t.text, t.startchar, t.endchar)
              for t in _analyzer(field)(text, chars=True, mode="index")]  # fmt: skip
    found: list[tuple[int, int]] = []
    for i, (word, start, end) in enumerate(tokens):
        if word in singles:
            found.append((start, end))
        for seq in phrases:
            if tuple(w for w, _, _ in tokens[i : i + len(seq)]) == seq:
                found.append((start, tokens[i + len(seq) - 1][2]))
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
    spans = match_spans(text, lang, terms)
    if len(text) <= WHOLE_TEXT_CHARS:
        return _marked(text, 0, len(text), spans), bool(spans)
    if not spans:
        return escape(text[:WHOLE_TEXT_CHARS]) + "…", False
    windows: list[list[int]] = []
    for start, end in spans:
        lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    parts = []
    for lo, hi in windows[:MAX_FRAGMENTS]:
        parts.append(
            ("…" if lo > 0 else "") + _marked(text, lo, hi, spans) + ("…" if hi < len(text) else "")
        )
    return " ".join(parts), True


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
