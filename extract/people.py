"""Who is who in an article: the people it names, with their titles, to attribute each quote.

Mention tracking is kept apart from the quote patterns of each language: it is the part that
decides who spoke, where a wrong answer is the worst error extraction can make. So it answers
with a `Who` that may be unresolved — with the people it could be and why — whenever the text
does not settle it: a reviewer fixes an unresolved speaker in seconds, a confident wrong one
slips through.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .abbreviations import DOT
from .first_names import gender_of
from .text import JA_SCRIPT

# A word of a name: a capital (Latin, with accents: Brudziński, Łukasz, Agnès), then letters.
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
NAME_WORD = (
    rf"(?:Jr|Sr|St|Dr|Mr|Ms|Mrs|Rev|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof)[.{DOT}]"
    rf"|[{UPPER}][.{DOT}](?=\s+[{UPPER}])"
    rf"|[{UPPER}][\w'’\-]*\w"
)
# Particles that may sit inside a name: Rocky De La Fuente, Mohammad bin Salman.
NAME_JOINER = r"de|da|del|della|di|du|van|von|der|den|bin|binti|al|el|la|le|y|dos|das"
NAME = rf"(?:{NAME_WORD})(?:\s+(?:(?:{NAME_JOINER})\s+)?(?:{NAME_WORD}))*"
NAME_SEQ = re.compile(NAME)

PRONOUN = r"[Hh]e|[Ss]he|[Tt]hey"
# Quoted words: the names in them are talked about, not speaking.
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
PRONOUN_GENDER = {"he": "m", "she": "f"}

# Words that make a capitalised run a title or a role: "Santa Barbara County Sheriff Bill
# Brown" is Bill Brown, sheriff; "Prime Minister" alone is a title to resolve.
TITLE_WORDS = frozenset(
    [
        "president",
        "vice",
        "prime",
        "minister",
        "deputy",
        "secretary",
        "secretary-general",
        "ambassador",
        "governor",
        "mayor",
        "councillor",
        "councilor",
        "senator",
        "sen.",
        "representative",
        "rep.",
        "congressman",
        "congresswoman",
        "assemblyman",
        "assemblywoman",
        "chancellor",
        "king",
        "queen",
        "emperor",
        "prince",
        "princess",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "director",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "professor",
        "prof.",
        "dr.",
        "dr",
        "general",
        "gen.",
        "admiral",
        "judge",
        "justice",
        "speaker",
        "leader",
        "premier",
        "commissioner",
        "lawmaker",
        "legislator",
        "mr.",
        "mr",
        "ms.",
        "ms",
        "mrs.",
        "mrs",
        "sheriff",
        "mp",
        "mep",
        "chief",
        "captain",
        "capt.",
        "commander",
        "officer",
        "dean",
        "coach",
        "lord",
        "lady",
        "sir",
        "dame",
        "cardinal",
        "archbishop",
        "bishop",
        "pope",
        "father",
        "rev.",
        "reverend",
        "attorney",
        "archæologist",
        "chancellor",
        "executive",
        "manager",
        "founder",
        "president-elect",
        "governor-general",
        "superintendent",
        "inspector",
        "sergeant",
        "lieutenant",
        "colonel",
        "col.",
        "major",
        "marshal",
        "minister-president",
        "rabbi",
        "imam",
    ]
)
COURTESY_TITLES = frozenset({"mr.", "mr", "mrs.", "mrs", "ms.", "ms", "mx.", "mx", "sir",
                             "dame", "lord", "lady"})  # fmt: skip
GENDER_TITLES = {
    "mr.": "m", "mr": "m", "sir": "m", "king": "m", "prince": "m", "lord": "m", "father": "m",
    "congressman": "m", "assemblyman": "m", "chairman": "m", "spokesman": "m",
    "ms.": "f", "ms": "f", "mrs.": "f", "mrs": "f", "queen": "f", "princess": "f", "lady": "f",
    "dame": "f", "congresswoman": "f", "assemblywoman": "f", "chairwoman": "f",
    "spokeswoman": "f",
}  # fmt: skip
# Words that make a capitalised run an organisation, a place or a publication, not a person.
ORG_WORDS = frozenset(
    [
        "hotel",
        "resort",
        "airline",
        "airlines",
        "bank",
        "brewery",
        "studio",
        "studios",
        "media",
        "partnership",
        "publicity",
        "charity",
        "trust",
        "university",
        "college",
        "school",
        "academy",
        "institute",
        "institution",
        "party",
        "council",
        "court",
        "committee",
        "union",
        "states",
        "nations",
        "ministry",
        "department",
        "association",
        "agency",
        "organization",
        "organisation",
        "news",
        "times",
        "post",
        "daily",
        "journal",
        "herald",
        "tribune",
        "guardian",
        "bank",
        "group",
        "company",
        "corporation",
        "corp.",
        "inc.",
        "inc",
        "ltd",
        "ltd.",
        "llc",
        "foundation",
        "society",
        "service",
        "services",
        "police",
        "office",
        "house",
        "senate",
        "congress",
        "parliament",
        "government",
        "republic",
        "kingdom",
        "forces",
        "army",
        "navy",
        "airport",
        "hospital",
        "church",
        "center",
        "centre",
        "coalition",
        "commission",
        "board",
        "fund",
        "network",
        "radio",
        "tv",
        "channel",
        "television",
        "press",
        "agency",
        "reuters",
        "bbc",
        "cnn",
        "nbc",
        "abc",
        "cbs",
        "fox",
        "twitter",
        "facebook",
        "instagram",
        "youtube",
        "club",
        "federation",
        "league",
        "team",
        "museum",
        "library",
        "authority",
        "administration",
        "embassy",
        "council.",
        "assembly",
        "federal",
        "national",
        "international",
        "amnesty",
        "watch",
        "cabinet",
        "bureau",
        "corps",
        "command",
        "county",
        "city",
        "state",
        "province",
        "region",
        "street",
        "road",
        "square",
        "park",
        "bridge",
        "hall",
        "show",
        "festival",
        "awards",
        "film",
        "movie",
        "series",
        "program",
        "programme",
        "magazine",
        "album",
        "stadium",
        "arena",
        "airlines",
        "airways",
        "motors",
        "eastern",
        "western",
        "northern",
        "southern",
        "mediterranean",
        "sea",
        "ocean",
        "river",
        "island",
        "islands",
        "mountains",
        "gulf",
        "strait",
        "coast",
        "valley",
        "lake",
        "north",
        "south",
        "east",
        "west",
    ]
)
# Capitalised words that start sentences or name days and months: never a speaker alone.
NOT_NAMES = frozenset(
    [
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "We",
        "I",
        "They",
        "He",
        "She",
        "His",
        "Her",
        "Their",
        "Our",
        "But",
        "And",
        "In",
        "On",
        "At",
        "Yet",
        "Both",
        "Despite",
        "Together",
        "For",
        "As",
        "When",
        "While",
        "After",
        "Before",
        "Although",
        "Though",
        "If",
        "Since",
        "Until",
        "Then",
        "There",
        "Here",
        "What",
        "Who",
        "Why",
        "How",
        "Where",
        "Which",
        "A",
        "An",
        "One",
        "Two",
        "Three",
        "Some",
        "Many",
        "Most",
        "All",
        "Other",
        "Another",
        "Also",
        "However",
        "Meanwhile",
        "Speaking",
        "Asked",
        "According",
        "Earlier",
        "Later",
        "Today",
        "Yesterday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Law",
        "Instead",
        "Still",
        "Now",
        "Last",
        "Next",
        "First",
        "Former",
        "Current",
        "Critics",
        "Officials",
        "Police",
        "Reports",
        "Residents",
        "Sources",
        "Witnesses",
    ]
)


@dataclass
class Who:
    """An attribution: the speaker, or None with the people it could be and why not chosen."""

    speaker: str | None
    role: str | None = None
    candidates: list[str] = field(default_factory=list)
    why: str = ""

    @property
    def resolved(self) -> bool:
        return self.speaker is not None

    def review(self) -> dict | None:
        """What the candidate tells its reviewer when the speaker is unresolved."""
        return None if self.resolved else {"candidates": self.candidates, "why": self.why}


@dataclass
class Thread:
    """The last attributed quote of the article, so that a quote with no attribution of its
    own goes on with the same speaker only right after it and with no one else named since."""

    who: Who | None = None
    paragraph: int = -10
    mentions_then: int = 0

    def saw(self, who: Who, paragraph: int, people: People) -> None:
        self.who, self.paragraph, self.mentions_then = who, paragraph, len(people.mentions)

    def last_speaker(self, paragraph: int, back: int) -> str | None:
        """Who spoke last, if within `back` paragraphs."""
        recent = self.who is not None and self.paragraph >= paragraph - back
        return self.who.speaker if recent and self.who else None

    def continued(self, paragraph: int, people: People) -> Who | None:
        """The previous speaker (same or previous paragraph) if no one else was named since;
        unresolved between them if someone was; None if there is no previous quote nearby."""
        if self.who is None or self.paragraph < paragraph - 1:
            return None
        others = {m.name for m in people.mentions[self.mentions_then :]} - {self.who.speaker}
        if not others:
            return self.who
        return Who(None, candidates=[n for n in [self.who.speaker, *others] if n],
                   why="no speaker in the sentence, and others were named since")  # fmt: skip


@dataclass
class _Mention:
    paragraph: int
    offset: int
    name: str
    # A subject may be what a later he/she refers to; an object (Ruiz met Tom Hale) is not.
    subject: bool = True


class People:
    """Names seen so far in the article, to resolve surnames, titles and pronouns."""

    def __init__(self) -> None:
        self.persons: list[str] = []
        self.roles: dict[str, str] = {}
        self.gender: dict[str, str] = {}
        self.mentions: list[_Mention] = []
        self.paragraph = 0

    # -- names -------------------------------------------------------------------------------
    def person(
        self,
        raw: str,
        offset: int = 0,
        role: str | None = None,
        single_ok: bool = False,
        subject: bool = True,
    ) -> Who | None:
        """The person a capitalised run names, title split off, surname resolved; None when
        the run is not a person (an organisation, a place, a possessive, a stray word)."""
        raw = raw.strip().strip(",")
        if raw.endswith(("'s", "’s")):
            return None
        words = raw.split()
        while words and words[0] in NOT_NAMES:  # "For Martin", "Tuesday Mitsotakis"
            words = words[1:]
        if not words:
            return None
        raw = " ".join(words)
        cut = max((i for i, w in enumerate(words) if is_title(w) or _is_org(w)), default=-1)
        name_words = words[cut + 1 :]
        if not name_words:
            if cut < 0 or _is_org(words[cut]):
                return None  # an organisation or a place
            title = " ".join(words)
            full = self.with_title(title)
            if full:
                return Who(full, self.roles.get(full))
            return Who(None, title, why=f"named only by a title: “{raw}”")
        title = " ".join(words[: cut + 1]) if cut >= 0 and is_title(words[cut]) else None
        if len(name_words) == 1:
            word = name_words[0]
            if word in NOT_NAMES or (word.isupper() and len(word) > 1):
                return None
            sharing = self.sharing(word)
            if len(sharing) > 1 and self.resolve(word) == word:
                return Who(None, title, candidates=sharing,
                           why=f"“{word}” could be " + " or ".join(sharing))  # fmt: skip
            full = self.resolve(word)
            if full == word and not single_ok and title is None:
                return None  # a capitalised word seen once is no evidence of a person
        name = " ".join(name_words)
        # Mr./Ms. say how to address someone, not what they do: no role.
        courtesy = title is not None and title.lower().replace(DOT, ".") in COURTESY_TITLES
        full = self.saw(name, offset, role or (None if courtesy else title), subject)
        if title and (g := GENDER_TITLES.get(words[cut].lower().replace(DOT, "."))):
            self.gender.setdefault(full, g)
        return Who(full, self.roles.get(full))

    def saw(self, name: str, offset: int = 0, role: str | None = None, subject: bool = True) -> str:
        name = self.resolve(name)
        if name not in self.persons:
            self.persons.append(name)
        if role:
            self.roles.setdefault(name, role)
        self.mentions.append(_Mention(self.paragraph, offset, name, subject))
        return name

    def gender_of(self, name: str) -> str | None:
        """From the article (Ms. Vale, his wife Mary), else from the first name's lexicon."""
        if name in self.gender:
            return self.gender[name]
        words = name.split()
        return gender_of(words[0]) if len(words) >= 2 else None

    def resolve(self, name: str) -> str:
        """A surname (or given name) alone becomes the full name used earlier; the person
        most recently named in full wins (Clinton → Hillary Clinton where she was last)."""
        name = name.strip()
        if JA_SCRIPT.search(name):
            for full in reversed(self._by_recency()):  # Japanese: 石破 → 石破茂
                if (
                    full != name
                    and JA_SCRIPT.search(full)
                    and (
                        full.startswith(name) or full.endswith("・" + name)  # ベルカンヌ
                    )
                ):
                    return full
            return name
        if " " in name:
            return name
        sharing = self.sharing(name)
        if len(sharing) == 1:
            return sharing[0]
        if sharing:
            # Clinton: the one the article is about (named far more often), else the one
            # named in full just now; otherwise it stays ambiguous.
            counts = Counter(m.name for m in self.mentions if m.name in sharing)
            (top, n), (_, second) = counts.most_common(2) if len(counts) > 1 else (
                (sharing[0], 1), ("", 0))  # fmt: skip
            if n >= 3 * max(second, 1):
                return top
            recent = next((m for m in reversed(self.mentions) if m.name in sharing), None)
            if recent and recent.paragraph >= self.paragraph - 1:
                return recent.name
        return name

    def sharing(self, word: str) -> list[str]:
        """The people named in full whose name contains this word (a shared surname)."""
        return [full for full in self.persons if word in full.split() and full != word]

    def _by_recency(self) -> list[str]:
        order: dict[str, int] = {}
        for i, m in enumerate(self.mentions):
            order[m.name] = i
        return sorted(self.persons, key=lambda n: order.get(n, -1))

    def with_title(self, title: str) -> str | None:
        """The last person named with this title (the minister → Foreign Minister X)."""
        title = title.lower().removeprefix("the ").strip()
        if not title:
            return None
        for name in reversed(self._by_recency()):
            role = self.roles.get(name, "").lower()
            if role and (title in role or role in title):
                return name
        return None

    # -- pronouns ----------------------------------------------------------------------------
    def nearby(self, offset: int, back: int = 1, subjects: bool | None = None) -> list[str]:
        """People named in this paragraph before `offset` and in the `back` paragraphs
        before it, most recent first (only as subjects, or only as objects, if asked)."""
        out: list[str] = []
        for m in reversed(self.mentions):
            if (m.paragraph == self.paragraph and m.offset > offset) or (
                subjects is not None and m.subject != subjects
            ):
                continue
            if m.paragraph < self.paragraph - back:
                break
            if m.name not in out:
                out.append(m.name)
        return out

    def pronoun(self, pronoun: str, offset: int, last_speaker: str | None) -> Who:
        """He/she: the one subject named nearby of a compatible gender, else unresolved with
        the choices. They: an organisation that is the running speaker, else unresolved —
        "they" is a group far more often than a person."""
        if pronoun.lower() == "they":
            if last_speaker and last_speaker not in self.persons:
                return Who(last_speaker)
            return Who(None, why="“they”: a group the article does not name as the speaker")
        gender = PRONOUN_GENDER.get(pronoun.lower())

        def fits(names: list[str]) -> list[str]:
            return [p for p in names if self.gender_of(p) in (None, gender)]

        # Ruiz met Tom Hale. "…," he said: an object is never the answer, but one of the
        # pronoun's gender makes a subject whose gender is unknown doubtful.
        objects = [p for p in self.nearby(offset, subjects=False) if self.gender_of(p) == gender]
        here = fits(self.nearby(offset, back=0, subjects=True))
        if objects and not all(self.gender_of(p) == gender for p in here):
            here = [*here, *[p for p in objects if p not in here]]
        if len(here) == 1:  # the one person named in this paragraph so far
            return Who(here[0], self.roles.get(here[0]))
        near = here or fits(self.nearby(offset, subjects=True))
        if objects and not all(self.gender_of(p) == gender for p in near):
            near = [*near, *[p for p in objects if p not in near]]
        last = fits([last_speaker]) if last_speaker else []
        if len(near) == 1:
            return Who(near[0], self.roles.get(near[0]))
        if not near and last:
            return Who(last[0], self.roles.get(last[0]))
        if near and last and last[0] == near[0]:
            return Who(last[0], self.roles.get(last[0]))
        choices = (near or objects)[:4]
        why = (f"“{pronoun}” could be " + " or ".join(choices) if choices
               else f"“{pronoun}”: no one of that gender is named nearby as a subject")  # fmt: skip
        return Who(None, candidates=choices, why=why)

    # -- scanning ----------------------------------------------------------------------------
    def scan(self, paragraph: str, index: int) -> None:
        """Note the people a paragraph names (before its quotes are attributed) and gender
        clues such as "his wife Mary"."""
        self.paragraph = index
        quoted = [(q.start(), q.end()) for q in QUOTED.finditer(paragraph)]
        for m in NAME_SEQ.finditer(paragraph):
            if any(a < m.start() < b for a, b in quoted):
                continue  # a name inside a quote is talked about, not speaking
            if re.search(r"\b(?:in|at|from|into|across|near|throughout|within|to)\s+(?:the\s+)?$",
                         paragraph[max(0, m.start() - 12) : m.start()]):  # fmt: skip
                continue  # in the Eastern Mediterranean: a place
            # trade commissioner Albert Muchanga, president Erdoğan: a lower-case title is a
            # role, and makes even a single name a person
            lead = paragraph[max(0, m.start() - 30) : m.start()]
            t = re.search(r"\b([a-z][a-z\-]+)\s+$", lead)
            role = t.group(1) if t and t.group(1) in TITLE_WORDS else None
            if role or len(m.group().split()) >= 2 or self.resolve(m.group()) != m.group():
                self.person(m.group(), m.start(), role=role, single_ok=role is not None,
                            subject=not _in_object_position(paragraph, m.start()))  # fmt: skip
        for m in re.finditer(rf"\b(his wife|her husband)\s+({NAME})", paragraph):
            self.gender.setdefault(self.resolve(m.group(2)), "f" if "wife" in m.group(1) else "m")


