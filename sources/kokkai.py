"""The National Diet Library's minutes API (kokkai.ndl.go.jp/api), as saved from it.

Reads a response of `/api/speech` (`speechRecord` at the top) or `/api/meeting`
(`meetingRecord`s holding their `speechRecord`s), one response per file. Each speech becomes a
statement with the NDL's own ids (`kokkai-<speechID>`, event `kokkai-<issueID>`), its order
in the meeting, the house, committee, session and issue, the speaker's name and reading, and
the role and parliamentary group at the time. Left out, and counted: the record's header
(会議録情報, speechOrder 0) and the presiding officer's procedural lines (議長, 委員長 …
opening, calling the next speaker, putting a question to the vote): a presiding officer's
speech is left out only when every sentence of it is procedure, so a chair's own remarks (an
address on taking the chair, a statement on the anniversary of a disaster) stay statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from hatsugen.archive.errors import RecordError
from hatsugen.archive.formats import loads
from hatsugen.archive.store import Located
from hatsugen.index.analysis import spaced_reading

from . import Reader, read_text, where

PUBLISHER = "国立国会図書館 国会会議録検索システム"
# Who presides: their lines are procedure (opening, calling the next speaker, votes).
CHAIRS = ("議長", "副議長", "仮議長", "委員長", "委員長代理", "会長", "会長代理", "主査",
          "分科会主査", "小委員長", "委員長代行")  # fmt: skip
HEADER_SPEAKER = "会議録情報"
# A presiding officer's sentence that is procedure: calling a speaker (…君。 石破内閣総理大臣。),
# opening, adjourning, putting to the vote, recognising, the record (速記).
_PROCEDURE = re.compile(
    r"(?:君|大臣|長官|参考人|委員|議員|総理|政務官|局長|総裁|会長|理事長|公述人|証人)$"
    r"|会議を開きます|散会いたします|休憩いたします|再開いたします|議題といたします"
    r"|お諮りいたします|御異議ありませんか|御異議なしと認め|起立を求めます|起立多数|起立総員"
    r"|採決いたします|採決に入ります|決しました|発言を許します|申出があります|答弁を求めます"
    r"|速記を|質疑を終局|討論の通告|順次これを許します|終了いたしました|御了承願います"
    r"|決定いたしました|協議いたします|お願いいたします$|を求めます$|はありませんか$"
    r"|^[〔（(][^〕）)]*[〕）)]$"  # a note of the record: 〔「異議なし」と呼ぶ者あり〕
)
# The speaker heading a speech starts with: ○石破国務大臣　… / ○岩渕友君　…
_HEADING = re.compile(r"\A[○◯〇][^\s　]*[\s　]+")
_SPEECH_FIELDS = ("speechID", "speaker", "speech")
_MEETING_FIELDS = ("issueID", "session", "nameOfHouse", "nameOfMeeting", "issue", "date",
                   "meetingURL")  # fmt: skip


class KokkaiReader(Reader):
    def read(self, path: str) -> Iterator[Located]:
        text = read_text(path)
        try:
            doc = loads(text)
        except ValueError as err:
            raise RecordError(f"is not valid JSON ({err})", source=path) from None
        if not isinstance(doc, dict):
            raise RecordError("is not a minutes API response (a JSON object)", source=path)
        if "message" in doc and "speechRecord" not in doc and "meetingRecord" not in doc:
            raise RecordError(f"is the API's error answer: {doc.get('message')}", source=path)
        # (meeting, speech, place) for every speech, in the file's order
        speeches: list[tuple[dict, Any, str]] = []
        if isinstance(doc.get("meetingRecord"), list):
            for i, meeting in enumerate(doc["meetingRecord"]):
                if not isinstance(meeting, dict):
                    yield RecordError("must be an object", f"meetingRecord[{i}]", source=path), None
                    continue
                inner = meeting.get("speechRecord")
                if not isinstance(inner, list):
                    why = ("must be a list of speeches (this is /api/meeting_list, which has no"
                           " texts? save /api/meeting)")  # fmt: skip
                    place = f"meetingRecord[{i}].speechRecord"
                    yield RecordError(why, place, source=path), None
                    continue
                speeches += [(meeting, s, f"meetingRecord[{i}].speechRecord[{j}]")
                             for j, s in enumerate(inner)]  # fmt: skip
        elif isinstance(doc.get("speechRecord"), list):
            speeches = [({}, s, f"speechRecord[{j}]") for j, s in enumerate(doc["speechRecord"])]
        else:
            raise RecordError("has neither speechRecord nor meetingRecord: save a response of"
                              " /api/speech or /api/meeting", source=path)  # fmt: skip
        groups: dict[tuple, tuple[str, str]] = {}  # (name, reading, date) → (group, place)
        for meeting, speech, place in speeches:
            try:
                record = self._record(meeting, speech, place)
            except RecordError as err:
                yield err.located(path, part=_part(place, speech)), None
                continue
            if record is None:
                continue
            at = where(path, part=_part(place, speech))
            key = (speech["speaker"], record["speaker"].get("reading"), record.get("date"))
            group = speech.get("speakerGroup") or ""
            seen = groups.setdefault(key, (group, at.where()))
            if group and seen[0] and seen[0] != group:
                yield RecordError(
                    f"{speech['speaker']} ({key[1]}) speaks for {seen[0]} at {seen[1]} and for"
                    f" {group} here on the same day: two people of one name? Not merged by"
                    " guess: import them with speaker ids", "speakerGroup", source=path,
                    part=_part(place, speech),
                ), None  # fmt: skip
                continue
            yield record, at

    def _record(self, meeting: dict, speech: Any, place: str) -> dict | None:
        if not isinstance(speech, dict):
            raise RecordError("must be an object", place)
        s = {**meeting, **speech}
        s.pop("speechRecord", None)
        for name in _SPEECH_FIELDS:
            if not isinstance(s.get(name), str) or not s[name].strip():
                raise RecordError("is required (a string)", name)
        if s["speaker"] == HEADER_SPEAKER or s.get("speechOrder") == 0:
            self.skipped["meeting header (会議録情報)"] += 1
            return None
        chair = s.get("speakerPosition") if s.get("speakerPosition") in CHAIRS else None
        if chair and procedural(_HEADING.sub("", s["speech"], count=1)):
            self.skipped[f"presiding officer's procedural line ({chair})"] += 1
            return None
        for name in _MEETING_FIELDS:
            if s.get(name) in (None, ""):
                raise RecordError("is required: the meeting's " + name, name)
        order = s.get("speechOrder")
        if order is not None and (type(order) is not int or order < 0):
            raise RecordError("must be a whole number", "speechOrder")
        session = s["session"]
        if type(session) is not int:
            raise RecordError("must be a whole number", "session")
        text = _HEADING.sub("", s["speech"].replace("\r\n", "\n"), count=1).strip()
        if not text:
            raise RecordError("has no words after the speaker's heading", "speech")
        house, committee, issue = s["nameOfHouse"], s["nameOfMeeting"], s["issue"]
        title = f"第{session}回国会 {house} {committee} {issue}"
        speaker: dict[str, Any] = {"name": {"ja": s["speaker"].strip()}}
        if s.get("speakerYomi"):
            speaker["reading"] = spaced_reading(s["speaker"], s["speakerYomi"].strip())
        record: dict[str, Any] = {
            "id": f"kokkai-{s['speechID']}",
            "speaker": speaker,
            "lang": "ja",
            "kind": "speech" if committee == "本会議" else "remarks",
            "date": s["date"],
            "text": text,
            "source": {
                "url": s.get("speechURL") or s["meetingURL"],
                "title": title,
                "publisher": PUBLISHER,
                "date": s["date"],
            },
            "event": title,
            "event_id": f"kokkai-{s['issueID']}",
            "meeting": {
                "house": house,
                "committee": committee,
                "session": session,
                "issue": issue,
                "url": s["meetingURL"],
            },
        }
        role = _role(s)
        if role:
            record["role"] = role
        if order is not None:
            record["order"] = order
        if self.options.kind:
            record["kind"] = self.options.kind
        return record


def procedural(text: str) -> bool:
    """Whether every sentence of a presiding officer's speech is procedure."""
    sentences = [x.strip(" \u3000\r\n") for x in re.split(r"[。\n]", text)]
    sentences = [x for x in sentences if x]
    return bool(sentences) and all(_PROCEDURE.search(x) for x in sentences)


def _role(s: dict) -> str | None:
    """The role at the time, as the minutes give it: title (role), then the group."""
    title = " ".join(x for x in (s.get("speakerPosition"), s.get("speakerRole")) if x)
    group = s.get("speakerGroup")
    if not title:
        title = f"{s['nameOfHouse']}議員"
    return f"{title}（{group}）" if group else title


def _part(place: str, speech: Any) -> str:
    sid = speech.get("speechID") if isinstance(speech, dict) else None
    return f"{place} ({sid})" if isinstance(sid, str) else place
