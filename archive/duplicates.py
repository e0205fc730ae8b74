"""When two statements are the same quote: normalised text keys and sentence overlap.

A duplicate is the same speaker saying the same text once typography is set aside (NFKC,
white space, quote marks, case, closing punctuation): news copy and our own extractor differ
in exactly those. A near-duplicate shares most of its sentences with another statement of the
same speaker — typically one is the other with a sentence more, or an excerpt of it. Keys are
64-bit hashes salted with the speaker, so the store can look them up in one indexed query.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

QUOTE_MARKS = "\"'`“”„‟‘’‚‛«»‹›「」『』〝〞〟＂＇"
# Quote marks (after NFKC) and the invisible format characters (Unicode category Cf) that
# make look-alike texts: soft hyphen, zero-width spaces and joiners, direction marks, BOM.
_INVISIBLE_OR_QUOTE = re.compile(
    "[" + re.escape(QUOTE_MARKS) + "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_EDGE_PUNCT = " .,;:!?…。、，．！？：；・-–—"
_SPACES = re.compile(r"\s+")
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
MIN_SENTENCE_CHARS = 12  # shorter sentences ("Thank you.") are shared by too many statements
NEAR_SHARE = 0.8  # of the shorter statement's sentences found in the other


def normalise(text: str) -> str:
    """The text as compared: what differs only in typography compares equal."""
    text = _INVISIBLE_OR_QUOTE.sub("", unicodedata.normalize("NFKC", text))
    text = _SPACES.sub(" ", text).strip(_EDGE_PUNCT)
    return _CJK_SPACE.sub("", text).casefold()


def _hash(speaker_id: str, kind: str, text: str) -> int:
    digest = hashlib.blake2b(f"{speaker_id}\x1f{kind}\x1f{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)  # fits SQLite's INTEGER


def sentences(normalised: str) -> list[str]:
    """Sentences long enough to tell statements apart, closing punctuation removed."""
    out = []
    for piece in _SENTENCE_END.split(normalised):
        piece = piece.strip(_EDGE_PUNCT)
        if len(piece) >= MIN_SENTENCE_CHARS and piece not in out:
            out.append(piece)
    return out


@dataclass(frozen=True)
class TextKeys:
    """What the store keeps per statement text: (key, weight) rows.

    The whole text's key has kind "text" and, as weight, the length of all its sentences;
    each sentence's key has kind "sentence" and the sentence's length, so overlap can be
    measured in characters without reading either text again.
    """

    whole: int
    sentence_chars: int
    parts: tuple[tuple[int, int], ...]

    def rows(self) -> list[tuple[int, str, int]]:
        whole = (self.whole, "text", self.sentence_chars)
        return [whole, *((k, "sentence", w) for k, w in self.parts)]


def text_keys(speaker_id: str, text: str) -> TextKeys:
    norm = normalise(text)
    parts = tuple((_hash(speaker_id, "s", s), len(s)) for s in sentences(norm))
    return TextKeys(_hash(speaker_id, "t", norm), sum(w for _, w in parts), parts)


def statement_texts(record: dict) -> list[str]:
    """The texts that say what a statement is: the recorded text and an attached original."""
    texts = [record["text"]]
    texts.extend(t["text"] for t in record.get("translations", []) if t.get("original"))
    return texts


def overlap_share(mine: TextKeys, shared_chars: int, their_sentence_chars: int) -> float:
    """How much of the shorter statement the shared sentences cover (0..1)."""
    shorter = min(mine.sentence_chars, their_sentence_chars) or 1
    return min(1.0, shared_chars / shorter)
