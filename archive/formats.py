"""Reading import files and writing exports: every accepted format is detected in one place.

Import accepts JSON Lines, a JSON array, a single statement object, or an export document;
each record comes with where it was found, so an error can name file, line and array index.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import RecordError
from .localized import texts_of
from .provenance import status_of
from .store import Located, Store
from .timeutil import now_utc

_JSON_LIMITS = (RecursionError, ValueError)  # nesting too deep; an int over 4,300 digits


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    """json.loads keeps the last of two equal keys, silently: refuse instead."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def loads(text: str) -> Any:
    """JSON as this archive accepts it: no duplicate keys. ValueError otherwise."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def _why(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg}, column {err.colno}"
    if isinstance(err, RecursionError):
        return "it is nested too deeply"
    text = str(err)
    if "digits" in text:
        return "a number has too many digits"
    return text


EXPORT_FORMAT = "hatsugen-archive"
EXPORT_VERSION = 4
# Version 1 lacked wording, spoken_lang, attribution and archived URLs; version 2 had role,
# event, place, topics and source titles as plain strings only (3 also takes {lang: text}).
# Version 3 had no event_id, order, meeting or media (real sources, time codes).
# Each version's records are valid records of the next, so old documents import unchanged.
IMPORTABLE_VERSIONS = (1, 2, 3, 4)
SCHEMA_PATH = Path(__file__).with_name("data") / "export.schema.json"

_WS = " \t\r\n"


def read_records(path: str, progress: Callable[[int], None] | None = None) -> Iterator[Located]:
    """Records of one file ('-' for stdin), streamed when it is JSON Lines.

    `progress` is told how many bytes were consumed, for a progress bar.
    """
    name = "<stdin>" if path == "-" else path
    try:
        # Standard input is read whole first: a slow pipe must not hold the archive's write
        # lock (the import's transaction) while it trickles in.
        stream: IO[bytes] = (
            io.BytesIO(sys.stdin.buffer.read()) if path == "-" else open(path, "rb")  # noqa: SIM115
        )
    except OSError as err:
        raise RecordError(f"cannot read: {err.strerror}", source=path) from None
    try:
        head: list[bytes] = []
        for raw in stream:
            head.append(raw)
            if raw.strip():
                break
        if not any(line.strip() for line in head):
            raise RecordError(
                "is empty: expected JSON Lines, a JSON array or an export", source=name
            )
        number = len(head)
        first = decode(head[-1], name, number, bom=number == 1)
        if isinstance(first, str) and first.lstrip().startswith("{"):
            try:
                obj = loads(first)
            except ValueError:
                obj = None
            if isinstance(obj, dict) and not _is_export(obj):
                yield obj, RecordError("", source=name, line=number)
                yield from _stream_lines(stream, name, number, progress)
                return
        data = b"".join(head) + stream.read()
        text = decode(data, name, 1, bom=True)
        if isinstance(text, RecordError):
            raise text
        yield from parse_records(text, name)
        if progress:
            progress(len(data))
    finally:
        stream.close()


def decode(data: bytes, name: str, line: int, *, bom: bool) -> str | RecordError:
    """UTF-8 bytes (from `line` of file `name`) as text, or the error naming the line of the
    first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as err:
        line += data[: err.start].count(b"\n")
        return RecordError("is not UTF-8 text", source=name, line=line)


def _is_export(obj: dict) -> bool:
    return "format" in obj and "statements" in obj


def _stream_lines(
    stream: IO[bytes], name: str, number: int, progress: Callable[[int], None] | None
) -> Iterator[Located]:
    pending = 0
    for raw in stream:
        number += 1
        pending += len(raw)
        if progress and pending > 1 << 20:
            progress(pending)
            pending = 0
        if not raw.strip():
            continue
        line = decode(raw, name, number, bom=False)
        if isinstance(line, RecordError):
            yield line, None
            continue
        try:
            record = loads(line)
        except ValueError as err:
            error = RecordError(f"is not valid JSON ({_why(err)})", source=name, line=number)
            yield error, None
            continue
        yield record, RecordError("", source=name, line=number)
    if progress and pending:
        progress(pending)


def parse_records(text: str, name: str) -> list[Located]:
    """Detect the format of `text` and return its records, each with its location."""
    stripped = text.lstrip(_WS)
    if not stripped:
        raise RecordError("is empty: expected JSON Lines, a JSON array or an export", source=name)
    if stripped[0] == "[":
        return list(_parse_array(text, text.index("["), name))
    if stripped[0] == "{":
        try:
            whole = loads(text)
        except ValueError:
            return list(_stream_lines(io.BytesIO(text.encode("utf-8")), name, 0, None))
        if isinstance(whole, dict) and _is_export(whole):
            return _parse_export(whole, text, name)
        return [(whole, RecordError("", source=name, line=_first_line(text)))]
    raise RecordError(
        "is not JSON: expected JSON Lines, a JSON array or an export document",
        source=name,
        line=_first_line(text),
    )


