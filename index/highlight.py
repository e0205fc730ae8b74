"""HTML-safe highlights: every character escaped, matched words in <mark>, offsets from the
analyzers themselves (so a repeated word is marked where it really is)."""

from __future__ import annotations

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


def match_spans(text: str, lang: str, terms: dict[str, set[str]]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` that the query's terms match, merged."""
    field = text_field(lang)
    wanted = terms.get(field)
    if not wanted:
        return []
    spans: list[tuple[int, int]] = []
    for t in _analyzer(field)(text, chars=True, mode="index"):
        if t.text in wanted:
            # Words separated only by spaces become one mark ("trilateral cooperation").
            if spans and (
                t.startchar <= spans[-1][1] or text[spans[-1][1] : t.startchar].isspace()
            ):
                spans[-1] = (spans[-1][0], max(spans[-1][1], t.endchar))
            else:
                spans.append((t.startchar, t.endchar))
    return spans


def highlight(text: str, lang: str, terms: dict[str, set[str]]) -> tuple[str, bool]:
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
