"""English quotes: “…,” Name said; Name said: “…”; split quotes; partial quotes.

Each quote looks for its speaker in its own sentence: after it ("…," the sheriff said; "…,"
said Bill Brown), then before it (Nikki Haley wrote on Twitter, "…"). The subject of the
reporting verb is taken from the capitalised run nearest the verb, with appositives and "of
…" phrases skipped (Jennifer Lu of Marriage Equality Coalition Taiwan said → Jennifer Lu). A
pronoun is resolved only when one person fits (see People.pronoun); otherwise the quote is
kept with its speaker unresolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .candidate import Candidate
from .limits import WINDOW
from .people import NAME, NAME_SEQ, PRONOUN, People, Thread, Who, is_organisation, is_title
from .text import sentence_of
from .verbs import reporting_forms

# -- English vocabulary ----------------------------------------------------------------------
VERBS = "(?:" + "|".join(sorted(reporting_forms(), key=len, reverse=True)) + ")"

QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

# What may stand between a speaker and the verb: an appositive in commas, an "of …" phrase,
# adverbs and auxiliaries (Mark Amodei, a Republican, has publicly …).
SUBJECT_TAIL = re.compile(
    r"(?:'s?)?(?:\s*,\s*[^,“”\"]{1,160},)?(?:\s+(?:of|from|at|for|with|in)\s+[^,“”\".;]{1,80}?)?"
    r"(?:,\s*(?:speaking|writing)\s+[^,“”\"]{1,60},)?"
    r"(?:,?\s+(?:(?:went|goes|go)\s+on\s+to|also|later|then|further|previously|again|once|had|has|have|was|were|is|would|"
    r"will|[a-z]+ly))*\s*,?\s*$"
)
VERB_THEN = re.compile(rf"\b{VERBS}\b")
# After a quote, the attribution runs to the end of the clause.
CLAUSE_END = re.compile(r"[.!?;](?:\s|$)|“|\"")
AFTER_VERB_FIRST = re.compile(rf"^[\s,]*(?:{VERBS})\b(?P<rest>[^.;“”\"]{{0,200}})")
AFTER_TITLE = re.compile(
    rf"^[\s,]*the\s+(?P<title>(?:[a-z\-’']+\s+){{0,3}}?[a-z\-]+)\s+(?:{VERBS})\b"
)
AFTER_ACCORDING = re.compile(rf"^[\s,]*according to\s+(?P<name>{NAME})")
# Name said on Friday "…" / the father said "…": a verb and at most a few words lead in.
LEADS_IN = re.compile(rf"\b{VERBS}(?:\s+[\w’'-]+){{0,3}}$")
# A reporting verb at the end of the lead-in ("…'s website said:").
LEADS_IN_VERB = re.compile(rf"\b{VERBS}[^.!?\"“”]{{0,40}}[:,]?\s*$")
# …, the archbishop said: the speaker named only by a title, at the end of the clause.
TITLE_ENDS = re.compile(r"\b[Tt]he\s+(?P<title>(?:[a-z\-’']+\s+){0,3}?[a-z\-]+)\s*$")
# A phrase that opens a sentence before its subject (On Monday, / In a statement posted …,).
OPENING_PHRASE = re.compile(
    r"(?:On|In|At|After|Before|During|When|While|Later|Earlier|Then|Also|However|Meanwhile|"
    r"Speaking|Following|Asked|Writing)\b[^,]{0,100},\s*"
)
# An organisation after a preposition is no subject (… in Ballot Access News comments: "…").
OBJECT_OF = re.compile(
    r"\b(?:in|on|at|from|to|by|with|about|into|via|for|of|near|after)\s+(?:the\s+)?$"
)
# A clause whose subject is described, not named: An eyewitness …, One of the children …
# (A Hampshire Police spokesman: capitalised words may come before the lower-case noun.)
DESCRIBED_SUBJECT = re.compile(
    rf"\s*(?i:an?|one|another|the|some|two|three)\s+(?:[A-Z][\w.’'-]*\s+){{0,4}}(?!{VERBS}\b)[a-z]"
)
# Politico quoted Tim Manning, a former deputy administrator, as saying "…"
QUOTED_AS_SAYING = re.compile(
    rf"\bquoted\s+(?P<name>{NAME})(?:,[^,“”\"]{{1,120}},)?\s+as\s+saying\s*$"
)
# A description, then the name in commas: a spokeswoman for Harbor Hotels, Dana Quill, …
APPOSITIVE_NAME = re.compile(rf"[^,“”\"]{{3,120}},\s*(?P<name>{NAME})\s*,")
ACCORDING = re.compile(rf"[Aa]ccording to\s+(?P<name>{NAME})\s*,\s*$")

# Verbs that quote someone's words as a label for something (no reporting verb needed).
PARTIAL_VERB = re.compile(
    rf"\b(?:{VERBS}|call(?:s|ed|ing)?|describ(?:es|ed|ing)|referr(?:ed|ing)\s+to|refers\s+to|"
    r"dubb(?:ed|ing)|dubs|labell?(?:ed|ing)|labels|brand(?:s|ed|ing)|term(?:s|ed|ing)|"
    r"characteri[sz](?:es|ed|ing))\b"
)
NAME_OR_PRONOUN = re.compile(rf"{NAME}|\b(?:{PRONOUN})\b")

ENDS = (".", "!", "?", ".”", "…")
PARTIAL_MAX_WORDS = 5
# Fewer quoted words than this inside the reporter's sentence are a term, not a statement,
# unless an attribution introduces them as speech (Szumowski said "We couldn't win,").
FRAGMENT_WORDS = 4


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


def quotes(
    paragraph: str,
    index: int,
    people: People,
    thread: Thread,
    tick: Callable[[], None],
    lead: str = "",
) -> list[Candidate]:
    """The paragraph's quotes with their speakers. `lead` is the previous paragraph when it
    ends with a colon and this one opens with a quote (Markham Robinson writes: ¶ "…")."""
    out: list[Candidate] = []
    found = list(QUOTE_RE.finditer(paragraph))
    k = 0
    while k < len(found):
        tick()
        m = found[k]
        quote = (m.group(1) or m.group(2)).strip()
        after = paragraph[m.end() : m.end() + WINDOW]
        before = _sentence_before(paragraph, m.start())
        if m.start() == 0 and lead:
            before = _sentence_before(lead, len(lead))
        last = thread.last_speaker(index, back=2)
        closed = quote.endswith(ENDS)
        who = _after(after, m.end(), people, last, closed) or _before(
            before, m.start(), people, last
        )
        # A split quote: "…," Ishiba said, "…" — the second half joins the first.
        parts = [quote]
        end = m.end()
        while who is not None and k + 1 < len(found) and not parts[-1].endswith(ENDS):
            gap = paragraph[end : found[k + 1].start()]
            if not _same_speaker(gap, who, people, end) or not re.fullmatch(
                rf"[\s,]*(?:(?:the\s+)?(?:{NAME}|{PRONOUN}|[a-z ]{{1,40}}))?\s*(?:{VERBS})"
                r"[^.\"“”]*?[,:]\s*",
                gap,
            ):
                break
            k += 1
            parts.append((found[k].group(1) or found[k].group(2)).strip())
            end = found[k].end()
        words = len(" ".join(parts).split())
        starts_sentence = not before.strip() or before.rstrip().endswith((".", ":", "!", "?"))
        whole = quote[:1].isupper() and parts[-1].endswith(ENDS)  # a sentence of its own
        inside = not starts_sentence and not whole  # quoted words in the reporter's sentence
        partial = words <= PARTIAL_MAX_WORDS and inside
        if partial and words < FRAGMENT_WORDS and not (who is not None and quote[:1].isupper()):
            k += 1  # a term in quotation marks ("phony", "subject to"), not a statement
            continue
        if who is None and inside:
            # Ms. Vale called the bill "…" / Ito, referring to them as "…": no reporting verb,
            # the words are the subject's, offered as a partial quote
            who = _partial(before, m.start(), people, last)
            partial = partial or who is not None
        if who is None and starts_sentence and LEADS_IN_VERB.search(before):
            # The WHO's website said: "…" — an attribution to no one we can name
            who = Who(None, why=f"the attribution names no person: “{before.strip()[-80:]}”")
        if who is None and starts_sentence:
            who = thread.continued(index, people)
        if who is None:
            k += 1
            continue
        sentence = sentence_of(paragraph, m.start(), end)
        candidate = Candidate(
            speaker=who.speaker, role=who.role, text=_clean_quote(" ".join(parts)), lang="en",
            context=sentence, kind=_kind_from(sentence), partial=partial,
            unresolved=who.review(),
        )  # fmt: skip
        out.append(candidate)
        thread.saw(who, index, people)
        k += 1
    return out


def _same_speaker(gap: str, who: Who, people: People, offset: int) -> bool:
    """A split quote goes on only through its own speaker: "…," Ishiba said, "…" — never
    through another person's attribution ("…." President Duda remarked, "…")."""
    if len(gap) > WINDOW:
        return False
    for m in NAME_SEQ.finditer(gap):
        other = people.person(m.group(), offset + m.start())
        if other is not None and other.speaker != who.speaker:
            return False
    return True


