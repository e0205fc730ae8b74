"""Embedded social posts: a paragraph above `— Name (@handle) Month D, YYYY`."""

from __future__ import annotations

import re
from datetime import datetime

from .candidate import Candidate
from .text import is_japanese

EMBED_RE = re.compile(
    r"^\s*[—–-]{1,2}\s*(?P<name>[^(@\n]+?)\s*\((?P<handle>@\w{1,30})\)\s*"
    r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s*$"
)

LINK_TOKEN = re.compile(r"(?:pic\.twitter\.com/|https?://)\S*", re.IGNORECASE)


def body_index(paragraphs: list[str], at: int) -> int:
    return next((j for j in range(at - 1, -1, -1) if paragraphs[j]), -1)


def post(paragraphs: list[str], at: int, embed: re.Match) -> Candidate | None:
    """An embedded social post: the paragraph above `— Name (@handle) Month D, YYYY`."""
    j = body_index(paragraphs, at)
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


def _without_trailing_links(text: str) -> str:
    """A post's text without the links a platform appends (pic.twitter.com/…, t.co/…)."""
    tokens = text.split()
    while tokens and LINK_TOKEN.fullmatch(tokens[-1]):
        tokens.pop()
    if not tokens:
        return ""
    end = text.rfind(tokens[-1]) + len(tokens[-1])
    return text[:end].strip()
