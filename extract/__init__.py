"""Quote extraction: a news article (text or HTML, English or Japanese) → candidate statements.

Rule-based on purpose: every candidate must be explainable by the sentence it came from (its
`context`), and a person reviews the list before importing it. What is not a direct quote —
indirect speech, "according to" paraphrases, 「」 around the name of a thing — is left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from . import abbreviations, english, japanese, posts
from .candidate import Candidate
from .limits import MAX_SIGNATURE, ExtractionTooSlow, deadline
from .people import People, Thread
from .text import JA_SCRIPT, html_to_text, is_japanese, looks_like_html, page_title

__all__ = ["ExtractionTooSlow", "article_source", "extract"]


def article_source(
    article: str, url: str | None = None, title: str | None = None, publisher: str | None = None
) -> dict | None:
    """The `source` every candidate gets: what was given, the HTML <title> if no title."""
    given = (("url", url), ("title", title or page_title(article)), ("publisher", publisher))
    source = {key: value for key, value in given if value}
    return source or None


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
    tick = deadline(budget)
    text = html_to_text(article) if looks_like_html(article) else article
    paragraphs = _join_open_quotes([p.strip() for p in text.replace("\r\n", "\n").split("\n")])
    people = People()
    thread = Thread()
    found: list[Candidate] = []
    embeds = {
        i: m
        for i, p in enumerate(paragraphs)
        if len(p) <= MAX_SIGNATURE and (m := posts.EMBED_RE.match(p))
    }
    post_bodies = {posts.body_index(paragraphs, i) for i in embeds}
    n = -1  # the paragraph's number among non-empty ones: a blank line is not a paragraph
    headline = _headline(paragraphs)
    for i, paragraph in enumerate(paragraphs):
        if not paragraph or i in post_bodies or i == headline:
            continue  # a headline is never a speaker, and its words are no one's names
        n += 1
        if i in embeds:
            post = posts.post(paragraphs, i, embeds[i])
            if post:
                found.append(post)
            continue
        tick()
        if is_japanese(paragraph):
            people.scan(paragraph, n)
            japanese.scan(paragraph, people)
            found.extend(japanese.quotes(paragraph, n, people, thread, tick))
        else:  # "…," Mr. Rowe said: an abbreviation's period ends no clause (abbreviations.py)
            masked = abbreviations.mask(paragraph)
            people.scan(masked, n)
            lead = abbreviations.mask(_colon_lead(paragraphs, i))
            found.extend(english.quotes(masked, n, people, thread, tick, lead))
    return [_record(_restored(c), default_date, known_speaker, source) for c in found]


def _restored(c: Candidate) -> Candidate:
    """A candidate read from a masked paragraph, with its abbreviations' periods back."""
    fix = abbreviations.restore
    c.text, c.context = fix(c.text), fix(c.context)
    c.speaker = fix(c.speaker) if c.speaker else c.speaker
    c.role = fix(c.role) if c.role else c.role
    c.aliases = [fix(a) for a in c.aliases]
    if c.unresolved is not None:
        c.unresolved = json.loads(fix(json.dumps(c.unresolved, ensure_ascii=False)))
    return c


def _headline(paragraphs: list[str]) -> int | None:
    """The index of the article's headline: a first line in title case without a closing
    period ("Governor Flies Into Ohio As Party Grows Nervous"), if it has one. Read as a
    sentence, its capitalised words made a person who then took the article's quotes."""
    first = next((i for i, p in enumerate(paragraphs) if p), None)
    if first is None or first + 1 >= len(paragraphs):
        return None
    line = paragraphs[first]
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    if line.endswith((".", "”", '"')) or len(words) < 3 or len(line) > 200:
        return None
    capitalised = sum(w[0].isupper() for w in words)
    return first if capitalised >= 0.8 * len(words) else None


def _colon_lead(paragraphs: list[str], i: int) -> str:
    """The paragraph before a quote that opens its own paragraph, if it leads in with a colon."""
    if not paragraphs[i].startswith(('"', "“")):
        return ""
    previous = next((p for p in reversed(paragraphs[:i]) if p), "")
    return previous if previous.endswith(":") else ""


def _join_open_quotes(lines: list[str]) -> list[str]:
    """A quote that runs over several paragraphs (an opening mark with no closing one at the
    paragraph's end, the next paragraph opening again) becomes one paragraph."""
    out: list[str] = []
    for line in lines:
        if out and _open_quote(out[-1]) and line:
            joined = line[1:] if line[:1] in '“"' and _open_quote(line) else line
            out[-1] = f"{out[-1]} {joined}"
        else:
            out.append(line)
    return out


def _open_quote(paragraph: str) -> bool:
    return paragraph.count("“") > paragraph.count("”") or paragraph.count('"') % 2 == 1


def _record(
    c: Candidate,
    default_date: str | None,
    known_speaker: Callable[[str], str | None] | None,
    source: dict | None,
) -> dict:
    record: dict = {"speaker": _speaker(c, known_speaker)}
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
    if c.unresolved is not None:
        # Never guess: the reviewer names the speaker; import refuses the record until then.
        record["review"] = {"speaker": {"status": "unresolved", **c.unresolved}}
    return record


def _speaker(c: Candidate, known_speaker: Callable[[str], str | None] | None) -> dict | None:
    if c.speaker is None:
        return None
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
    return speaker
