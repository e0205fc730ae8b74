"""The statement record: validation and the one canonical shape the store keeps and exports.

Validation is strict on purpose: an unknown field or a malformed date is far more likely a typo
in someone's import file than something they meant, and silently dropping it would lose data.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from typing import Any

from .errors import RecordError
from .localized import Localized
from .provenance import (
    WORDINGS,
    check_url,
    check_wording,
    validate_attribution,
    validate_retraction,
)

KINDS = (
    "post",
    "remarks",
    "joint_statement",
    "statement",
    "speech",
    "interview",
    "press_conference",
    "other",
)
TRANSLATORS = ("official", "press", "editor", "machine", "other")

STATEMENT_FIELDS = (
    "id",
    "speaker",
    "role",
    "date",
    "kind",
    "lang",
    "spoken_lang",
    "wording",
    "text",
    "translations",
    "source",
    "event",
    "event_id",
    "order",
    "meeting",
    "media",
    "place",
    "topics",
    "context",
    "notes",
    "attribution",
    "retracted",
)
# Accepted on input and never stored: what `extract` says to the reviewer about a candidate.
REVIEW_FIELD = "review"
# Accepted on input and never stored in the record: the version a record was exported (or
# read) at, so that an import can tell an old copy from a newer change (records.md).
BASE_FIELD = "version"
# Accepted on input and never stored: the writer says this record's speaker is a new person.
NEW_SPEAKER_FIELD = "new_speaker"
SPEAKER_FIELDS = ("id", "name", "reading", "aliases", "wikidata")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]{0,11}", re.ASCII)
TRANSLATION_FIELDS = ("lang", "text", "by", "original")
SOURCE_FIELDS = ("url", "archived_url", "title", "publisher", "date")
# Where a parliament's record says it (the Diet minutes: nameOfHouse, nameOfMeeting, session,
# issue, meetingURL): facets and filters of search, and the event page's source.
MEETING_FIELDS = ("house", "committee", "session", "issue", "url")
MEDIA_FIELDS = ("url", "start", "end")
MAX_ORDER = 1_000_000

# Matched whole (fullmatch) and ASCII only: `$` would let "abc\n" through, `\d` "٢٠٢٥".
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}", re.ASCII)
LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", re.ASCII)
DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")


def shown(value: str, most: int = 60) -> str:
    """A value quoted in an error message, cut short: a 10,000-character id is not echoed."""
    return repr(value if len(value) <= most else value[:most] + "…")


def parse_date(value: str, field: str = "date") -> str:
    """Check a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) and return it unchanged.

    Precision is information ("some time in 2025" is not "2025-01-01"), so it is kept as given.
    """
    if not isinstance(value, str):
        raise RecordError("must be a string like 2025, 2025-08 or 2025-08-23", field)
    value = value.translate(
        _FULLWIDTH_DIGITS
    )  # ２０２５-０８-２３ is 2025-08-23, as typed in Japan
    m = DATE_RE.fullmatch(value)
    if not m:
        raise RecordError(f"{shown(value)} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD", field)
    year, month, day = m.group(1), m.group(2), m.group(3)
    if int(year) < 1:
        raise RecordError(f"{value!r} has no valid year", field)
    if month is not None and not 1 <= int(month) <= 12:
        raise RecordError(f"{value!r} has no month {month}; months are 01-12", field)
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise RecordError(f"{value!r}: {year}-{month} has no day {day}", field)
    return value


def date_bounds(value: str) -> tuple[str, str]:
    """The first and last full day a partial date covers: 2025-02 -> (2025-02-01, 2025-02-28)."""
    parse_date(value)
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return value, value


def same_date(a: str | None, b: str | None) -> bool:
    """Whether two partial dates may be the same day: unknown or one containing the other."""
    if not a or not b:
        return True
    (a0, a1), (b0, b1) = date_bounds(a), date_bounds(b)
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def _string(value: Any, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RecordError(f"must be a string, not {type(value).__name__}", field)
    if not allow_empty and (not value or value.isspace()):
        raise RecordError("must not be empty", field)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise RecordError("contains invalid Unicode (a lone surrogate)", field) from None
    return value


def _optional_string(obj: dict, key: str, field: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    return _string(value, field)


_LANGS: dict[str, str] = {}


def _lang(value: Any, field: str) -> str:
    known = _LANGS.get(value) if isinstance(value, str) else None
    if known is not None:
        return known
    _string(value, field)
    if not LANG_RE.fullmatch(value):
        raise RecordError(f"{shown(value)} is not a language code such as ja, en or ko", field)
    primary, *rest = value.split("-")
    code = "-".join([primary.lower(), *rest])
    if len(_LANGS) < 1000:
        _LANGS[value] = code
    return code


def _check_keys(obj: dict, allowed: tuple[str, ...], prefix: str) -> None:
    for key in obj:
        if key not in allowed:
            raise RecordError(
                f"unknown field (expected one of: {', '.join(allowed)})", prefix + str(key)
            )


def _unique_items(value: Any, field: str, check: Any, expected: str) -> list:
    """A list checked item by item (each error names its index), repeats dropped."""
    if not isinstance(value, list):
        raise RecordError(f"must be a list of {expected}", field)
    out: list = []
    for i, item in enumerate(value):
        item = check(item, f"{field}[{i}]")
        if item not in out:
            out.append(item)
    return out


def _string_list(value: Any, field: str) -> list[str]:
    return _unique_items(value, field, _string, "strings")


def _localized(value: Any, field: str) -> Localized:
    """A role, event, place, topic or title: a plain string or {lang: text}, as names are."""
    if isinstance(value, str):
        return _string(value, field)
    if not isinstance(value, dict) or not value:
        raise RecordError(
            'must be a string or an object of language: text, e.g. {"ja": "首脳会談",'
            ' "en": "summit"}',
            field,
        )
    out: dict[str, str] = {}
    for code, text in value.items():
        out[_lang(code, field)] = _string(text, f"{field}.{code}")
    return out


def _localized_list(value: Any, field: str) -> list[Localized]:
    return _unique_items(value, field, _localized, "strings or {lang: text} objects")


def validate_speaker(value: Any, field: str = "speaker") -> dict | str:
    """A speaker is a plain name (found or created by the store) or an object of names."""
    if isinstance(value, str):
        return _string(value, field).strip()
    if not isinstance(value, dict):
        raise RecordError("must be a name or an object with id, name, reading, aliases", field)
    _check_keys(value, SPEAKER_FIELDS, field + ".")
    out: dict[str, Any] = {}
    if value.get("id") is not None:
        sid = _string(value["id"], field + ".id")
        if not ID_RE.fullmatch(sid):
            raise RecordError(f"{shown(sid)} is not a URL-safe id", field + ".id")
        out["id"] = sid
    names = value.get("name")
    if names is not None:
        if isinstance(names, str):
            raise RecordError(
                'must map languages to names, e.g. {"en": "…", "ja": "…"}', field + ".name"
            )
        if not isinstance(names, dict):
            raise RecordError("must be an object of language: name", field + ".name")
        clean = {}
        for lang, name in names.items():
            lang_code = _lang(lang, f"{field}.name")
            clean[lang_code] = _string(name, f"{field}.name.{lang}").strip()
        if clean:
            out["name"] = clean
    if value.get("reading") is not None:
        out["reading"] = _string(value["reading"], field + ".reading").strip()
    if value.get("aliases") is not None:
        aliases = _string_list(value["aliases"], field + ".aliases")
        if aliases:
            out["aliases"] = [a.strip() for a in aliases]
    if value.get("wikidata") is not None:
        qid = _string(value["wikidata"], field + ".wikidata").strip()
        if not WIKIDATA_RE.fullmatch(qid):
            raise RecordError(f"{shown(qid)} is not a Wikidata id (Q and digits, e.g. Q123)",
                              field + ".wikidata")  # fmt: skip
        out["wikidata"] = qid
    if "id" not in out and "name" not in out:
        raise RecordError("needs an id or at least one name", field)
    return out


def _translation(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise RecordError("must be an object with lang, text and by", field)
    _check_keys(value, TRANSLATION_FIELDS, field + ".")
    if "lang" not in value:
        raise RecordError("is required", field + ".lang")
    if "text" not in value:
        raise RecordError("is required", field + ".text")
    out = {
        "lang": _lang(value["lang"], field + ".lang"),
        "text": _long_text(value["text"], field + ".text"),
    }
    by = value.get("by")
    original = value.get("original")
    if original is not None and not isinstance(original, bool):
        raise RecordError("must be true or false", field + ".original")
    if original:
        if by is not None:
            raise RecordError(
                "the speaker's own words have no translator; drop 'by' or 'original'",
                field + ".by",
            )
        out["original"] = True
    if by is not None:
        if by not in TRANSLATORS:
            raise RecordError(f"{by!r} is not one of: {', '.join(TRANSLATORS)}", field + ".by")
        out["by"] = by
    return out


def _source(value: Any, field: str = "source") -> dict:
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, dict):
        raise RecordError("must be an object with url, title, publisher, date", field)
    _check_keys(value, SOURCE_FIELDS, field + ".")
    out: dict[str, Any] = {}
    for key in SOURCE_FIELDS:
        if key == "title" and value.get(key) is not None:
            out[key] = _localized(value[key], f"{field}.{key}")
            continue
        text = _optional_string(value, key, f"{field}.{key}")
        if text is None:
            continue
        if key in ("url", "archived_url"):
            check_url(text, f"{field}.{key}")
        if key == "date":
            text = parse_date(text, field + ".date")
        out[key] = text
    return out


def _meeting(value: Any, field: str = "meeting") -> dict:
    if not isinstance(value, dict):
        raise RecordError("must be an object with house, committee, session, issue, url", field)
    _check_keys(value, MEETING_FIELDS, field + ".")
    out: dict[str, Any] = {}
    for key in MEETING_FIELDS:
        item = value.get(key)
        if item is None:
            continue
        if key == "session":
            if type(item) is not int or not 1 <= item < 10_000:
                raise RecordError("must be a whole number (the Diet session, e.g. 217)",
                                  f"{field}.session")  # fmt: skip
            out[key] = item
            continue
        out[key] = _string(item, f"{field}.{key}").strip()
        if key == "url":
            check_url(out[key], f"{field}.url")
    return out


def _seconds(value: Any, field: str) -> int | float:
    if type(value) not in (int, float) or value != value or not 0 <= value < 10**7:
        raise RecordError("must be a number of seconds from the start of the media, e.g. 754.5",
                          field)  # fmt: skip
    return round(value, 3) if isinstance(value, float) else value


def _media(value: Any, field: str = "media") -> dict:
    """Where in a recording the statement is: a URL and its start (and end) in seconds."""
    if not isinstance(value, dict):
        raise RecordError("must be an object with url, start and end (seconds)", field)
    _check_keys(value, MEDIA_FIELDS, field + ".")
    if value.get("url") is None:
        raise RecordError("is required", field + ".url")
    url = _string(value["url"], field + ".url").strip()
    check_url(url, field + ".url")
    out: dict[str, Any] = {"url": url}
    if value.get("start") is not None:
        out["start"] = _seconds(value["start"], field + ".start")
    if value.get("end") is not None:
        out["end"] = _seconds(value["end"], field + ".end")
        if "start" not in out:
            raise RecordError("an end needs a start", field + ".start")
        if out["end"] < out["start"]:
            raise RecordError(f"{out['end']} is before the start ({out['start']})", field + ".end")
    return out


def _order(value: Any, field: str = "order") -> int:
    if type(value) is not int or not 0 <= value <= MAX_ORDER:
        raise RecordError(f"must be a whole number from 0 to {MAX_ORDER:,} (the statement's"
                          " place in its event, e.g. the Diet's speechOrder)", field)  # fmt: skip
    return value


def event_key(record: dict) -> str | None:
    """The event a statement belongs to: its `event_id`, else one derived from its event's
    name and date (so statements of one summit, typed in one by one, still read together);
    None for a statement with neither."""
    if record.get("event_id"):
        return record["event_id"]
    if not record.get("event"):
        return None
    key = json.dumps([record["event"], record.get("date")], ensure_ascii=False, sort_keys=True)
    return "ev-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


# The longest text a statement or translation may have: 200,000 characters, six times the
# longest of 10,000 real Diet speeches (30,904). A 10 MB "statement" made every search that
# found it slow and its page 10 MB; a longer speech is recorded in parts.
MAX_TEXT_CHARS = 200_000


def _long_text(value: Any, field: str) -> str:
    text = _string(value, field)
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(
            f"is {len(text):,} characters long; a text may have at most {MAX_TEXT_CHARS:,}"
            " (record a longer speech as several statements, in parts)",
            field,
        )
    return text


def unresolved_speaker(record: dict) -> str | None:
    """Why `extract` left a candidate's speaker open, and whom it could be; None if it did not."""
    review = record.get(REVIEW_FIELD)
    unresolved = review.get("speaker") if isinstance(review, dict) else None
    if not isinstance(unresolved, dict):
        return None
    choices = ", ".join(str(c) for c in unresolved.get("candidates") or []) or "none named"
    return f"{unresolved.get('why', '')}; candidates: {choices}"


