"""Which speaker a name typed into a search means: the one resolver behind `--speaker`, the web
and API speaker filter, `speaker:` in a query, and the extractor's matching of names.

A value matches, in this order (the first rule that matches anyone decides):

1. a speaker id;
2. a whole name in any language, an alias or handle, or the reading (いしば しげる);
3. a family name: the kanji family name (石破 of 石破茂, split off by SudachiPy's 姓/名 tags),
   the first syllable of a Korean name in Hangul (이 of 이재명),
   the first word of the reading (いしば), or any word of a name in Latin letters (Ishiba).

Every comparison folds width, case, old and variant kanji (櫻田 = 桜田, 渡邊 = 渡辺, 髙市 =
高市), katakana to hiragana and spaces, so 石破 茂, イシバ and ＩＳＨＩＢＡ are the same.
A value that matches several speakers by the deciding rule is ambiguous (菅: 菅義偉 and 菅直人;
not 菅家一郎, whose family name is 菅家), never a guess.
"""

from __future__ import annotations

import re
import unicodedata

from hatsugen.archive.kana import hiragana, romaji
from hatsugen.archive.speakers import display_name, name_key, names_of
from hatsugen.index.analysis import family_name
from hatsugen.index.folding import fold_chars

_HANGUL_NAME = re.compile("[\uac00-\ud7a3]{2,4}")


def lookup_key(text: str) -> str:
    """The form every name and typed value is compared in."""
    return hiragana(name_key(fold_chars(unicodedata.normalize("NFKC", text))))


class SpeakerLookup:
    """The archive's speakers, indexed for the rules above."""

    def __init__(self, speakers: list[dict]) -> None:
        self.names = {s["id"]: display_name(s) for s in speakers}
        self.full: dict[str, set[str]] = {}
        self.family: dict[str, set[str]] = {}
        self.loose: dict[str, set[str]] = {}  # either, punctuation ignored: Jae-myung, イ・ジェ
        self.romanised: dict[str, set[str]] = {}  # the reading in Latin letters: ishiba
        for s in speakers:
            for key in _romanised_keys(s):
                self.romanised.setdefault(key, set()).add(s["id"])
            for key in _full_keys(s):
                self.full.setdefault(key, set()).add(s["id"])
                self.loose.setdefault(_loose(key), set()).add(s["id"])
            for key in _family_keys(s):
                self.family.setdefault(key, set()).add(s["id"])
                self.loose.setdefault(_loose(key), set()).add(s["id"])

    def find(self, value: str) -> list[str]:
        """The ids `value` may mean, by the first rule that matches anyone (sorted)."""
        return self._matches(value, every_rule=False)

    def similar(self, value: str) -> list[str]:
        """Every speaker `value` may mean by any rule, not only the first that matches, and
        with punctuation ignored (Lee Jae-myung, Lee Jae Myung): a write that names a speaker
        must not guess, so it hears of them all."""
        return self._matches(value, every_rule=True)

    def _matches(self, value: str, *, every_rule: bool) -> list[str]:
        value = value.strip()
        if value in self.names:
            return [value]
        key = lookup_key(value)
        if not key:
            return []
        if every_rule:
            found = self.full.get(key, set()) | self.family.get(key, set())
            found |= self.romanised.get(_loose(key), set())
            return sorted(found | self.loose.get(_loose(key), set()))
        for table in (self.full, self.family, self.romanised):
            if key in table:
                return sorted(table[key])
        return []

    def phantoms(self, speakers: list[dict]) -> list[dict]:
        """Speakers one of whose names is another speaker's family name, reading, alias or
        variant spelling: most likely one person entered twice under a short name (石破 beside
        石破茂), which `speaker merge` folds together."""
        out = []
        for speaker in speakers:
            others = {o for n in names_of(speaker) for o in self.similar(n)} - {speaker["id"]}
            if others:
                out.append({"id": speaker["id"], "name": self.names[speaker["id"]],
                            "may_be": sorted(others)})  # fmt: skip
        return out


def _loose(key: str) -> str:
    return "".join(c for c in key if c.isalnum())


def _full_keys(speaker: dict) -> set[str]:
    return {lookup_key(n) for n in names_of(speaker)} - {""}


def _romanised_keys(speaker: dict) -> set[str]:
    """The reading in Latin letters, whole and its family part (いしば しげる: ishibashigeru,
    ishiba): asked only when no name or family name matches, so an English name keeps the
    word (Watanabe is 渡邊一真, Kazuma Watanabe, before 渡辺周 read わたなべ)."""
    latin = romaji(speaker.get("reading") or "")
    if not latin:
        return set()
    return {latin.replace("-", ""), latin.split("-")[0]}


def _family_keys(speaker: dict) -> set[str]:
    keys: set[str] = set()
    for lang, name in speaker.get("name", {}).items():
        if lang == "ko" and _HANGUL_NAME.fullmatch(name):
            keys.add(lookup_key(name[0]))  # 서 of 서민준: Korean family names are one syllable
        elif lang == "ja" or not name.isascii():
            if family := family_name(fold_chars(name)):
                keys.add(lookup_key(family))
        else:
            keys.update(lookup_key(part) for part in name.replace("-", " ").split())
    reading = speaker.get("reading", "").split()
    if len(reading) > 1:
        keys.add(lookup_key(reading[0]))
    keys.discard("")
    return keys - _full_keys(speaker)
