"""Role strings: "Japanese Prime Minister" and "Prime Minister of Japan" are one role.

Roles come from many hands (editors, news copy, the extractor), each with its own word order.
Left alone, one speaker collects a role string per outlet. The store keeps the first wording
it saw for a speaker and maps later ones with the same key onto it (reporting each mapping),
so a speaker page lists each role once. The key is deliberately simple: NFKC, case, word
order, a few filler words and country adjectives; anything subtler stays a separate role.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .localized import Localized, texts_of

_FILLER = {"of", "the", "for", "and", "&"}
_PLACE_ADJECTIVES = {
    "japanese": "japan",
    "korean": "korea",
    "american": "united states",
    "us": "united states",
    "u.s.": "united states",
    "chinese": "china",
    "british": "united kingdom",
    "uk": "united kingdom",
    "french": "france",
    "german": "germany",
    "indian": "india",
    "australian": "australia",
    "canadian": "canada",
    "russian": "russia",
    "taiwanese": "taiwan",
    "philippine": "philippines",
    "vietnamese": "vietnam",
}
_SAME_ROLE_JA = {"首相": "内閣総理大臣", "総理": "内閣総理大臣", "総理大臣": "内閣総理大臣"}
_WORD = re.compile(r"[\w.]+", re.UNICODE)


@lru_cache(maxsize=8192)
def role_key(role: str) -> str:
    """The form roles are compared in."""
    text = unicodedata.normalize("NFKC", role).casefold().strip()
    text = re.sub(r"['’]s\b", "", text)
    text = _SAME_ROLE_JA.get(text, text)
    words: list[str] = []
    for word in _WORD.findall(text):
        word = word.strip(".") if word not in _PLACE_ADJECTIVES else word
        if not word or word in _FILLER:
            continue
        words.extend(_PLACE_ADJECTIVES.get(word, word).split())
    return " ".join(sorted(words))


class KnownRoles:
    """One speaker's role wordings by key: the first wording seen for a key is the one kept.

    A bilingual role ({"ja": …, "en": …}) is known by the key of each of its versions. It is
    never mapped onto a wording with fewer languages, which would lose one: it replaces it.
    """

    def __init__(self, wordings: list[Localized]) -> None:
        self.by_key: dict[str, Localized] = {}
        for wording in wordings:
            for text in texts_of(wording):
                self.by_key.setdefault(role_key(text), wording)

    def wording_for(self, role: Localized) -> Localized:
        """The stored wording of `role` (itself when new or richer, and then remembered)."""
        keys = [role_key(text) for text in texts_of(role)]
        known = next((self.by_key[k] for k in keys if k in self.by_key), None)
        if known is not None and _languages(known) >= _languages(role):
            return known
        for key in keys:
            self.by_key[key] = role
        return role


def _languages(role: Localized) -> set[str]:
    return set(role) if isinstance(role, dict) else set()
