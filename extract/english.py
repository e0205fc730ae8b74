"""English quotes: “…,” Name said; Name said: “…”; split quotes; partial quotes."""

from __future__ import annotations

import re
from collections.abc import Callable

from .candidate import Candidate
from .limits import WINDOW
from .people import NAME, PRONOUN, TITLES, People
from .text import sentence_of

# -- English vocabulary ----------------------------------------------------------------------
VERBS = (
    "said|says|told|tells|added|adds|stressed|stresses|noted|notes|wrote|writes|explained|"
    "insisted|argued|warned|declared|announced|asked|replied|continued|emphasised|emphasized|"
    "remarked|observed|recalled|acknowledged|admitted|posted|tweeted|concluded|urged|"
    "explains|insists|argues|warns|recalls|adds"
)

QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

# After a quote: [the architect,|librarian] [Title] Name [,] verb — a lower-case description
# before the name becomes the role.
AFTER_NAME_VERB = re.compile(
    rf"^[\s,]*(?:(?:the|a|an)\s+)?(?P<desc>(?:[a-z][a-z\-]*,?\s+){{0,3}}?)"
    rf"(?:(?P<title>(?:{TITLES})\s+)?(?P<name>{NAME}|{PRONOUN}))\s*,?\s+(?:{VERBS})\b"
)

AFTER_VERB_NAME = re.compile(
    rf"^[\s,]*(?:{VERBS})\s+(?:(?P<title>(?:[A-Z][a-z]+\s+)?(?:{TITLES}))\s+)?(?P<name>{NAME})"
    r"(?:,\s*(?P<age>\d{1,3}))?(?:,\s*(?P<desc>[^,.!?]+))?"
)

# After a quote: "…," the foreign minister said — a title alone names the last person with it.
AFTER_TITLE_VERB = re.compile(
    rf"^[\s,]*the\s+(?P<title>(?:[a-z]+\s+)?(?:{TITLES.lower()}))\s+(?:{VERBS})\b"
)

AFTER_ACCORDING = re.compile(
    rf"^[\s,]*according to\s+(?:(?P<title>(?:[A-Z][a-z]+\s+)?(?:{TITLES}))\s+)?(?P<name>{NAME})"
)

BEFORE = re.compile(
    rf"(?:(?P<title>(?:{TITLES}))\s+)?(?P<name>{NAME}|{PRONOUN})\s+(?:{VERBS})"
    r"(?:\s+[a-z]+){0,3}\s*[:,]\s*$"
)

PARTIAL_BEFORE = re.compile(
    rf"(?P<name>{NAME}|{PRONOUN})\s+(?:{VERBS}|called|calls|described|describes)\b[^.“\"]*$"
)

ACCORDING = re.compile(rf"[Aa]ccording to\s+(?:(?P<title>{TITLES})\s+)?(?P<name>{NAME})\s*,\s*$")

PARTIAL_MAX_WORDS = 5


def _kind_from(sentence: str) -> str:
    lowered = sentence.lower()
    if "joint" in lowered or "alongside" in lowered:
        return "joint_statement"
    if "press conference" in lowered or "told reporters" in lowered:
        return "press_conference"
    if "interview" in lowered:
        return "interview"
    if "speech" in lowered:
        return "speech"
    return "remarks"


def quotes(paragraph: str, people: People, tick: Callable[[], None]) -> list[Candidate]:
    out: list[Candidate] = []
    quotes = list(QUOTE_RE.finditer(paragraph))
    previous: Candidate | None = None
    k = 0
    while k < len(quotes):
        tick()
        m = quotes[k]
        quote = (m.group(1) or m.group(2)).strip()
        after = paragraph[m.end() : m.end() + WINDOW]
        before = paragraph[max(0, m.start() - WINDOW) : m.start()]
        speaker, role = _attribution_after(after, people) or _attribution_before(before, people)
        # A split quote: "…," Ishiba said, "…" — the second half joins the first.
        parts = [quote]
        end = m.end()
        while speaker and k + 1 < len(quotes):
            gap = paragraph[end : quotes[k + 1].start()]
            if len(gap) > WINDOW or not re.fullmatch(
                rf"[\s,]*(?:{NAME}|{PRONOUN})?\s*(?:{VERBS})[^.\"“”]*?[,:]\s*", gap
            ):
                break
            k += 1
            parts.append((quotes[k].group(1) or quotes[k].group(2)).strip())
            end = quotes[k].end()
        sentence = sentence_of(paragraph, m.start(), end)
        words = len(" ".join(parts).split())
        starts_sentence = not before.strip() or before.rstrip().endswith((".", ":", "!", "?"))
        if speaker is None and not starts_sentence and words <= PARTIAL_MAX_WORDS:
            speaker, role = _partial_speaker(before, people)
        if speaker is None and previous is not None and starts_sentence:
            speaker, role = previous.speaker, previous.role  # continues the same speaker
        if speaker is None:
            k += 1
            continue
        partial = words <= PARTIAL_MAX_WORDS and not starts_sentence
        candidate = Candidate(
            speaker=speaker, role=role, text=_clean_quote(" ".join(parts)), lang="en",
            context=sentence, kind=_kind_from(sentence), partial=partial,
        )  # fmt: skip
        out.append(candidate)
        previous = candidate
        k += 1
    return out


def _attribution_after(after: str, people: People) -> tuple[str, str | None] | None:
    m = AFTER_NAME_VERB.match(after) or AFTER_VERB_NAME.match(after) or AFTER_ACCORDING.match(after)
    if not m:
        titled = AFTER_TITLE_VERB.match(after)
        full = people.with_title(titled.group("title")) if titled else None
        return (full, people.roles.get(full)) if full else None
    title = (m.group("title") or "").strip() or None
    desc = (m.groupdict().get("desc") or "").strip().strip(",").strip()
    desc = re.sub(r"^(?:a|an|the)\s+", "", desc) or None
    if desc and re.match(r"(?:who|which|whose|adding|after|before|when|as)\b", desc):
        desc = None  # a clause about the speaker, not a role
    full, role = people.named(m.group("name"), title or desc)
    return (full, role) if full else None


def _attribution_before(before: str, people: People) -> tuple[str | None, str | None]:
    m = BEFORE.search(before) or ACCORDING.search(before)
    if not m:
        return None, None
    return people.named(m.group("name"), (m.group("title") or "").strip() or None)


def _partial_speaker(before: str, people: People) -> tuple[str | None, str | None]:
    """Who is quoted in a few words inside their own sentence: Kirishima called it “x”."""
    sentence = re.split(r"(?<=[.!?])\s+", before)[-1]
    m = PARTIAL_BEFORE.search(sentence)
    return people.named(m.group("name")) if m else (None, None)


def _clean_quote(text: str) -> str:
    """Drop the comma that closes a quote before its attribution ("…," she said)."""
    text = text.strip()
    return text[:-1].rstrip() + "." if text.endswith(",") else text
