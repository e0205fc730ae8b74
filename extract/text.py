"""Article text: HTML reduced to lines, the page title, which script a paragraph is in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .limits import WINDOW

JA_SCRIPT = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


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


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(html|body|p|div|article|br)\b", text[:5000], re.IGNORECASE))


def is_japanese(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(JA_SCRIPT.match(c)) for c in letters) > len(letters) / 3


def sentence_of(paragraph: str, start: int, end: int) -> str:
    """The sentence(s) around [start, end) in a paragraph, as context (within WINDOW)."""
    low, high = max(0, start - WINDOW), min(len(paragraph), end + WINDOW)
    left = max(paragraph.rfind(". ", low, start), paragraph.rfind("。", low, start))
    found = [
        i for i in (paragraph.find(". ", end, high), paragraph.find("。", end, high)) if i >= 0
    ]
    right = min(found) + 1 if found else high
    return paragraph[left + 1 if left >= 0 else low : right].strip()
