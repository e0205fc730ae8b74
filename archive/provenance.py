"""What a recorded text is, and how sure we are that its speaker said it.

Two questions a quote archive must answer before anything else, kept apart on purpose:
- `wording`: are these the speaker's own words, or a translation, an interpretation, a
  paraphrase — or simply the words a source printed, which may be any of those?
- `attribution`: has anyone checked that this speaker said it (verified, with primary
  evidence), is it contested (disputed), or was it never theirs (misattributed)?
"""

from __future__ import annotations

import re
from typing import Any

from .errors import RecordError

WORDINGS = (
    "original",  # the speaker's own words, in the language spoken
    "official_translation",  # a translation published by the speaker's side
    "press_translation",  # a news outlet's rendering of words spoken in another language
    "interpretation",  # an interpreter's rendering, as heard
    "paraphrase",  # a paraphrase that a source printed as if it were a quote
    "quoted",  # as a source quoted it; whether these are the speaker's own words is not known
)
TRANSLATED_WORDINGS = ("official_translation", "press_translation", "interpretation")

STATUSES = ("unverified", "verified", "disputed", "misattributed")
EVIDENCE_KINDS = (
    "primary_transcript",
    "video",
    "audio",
    "official_post",
    "official_record",
    "press_report",
    "fact_check",
    "other",
)
# What "verified" means: checked against the speaker's own record, not another report of it.
PRIMARY_EVIDENCE = ("primary_transcript", "video", "audio", "official_post", "official_record")

ATTRIBUTION_FIELDS = ("status", "actually_said_by", "evidence", "history")
EVIDENCE_FIELDS = ("url", "archived_url", "kind", "note", "added_by", "added_at")
HISTORY_FIELDS = ("status", "at", "by", "note")
SAID_BY_FORMS = ("speaker", "statement", "origin")

URL_RE = re.compile(r"https?://\S+", re.IGNORECASE | re.ASCII)
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)


