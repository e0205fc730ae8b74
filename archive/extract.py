"""Quote extraction: a news article (text or HTML, English or Japanese) → candidate statements.

Rule-based on purpose: every candidate must be explainable by the sentence it came from (its
`context`), and a person reviews the list before importing it. What is not a direct quote —
indirect speech, "according to" paraphrases, 「」 around the name of a thing — is left out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from .errors import ArchiveError


class ExtractionTooSlow(ArchiveError):
    """An article took longer than its time budget: the caller answers clearly, never hangs."""


def _deadline(budget: float | None) -> Callable[[], None]:
    """A check to call as work goes on; raises ExtractionTooSlow once `budget` s have passed."""
    if budget is None:
        return lambda: None
    end = time.monotonic() + budget

    def check() -> None:
        if time.monotonic() > end:
            raise ExtractionTooSlow(
                f"the article took longer than {budget:g} s to analyse; paste a shorter part"
            )

    return check


# -- English vocabulary ----------------------------------------------------------------------
VERBS = (
    "said|says|told|tells|added|adds|stressed|stresses|noted|notes|wrote|writes|explained|"
    "insisted|argued|warned|declared|announced|asked|replied|continued|emphasised|emphasized|"
    "remarked|observed|recalled|acknowledged|admitted|posted|tweeted|concluded|urged|"
    "explains|insists|argues|warns|recalls|adds"
)
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
TITLED_NAME = re.compile(
    rf"(?P<title>(?:(?:[A-Z][a-z]+\s+){{0,2}})(?:{TITLES}))\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}})"
)
LEADING_TITLE = re.compile(rf"^(?P<title>{TITLES})\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD})*)$")
EMBED_RE = re.compile(
    r"^\s*[—–-]{1,2}\s*(?P<name>[^(@\n]+?)\s*\((?P<handle>@\w{1,30})\)\s*"
    r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s*$"
)
LINK_TOKEN = re.compile(r"(?:pic\.twitter\.com/|https?://)\S*", re.IGNORECASE)
# Every pattern here runs on pasted text, so none may backtrack more than a bounded amount:
# attributions are looked for within WINDOW characters of their quote, embed signatures only
# on short lines, and trailing links are taken off token by token instead of by one pattern
# with nested repetition (which took minutes on "http://http://…").
WINDOW = 400
MAX_SIGNATURE = 300
NOT_NAMES = {"The", "This", "That", "It", "We", "I", "They", "He", "She", "But", "And", "In",
             "On", "At", "Yet", "Both", "Despite", "Together", "For", "As"}  # fmt: skip

# -- Japanese vocabulary ---------------------------------------------------------------------
JA_VERBS = (
    "述べ|語っ|語り|語る|話し|話す|強調し|批判し|明らかにし|訴え|説明し|指摘し|強調|表明し|"
    "呼びかけ|呼び掛け|答え|記し|投稿し|発言し|主張し|振り返っ|振り返り|明かし|力を込め|"
    "意気込ん|念を押し|嘆い|喜び|喜ん|笑顔を見せ|コメントし|発表し|打ち明け|強調した"
)
JA_TITLES = (
    "首相|大統領|副大統領|市長|副市長|知事|議員|大臣|外相|防衛相|財務相|官房長官|長官|"
    "代表|委員長|会長|社長|議長|国務長官|大使|教授|氏|さん|容疑者"
)
JA_QUOTE_RE = re.compile(r"「([^「」]+)」と(も)?(?:" + JA_VERBS + ")")
# The subject before a quote: a run of kanji/katakana (a name, maybe with its title fused on),
# then an optional さん/氏 and age, then は or が. Hiragana ends the run, so 反対した森本 → 森本.
JA_SPEAKER_RE = re.compile(
    r"(?P<name>[一-龥々ァ-ヶー・]{1,14})(?P<honorific>さん|氏)?"
    r"(?:\s*[（(][0-9０-９]{1,3}[）)])?(?:は|が)"
)
JA_TITLE_SUFFIX = re.compile("(?P<title>" + JA_TITLES + ")$")
JA_PRONOUNS = {"彼", "彼女", "同氏"}
JA_SCRIPT = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

PARTIAL_MAX_WORDS = 5


@dataclass
class Candidate:
    speaker: str
    text: str
    lang: str
    context: str
    role: str | None = None
    date: str | None = None
    kind: str = "remarks"
    aliases: list[str] = field(default_factory=list)
    partial: bool = False
    position: int = 0


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: blocks become lines, scripts and styles vanish."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.out).split("\n")]
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "blockquote",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "header",
            "footer",
            "tr",
            "figcaption",
            "pre",
        }
    )
    SKIP = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[override]
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        if not self.skipping:
            self.out.append(data)


def page_title(article: str) -> str | None:
    """The <title> of an HTML article, if it is one."""
    if not looks_like_html(article):
        return None
    parser = _TextParser()
    parser.feed(article)
    return parser.title.strip() if parser.title and parser.title.strip() else None


def article_source(
    article: str, url: str | None = None, title: str | None = None, publisher: str | None = None
) -> dict | None:
    """The `source` every candidate gets: what was given, the HTML <title> if no title."""
    given = (("url", url), ("title", title or page_title(article)), ("publisher", publisher))
    source = {key: value for key, value in given if value}
    return source or None


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(html|body|p|div|article|br)\b", text[:5000], re.IGNORECASE))


def is_japanese(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(JA_SCRIPT.match(c)) for c in letters) > len(letters) / 3


def _without_trailing_links(text: str) -> str:
    """A post's text without the links a platform appends (pic.twitter.com/…, t.co/…)."""
    tokens = text.split()
    while tokens and LINK_TOKEN.fullmatch(tokens[-1]):
        tokens.pop()
    if not tokens:
        return ""
    end = text.rfind(tokens[-1]) + len(tokens[-1])
    return text[:end].strip()


