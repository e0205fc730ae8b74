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


# Katakana ァ…ヶ to the hiragana of the same sound (ぁ…ゖ): readings compare and romanise alike.
_TO_HIRAGANA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}


def hiragana(text: str) -> str:
    """The text with its katakana as hiragana (イシバ → いしば); other characters unchanged."""
    return text.translate(_TO_HIRAGANA)


def romaji(reading: str) -> str | None:
    """The reading in Latin letters, words joined by '-'; None if it is not all kana."""
    words = []
    for word in hiragana(reading).replace("　", " ").split():
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