def _sentence_before(paragraph: str, start: int) -> str:
    """The part of the quote's sentence before it (an earlier quote in it included)."""
    low = max(0, start - WINDOW)
    text = paragraph[low:start]
    cut = max((m.end() for m in re.finditer(r"[.!?][\])]?[\"”]?\s+(?=[\"“A-Z])", text)), default=0)
    return text[cut:]


def _subject(text: str, people: People, offset: int, last: str | None) -> Who | None:
    """The speaker a clause ending just before a reporting verb names. Every name or pronoun
    from which only an appositive, an "of …" phrase or adverbs lead to the verb qualifies
    (Jennifer Lu of Marriage Equality Coalition Taiwan said); a person named in full wins
    over a surname, a bare title (A Republican Assemblywoman, Jill Tolles, said), a single
    unknown word, an organisation and a pronoun, in that order, the leftmost first."""
    ranked: list[tuple[int, int, Who]] = []
    for m in NAME_OR_PRONOUN.finditer(text):
        if not SUBJECT_TAIL.fullmatch(text[m.end() :]):
            continue
        word = m.group()
        if OBJECT_OF.search(text[: m.start()]) and (
            is_organisation(word) or (" " not in word and word not in people.persons)
        ):
            continue  # a spokeswoman for Harbor Hotels / a man at a rally in Vermont
        if re.fullmatch(PRONOUN, word):
            ranked.append((5, m.start(), people.pronoun(word, offset, last)))
            continue
        who = people.person(word, offset + m.start(), single_ok=True)
        if who is not None and who.resolved and not is_title(word.split()[-1]):
            full = " " in who.speaker
            ranked.append((0 if full else 1 if who.speaker != word else 3, m.start(), who))
        elif who is not None:
            ranked.append((2, m.start(), who))
        elif is_organisation(word):
            ranked.append((4, m.start(), Who(word.strip())))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None