def _sentence_of(paragraph: str, start: int, end: int) -> str:
    """The sentence(s) around [start, end) in a paragraph, as context (within WINDOW)."""
    low, high = max(0, start - WINDOW), min(len(paragraph), end + WINDOW)
    left = max(paragraph.rfind(". ", low, start), paragraph.rfind("。", low, start))
    found = [
        i for i in (paragraph.find(". ", end, high), paragraph.find("。", end, high)) if i >= 0
    ]
    right = min(found) + 1 if found else high
    return paragraph[left + 1 if left >= 0 else low : right].strip()


class _People:
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


def extract(
    article: str,
    *,
    default_date: str | None = None,
    known_speaker: Callable[[str], str | None] | None = None,
    source: dict | None = None,
    budget: float | None = None,
) -> list[dict]:
    """Candidate statements in the import format, each with its `context`, in article order.

    `known_speaker(name)` returns an archive speaker id for a name, alias or handle, if any.
    `budget` (seconds) bounds the work: ExtractionTooSlow past it.
    """
    tick = _deadline(budget)
    text = html_to_text(article) if looks_like_html(article) else article
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n")]
    people = _People()
    found: list[Candidate] = []
    embeds = {
        i: m
        for i, p in enumerate(paragraphs)
        if len(p) <= MAX_SIGNATURE and (m := EMBED_RE.match(p))
    }
    post_bodies = {_body_index(paragraphs, i) for i in embeds}
    for i, paragraph in enumerate(paragraphs):
        if not paragraph or i in post_bodies:
            continue
        if i in embeds:
            post = _post(paragraphs, i, embeds[i])
            if post:
                found.append(post)
            continue
        tick()
        people.scan(paragraph)
        if is_japanese(paragraph):
            found.extend(_japanese(paragraph, people, tick))
        else:
            found.extend(_english(paragraph, people, tick))
    return [_record(c, default_date, known_speaker, source) for c in found]


def _body_index(paragraphs: list[str], at: int) -> int:
    return next((j for j in range(at - 1, -1, -1) if paragraphs[j]), -1)


def _post(paragraphs: list[str], at: int, embed: re.Match) -> Candidate | None:
    """An embedded social post: the paragraph above `— Name (@handle) Month D, YYYY`."""
    j = _body_index(paragraphs, at)
    body = paragraphs[j] if j >= 0 else ""
    body = _without_trailing_links(body)
    if not body:
        return None
    try:
        date = datetime.strptime(embed.group("date").replace(".", ""), "%B %d, %Y")
    except ValueError:
        try:
            date = datetime.strptime(embed.group("date").replace(".", ""), "%b %d, %Y")
        except ValueError:
            date = None
    return Candidate(
        speaker=embed.group("name").strip(),
        text=body,
        lang="ja" if is_japanese(body) else "en",
        context=paragraphs[at].strip(),
        date=date.strftime("%Y-%m-%d") if date else None,
        kind="post",
        aliases=[embed.group("handle")],
        position=at,
    )


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


