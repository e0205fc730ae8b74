"""The Whoosh schema and how a stored statement becomes an index document.

Texts go to a field by language (`ja`, `en`, `other`), originals and translations alike, so an
English query finds a Japanese original through its translation. Filters and facets use small
exact fields with columns, read once per index version (see filters.py).
"""

from __future__ import annotations

import json
import zlib

from whoosh.columns import RefBytesColumn
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from hatsugen.archive.localized import texts_of
from hatsugen.archive.provenance import status_of
from hatsugen.archive.records import date_bounds
from hatsugen.archive.speakers import names_of

from .analysis import english_analyzer, japanese_analyzer

TEXT_FIELDS = ("ja", "en", "other")
SEARCH_FIELDS = ("ja", "en", "other", "speaker", "meta")
SAID_FIELDS = ("ja", "en", "other", "speaker")  # what was said, and who said it
FIELD_BOOSTS = {"ja": 1.0, "en": 1.0, "other": 1.0, "speaker": 1.5, "meta": 0.5}
NO_VALUE = "-"  # for a statement without a kind or a date, so facets can count it
# Where a parliament's record gives them (record `meeting`): facets and filters, as on the
# Diet minutes search.
MEETING_FACETS = ("house", "committee", "session")
# Bumped whenever the schema or the analysis changes: an index of another format must be
# rebuilt from the store, never mixed with documents of this one.
# 4: folding (width, itaiji, spelling), numbers with units; 5: 二・五 decimals; 6: sentence
# starts of long texts stored (sentences.py); 7: kind, year, status as reference columns;
# 8: house, committee, session
INDEX_FORMAT = 8


def build_schema() -> Schema:
    def text(analyzer_factory):  # type: ignore[no-untyped-def]
        return TEXT(analyzer=analyzer_factory(), phrase=True, multitoken_query="phrase")

    return Schema(
        id=ID(stored=True, unique=True),
        stamp=ID(stored=True),
        ja=text(japanese_analyzer),
        en=text(english_analyzer),
        other=text(japanese_analyzer),
        speaker=text(japanese_analyzer),
        meta=text(japanese_analyzer),
        # Speakers and language tags have no bound: a reference column keeps at most 65,535
        # values and would count the rest under the empty one, so each document keeps its own.
        speaker_id=ID(sortable=True),
        lang=ID(sortable=True),
        # A bounded set of values each (KINDS, four-digit years, STATUSES): a document's value
        # is a reference into the column's list of them, so a facet's codes are read from
        # disk, not computed (filters.py).
        kind=ID(sortable=RefBytesColumn()),
        year=ID(sortable=RefBytesColumn()),
        status=ID(sortable=RefBytesColumn()),
        house=ID(sortable=RefBytesColumn()),
        committee=ID(sortable=True),
        session=ID(sortable=RefBytesColumn()),
        topic=KEYWORD(commas=True, lowercase=True, scorable=False),
        date_start=NUMERIC(int, bits=32, sortable=True),
        date_end=NUMERIC(int, bits=32, sortable=True),
        sentences=STORED(),  # set by the analysis (parallel.py), not by document()
    )


def text_field(lang: str) -> str:
    """The index field for a text in language `lang`."""
    primary = lang.split("-")[0].lower()
    return primary if primary in ("ja", "en") else "other"


def date_key(value: str) -> int:
    return int(value.replace("-", ""))


def stamp(version: int, speaker: dict) -> str:
    """What an index document was built from: the record's version and its speaker's data.

    `check` compares stamps to find documents that are stale (also after a speaker rename).
    """
    data = json.dumps(speaker, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return f"{version}.{zlib.crc32(data):08x}"


def document(record: dict, speaker: dict, version: int) -> dict:
    """The index document for a stored record (speaker as id) and its speaker object."""
    texts: dict[str, list[str]] = {name: [] for name in TEXT_FIELDS}
    texts[text_field(record["lang"])].append(record["text"])
    for t in record.get("translations", []):
        texts[text_field(t["lang"])].append(t["text"])
    names = names_of(speaker)
    meta = [t for k in ("role", "event", "place") for t in texts_of(record.get(k))]
    meta.extend(t for topic in record.get("topics", []) for t in texts_of(topic))
    doc: dict = {
        "id": record["id"],
        "stamp": stamp(version, speaker),
        "speaker": "\n".join(names),
        "meta": "\n".join(meta),
        "speaker_id": record["speaker"],
        "lang": record["lang"],
        "kind": record.get("kind", NO_VALUE),
        "year": record["date"][:4] if record.get("date") else NO_VALUE,
        "status": status_of(record),
    }
    meeting = record.get("meeting", {})
    for name in MEETING_FACETS:
        doc[name] = str(meeting.get(name) or NO_VALUE)
    for name, values in texts.items():
        if values:
            doc[name] = "\n".join(values)
    if record.get("topics"):
        # Every language of a topic, so topic=外交 and topic=diplomacy filter alike.
        topics = (t for topic in record["topics"] for t in texts_of(topic))
        doc["topic"] = ",".join(t.replace(",", " ") for t in topics)
    if record.get("date"):
        start, end = date_bounds(record["date"])
        doc["date_start"], doc["date_end"] = date_key(start), date_key(end)
    else:
        doc["date_start"], doc["date_end"] = 0, 0
    return doc
