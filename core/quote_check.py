"""Quote check: where a circulating quote comes from, and what it dropped, joined or changed.

A pasted quote is found through the index (its words, OR-ed, ranked as search ranks them), then
aligned word by word with each candidate's text and translations, normalised exactly as search
normalises (width, numerals, itaiji, US/UK spelling, stems), so that a difference search would
not see is never reported. The alignment says what the quote is:

- verbatim: the whole text (or the whole translation);
- excerpt: one contiguous part of it (`omission_marked` when a visible … stands for a cut);
- spliced: parts from places that are not adjacent, joined with nothing to show the cut (a gap
  of SPLICE_GAP words or more, or one that crosses a sentence end);
- altered: words added, removed or replaced (each change listed with its words).

"Not in this archive" is an answer: a candidate counts only if runs of at least two words in
order cover MIN_SHARE of the quote (docs/quote-check.md explains the threshold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from hatsugen.index.highlight import _tokens
from hatsugen.index.query import QueryError, SearchRequest
from hatsugen.index.schema import text_field
from hatsugen.index.sentences import sentences

MAX_QUOTE_CHARS = 2_000
MIN_SHARE = 0.8  # of the quote's words, in runs of two or more, in order
SPLICE_GAP = 8  # words left out between two parts: fewer is an alteration (words removed)
CANDIDATES = 20  # statements aligned per check
QUERY_WORDS = 24  # the quote's longest distinct words sent to the index
VERDICTS = ("verbatim", "excerpt", "spliced", "altered")
_MARKS = "「」『』“”‘’\"'«»"
_ELLIPSIS = re.compile(r"…|\.\.\.|‥|\[\s*…\s*\]|\(\s*…\s*\)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"[。．.!?！？]")


def clean_quote(text: str) -> str:
    """The quote without the marks around it and its closing punctuation: 「…」, “…”."""
    text = (text or "").strip()
    while len(text) >= 2 and text[0] in _MARKS and text[-1] in _MARKS:
        text = text[1:-1].strip()
    return text.strip(_MARKS + " \t\n").rstrip("。.!！?？,、").strip()


def quote_field(text: str) -> str:
    return "ja" if _CJK.search(text) else "en"


@dataclass
class _Words:
    text: str
    field: str
    words: list[str]
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str, field: str) -> _Words:
        tokens = _tokens(field, text)
        return cls(text, field, [t[0] for t in tokens], [(t[1], t[2]) for t in tokens])

    def surface(self, lo: int, hi: int) -> str:
        """The original text of words lo..hi (hi exclusive)."""
        if lo >= hi:
            return ""
        return self.text[self.spans[lo][0] : self.spans[hi - 1][1]]


def align(quote: _Words, source: _Words) -> dict | None:
    """The quote against one text: verdict, pieces and context, or None under the threshold."""
    if not quote.words or not source.words:
        return None
    sm = SequenceMatcher(None, quote.words, source.words, autojunk=False)
    short = len(quote.words) <= 2
    blocks = [b for b in sm.get_matching_blocks() if b.size >= (1 if short else 2)]
    covered = sum(b.size for b in blocks)
    if not blocks or covered < len(quote.words) * (1.0 if short else MIN_SHARE):
        return None
    pieces: list[dict] = []
    changes = gaps = 0
    marked = True
    prev_q, prev_s = blocks[0].a, blocks[0].b
    if blocks[0].a > 0:  # words before the first run that the source does not have here
        pieces.append({"kind": "added", "quote": quote.surface(0, blocks[0].a), "source": ""})
        changes += 1
    for i, b in enumerate(blocks):
        if i:
            q_gap, s_gap = (prev_q, b.a), (prev_s, b.b)
            between = source.surface(*s_gap)
            q_between = quote.surface(*q_gap)
            crossed = bool(_SENTENCE_END.search(between))
            if q_gap[0] == q_gap[1] and (s_gap[1] - s_gap[0] >= SPLICE_GAP or crossed):
                ellipsis = _ELLIPSIS.search(
                    quote.text[quote.spans[b.a - 1][1] : quote.spans[b.a][0]]
                )
                marked = marked and bool(ellipsis)
                pieces.append({"kind": "omitted" if ellipsis else "gap", "quote": "",
                               "source": between})  # fmt: skip
                gaps += 1
            elif q_gap[0] != q_gap[1] or s_gap[0] != s_gap[1]:
                kind = "replaced" if q_between and between else "added" if q_between else "removed"
                pieces.append({"kind": kind, "quote": q_between, "source": between})
                changes += 1
        pieces.append({"kind": "same", "quote": quote.surface(b.a, b.a + b.size),
                       "source": source.surface(b.b, b.b + b.size)})  # fmt: skip
        prev_q, prev_s = b.a + b.size, b.b + b.size
    if prev_q < len(quote.words):
        pieces.append({"kind": "added", "quote": quote.surface(prev_q, len(quote.words)),
                       "source": ""})  # fmt: skip
        changes += 1
    first, last = blocks[0].b, prev_s
    whole = first == 0 and last == len(source.words)
    if changes:
        verdict = "altered"
    elif gaps and not marked:
        verdict = "spliced"
    else:
        verdict = "verbatim" if whole and not gaps else "excerpt"
    lo, hi = source.spans[first][0], source.spans[last - 1][1]
    return {
        "verdict": verdict,
        "omission_marked": bool(gaps) and marked,
        "share": round(covered / len(quote.words), 3),
        "pieces": pieces,
        "context": _context(source.text, lo, hi),
        "span": [lo, hi],
    }


def _context(text: str, lo: int, hi: int) -> dict[str, str]:
    """The sentence before the matched part and the one after it (what the quote left out
    around it), plus what of the matched sentences lies outside the match."""
    spans = sentences(text)
    first = next((i for i, (a, b) in enumerate(spans) if b > lo), 0)
    last = next((i for i, (a, b) in enumerate(spans) if b >= hi), len(spans) - 1)
    return {
        "before": text[spans[first - 1][0] : spans[first - 1][1]].strip() if first else "",
        "lead": text[spans[first][0] : lo].strip(),
        "tail": text[hi : spans[last][1]].strip(),
        "after": text[spans[last + 1][0] : spans[last + 1][1]].strip()
        if last + 1 < len(spans) else "",
    }  # fmt: skip


def _query(quote: _Words) -> str:
    """The quote's longest distinct words, each as a quoted word, OR-ed."""
    seen: dict[str, str] = {}
    for (lo, hi), word in zip(quote.spans, quote.words, strict=True):
        surface = quote.text[lo:hi].replace('"', "")
        if (
            word not in seen
            and surface.strip()
            and not re.fullmatch(r"[\u3040-\u309f]{1,2}", surface)
        ):
            seen[word] = surface
    chosen = sorted(seen.values(), key=len, reverse=True)[:QUERY_WORDS]
    return " OR ".join(f'"{w}"' for w in chosen)


