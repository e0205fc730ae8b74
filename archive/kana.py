"""Kana readings in Latin letters (Hepburn), for readable speaker ids: いしば しげる →
ishiba-shigeru.

Only for ids: a reading's romanisation is never shown as the speaker's name.
"""

from __future__ import annotations

_KANA = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
    "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゐゑゔ"
)
_LATIN = (
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho"
    " ma mi mu me mo ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de"
    " do ba bi bu be bo pa pi pu pe po i e vu"
)
_BASE = dict(zip(_KANA, _LATIN.split(" "), strict=True))
_SMALL = {"ゃ": "ya", "ゅ": "yu", "ょ": "yo", "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def romaji(reading: str) -> str | None:
    """The reading in Latin letters, words joined by '-'; None if it is not all kana."""
    words = []
    for word in _hiragana(reading).replace("　", " ").split():
        out: list[str] = []
        double = False
        for ch in word:
            if ch == "っ":
                double = True
                continue
            if ch in _SMALL and out:
                syllable = out.pop()
                stem = syllable[:-1]
                if stem.endswith(("sh", "ch", "j")):
                    out.append(stem + _SMALL[ch][-1])
                else:
                    out.append(stem + _SMALL[ch])
                continue
            if ch == "ー":
                continue
            if ch not in _BASE:
                return None
            syllable = _BASE[ch]
            if double:
                syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
                double = False
            out.append(syllable)
        if out:
            words.append("".join(out))
    return "-".join(words) or None
