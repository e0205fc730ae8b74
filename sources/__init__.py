"""Readers of real source formats: each turns a file into records in the import format.

`hatsugen import --from FORMAT` (and the web import) read files through `reader(FORMAT)`. A
reader only parses: it yields records with the place they came from (file, line, cue,
speechRecord), or a RecordError in place of a record it cannot read, and the store validates,
resolves speakers and writes all of them in one transaction like any other import. What a
format leaves out on purpose (the Diet's procedural lines, a moderator) is counted in
`skipped`, never silently dropped. docs/sources.md describes each format.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hatsugen.archive.errors import RecordError
from hatsugen.archive.formats import decode, read_records
from hatsugen.archive.store import Located

FORMATS = ("json", "kokkai", "transcript", "vtt", "srt")
# The formats whose speakers are markers in the text (PRIME MINISTER:, <v Lee>): a marker that
# is not exactly an archived speaker is listed, never taken for a new person unless the user
# says so (--new-speakers) or maps it (--speaker MARKER=ID).
MARKED_FORMATS = ("transcript", "vtt", "srt")


@dataclass(frozen=True)
class SourceOptions:
    """What the file does not say, given by the user (the same options for every format)."""

    date: str | None = None
    event: str | None = None
    event_id: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    publisher: str | None = None
    media_url: str | None = None
    lang: str | None = None
    kind: str | None = None
    # marker → speaker id or exact name; "-" skips the marker's turns, "?" makes them the
    # question (context) of the next statement.
    speakers: tuple[tuple[str, str], ...] = ()
    default_speaker: str | None = None  # for unmarked subtitles of a one-speaker video

    def speaker_for(self, marker: str) -> str | None:
        wanted = _marker_key(marker)
        return next((s for m, s in self.speakers if _marker_key(m) == wanted), None)

    def source(self) -> dict | None:
        out = {"url": self.source_url, "title": self.source_title, "publisher": self.publisher,
               "date": self.date}  # fmt: skip
        out = {k: v for k, v in out.items() if v}
        return out if self.source_url or self.source_title else None


def _marker_key(marker: str) -> str:
    return " ".join(marker.split()).casefold()


@dataclass
class Reader:
    """A format's reader; `skipped` counts what it left out, and why."""

    options: SourceOptions = field(default_factory=SourceOptions)
    skipped: Counter = field(default_factory=Counter)

    def read(self, path: str) -> Iterator[Located]:
        raise NotImplementedError

    def notes(self) -> list[str]:
        return [f"{count} × {why}" for why, count in self.skipped.items()]


class JsonReader(Reader):
    def read(self, path: str) -> Iterator[Located]:
        yield from read_records(path)


def reader(fmt: str, options: SourceOptions | None = None) -> Reader:
    """The reader of format `fmt` (one of FORMATS)."""
    from .kokkai import KokkaiReader
    from .subtitles import SrtReader, VttReader
    from .transcript import TranscriptReader

    kinds = {"json": JsonReader, "kokkai": KokkaiReader, "transcript": TranscriptReader,
             "vtt": VttReader, "srt": SrtReader}  # fmt: skip
    if fmt not in kinds:
        raise RecordError(f"{fmt!r} is not one of: {', '.join(FORMATS)}", "from")
    return kinds[fmt](options or SourceOptions())


def read_text(path: str) -> str:
    """A whole text file ('-' for stdin), UTF-8 (with or without BOM), as one string with
    newlines as \\n; the line of an undecodable byte is named."""
    name = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise RecordError(f"cannot read: {err.strerror}", source=path) from None
    text = decode(data, name, 1, bom=True)
    if isinstance(text, RecordError):
        raise text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def where(path: str, *, line: int | None = None, part: str | None = None) -> RecordError:
    """The place a record came from, as the store names it in a message."""
    return RecordError("", source="<stdin>" if path == "-" else path, line=line, part=part)