def versions(record: dict) -> list[tuple[str, str, str]]:
    """(via, lang, text): the recorded text, then each translation."""
    out = [("text", record["lang"], record["text"])]
    out += [("translation", t["lang"], t["text"]) for t in record.get("translations", [])]
    return out


def check(hatsugen: Any, text: str, speaker: str | None = None, limit: int = 5) -> dict:
    """The archived statements a quote comes from, best first, and the nearest non-matches."""
    raw = text or ""
    if len(raw) > MAX_QUOTE_CHARS:
        raise QueryError(f"is longer than {MAX_QUOTE_CHARS} characters; paste the quote only",
                         "quote")  # fmt: skip
    quote_text = clean_quote(raw)
    field = quote_field(quote_text)
    quote = _Words.of(quote_text, field)
    if not quote.words:
        raise QueryError("has no words to look for", "quote")
    claimed = hatsugen.resolve_speaker(speaker) if speaker and speaker.strip() else None
    req = SearchRequest(q=_query(quote), per_page=CANDIDATES).validate()
    found = hatsugen.search_list(req, limit=CANDIDATES)[1]
    matches, nearest = [], []
    for record in found:
        best = None
        for via, lang, version in versions(record):
            if text_field(lang) != field:
                continue
            aligned = align(quote, _Words.of(version, field))
            if aligned and (best is None or _rank(aligned) < _rank(best)):
                best = {**aligned, "via": via, "lang": lang}
        speaker = record["speaker"]  # search_list gives the speaker object (import format)
        about = {
            "id": record["id"],
            "speaker": {"id": speaker["id"], "name": speaker.get("name", {})},
            "date": record.get("date"),
            "status": (record.get("attribution") or {}).get("status", "unverified"),
            "attribution": record.get("attribution") or {"status": "unverified"},
            "source": record.get("source", {}),
        }
        if best is None:
            if len(nearest) < 3:
                nearest.append({**about, "text": record["text"][:300]})
            continue
        best["speaker_matches"] = None if claimed is None else speaker["id"] == claimed
        matches.append({**about, **best})
    matches.sort(key=_rank)
    return {
        "quote": quote_text,
        "claimed_speaker": None if claimed is None else {
            "id": claimed, "name": (hatsugen.speaker(claimed) or {}).get("name", {})},
        "matches": matches[:limit],
        "nearest": [] if matches else nearest,
        "threshold": {"share": MIN_SHARE, "splice_gap_words": SPLICE_GAP},
    }  # fmt: skip


def _rank(match: dict) -> tuple:
    changed = sum(p["kind"] not in ("same", "gap", "omitted") for p in match["pieces"])
    return (-match["share"], VERDICTS.index(match["verdict"]), changed)
