"""Article text: HTML reduced to lines, the page title, which script a paragraph is in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .limits import WINDOW

JA_SCRIPT = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: blocks become lines, scripts and styles vanish."""
    return "\n".join(line for _, line in html_lines(html))


def html_lines(html: str, skip: frozenset[str] | None = None) -> list[tuple[int, str]]:
    """The readable lines of an HTML page, each with the line of the HTML it starts on (so a
    reader of the page can be told where). `skip`: the elements whose text is left out."""
    parser = _TextParser(skip)
    parser.feed(html)
    parser.close()
    out: list[tuple[int, str]] = []
    start, parts = 0, []  # the line being gathered: where it starts, its pieces

    def flush() -> None:
        line = re.sub(r"[ \t\u00a0]+", " ", "".join(parts)).strip()
        if line:
            out.append((start, line))
        parts.clear()

    for at, piece in parser.out:
        for i, part in enumerate(piece.split("\n")):
            if i:
                flush()
            if part:
                start = start if parts else at + i  # a newline in the text is one in the HTML
                parts.append(part)
    flush()
    return out


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

    def __init__(self, skip: frozenset[str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = self.SKIP if skip is None else skip
        self.out: list[tuple[int, str]] = []  # (line in the HTML, text or a block's newline)
        self.skipping = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[override]
        if tag == "title":
            self._in_title = True
        if tag in self.skip:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append((self.getpos()[0], "\n"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.skip and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.out.append((self.getpos()[0], "\n"))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        if not self.skipping:
            self.out.append((self.getpos()[0], data))


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