def _first_person(text: str, people: People, offset: int, last: str | None) -> Who | None:
    """The sentence's subject for a participle (…, saying "…"): its first person named, or
    a described one (An eyewitness told PA Media …, stating "…" is not PA Media's)."""
    if DESCRIBED_SUBJECT.match(text) or TITLE_ENDS.match(text.split(",")[0]):
        # The then-manager of Harbor Publicity, Colin Marsh, called …: the name in commas
        if (
            (named := APPOSITIVE_NAME.match(text))
            and (
                who := people.person(
                    named.group("name"), offset + named.start("name"), single_ok=True
                )
            )
            and who.resolved
        ):
            return who
        return _described(text)
    # The subject opens the sentence, after at most an opening phrase (In a statement, …):
    # in "It also credited Leonov …, noting" the subject is "It", not Leonov.
    opening = OPENING_PHRASE.match(text)
    if opening:
        text, offset = text[opening.end() :], offset + opening.end()
    m = NAME_OR_PRONOUN.search(text)
    if m is None or re.search(rf"\b(?:{VERBS}|[a-z]+ed)\b", text[: m.start()]):
        return None
    if re.fullmatch(PRONOUN, m.group()):
        return people.pronoun(m.group(), offset, last)
    who = people.person(m.group(), offset + m.start())
    return who if who is not None and who.resolved else None


def _after(
    after: str, offset: int, people: People, last: str | None, closed: bool = False
) -> Who | None:
    """The attribution that follows a quote: "…," Name said / said Name / the title said.
    After a quote that ends its sentence ("….") a new sentence begins: only a lower-case
    continuation (." said Khan / ." she said) or a short "Name said on Monday." sentence of its
    own attributes it — not one that leads into the next quote or reports something else."""
    end = CLAUSE_END.search(after)
    clause = after[: end.start()] if end else after
    if (
        closed
        and not re.match(r"^\s*[a-z]", clause)
        and not (
            (end is None or end.group() not in ("“", '"'))
            and re.fullmatch(
                rf"\s*(?:{NAME})\s+(?:said|says|wrote|writes|added|adds)(?:\s+[\w’'-]+){{0,4}}\s*",
                clause,
            )
        )
    ):
        return None
    if not clause.strip(" ,") or not re.match(r"^[\s,]*(?:—|–|-)?\s*\S", clause):
        return None
    if (m := AFTER_VERB_FIRST.match(clause)) and clause[: m.start("rest")].endswith("ing"):
        return None  # "…", adding Iran will pursue Trump: more of what was said, not who
    if m:
        runs = list(NAME_SEQ.finditer(m.group("rest")))
        for run in runs:
            who = people.person(run.group(), offset + m.start("rest") + run.start())
            if who is not None and (who.resolved or who.role):
                # said Yuna Okabe, 34, a nurse in Minamimachi: the description is the role
                desc = re.match(r"(?:,\s*\d{1,3})?,\s*(?:a|an|the)\s+(?P<d>[^,.;]{2,80})",
                                m.group("rest")[run.end() :])  # fmt: skip
                if desc and who.resolved and not who.role:
                    who.role = desc.group("d").strip()
                    people.roles.setdefault(who.speaker, who.role)
                return who
        for run in runs:
            if is_organisation(run.group()):
                return Who(run.group())
        if p := re.match(rf"\s+(?P<p>{PRONOUN})\b", m.group("rest")):
            return people.pronoun(p.group("p"), offset, last)
        return _described(m.group("rest"))
    verb = VERB_THEN.search(clause)
    if verb and verb.start() < 200:
        head = clause[: verb.start()]
        if AFTER_TITLE.match(clause) and (who := _titled(head, people, named=True)):
            return who
        who = _subject(head.lstrip(" ,"), people, offset, last)
        if who is not None:
            return who
        if re.fullmatch(r"[\s,]*(?:a|an|one|another|the)\s+[a-z][a-z \-]{2,60}", head):
            return _described(head)
    if m := AFTER_ACCORDING.match(clause):
        who = people.person(m.group("name"), offset)
        if who is not None and who.resolved and " " in who.speaker:  # a person, not "NBC"
            return who
    return None


