"""Text analysis: SudachiPy for Japanese (and mixed text), stemming for English.

The schema (and these analyzers) is pickled into the index, so this module holds only plain
configuration: the SudachiPy dictionary and tokenizers live in module state, one dictionary per
process and one tokenizer per thread, created lazily (after any fork). Renaming this module
means a full `hatsugen reindex`.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

from whoosh.analysis import Composable, Filter, RegexTokenizer, Token, Tokenizer
from whoosh.lang.porter2 import stem as _porter2

from hatsugen.archive.kana import hiragana

from .folding import american, fold_chars

# SudachiPy refuses more than 49,149 UTF-8 bytes per call; at most 4 bytes a character.
MAX_CHUNK_CHARS = 12_000
SENTENCE_END_RE = re.compile(r"[。！？!?．.\n]")
# Letters and digits are separate words (COP26 → cop 26, so COP finds it; G7 is the phrase
# g 7, so it never finds G20), a decimal stays one number, % is a word.
WORD_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+|%")
LATIN_RE = re.compile(r"[\w\u00c0-\u024f.,'’&+-]+", re.ASCII)
HANGUL_RE = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+")
# Parts of speech that are not words: punctuation, whitespace, symbols.
SKIPPED_POS = frozenset({"補助記号", "空白", "記号"})


@lru_cache(maxsize=100_000)
def english_term(word: str) -> str:
    """A lower-case ASCII word as indexed: American spelling, Porter2 stem. Porter2 in pure
    Python costs ~25 µs a word and vocabularies are small, so the answers are remembered."""
    return _porter2(american(word))


_state_lock = threading.Lock()
_dictionary: Any = None
_dictionary_pid: int | None = None
_local = threading.local()


def _sudachi() -> tuple[Any, dict[int, bool]]:
    """This thread's A-mode tokenizer and the cache of which POS ids to skip."""
    global _dictionary, _dictionary_pid
    pid = os.getpid()
    if getattr(_local, "pid", None) == pid:
        return _local.tokenizer, _local.skip
    with _state_lock:
        if _dictionary is None or _dictionary_pid != pid:
            from sudachipy import Dictionary

            _dictionary = Dictionary(dict="core")
            _dictionary_pid = pid
        dictionary = _dictionary
    from sudachipy import SplitMode

    _local.tokenizer = dictionary.tokenizer(mode=SplitMode.A)
    _local.tokenizer_c = None
    _local.skip = {}
    _local.dictionary = dictionary
    _local.pid = pid
    return _local.tokenizer, _local.skip


def sudachi_tokenizer_c() -> Any:
    """This thread's C-mode tokenizer on the process's one dictionary. Quote extraction reads
    speakers' names with it (神崎武法 comes out as 姓 + 名, not split further as in A mode)."""
    _sudachi()
    if _local.tokenizer_c is None:
        from sudachipy import SplitMode

        _local.tokenizer_c = _local.dictionary.tokenizer(mode=SplitMode.C)
    return _local.tokenizer_c


def _family_morphemes(name: str) -> list[Any]:
    """The leading morphemes of a Japanese full name that SudachiPy tags as a family name (姓)."""
    tokenizer, _ = _sudachi()
    found = []
    for m in tokenizer.tokenize(name.replace(" ", "")):
        if m.part_of_speech()[2:4] != ("人名", "姓"):
            break
        found.append(m)
    return found


def family_name(name: str) -> str | None:
    """The family name of a Japanese full name (石破 of 石破茂), as SudachiPy tags it (姓, then
    名); None when it cannot tell."""
    family = "".join(m.surface() for m in _family_morphemes(name))
    rest = name.replace(" ", "")[len(family) :]
    return family if family and rest else None