def check_url(value: Any, field: str) -> str:
    """An http(s) URL; anything else (javascript:, data:, file:, bare words) names the field."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError("must be an http(s) URL", field)
    if not URL_RE.fullmatch(value):
        shown = value if len(value) <= 80 else value[:80] + "…"
        raise RecordError(f"{shown!r} is not an http(s) URL", field)
    return value


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("must be a non-empty string", field)
    return value


def _keys(obj: Any, allowed: tuple[str, ...], field: str, what: str) -> dict:
    if not isinstance(obj, dict):
        raise RecordError(f"must be an object ({what})", field)
    for key in obj:
        if key not in allowed:
            raise RecordError(
                f"unknown field (expected one of: {', '.join(allowed)})", f"{field}.{key}"
            )
    return obj


def _timestamp(value: Any, field: str) -> str:
    if not isinstance(value, str) or not TIMESTAMP_RE.fullmatch(value):
        raise RecordError("must be a UTC time like 2025-08-23T09:30:00Z", field)
    return value


def _status(value: Any, field: str) -> str:
    if value not in STATUSES:
        raise RecordError(f"{value!r} is not one of: {', '.join(STATUSES)}", field)
    return value


def validate_evidence(value: Any, field: str) -> dict:
    item = _keys(value, EVIDENCE_FIELDS, field, "url, archived_url, kind, note")
    if "url" not in item:
        raise RecordError("is required", field + ".url")
    if "kind" not in item:
        raise RecordError(f"is required (one of: {', '.join(EVIDENCE_KINDS)})", field + ".kind")
    out = {"url": check_url(item["url"], field + ".url")}
    if item.get("archived_url") is not None:
        out["archived_url"] = check_url(item["archived_url"], field + ".archived_url")
    if item["kind"] not in EVIDENCE_KINDS:
        raise RecordError(
            f"{item['kind']!r} is not one of: {', '.join(EVIDENCE_KINDS)}", field + ".kind"
        )
    out["kind"] = item["kind"]
    if item.get("note") is not None:
        out["note"] = _text(item["note"], field + ".note")
    if item.get("added_by") is not None:
        out["added_by"] = _text(item["added_by"], field + ".added_by")
    if item.get("added_at") is not None:
        out["added_at"] = _timestamp(item["added_at"], field + ".added_at")
    return out


def _history_entry(value: Any, field: str) -> dict:
    item = _keys(value, HISTORY_FIELDS, field, "status, at, by, note")
    for key in ("status", "at", "by"):
        if key not in item:
            raise RecordError("is required", f"{field}.{key}")
    out = {
        "status": _status(item["status"], field + ".status"),
        "at": _timestamp(item["at"], field + ".at"),
        "by": _text(item["by"], field + ".by"),
    }
    if item.get("note") is not None:
        out["note"] = _text(item["note"], field + ".note")
    return out


def _said_by(value: Any, field: str) -> dict:
    item = _keys(value, SAID_BY_FORMS, field, 'one of {"speaker": …}, {"statement": …},'
                 ' {"origin": "unknown"}')  # fmt: skip
    if len(item) != 1:
        raise RecordError(
            'must name exactly one of: {"speaker": id or name}, {"statement": id},'
            ' {"origin": "unknown"}',
            field,
        )
    form, target = next(iter(item.items()))
    if form == "origin":
        if target != "unknown":
            raise RecordError('must be "unknown"', field + ".origin")
        return {"origin": "unknown"}
    return {form: _text(target, f"{field}.{form}").strip()}


def validate_attribution(value: Any, field: str = "attribution") -> dict | None:
    """The attribution block in canonical form; None when it says nothing (unverified, bare).

    The rules are the ones a fact-checker would apply: a verdict needs evidence, "verified"
    needs primary evidence, and "misattributed" must say who really said it (or that nobody
    knows).
    """
    item = _keys(value, ATTRIBUTION_FIELDS, field, "status, actually_said_by, evidence, history")
    status = _status(item.get("status", "unverified"), field + ".status")
    evidence_in = item.get("evidence") or []
    if not isinstance(evidence_in, list):
        raise RecordError("must be a list of evidence objects", field + ".evidence")
    evidence = [validate_evidence(e, f"{field}.evidence[{i}]") for i, e in enumerate(evidence_in)]
    history_in = item.get("history") or []
    if not isinstance(history_in, list):
        raise RecordError("must be a list of {status, at, by, note}", field + ".history")
    history = [_history_entry(h, f"{field}.history[{i}]") for i, h in enumerate(history_in)]
    said_by = item.get("actually_said_by")
    if status != "unverified" and not evidence:
        raise RecordError(
            f"a status of {status!r} needs evidence: at least one {{url, kind}}",
            field + ".evidence",
        )
    if status == "verified" and not any(e["kind"] in PRIMARY_EVIDENCE for e in evidence):
        raise RecordError(
            "'verified' needs primary evidence (kind one of: " + ", ".join(PRIMARY_EVIDENCE)
            + "); a press report or fact-check supports 'disputed' or 'misattributed'",
            field + ".evidence",
        )  # fmt: skip
    if status == "misattributed" and said_by is None:
        raise RecordError(
            'is required for a misattributed quote: {"speaker": …}, {"statement": …}'
            ' or {"origin": "unknown"}',
            field + ".actually_said_by",
        )
    if status != "misattributed" and said_by is not None:
        raise RecordError("goes only with status 'misattributed'", field + ".actually_said_by")
    out: dict[str, Any] = {"status": status}
    if said_by is not None:
        out["actually_said_by"] = _said_by(said_by, field + ".actually_said_by")
    if evidence:
        out["evidence"] = evidence
    if history:
        out["history"] = history
    return None if out == {"status": "unverified"} else out


def validate_retraction(value: Any, field: str = "retracted") -> dict:
    """A retracted statement stays in the archive, hidden from search, with who and why."""
    item = _keys(value, ("at", "by", "reason"), field, "at, by, reason")
    for key in ("at", "by", "reason"):
        if key not in item:
            raise RecordError("is required", f"{field}.{key}")
    return {
        "at": _timestamp(item["at"], field + ".at"),
        "by": _text(item["by"], field + ".by"),
        "reason": _text(item["reason"], field + ".reason"),
    }


def status_of(record: dict) -> str:
    return (record.get("attribution") or {}).get("status", "unverified")


def wording_of(record: dict) -> str:
    return record.get("wording", "original")


def spoken_lang_of(record: dict) -> str | None:
    """The language the speaker used, when the record tells (an original's is its own)."""
    if record.get("spoken_lang"):
        return record["spoken_lang"]
    return record["lang"] if wording_of(record) == "original" else None


def primary_evidence(record: dict) -> dict | None:
    """The first piece of primary evidence: what a "verified" badge links to."""
    evidence = (record.get("attribution") or {}).get("evidence", [])
    return next((e for e in evidence if e["kind"] in PRIMARY_EVIDENCE), None)


def original_entry(record: dict) -> dict | None:
    """The speaker's own words attached to a translated record, if known."""
    return next((t for t in record.get("translations", []) if t.get("original")), None)


def check_wording(record: dict) -> None:
    """Cross-field rules for `wording`, `spoken_lang` and an attached original (in place).

    An original is in the language spoken; a translation is not. When the original words are
    attached, `spoken_lang` is their language, so it is filled in from them.
    """
    wording = wording_of(record)
    spoken = record.get("spoken_lang")
    attached = [i for i, t in enumerate(record.get("translations", [])) if t.get("original")]
    if len(attached) > 1:
        raise RecordError(
            "only one translation can be marked as the original",
            f"translations[{attached[1]}].original",
        )
    if wording == "original":
        if attached:
            raise RecordError(
                "the text is already the original (wording 'original'); set wording to what"
                " the text is (press_translation, interpretation, …) to attach the original",
                f"translations[{attached[0]}].original",
            )
        if spoken is not None and spoken != record["lang"]:
            raise RecordError(
                f"the text is in {record['lang']!r} but was spoken in {spoken!r}: an original is"
                " in the language spoken; set wording (press_translation, official_translation,"
                " interpretation, quoted)",
                "spoken_lang",
            )
        return
    if attached:
        entry = record["translations"][attached[0]]
        if spoken is None:
            record["spoken_lang"] = spoken = entry["lang"]
        elif entry["lang"] != spoken:
            raise RecordError(
                f"the original is in {entry['lang']!r} but spoken_lang is {spoken!r}",
                f"translations[{attached[0]}].lang",
            )
    if wording in TRANSLATED_WORDINGS and spoken is not None and spoken == record["lang"]:
        raise RecordError(
            f"a {wording.replace('_', ' ')} is in another language than the one spoken"
            f" ({spoken!r}); if these are the speaker's words, the wording is 'original'",
            "spoken_lang",
        )