def _first_line(text: str) -> int:
    return text[: len(text) - len(text.lstrip(_WS))].count("\n") + 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _parse_array(text: str, start: int, name: str) -> Iterator[Located]:
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    pos = _skip_ws(text, start + 1)
    line, counted = 1, 0
    index = 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            record, end = decoder.raw_decode(text, pos)
        except _JSON_LIMITS as err:
            line_of = err.lineno if isinstance(err, json.JSONDecodeError) else line
            raise RecordError(
                f"is not valid JSON ({_why(err)})", source=name, line=line_of, item=index
            ) from None
        yield record, RecordError("", source=name, line=line, item=index)
        index += 1
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if text[_skip_ws(text, pos + 1) :]:
                raise RecordError("has text after the closing ']'", source=name)
            return
        raise RecordError(
            "is not a valid JSON array (expected ',' or ']')",
            source=name,
            line=text.count("\n", 0, pos) + 1,
            item=index,
        )


def _parse_export(doc: dict, text: str, name: str) -> list[Located]:
    if doc.get("format") != EXPORT_FORMAT:
        raise RecordError(f"is not a {EXPORT_FORMAT} export", "format", source=name)
    if doc.get("version") not in IMPORTABLE_VERSIONS:
        raise RecordError(
            f"version {doc.get('version')!r} is not supported (this hatsugen reads versions"
            f" {', '.join(map(str, IMPORTABLE_VERSIONS))})",
            "version",
            source=name,
        )
    statements = doc["statements"]
    if not isinstance(statements, list):
        raise RecordError("must be a list", "statements", source=name)
    # Export documents put one statement per line; find each one's line for error messages.
    lines = _statement_lines(text, len(statements))
    return [
        (record, RecordError("", source=name, line=lines[i], item=i))
        for i, record in enumerate(statements)
    ]


def _statement_lines(text: str, count: int) -> list[int | None]:
    start = text.find('"statements"')
    if start < 0:
        return [None] * count
    try:
        located = list(_parse_array(text, text.index("[", start), "export"))
    except RecordError:
        return [None] * count
    lines: list[int | None] = [where.line for _, where in located]
    return (lines + [None] * count)[:count]


# -- export ---------------------------------------------------------------------------------
def full_record(record: dict, speakers: dict[str, dict]) -> dict:
    """A stored record with its speaker id replaced by the speaker object (import format)."""
    out = dict(record)
    out["speaker"] = speakers.get(record["speaker"], {"id": record["speaker"]})
    return out


def exported(record: dict, version: int, speakers: dict[str, dict]) -> dict:
    """A statement as exported: its full record and, after its id, the version it is at, so
    that importing it again is based on that version (records.md, "Importing again")."""
    out = full_record(record, speakers)
    return {"id": out.pop("id"), "version": version, **out}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def write_export(store: Store, out: IO[str], fmt: str = "json") -> int:
    """Write the indexed export (or JSON Lines) from one consistent snapshot; return the count.

    Statements go one per line so that large exports stream and diff well.
    """
    conn = store.conn
    conn.execute("BEGIN")  # one read snapshot for the whole export
    try:
        speakers = {s["id"]: s for s in store.speakers()}
        if fmt == "jsonl":
            n = 0
            for record, version in store.iter_records():
                out.write(_dumps(exported(record, version, speakers)) + "\n")
                n += 1
            return n
        indexes: dict[str, dict[str, list[str]]] = {
            "by_speaker": {},
            "by_date": {},
            "by_lang": {},
            "by_kind": {},
            "by_topic": {},
            "by_status": {},
        }
        total = store.count()
        out.write("{" + f'"format": "{EXPORT_FORMAT}", "version": {EXPORT_VERSION}, ')
        out.write(f'"exported_at": "{now_utc()}",\n')
        out.write(f' "counts": {_dumps({"statements": total, "speakers": len(speakers)})},\n')
        out.write(' "speakers": [')
        out.write(",".join("\n  " + _dumps(s) for s in speakers.values()))
        out.write("\n ],\n" if speakers else "],\n")
        out.write(' "statements": [')
        n = 0
        for record, version in store.iter_records():
            out.write(("," if n else "") + "\n  " + _dumps(exported(record, version, speakers)))
            n += 1
            rid = record["id"]
            indexes["by_speaker"].setdefault(record["speaker"], []).append(rid)
            if "date" in record:
                indexes["by_date"].setdefault(record["date"][:7], []).append(rid)
            indexes["by_lang"].setdefault(record["lang"], []).append(rid)
            if "kind" in record:
                indexes["by_kind"].setdefault(record["kind"], []).append(rid)
            names = dict.fromkeys(t for topic in record.get("topics", []) for t in texts_of(topic))
            for name in names:  # each language of each topic
                indexes["by_topic"].setdefault(name, []).append(rid)
            indexes["by_status"].setdefault(status_of(record), []).append(rid)
        out.write("\n ],\n" if n else "],\n")
        sorted_indexes = {k: dict(sorted(v.items())) for k, v in indexes.items()}
        out.write(' "indexes": ' + _dumps(sorted_indexes) + "}\n")
        return n
    finally:
        conn.execute("COMMIT")