def spaced_reading(name: str, reading: str) -> str:
    """A full name's reading with a space between family and given name (いしばしげる →
    いしば しげる, as the minutes API writes readings without one), where SudachiPy's reading
    of the family name starts it; the reading unchanged otherwise (中島 read なかしま by one
    and なかじま by the other is left alone)."""
    if " " in reading.strip() or "\u3000" in reading:
        return reading
    family = hiragana("".join(m.reading_form() for m in _family_morphemes(name)))
    if family and reading.startswith(family) and len(reading) > len(family):
        return f"{family} {reading[len(family) :]}"
    return reading


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Pieces small enough for SudachiPy, cut at sentence ends where possible."""
    start = 0
    while len(text) - start > MAX_CHUNK_CHARS:
        window = text[start : start + MAX_CHUNK_CHARS]
        ends = [m.end() for m in SENTENCE_END_RE.finditer(window)]
        cut = ends[-1] if ends and ends[-1] > MAX_CHUNK_CHARS // 2 else MAX_CHUNK_CHARS
        yield start, window[:cut]
        start += cut
    yield start, text[start:]


# Runs of plain Latin text (ASCII and Latin-1/Extended letters) are split like English without
# SudachiPy at all: the same words either way, and an English-only query never has to load
# the dictionary (~0.2 s of a cold `hatsugen search`).
LATIN_RUN_RE = re.compile(r"[\x00-\x7f\u00c0-\u024f\u0300-\u036f]+")


# A number with its unit (5兆円, 18歳, 第204回, 2%) is read by SudachiPy, which joins the
# digits with 万/億/兆 and gives one value however the number is written (五兆円 = 5兆円).
NUMERIC_RUN_RE = re.compile(r"[\d.,%\s]+")


def morphemes(text: str) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every word of `text`: the analysis shared by index and highlight.

    Variant characters are folded first (Ｇ７→G7, 澤→沢; see folding.py). Japanese words give
    SudachiPy's normalized form (附属→付属, 五兆→5000000000000); Latin words are split like
    English text and left for the word filter; Hangul runs become character bigrams.
    """
    text = fold_chars(text)
    at = 0
    for run in LATIN_RUN_RE.finditer(text):
        if _japanese_number(text, run):
            continue  # left in the Japanese text around it
        if run.start() > at:
            yield from _sudachi_morphemes(text[at : run.start()], at)
        for w in WORD_RE.finditer(run.group()):
            yield w.group(), run.start() + w.start(), run.start() + w.end()
        at = run.end()
    if at < len(text):
        yield from _sudachi_morphemes(text[at:], at)


def _japanese_number(text: str, run: re.Match) -> bool:
    """A run of digits (no letters) that touches Japanese text: 5兆円, 18歳, 第204回."""
    if not NUMERIC_RUN_RE.fullmatch(run.group()):
        return False
    before = text[run.start() - 1] if run.start() else ""
    after = text[run.end()] if run.end() < len(text) else ""
    return bool(before.strip() or after.strip())


# Units SudachiPy would normalise into other units when they stand alone (歳 → 年): kept.
UNITS_KEPT = {"歳": "歳", "才": "歳"}
WORD_FORMS = {"パーセント": "%", "パーセンテージ": "%"}


KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_KANJI_FRACTION = re.compile(r"([〇一二三四五六七八九]{1,4})([万億兆]?)")
# Units after which 二・五 is a decimal (2.5％, 1.5倍); without one, 三・一一 and 五・一五事件
# are dates, and stay two numbers.
DECIMAL_UNITS = frozenset({"%", "倍", "度", "円", "キロ", "メートル", "トン", "割", "ポイント"})
_MULTIPLIER = {"": 1, "万": 10**4, "億": 10**8, "兆": 10**12}


def _sudachi_morphemes(text: str, base: int) -> Iterator[tuple[str, int, int]]:
    """SudachiPy's words of a Japanese run, numbers written 二・五兆 read as 2.5兆."""
    words = list(_sudachi_words(text, base))
    i = 0
    while i < len(words):
        merged = _kanji_decimal(words, i, text, base) if words[i][0].isdigit() else None
        if merged:
            yield merged
            i += 3
            continue
        if words[i][0] != "・":
            yield words[i]
        i += 1


