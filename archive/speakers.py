"""Speakers: how names in several scripts, aliases and handles become one identity.

Kept free of SQL so the merge rules can be read (and tested) on their own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .kana import romaji
from .localized import script_lang

_SPACE_RE = re.compile(r"\s+")


_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def name_key(name: str) -> str:
    """The form names are matched in: NFKC, case-folded, without spaces ("石破 茂" = "石破茂")
    and without invisible characters, so "Te\u200dst" cannot pass for another "Test"."""
    return _SPACE_RE.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).casefold())


def folded_names(speaker: dict) -> set[str]:
    """A speaker's names as search compares them: name_key plus folded width and old/variant
    kanji (渡邊 = 渡辺). Not used to decide identity: only to warn of look-alikes."""
    from hatsugen.index.folding import fold_chars  # a plain table; no index machinery

    return {name_key(fold_chars(n)) for n in speaker.get("name", {}).values()} - {""}


def display_name(speaker: dict) -> str:
    """The name a list shows: Japanese, else English, else any, else the id."""
    names = speaker.get("name", {})
    return names.get("ja") or names.get("en") or next(iter(names.values()), speaker["id"])


def names_of(speaker: dict) -> list[str]:
    """Every way the speaker is written: names in each language, aliases and handles, reading,
    and the Wikidata id (Q…), by which a filter or a record may name them too."""
    names = [*speaker.get("name", {}).values(), *speaker.get("aliases", [])]
    if speaker.get("reading"):
        names.append(speaker["reading"])
    if speaker.get("wikidata"):
        names.append(speaker["wikidata"])
    return names


def keys_of(speaker: dict) -> set[str]:
    """Every key a plain-string reference may use to find this speaker."""
    return {name_key(n) for n in names_of(speaker)}


def from_plain_name(name: str) -> dict:
    return {"name": {script_lang(name): name}}


def merge(stored: dict, incoming: dict) -> dict:
    """Fold an incoming speaker object into the stored one, dropping nothing.

    A new name for a language replaces the old one, which stays on as an alias; aliases are
    unioned in order; a new reading replaces the old.
    """
    out = {"id": stored["id"], "name": dict(stored.get("name", {}))}
    aliases = list(stored.get("aliases", []))
    for lang, name in incoming.get("name", {}).items():
        old = out["name"].get(lang)
        if old is not None and old != name and old not in aliases:
            aliases.append(old)
        out["name"][lang] = name
    for alias in incoming.get("aliases", []):
        if alias not in aliases:
            aliases.append(alias)
    current_names = set(out["name"].values())
    aliases = [a for a in aliases if a not in current_names]
    reading = incoming.get("reading") or stored.get("reading")
    if stored.get("reading") and same_reading(stored, incoming):
        reading = stored["reading"]  # いしば しげる keeps its space against いしばしげる
    if reading:
        out["reading"] = reading
    wikidata = incoming.get("wikidata") or stored.get("wikidata")
    if wikidata:
        out["wikidata"] = wikidata
    if aliases:
        out["aliases"] = aliases
    if not out["name"]:
        del out["name"]
    return out


def same_reading(stored: dict, incoming: dict) -> bool:
    """Whether two speakers' readings agree (or one has none): kana width, katakana and
    spaces aside (いわぶちとも is いわぶち とも)."""
    a, b = stored.get("reading"), incoming.get("reading")
    if not a or not b:
        return True
    a, b = name_key(a), name_key(b)
    return (romaji(a) or a) == (romaji(b) or b)


def slug_for(speaker: dict) -> str:
    """A readable URL-safe id: the English name as a slug, else the reading in Latin letters,
    else a short hash of a name."""
    names = speaker.get("name", {})
    en = names.get("en")
    if en:
        ascii_name = unicodedata.normalize("NFKD", en).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
        if slug:
            return slug[:60]
    latin = romaji(speaker["reading"]) if speaker.get("reading") else None
    if latin:
        return latin[:60]  # いしば しげる: ishiba-shigeru
    first = next(iter(names.values()), None) or speaker.get("aliases", ["?"])[0]
    return "sp-" + hashlib.sha256(first.encode("utf-8")).hexdigest()[:10]
