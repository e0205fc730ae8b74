"""Speaker markers in transcripts and subtitles, and what a turn becomes.

A marker is what a transcript writes before a turn: ○山田太郎君 (the Diet's minutes),
【記者】 or （石破総理） (a press conference), Q: or PRIME MINISTER: (an English transcript),
<v Lee> or NAME: (subtitles). Who the marker means is never guessed: the user maps it
(`--speaker MARKER=ID`), or it is exactly an archived speaker's name or id; anything else is
listed by the store as a speaker it does not know.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from hatsugen.archive.records import event_key

from . import SourceOptions

# A question from the floor: its text becomes the context of the answer that follows.
QUESTIONS = {"q", "question", "質問", "記者", "問", "reporter", "質問者"}
# Who runs the meeting: procedure, left out (and counted) unless mapped to a speaker.
MODERATORS = {"司会", "司会者", "内閣広報官", "moderator", "議長", "委員長", "chair"}
SKIP, QUESTION = "-", "?"
# A parenthesised stage direction is text, not a marker: （拍手） （発言する者あり）
_STAGE = re.compile(r"拍手|笑|発言する者|議場|速記|休憩|散会|退席|着席|登壇|起立|聴取不能|不規則")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def language_of(text: str, options: SourceOptions) -> str:
    """The language a turn is in: --lang, else Japanese for text with kana or kanji."""
    return options.lang or ("ja" if _JAPANESE.search(text) else "en")


def is_stage_direction(marker: str) -> bool:
    return bool(_STAGE.search(marker))


def role_of(marker: str, options: SourceOptions) -> tuple[str, str | None]:
    """What a marker's turns are: ("speaker", id-or-name), ("question", None) or
    ("skip", why)."""
    mapped = options.speaker_for(marker)
    if mapped == SKIP:
        return "skip", f"turns of {marker!r} (mapped to -)"
    if mapped == QUESTION:
        return "question", None
    if mapped:
        return "speaker", mapped
    key = marker.casefold().strip()
    if key in QUESTIONS:
        return "question", None
    if key in MODERATORS:
        return "skip", f"moderator's turns ({marker}); map --speaker '{marker}=ID' to keep them"
    return "speaker", marker


@dataclass
class Turns:
    """Turns in order, made into records with stable ids and the event's place.

    A turn's id comes from the event, its speaker marker, its text and how many times the
    same speaker said the same text before in this event: reading the file again gives the
    same ids (nothing changes), and a turn inserted later does not shift the others' ids
    (only their `order`)."""

    options: SourceOptions
    order: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    question: str | None = None

    def record(self, marker: str, speaker: str, text: str) -> dict:
        o = self.options
        record: dict = {"speaker": speaker, "lang": language_of(text, o), "text": text}
        for name in ("date", "kind", "event", "event_id"):
            if getattr(o, name):
                record[name] = getattr(o, name)
        if source := o.source():
            record["source"] = source
        if self.question:
            record["context"] = self.question
            self.question = None
        self.order += 1
        record["order"] = self.order
        key = event_key(record) or "t"
        digest_of = json.dumps([key, marker, text], ensure_ascii=False)
        repeat = self.seen[digest_of] = self.seen.get(digest_of, 0) + 1
        digest = hashlib.sha256(f"{digest_of}{repeat}".encode()).hexdigest()[:10]
        record["id"] = f"{key[:100]}-{digest}"
        return record