def _kanji_decimal(
    words: list[tuple[str, int, int]], i: int, text: str, base: int
) -> tuple[str, int, int] | None:
    """二・五兆 (2.5 × 10¹²), 一・二％ (1.2): a whole number, a nakaguro, kanji digits."""
    if i + 2 >= len(words) or words[i + 1][0] != "・" or not words[i][0].isdigit():
        return None
    whole, (_, _, _), (frac_term, f_start, f_end) = words[i], words[i + 1], words[i + 2]
    m = _KANJI_FRACTION.fullmatch(text[f_start - base : f_end - base])
    if m is None or not frac_term.isdigit():
        return None
    unit = words[i + 3][0] if i + 3 < len(words) else ""
    if not m.group(2) and unit not in DECIMAL_UNITS:
        return None
    value = Decimal(f"{whole[0]}.{m.group(1).translate(KANJI_DIGITS)}") * _MULTIPLIER[m.group(2)]
    term = str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    return term, whole[1], f_end


def _nfkc_already(text: str) -> bool:
    """Whether NFKC would leave `text` as it is: most words, checked faster than normalised."""
    return text.isascii() or unicodedata.is_normalized("NFKC", text)


def _sudachi_words(text: str, base: int) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) per SudachiPy morpheme; "・" passed on as a marker for numbers."""
    tokenizer, skip = _sudachi()
    for offset, chunk in _chunks(text):
        offset += base
        hangul = HANGUL_RE.search(chunk) is not None  # per chunk, not per morpheme
        for m in tokenizer.tokenize(chunk):
            surface = m.surface()
            start = offset + m.begin()
            if hangul and HANGUL_RE.search(surface):  # SudachiPy does not know Hangul
                for run in HANGUL_RE.finditer(surface):
                    yield from _bigrams(run.group(), start + run.start())
                continue
            pos_id = m.part_of_speech_id()
            skipped = skip.get(pos_id)
            if skipped is None:
                skipped = skip[pos_id] = _local.dictionary.pos_of(pos_id)[0] in SKIPPED_POS
            if surface == "・":
                yield "・", start, offset + m.end()
                continue
            if skipped and surface != "%":  # % is a unit; SudachiPy tags it a symbol at times
                continue
            plain = surface if _nfkc_already(surface) else unicodedata.normalize("NFKC", surface)
            if LATIN_RE.fullmatch(plain):  # Latin words and numbers: split as English is
                if len(plain) == len(surface):
                    for w in WORD_RE.finditer(plain):
                        yield w.group(), start + w.start(), start + w.end()
                else:
                    for w in WORD_RE.finditer(plain):
                        yield w.group(), start, offset + m.end()
            else:
                form = UNITS_KEPT.get(surface) or m.normalized_form()
                yield WORD_FORMS.get(form, form), start, offset + m.end()


def _bigrams(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    if len(text) == 1:
        yield text, start, start + 1
        return
    for i in range(len(text) - 1):
        yield text[i : i + 2], start + i, start + i + 2


class SudachiTokenizer(Tokenizer):
    """Yields A-mode units as positions, with character offsets for highlighting."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (term, start, end) in enumerate(morphemes(value), start=start_pos):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class WordFilter(Filter):
    """Lower-cases words and stems Latin ones; the same in every analyzer, so a query word
    means the same thing in every field."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        for t in tokens:
            text = t.text
            if not _nfkc_already(text):
                text = unicodedata.normalize("NFKC", text)
            text = text.lower()
            t.text = english_term(text) if text.isascii() else text
            yield t


def japanese_analyzer() -> Composable:
    """For Japanese and mixed-script text (also names, readings, handles, Korean)."""
    return SudachiTokenizer() | WordFilter()


class EnglishTokenizer(RegexTokenizer):
    """Words and %, found in the folded text (Ｇ７ → G7) at the original's offsets."""

    def __init__(self) -> None:
        super().__init__(WORD_RE.pattern)

    def __call__(self, value: str, *args: Any, **kwargs: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from super().__call__(fold_chars(value), *args, **kwargs)


def english_analyzer() -> Composable:
    """For English: words, lower-cased, American spelling, stemmed; no stop words (they would
    shift phrases)."""
    return EnglishTokenizer() | WordFilter()