def _in_object_position(text: str, start: int) -> bool:
    """Ana Ruiz met Tom Hale / thanked Tom Hale / with Tom Hale: a verb or a preposition
    leads to the name (not a description: health expert Wendy Parmet said), and it is not
    the verb of an attribution after a quote (“…,” said Tom Hale)."""
    lead = text[max(0, start - 60) : start]
    word = re.search(r"([A-Za-z’'\-]+)\s*$", lead)
    if word is None:
        return False
    w = word.group(1)
    if w not in PREPOSITIONS and not (w.endswith("ed") or w in OBJECT_VERBS):
        return False
    return not re.search(r"[”\"],?\s*$", lead[: word.start()])


PREPOSITIONS = frozenset(
    [
        "in",
        "on",
        "at",
        "from",
        "to",
        "by",
        "with",
        "about",
        "into",
        "via",
        "for",
        "of",
        "against",
        "like",
        "than",
        "over",
        "under",
        "between",
        "among",
        "after",
        "before",
        "near",
        "toward",
        "towards",
        "including",
        "beside",
        "behind",
        "beat",
    ]
)
# Irregular past tenses that take a person as object (met Tom Hale, told Ana Ruiz).
OBJECT_VERBS = frozenset(
    ["met", "told", "saw", "sent", "gave", "led", "chose", "took", "left", "won", "hit", "beat"]
)


