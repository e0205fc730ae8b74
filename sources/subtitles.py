"""Subtitles and speech-to-text output: WebVTT and SubRip (SRT).

The speaker of a cue is its WebVTT voice tag (`<v Lee Jae-myung>`) or a `NAME:` prefix
(capitals, `Speaker 1:`, `SPEAKER_00:`, a CJK name before `：`, or any marker mapped with
--speaker); a cue without one continues the previous speaker (subtitles mark only changes),
and the first needs --speaker NAME if it has none. Consecutive cues of one speaker become one
statement, with the start of the first and the end of the last as `media` on --media-url.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hatsugen.archive.errors import RecordError
from hatsugen.archive.store import Located

from . import Reader, read_text, where
from .markers import Turns, language_of, role_of

_VTT_TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_SRT_TIME = r"(\d+):([0-5]\d):([0-5]\d)[,.](\d{3})"
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")
_NAME = re.compile(
    r"^(?P<m>[A-Z][A-Z.'’\- ]{0,38}[A-Z.]|[Ss]peaker[ _]?\d{1,3}|SPEAKER_\d{1,3}"
    r"|[\u3040-\u30ff\u3400-\u9fff]{1,12})\s*[:：]\s*(?P<t>.*)$",
    re.S,
)


@dataclass
class Cue:
    number: int  # counted from 1 in the file
    line: int
    start: float
    end: float
    text: str
    voice: str | None


def _seconds(groups: tuple) -> float:
    hours, minutes, seconds, millis = groups
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


class _SubtitleReader(Reader):
    timing: re.Pattern

    def read(self, path: str) -> Iterator[Located]:
        if not self.options.media_url:
            raise RecordError("subtitles are times in a recording: give its address with"
                              " --media-url", "media_url", source=path)  # fmt: skip
        cues = list(self._cues(read_text(path), path))
        if not cues:
            raise RecordError("has no cues", source=path)
        turns = Turns(self.options)
        group: list[Cue] = []
        speaker: str | None = None
        for cue in cues:
            if isinstance(cue, RecordError):
                yield cue, None
                continue
            marker, text = self._speaker(cue)
            if marker is None:
                if speaker is None:
                    speaker = self.options.default_speaker
                if speaker is None:
                    yield RecordError(
                        "names no speaker (no <v Name> voice tag or NAME: prefix); give"
                        " --speaker NAME for the unmarked cues", "speaker", source=path,
                        line=cue.line, part=f"cue {cue.number}",
                    ), None  # fmt: skip
                    continue
                marker = speaker
            if group and marker != speaker:
                yield from self._statement(turns, speaker, group, path)
                group = []
            speaker = marker
            group.append(Cue(cue.number, cue.line, cue.start, cue.end, text, marker))
        if group and speaker is not None:
            yield from self._statement(turns, speaker, group, path)

    def _speaker(self, cue: Cue) -> tuple[str | None, str]:
        if cue.voice:
            return cue.voice, cue.text
        m = _NAME.match(cue.text)
        if m is None:
            head, colon, rest = cue.text.partition(":")
            if colon and self.options.speaker_for(head):
                return head.strip(), rest.strip()
            return None, cue.text
        return m["m"].strip(), m["t"].strip()

    def _statement(
        self, turns: Turns, marker: str, cues: list[Cue], path: str
    ) -> Iterator[Located]:
        what, who = role_of(marker, self.options)
        first = cues[0]
        text = ("" if language_of(first.text, self.options) == "ja" else " ").join(
            c.text for c in cues if c.text
        )
        if what == "skip":
            self.skipped[who] += 1
            return
        if what == "question":
            turns.question = text
            return
        record = turns.record(marker, who, text)
        record["media"] = {"url": self.options.media_url, "start": first.start,
                           "end": max(c.end for c in cues)}  # fmt: skip
        cue_range = f"cue {first.number}" + (f"–{cues[-1].number}" if len(cues) > 1 else "")
        yield record, where(path, line=first.line, part=f"{cue_range}, speaker {marker!r}")

    def _cues(self, text: str, path: str) -> Iterator[Cue | RecordError]:
        raise NotImplementedError

    def _read_cue(self, lines: list[tuple[int, str]], number: int, path: str) -> Cue | RecordError:
        try:
            return self._cue(lines, number, path)
        except RecordError as err:
            return err

    def _cue(self, lines: list[tuple[int, str]], number: int, path: str) -> Cue:
        """A cue from its lines (an optional id line, the timing line, the text)."""
        at = next((i for i, (_, line) in enumerate(lines) if "-->" in line), None)
        if at is None or at > 1:
            raise RecordError("has no timing line (start --> end)", "timing", source=path,
                              line=lines[0][0], part=f"cue {number}")  # fmt: skip
        line_no, timing = lines[at]
        m = re.match(rf"\s*{self.timing.pattern}\s*-->\s*{self.timing.pattern}", timing)
        if m is None:
            raise RecordError(f"{timing.strip()!r} is not a timing like"
                              f" {self.example} --> {self.example}", "timing", source=path,
                              line=line_no, part=f"cue {number}")  # fmt: skip
        start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        if end < start:
            raise RecordError(f"ends ({end:.3f} s) before it starts ({start:.3f} s)", "timing",
                              source=path, line=line_no, part=f"cue {number}")  # fmt: skip
        raw = "\n".join(line for _, line in lines[at + 1 :])
        voice = _VOICE.search(raw)
        words = html.unescape(_TAG.sub("", raw))
        words = " ".join(w.strip() for w in words.split("\n") if w.strip())
        return Cue(number, line_no, start, end, words, voice[1].strip() if voice else None)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Blank-line separated blocks, each line with its number."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


class VttReader(_SubtitleReader):
    timing = re.compile(_VTT_TIME)
    example = "00:01:02.500"

    def _cues(self, text: str, path: str) -> Iterator[Cue | RecordError]:
        blocks = list(_blocks(text))
        if not blocks or not blocks[0][0][1].startswith("WEBVTT"):
            raise RecordError("is not WebVTT: the first line must be WEBVTT", source=path, line=1)
        number = 0
        for block in blocks[1:]:  # the first is the WEBVTT header
            head = block[0][1]
            if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
                continue
            number += 1
            yield self._read_cue(block, number, path)


class SrtReader(_SubtitleReader):
    timing = re.compile(_SRT_TIME)
    example = "00:01:02,500"

    def _cues(self, text: str, path: str) -> Iterator[Cue | RecordError]:
        for number, block in enumerate(_blocks(text), 1):
            yield self._read_cue(block, number, path)
