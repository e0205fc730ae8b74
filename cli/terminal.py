"""Terminal output: East-Asian-width-aware wrapping and colour only when it is a terminal."""

from __future__ import annotations

import re
import shutil
import unicodedata
from functools import cache

import click


@cache  # a page of results asks about ten thousand times, of a few hundred characters
def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide CJK counts 2, colour codes 0."""
    text = _ANSI_RE.sub("", text)
    return len(text) if text.isascii() else sum(map(char_width, text))


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap by display columns: CJK breaks anywhere, Latin words are kept whole where possible."""
    avail = max(10, width - display_width(indent))
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, col = "", 0
        for token in _tokens(paragraph):
            w = display_width(token)
            if col + w > avail and line.strip():
                lines.append(indent + line.rstrip())
                token = token.lstrip(" ")
                line, col = "", 0
                w = display_width(token)
            while w > avail:  # a single token longer than a line: hard-break it
                cut, cw = "", 0
                for ch in token:
                    if cw + char_width(ch) > avail:
                        break
                    cut += ch
                    cw += char_width(ch)
                lines.append(indent + cut)
                token = token[len(cut) :]
                w = display_width(token)
            line += token
            col += w
        lines.append(indent + line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Split into breakable pieces: each wide character alone, Latin words with their space."""
    out: list[str] = []
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            word += ch
            out.append(word)
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def term_width() -> int:
    return min(shutil.get_terminal_size((100, 24)).columns, 110)


def style(text: str, **kwargs: object) -> str:
    """click.style; click.echo strips it again when the output is not a terminal."""
    return click.style(text, **kwargs)  # type: ignore[arg-type]