def _is_org(word: str) -> bool:
    word = word.lower().strip(",")
    return word in ORG_WORDS or (word.endswith("s") and word[:-1] in ORG_WORDS)


def is_organisation(raw: str) -> bool:
    """A capitalised run that names an organisation (Facebook, the Labour Party)."""
    words = raw.strip().split()
    return bool(words) and (_is_org(words[-1]) or raw.strip() in ORGANISATIONS)


# Organisations often quoted by name alone.
ORGANISATIONS = frozenset(
    [
        "Facebook",
        "Google",
        "Twitter",
        "Amazon",
        "Apple",
        "Microsoft",
        "SDF",
        "NATO",
        "UNESCO",
        "WHO",
        "USCIRF",
        "Kremlin",
        "Pentagon",
        "White House",
        "State Department",
    ]
)


# Abbreviated titles of newspaper style (Gov. Dana Vale, Lt. Gen. Ito): titles, not names.
ABBREVIATED_TITLES = frozenset({
    "gov.", "lt.", "col.", "capt.", "cpt.", "maj.", "sgt.", "cpl.", "adm.", "cmdr.", "gen.",
    "sen.", "sens.", "rep.", "reps.", "prof.", "dr.", "rev.", "fr.", "msgr.", "amb.", "atty.",
    "det.", "insp.", "supt.", "pres.", "hon.", "rt.", "mx.", "mme.", "mlle.",
})  # fmt: skip


def is_title(word: str) -> bool:
    w = word.lower().strip(",").replace(DOT, ".")
    if w in TITLE_WORDS or w in ABBREVIATED_TITLES:
        return True
    return w.endswith("-general") or w.endswith("minister")
