"""Bilingual metadata: a role, event, place, topic or source title in one or several languages.

A value is either a plain string (its language unknown, as it always was) or an object of
language code to text, as speaker names are: {"ja": "首脳会談", "en": "summit"}. Search reads
every language; pages show the one in the reader's interface language. Kept free of SQL and
web code so the store, the index, the pages and the CLI share one reading of it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

Localized = str | dict[str, str]

# Preferred when the reader's language is missing: the archive's two working languages.
FALLBACK_ORDER = ("en", "ja")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_TAGGED_RE = re.compile(r"\[([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\]\s*(.*)", re.S)
SEPARATOR = " | "


class Shown(NamedTuple):
    """One version of a value, with the language to put in its `lang` attribute."""

    text: str
    lang: str


def script_lang(text: str) -> str:
    """The language a string is most likely written in, by its script."""
    if _HANGUL_RE.search(text):
        return "ko"
    if _JA_RE.search(text):
        return "ja"
    return "en"


def texts_of(value: Localized | None) -> list[str]:
    """Every version of the value, for search, duplicates and comparisons."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return list(dict.fromkeys(value.values()))


def pick(value: Localized, lang: str) -> Shown:
    """The version to show a reader of `lang`: theirs, else English, else Japanese, else any."""
    if isinstance(value, str):
        return Shown(value, script_lang(value))
    primary = lang.split("-")[0]
    for want in (lang, primary, *FALLBACK_ORDER):
        if value.get(want):
            return Shown(value[want], want)
    for code, text in value.items():
        if code.split("-")[0] == primary:
            return Shown(text, code)
    code, text = next(iter(value.items()))
    return Shown(text, code)


def others(value: Localized, lang: str) -> list[Shown]:
    """The versions `pick` did not choose, to show beside it (a translator wants both)."""
    if isinstance(value, str):
        return []
    chosen = pick(value, lang)
    return [Shown(t, c) for c, t in value.items() if c != chosen.lang and t != chosen.text]


def flat(value: Localized | None, lang: str | None = None) -> str:
    """One line for plain-text outputs: the `lang` version, or every version joined."""
    if not value:
        return ""
    if lang is not None:
        return pick(value, lang).text
    return " / ".join(texts_of(value))


def to_line(value: Localized | None) -> str:
    """The value as one line of a form field or CLI option; `from_line` reads it back unchanged.

    Versions are separated by " | "; a version whose script does not say its language (French
    in Latin letters, or any single version of an object) is written with its code: "[fr] …".
    """
    if not value:
        return ""
    if isinstance(value, str):
        return value
    parts = []
    for code, text in value.items():
        plain = len(value) > 1 and code in ("ja", "en", "ko") and script_lang(text) == code
        parts.append(text if plain else f"[{code}] {text}")
    return SEPARATOR.join(parts)


def from_line(line: str) -> Localized | None:
    """Read a form field or CLI option: "首脳会談 | summit" is {"ja": "首脳会談", "en": "summit"}.

    One version without a "[code]" stays a plain string, so editing a record does not change
    the shape of values nobody touched. Raises ValueError saying what is ambiguous.
    """
    parts = [p.strip() for p in line.split("|")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    if len(parts) == 1 and not _TAGGED_RE.fullmatch(parts[0]):
        return parts[0]
    out: dict[str, str] = {}
    for part in parts:
        tagged = _TAGGED_RE.fullmatch(part)
        code, text = (tagged.group(1), tagged.group(2).strip()) if tagged else (None, part)
        if not text:
            raise ValueError(f"[{code}] has no text")
        code = code or script_lang(text)
        if code in out:
            raise ValueError(
                f"two versions read as {code!r} ({out[code]!r} and {text!r});"
                " mark one with its language, e.g. [fr] …"
            )
        out[code] = text
    return out
