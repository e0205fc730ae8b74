"""Who is who in an article: names, titles and pronouns, to attribute each quote.

Mention tracking is kept apart from the quote patterns of each language: it is the part
that decides who spoke, where a wrong answer is the worst error extraction can make.
"""

from __future__ import annotations

import re

from .text import JA_SCRIPT

TITLES = (
    "Prime Minister|Deputy Prime Minister|Chief Cabinet Secretary|President|Vice President|"
    "Foreign Minister|Defence Minister|Defense Minister|Finance Minister|Minister|"
    "Secretary of State|Secretary|Ambassador|Governor|Mayor|Deputy Mayor|Councillor|"
    "Councilor|Senator|Representative|Rep\\.|Sen\\.|Chancellor|King|Queen|Emperor|"
    "Chairman|Chairwoman|Chair|Chief Executive|CEO|Director|Spokesperson|Spokesman|"
    "Spokeswoman|Professor|Prof\\.|Dr\\.|General|Gen\\.|Admiral|Judge|Justice|Speaker|"
    "Leader|Premier|Commissioner|Lawmaker|Legislator|Mr\\.|Ms\\.|Mrs\\."
)

NAME_WORD = r"[A-Z][a-zA-Z'’\-]+"

NAME = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}"

PRONOUN = r"[Hh]e|[Ss]he|[Tt]hey"

TITLED_NAME = re.compile(
    rf"(?P<title>(?:(?:[A-Z][a-z]+\s+){{0,2}})(?:{TITLES}))\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}})"
)

LEADING_TITLE = re.compile(rf"^(?P<title>{TITLES})\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD})*)$")

NOT_NAMES = {"The", "This", "That", "It", "We", "I", "They", "He", "She", "But", "And", "In",
             "On", "At", "Yet", "Both", "Despite", "Together", "For", "As"}  # fmt: skip


class People:
    """Names seen so far in the article, to resolve surnames and pronouns."""

    def __init__(self) -> None:
        self.full: list[str] = []
        self.roles: dict[str, str] = {}
        self.last: str | None = None

    def saw(self, name: str, role: str | None = None) -> str:
        titled = LEADING_TITLE.match(name)
        if titled:  # "Governor Ren Asahina" → Ren Asahina, role Governor
            name, role = titled.group("name"), role or titled.group("title")
        name = self.resolve(name)
        if name not in self.full:
            self.full.append(name)
        if role:
            self.roles.setdefault(name, role)
        self.last = name
        return name

    def named(self, name: str, role: str | None = None) -> tuple[str | None, str | None]:
        """(full name, role) for a name or pronoun in an attribution; (None, None) if neither."""
        if re.fullmatch(PRONOUN, name):
            return (self.last, self.roles.get(self.last)) if self.last else (None, None)
        if name.split()[0] in NOT_NAMES:
            return None, None
        full = self.saw(name, role)
        return full, self.roles.get(full)

    def with_title(self, title: str) -> str | None:
        """The last person named with this title (the minister → Foreign Minister X)."""
        for name in reversed(self.full):
            role = self.roles.get(name, "").lower()
            if role and (title.lower() in role or role in title.lower()):
                return name
        return None

    def resolve(self, name: str) -> str:
        """A surname (or given name) alone becomes the full name used earlier."""
        if " " in name.strip() or JA_SCRIPT.search(name):
            for full in reversed(self.full):  # Japanese: 石破 → 石破茂
                if JA_SCRIPT.search(name) and full.startswith(name) and full != name:
                    return full
            return name.strip()
        for full in reversed(self.full):
            if name in full.split():
                return full
        return name

    def scan(self, paragraph: str) -> None:
        for m in TITLED_NAME.finditer(paragraph):
            self.saw(m.group("name"), m.group("title").strip())