def _titled(head: str, people: People, named: bool = False) -> Who | None:
    """…, the archbishop said: the person last named with that title, else unresolved —
    unless the clause names someone (`named`: then the name decides)."""
    t = TITLE_ENDS.search(head)
    if t is None:
        return _described(head) if DESCRIBED_SUBJECT.match(head) else None
    title = t.group("title")
    if full := people.with_title(title):
        return Who(full, people.roles.get(full))
    if named and NAME_SEQ.search(head):
        return None
    return Who(None, title, why=f"named only as “the {title}”")


def _described(text: str) -> Who | None:
    """ "…," said one resident / an eyewitness said: a speaker described, never named."""
    words = text.strip(" ,").split(",")[0].strip()
    if not DESCRIBED_SUBJECT.match(words):
        return None
    return Who(None, why=f"the speaker is described, not named: “{words[:60]}”")


def _before(before: str, offset: int, people: People, last: str | None) -> Who | None:
    """The attribution that leads into a quote: Name said: “…” / according to Name, “…”."""
    if m := ACCORDING.search(before):
        who = people.person(m.group("name"), offset)
        return who if who is not None and who.resolved and " " in who.speaker else None
    if m := QUOTED_AS_SAYING.search(before):
        who = people.person(m.group("name"), offset - len(before) + m.start("name"))
        return who if who is not None and who.resolved else None
    tail = before.rstrip()
    if not tail.endswith((",", ":")) and not LEADS_IN.search(tail):
        return None
    verbs = list(VERB_THEN.finditer(before))
    for verb in reversed(verbs):
        if len(before) - verb.end() > 120 or re.search(r"[“”\"]", before[verb.end() :]):
            continue
        head = before[: verb.start()].rstrip()
        if (verb.group().endswith("ing") and head.endswith(",")) or head.endswith(" and"):
            # …, saying "…" / Duda characterised it as "crushing" and wrote "…"
            who = _first_person(head, people, offset - len(before), last)
        else:
            who = _subject(head, people, offset - len(before), last) or _titled(head, people)
        if who is not None:
            return who
    if tail.endswith(":") and not verbs:
        # Jo Anne Van Tilburg … disagreed with these findings: "…" — the sentence's subject
        return _first_person(before, people, offset - len(before), last)
    return None


def _partial(before: str, offset: int, people: People, last: str | None) -> Who | None:
    """Who is quoted inside their own sentence: Kirishima called it “x”; Ito, referring to
    them as “x”, left (a participle: the sentence's subject)."""
    for verb in reversed(list(PARTIAL_VERB.finditer(before))):
        if re.search(r"[“”\"]", before[verb.end() :]) or len(before) - verb.end() > 80:
            return None
        head = before[: verb.start()].rstrip()
        if re.search(r"\b(?:is|was|were|are|been|be|being)\s*$", head):
            # Gutierrez was described by the CBCP as “…”: the agent spoke, not the subject
            agent = re.match(rf"\s+by\s+(?:the\s+)?(?P<name>{NAME})", before[verb.end() :])
            if agent is None:
                return None
            who = people.person(agent.group("name"), offset, single_ok=True)
            return who if who is not None and who.resolved else Who(agent.group("name"))
        if verb.group().endswith("ing") and head.endswith(","):
            who = _first_person(head, people, offset - len(before), last)
        else:
            who = _subject(head, people, offset - len(before), last)
        if who is not None:
            return who
    return None


def _clean_quote(text: str) -> str:
    """Drop the comma that closes a quote before its attribution ("…," she said)."""
    text = text.strip()
    return text[:-1].rstrip() + "." if text.endswith(",") else text