def _english(paragraph: str, people: _People, tick: Callable[[], None]) -> list[Candidate]:
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
        sentence = _sentence_of(paragraph, m.start(), end)
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


def _attribution_after(after: str, people: _People) -> tuple[str, str | None] | None:
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


def _attribution_before(before: str, people: _People) -> tuple[str | None, str | None]:
    m = BEFORE.search(before) or ACCORDING.search(before)
    if not m:
        return None, None
    return people.named(m.group("name"), (m.group("title") or "").strip() or None)


def _partial_speaker(before: str, people: _People) -> tuple[str | None, str | None]:
    """Who is quoted in a few words inside their own sentence: Kirishima called it “x”."""
    sentence = re.split(r"(?<=[.!?])\s+", before)[-1]
    m = PARTIAL_BEFORE.search(sentence)
    return people.named(m.group("name")) if m else (None, None)


def _clean_quote(text: str) -> str:
    """Drop the comma that closes a quote before its attribution ("…," she said)."""
    text = text.strip()
    return text[:-1].rstrip() + "." if text.endswith(",") else text


def _japanese(paragraph: str, people: _People, tick: Callable[[], None]) -> list[Candidate]:
    out: list[Candidate] = []
    last: Candidate | None = None
    for m in JA_QUOTE_RE.finditer(paragraph):
        tick()
        low = max(0, m.start() - WINDOW)
        sentence_start = max(paragraph.rfind("。", low, m.start()) + 1, low)
        # The subject is outside quotes: 「日本は…」と述べ、「…」 must not make 日本 a speaker.
        before = re.sub(r"「[^「」]*」", "", paragraph[sentence_start : m.start()])
        subjects = list(JA_SPEAKER_RE.finditer(before))
        speaker = role = None
        if subjects:
            name = subjects[-1].group("name")
            title = JA_TITLE_SUFFIX.search(name)
            if title and len(name) > len(title.group()):
                name = name[: -len(title.group())]
            if name in JA_PRONOUNS:
                speaker = people.last
            else:
                speaker = people.saw(people.resolve(name), title.group() if title else None)
            role = people.roles.get(speaker or "")
        if speaker is None and (
            m.group(2) or last is not None
        ):  # 「…」とも語り: the same speaker goes on
            speaker, role = (last.speaker, last.role) if last else (people.last, None)
        if not speaker:
            continue
        end = paragraph.find("。", m.end(), m.end() + WINDOW)
        context = paragraph[sentence_start : end + 1 if end >= 0 else m.end() + WINDOW].strip()
        candidate = Candidate(speaker=speaker, role=role, text=m.group(1).strip(), lang="ja",
                              context=context, position=0)  # fmt: skip
        out.append(candidate)
        last = candidate
    return out


def _record(
    c: Candidate,
    default_date: str | None,
    known_speaker: Callable[[str], str | None] | None,
    source: dict | None,
) -> dict:
    name_lang = "ja" if JA_SCRIPT.search(c.speaker) else "en"
    speaker: dict = {"name": {name_lang: c.speaker}}
    if c.aliases:
        speaker["aliases"] = c.aliases
    if known_speaker is not None:
        for key in [c.speaker, *c.aliases]:
            sid = known_speaker(key)
            if sid:
                speaker["id"] = sid
                break
    record: dict = {"speaker": speaker}
    if c.role:
        record["role"] = c.role
    date = c.date or default_date
    if date:
        record["date"] = date
    record.update({"kind": c.kind, "lang": c.lang})
    if c.kind != "post":
        # A news article's quote may be the speaker's words, a translation or a tidied
        # version; only a reviewer can say which. An embedded post is the speaker's own text.
        record["wording"] = "quoted"
    record["text"] = c.text
    if source:
        record["source"] = source
    record["context"] = c.context
    if c.partial:
        record["notes"] = "partial quote: a few words quoted inside a sentence"
    return record
