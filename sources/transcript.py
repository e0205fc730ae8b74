"""Transcripts with speaker markers, plain text or HTML (a press conference page, minutes).

Each turn (a marker and the lines up to the next marker) becomes one statement, in order. The
styles read:
- the Diet's minutes: `○山田太郎君　…`, `○石破内閣総理大臣　…`;
- press conferences: `【記者】…`, `（石破総理）` on its own line or before the text;
- English transcripts: `Q:` / `A:` / `PRIME MINISTER:` / `MR. LEE:` (capitals), and any
  marker mapped with --speaker ending in a colon.
A question (Q, 記者, 質問 …) is kept as the context of the answer after it; a moderator's turns
(司会, 内閣広報官, MODERATOR) are left out and counted. Source, date and event come from the
command line (--source-url, --date, --event).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hatsugen.archive.errors import RecordError
from hatsugen.archive.store import Located

from . import Reader, read_text, where
from .markers import Turns, is_stage_direction, role_of

_DIET = re.compile(r"^[○◯](?P<m>[^\s　]{1,40}?)(?:君)?(?:[\s　]+(?P<t>.*))?$")
_BRACKET = re.compile(r"^【(?P<m>[^】]{1,40})】[\s　]*(?P<t>.*)$")
_PAREN = re.compile(r"^[（(](?P<m>[^）)]{1,40})[）)][\s　]*(?P<t>.*)$")
_CAPS = re.compile(r"^(?P<m>Q|A|[A-Z][A-Z.'’\- ]{1,40}[A-Z.])\s*[:：]\s*(?P<t>.*)$")
# What a transcript page holds besides the transcript (read as the extractor reads pages).
_NOT_SAID = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer"})


class TranscriptReader(Reader):
    def read(self, path: str) -> Iterator[Located]:
        from hatsugen.extract.text import html_lines, looks_like_html  # HTML pages only

        text = read_text(path)
        lines = (html_lines(text, skip=_NOT_SAID) if looks_like_html(text)
                 else list(enumerate(text.split("\n"), 1)))  # fmt: skip
        turns = Turns(self.options)
        current: tuple[str, int, list[str]] | None = None  # marker, line, text lines
        found = False

        def finish() -> Iterator[Located]:
            if current is None:
                return
            marker, line, body = current
            said = "\n".join(x for x in body if x).strip()
            what, who = role_of(marker, self.options)
            if what == "skip":
                self.skipped[who] += 1
            elif what == "question":
                turns.question = said or None
            elif not said:
                yield RecordError(f"the turn of {marker!r} has no words", "text",
                                  source=path, line=line), None  # fmt: skip
            else:
                yield (
                    turns.record(marker, who, said),
                    where(path, line=line, part=f"marker {marker!r}"),
                )

        for number, line in lines:
            marker, rest = self._marker(line)
            if marker is None:
                if current is None:
                    if line.strip():
                        self.skipped["lines before the first speaker marker"] += 1
                    continue
                current[2].append(line.strip())
                continue
            found = True
            yield from finish()
            current = (marker, number, [rest.strip()] if rest else [])
        yield from finish()
        if not found:
            raise RecordError(
                "has no speaker markers (○名前君, 【記者】, （石破総理）, Q:, PRIME MINISTER:);"
                " see docs/sources.md", source=path,
            )  # fmt: skip

    def _marker(self, line: str) -> tuple[str | None, str]:
        stripped = line.strip()
        for pattern in (_DIET, _BRACKET, _PAREN, _CAPS):
            m = pattern.match(stripped)
            if m and not (pattern is _PAREN and is_stage_direction(m["m"])):
                return m["m"].strip(), m["t"] or ""
        head, colon, rest = stripped.partition(":")
        if not colon:
            head, colon, rest = stripped.partition("：")
        if colon and head and self.options.speaker_for(head):
            return head.strip(), rest
        return None, stripped