def validate(record: Any) -> dict:
    """Check one input record and return it in canonical form (known keys, in contract order).

    Raises RecordError naming the field. The speaker is left as given (name or object); the
    store resolves it to an id.
    """
    if not isinstance(record, dict):
        raise RecordError(f"a statement must be a JSON object, not {type(record).__name__}")
    _check_keys(record, (*STATEMENT_FIELDS, REVIEW_FIELD, BASE_FIELD, NEW_SPEAKER_FIELD), "")
    base_version(record)
    if not isinstance(record.get(NEW_SPEAKER_FIELD, False), bool):
        raise RecordError("must be true or false", NEW_SPEAKER_FIELD)
    unresolved = unresolved_speaker(record)
    if record.get("speaker") is None and unresolved:
        raise RecordError(
            f"unresolved: extract could not tell who spoke ({unresolved});"
            " name the speaker before importing",
            "speaker",
        )
    for required in ("speaker", "lang", "text"):
        if record.get(required) is None:
            raise RecordError("is required", required)
    out: dict[str, Any] = {}
    if record.get("id") is not None:
        rid = _string(record["id"], "id")
        if not ID_RE.fullmatch(rid):
            raise RecordError(
                f"{shown(rid)} is not a valid id (letters, digits, '.', '_', '~', '-';"
                " at most 128)",
                "id",
            )
        out["id"] = rid
    out["speaker"] = validate_speaker(record["speaker"])
    if record.get("role") is not None:
        out["role"] = _localized(record["role"], "role")
    if record.get("date") is not None:
        out["date"] = parse_date(record["date"])
    if record.get("kind") is not None:
        kind = record["kind"]
        if kind not in KINDS:
            raise RecordError(f"{kind!r} is not one of: {', '.join(KINDS)}", "kind")
        out["kind"] = kind
    out["lang"] = _lang(record["lang"], "lang")
    if record.get("spoken_lang") is not None:
        out["spoken_lang"] = _lang(record["spoken_lang"], "spoken_lang")
    wording = record.get("wording")
    if wording is not None and wording != "original":
        if wording not in WORDINGS:
            raise RecordError(f"{wording!r} is not one of: {', '.join(WORDINGS)}", "wording")
        out["wording"] = wording
    out["text"] = _long_text(record["text"], "text")
    translations = record.get("translations")
    if translations is not None:
        if not isinstance(translations, list):
            raise RecordError("must be a list of {lang, text, by}", "translations")
        items = [_translation(t, f"translations[{i}]") for i, t in enumerate(translations)]
        if items:
            out["translations"] = items
    if record.get("source") is not None:
        source = _source(record["source"])
        if source:
            out["source"] = source
    for key in ("event", "place"):
        if record.get(key) is not None:
            out[key] = _localized(record[key], key)
    if record.get("event_id") is not None:
        eid = _string(record["event_id"], "event_id")
        if not ID_RE.fullmatch(eid):
            raise RecordError(f"{shown(eid)} is not a URL-safe id", "event_id")
        out["event_id"] = eid
    if record.get("order") is not None:
        out["order"] = _order(record["order"])
    if record.get("meeting") is not None:
        meeting = _meeting(record["meeting"])
        if meeting:
            out["meeting"] = meeting
    if record.get("media") is not None:
        out["media"] = _media(record["media"])
    if record.get("topics") is not None:
        topics = _localized_list(record["topics"], "topics")
        if topics:
            out["topics"] = topics
    for key in ("context", "notes"):
        if (v := _optional_string(record, key, key)) is not None:
            out[key] = v
    check_wording(out)
    if out.get("spoken_lang") == out["lang"] and "wording" not in out:
        del out["spoken_lang"]  # an original's spoken language is its language: say it once
    if record.get("attribution") is not None:
        attribution = validate_attribution(record["attribution"])
        if attribution is not None:
            out["attribution"] = attribution
    if record.get("retracted") is not None:
        out["retracted"] = validate_retraction(record["retracted"])
    return {k: out[k] for k in STATEMENT_FIELDS if k in out}


def base_version(record: dict) -> int | None:
    """The version a record says it was read at (`version`), if it says."""
    value = record.get(BASE_FIELD)
    if value is None:
        return None
    if type(value) is not int or not 1 <= value < 2**31:
        raise RecordError("must be a whole number from 1 (the version it was read at)",
                          BASE_FIELD)  # fmt: skip
    return value


def content_id(speaker_id: str, record: dict) -> str:
    """A stable id for a record that came without one.

    Derived from who said what, when and in which language, so importing the same id-less
    record twice finds the first copy instead of making a duplicate.
    """
    key = json.dumps(
        [speaker_id, record.get("date"), record["lang"], record["text"]], ensure_ascii=False
    )
    return "s-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def changed_fields(old: dict, new: dict) -> list[str]:
    """Names of the top-level fields that differ, in contract order."""
    return [k for k in STATEMENT_FIELDS if old.get(k) != new.get(k)]
