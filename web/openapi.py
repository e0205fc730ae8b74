"""The OpenAPI 3 document for the JSON API (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from hatsugen.archive.provenance import EVIDENCE_KINDS, STATUSES, WORDINGS
from hatsugen.archive.records import KINDS, TRANSLATORS
from hatsugen.citations import FORMATS

_STR = {"type": "string"}
_NULLABLE_STR = {"type": ["string", "null"]}
_NAMES = {"type": "object", "additionalProperties": {"type": "string"}}
_LOCALIZED = {"description": "a plain string, or {lang: text} in several languages",
              "oneOf": [_STR, _NAMES]}  # fmt: skip
# Empty values are accepted as "no filter": HTML forms send every field, filled or not.
_DATE = {"type": "string", "pattern": r"^$|^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"}
_LANG = {"type": "string", "pattern": r"^$|^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}


ID = {"name": "id", "in": "path", "required": True, "schema": _STR}
REASON = {"type": "object", "required": ["reason"], "properties": {"reason": _STR}}


def body(schema: dict) -> dict:
    """A required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _whole(most: int) -> dict:
    """A whole number from 1, or empty for the default (an HTML form sends every field)."""
    return {"anyOf": [{"type": "integer", "minimum": 1, "maximum": most},
                      {"type": "string", "maxLength": 0}]}  # fmt: skip


def _param(name: str, schema: dict, description: str) -> dict:
    # A repeatable parameter (speaker) is a string or an array of them: one value on the wire
    # is both, and the server takes either.
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, "style": "form", "explode": True}  # fmt: skip


# What POST /api/statements takes besides the import format's fields.
NEW_STATEMENT = {"type": "object", "properties": {
    "new_speaker": {"type": "boolean",
                    "description": "The speaker is a person new to the archive: add them"},
    "version": {"type": "integer", "minimum": 1,
                "description": "The version it was exported at: a new statement starts there"},
}}  # fmt: skip


def openapi_document() -> dict[str, Any]:
    error = {"description": "Bad request", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}  # fmt: skip
    not_found = {"description": "Not found", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}  # fmt: skip

    def failure(description: str) -> dict:
        return {"description": description, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}  # fmt: skip

    writes = {
        "400": error,
        "401": failure("No API token, or a revoked one"),
        "403": failure("The token's user lacks the role, or the server is read-only"),
        "409": failure("Changed meanwhile, or (adding) the id is archived already"),
        "413": failure("Request body over 2 MiB"),
    }

    def ok(ref: str) -> dict:
        return {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{ref}"}}}}  # fmt: skip

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hatsugen API",
            "version": "1",
            "description": "Attributed statements in Japanese and English: search, statements,"
            " speakers. Every HTML page has the JSON twin documented here.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search statements (same parameters and JSON as `hatsugen search`)",
                    "operationId": "search",
                    "parameters": [
                        _param(
                            "q",
                            {"type": "string", "maxLength": 1000},
                            'Words (AND), OR, NOT, "phrases", field:value',
                        ),
                        _param(
                            "speaker",
                            {"anyOf": [_STR, {"type": "array", "items": _STR}]},
                            "Speaker id, name or handle (repeatable: one value or several)",
                        ),
                        _param(
                            "lang",
                            _LANG,
                            "Language of the recorded text, e.g. ja",
                        ),
                        _param("kind", {"type": "string", "enum": ["", *KINDS]}, "Kind"),
                        _param("topic", _STR, "Topic"),
                        _param(
                            "status",
                            {"type": "string", "enum": ["", *STATUSES]},
                            "Attribution status",
                        ),
                        _param("house", _STR, "House of the Diet (衆議院, 参議院)"),
                        _param("committee", _STR, "Committee or meeting (予算委員会, 本会議)"),
                        _param(
                            "session",
                            {"type": "string", "pattern": "^[0-9]*$"},
                            "Diet session number",
                        ),
                        _param("since", _DATE, "From date: YYYY, YYYY-MM or YYYY-MM-DD"),
                        _param(
                            "undated",
                            {"type": "string", "enum": ["", "1"]},
                            "1: only statements without a date",
                        ),
                        _param("until", _DATE, "Until date (inclusive)"),
                        _param(
                            "sort", {"type": "string", "enum": ["", "relevance", "date"]}, "Order"
                        ),
                        _param("page", _whole(1000), "Page (empty: 1)"),
                        _param("per_page", _whole(100), "Results per page (empty: 10)"),
                        _param(
                            "format",
                            {"type": "string", "enum": ["", *FORMATS]},
                            "Instead of one page as JSON, the whole result list (every page, up"
                            " to 10,000 statements) as a download: CSV, JSON Lines (the import"
                            " format), RIS or BibTeX; citations with permalinks and today's date",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResult"}
                                },
                                **{
                                    media.split(";")[0]: {"schema": {"type": "string"}}
                                    for media, _ in FORMATS.values()
                                },
                            },
                        },
                        "400": error,
                    },
                }
            },
            "/api/statements": {
                "post": {
                    "summary": "Add a new statement (import format); needs a contributor's token",
                    "description": (
                        "Never replaces a statement: an archived id is 409 (change it with"
                        " PATCH and If-Match). The speaker is an id, a whole name or a handle;"
                        " a name that may mean an archived speaker (a family name, reading,"
                        " variant spelling) is 400 with the candidates, and a speaker the"
                        " archive does not know is made only with `new_speaker: true`. A"
                        " contributor's statement starts unverified (a verdict is 403)."
                    ),
                    "operationId": "addStatement",
                    "security": [{"token": []}],
                    "requestBody": body(NEW_STATEMENT),
                    "responses": {"201": ok("StatementPage"), **writes},
                }
            },
            "/api/statements/{id}/retract": {
                "post": {
                    "summary": "Retract (hide from search; the permalink stays); editor",
                    "operationId": "retractStatement",
                    "security": [{"token": []}],
                    "parameters": [ID],
                    "requestBody": body(REASON),
                    "responses": {"200": ok("StatementPage"), "404": not_found, **writes},
                }
            },
            "/api/statements/{id}/attribution": {
                "post": {
                    "summary": "Set the attribution status and/or add evidence; editor",
                    "operationId": "setAttribution",
                    "security": [{"token": []}],
                    "parameters": [ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "status": {"type": "string", "enum": list(STATUSES)},
                                        "evidence": {"$ref": "#/components/schemas/Evidence"},
                                        "actually_said_by": {"type": "object"},
                                        "note": _STR,
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"200": ok("StatementPage"), "404": not_found, **writes},
                }
            },
            "/api/statements/{id}": {
                "patch": {
                    "summary": "Change fields of a statement (null removes one); editor. Send the"
                    " ETag you read as If-Match: a newer version answers 412, never overwritten",
                    "operationId": "editStatement",
                    "security": [{"token": []}],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": _STR},
                        {"name": "If-Match", "in": "header", "required": True, "schema": _STR},
                    ],
                    "requestBody": body(REASON),
                    "responses": {
                        "200": ok("StatementPage"),
                        "404": not_found,
                        "412": {
                            "description": "The statement changed since that version",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        "428": {
                            "description": "If-Match is missing",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        **writes,
                    },
                },
                "get": {
                    "summary": "One statement with its history, citation and CSL-JSON",
                    "operationId": "statement",
                    "parameters": [ID],
                    "responses": {"200": ok("StatementPage"), "404": not_found},
                },
            },
            "/api/speakers": {
                "get": {
                    "summary": "All speakers with their statement counts",
                    "operationId": "speakers",
                    "responses": {"200": ok("SpeakerList")},
                }
            },
            "/api/speakers/{id}": {
                "get": {
                    "summary": "A speaker and their statements, newest first",
                    "operationId": "speaker",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": _STR},
                        _param("page", _whole(10000), "Page (empty: 1)"),
                    ],
                    "responses": {"200": ok("SpeakerPage"), "400": error, "404": not_found},
                }
            },
            "/api/statements/{id}/v/{number}": {
                "get": {
                    "summary": "One archived version of a statement, with citations pinned to"
                    " it (its version and content hash; the page /s/{id}/v/{number})",
                    "operationId": "statementVersion",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": _STR},
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        },
                    ],
                    "responses": {"200": ok("StatementVersion"), "404": not_found},
                }
            },
            "/api/events/{id}": {
                "get": {
                    "summary": "An event (a meeting, a press conference): its statements in"
                    " the order they were made, as its page /e/{id} shows them",
                    "operationId": "event",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": _STR}],
                    "responses": {"200": ok("Event"), "404": not_found},
                }
            },
            "/api/check-quote": {
                "post": {
                    "summary": "Where a circulating quote comes from: verbatim, excerpt, spliced"
                    " or altered, and whether the claimed speaker said it (nothing is stored)",
                    "operationId": "checkQuote",
                    "requestBody": body({"$ref": "#/components/schemas/QuoteCheckRequest"}),
                    "responses": {"200": ok("QuoteCheck"), "400": error},
                }
            },
            "/api/extract": {
                "post": {
                    "summary": "Candidate statements from a news article (nothing is stored)",
                    "operationId": "extract",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Article"}}
                        },
                    },
                    "responses": {
                        "200": ok("Candidates"),
                        "400": error,
                        "413": {
                            "description": "Request body over 2 MiB",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        "422": {
                            "description": "The article took longer than the time budget",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "hatsugen token create NAME",
                }
            },
        },
    }


def _schemas() -> dict[str, Any]:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    return {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}}},
        "Speaker": {"type": "object", "required": ["id"], "properties": {
            "id": _STR, "name": _NAMES, "reading": _STR,
            "aliases": {"type": "array", "items": _STR},
            "wikidata": {"type": "string", "pattern": "^Q[1-9][0-9]{0,11}$"}}},
        "Translation": {"type": "object", "required": ["lang", "text"], "properties": {
            "lang": _STR, "text": _STR, "by": {"type": "string", "enum": list(TRANSLATORS)},
            "original": {"type": "boolean", "description":
                         "the speaker's own words, when the text is a translation"}}},
        "Source": {"type": "object", "properties": {
            "url": _STR, "archived_url": _STR, "title": _LOCALIZED, "publisher": _STR,
            "date": _STR}},
        "Evidence": {"type": "object", "required": ["url", "kind"], "properties": {
            "url": _STR, "archived_url": _STR,
            "kind": {"type": "string", "enum": list(EVIDENCE_KINDS)}, "note": _STR,
            "added_by": _STR, "added_at": _STR}},
        "Attribution": {"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": list(STATUSES)},
            "actually_said_by": {"type": "object", "properties": {
                "speaker": _STR, "statement": _STR, "origin": {"const": "unknown"}}},
            "evidence": {"type": "array", "items": ref("Evidence")},
            "history": {"type": "array", "items": {"type": "object",
                "required": ["status", "at", "by"], "properties": {
                    "status": {"type": "string", "enum": list(STATUSES)}, "at": _STR,
                    "by": _STR, "note": _STR}}}}},
        "Statement": {"type": "object", "required": ["id", "speaker", "lang", "text"],
                      "properties": {
            "id": _STR, "speaker": ref("Speaker"), "role": _LOCALIZED, "date": _STR,
            "kind": {"type": "string", "enum": list(KINDS)}, "lang": _STR,
            "spoken_lang": _STR, "wording": {"type": "string", "enum": list(WORDINGS)},
            "text": _STR, "translations": {"type": "array", "items": ref("Translation")},
            "source": ref("Source"), "event": _LOCALIZED, "place": _LOCALIZED,
            "event_id": _STR, "order": {"type": "integer"}, "media": ref("Media"),
            "meeting": {"type": "object", "properties": {
                "house": _STR, "committee": _STR, "session": {"type": "integer"},
                "issue": _STR, "url": _STR}},
            "topics": {"type": "array", "items": _LOCALIZED}, "context": _STR, "notes": _STR,
            "attribution": ref("Attribution")}},
        "StatementVersion": {"type": "object", "required": [
            "record", "version", "at", "by", "current", "newer", "citation", "citations",
            "csl", "content_hash"], "properties": {
            "record": ref("Statement"), "version": {"type": "integer"}, "at": _STR, "by": _STR,
            "reason": _NULLABLE_STR, "current": {"type": "integer"},
            "newer": {"type": "array", "items": {"type": "object"}, "description":
                      "the versions made since, with what each changed"},
            "citation": _STR, "citations": {"type": "object", "properties": {
                "ja": _STR, "en": _STR}}, "csl": {"type": "object"},
            "content_hash": {"type": "string", "description":
                             "short hash of the text, translations and source"},
            "speakers": {"type": "object", "additionalProperties": ref("Speaker")}}},
        "Media": {"type": "object", "required": ["url"], "description":
                  "where in a recording a statement was said (seconds from the start)",
                  "properties": {"url": _STR, "start": {"type": "number"},
                                 "end": {"type": "number"}}},
        "Event": {"type": "object", "required": ["id", "count", "statements"], "properties": {
            "id": _STR, "name": {"oneOf": [_LOCALIZED, {"type": "null"}]},
            "dates": {"type": "array", "items": _STR},
            "meeting": {"oneOf": [{"type": "object"}, {"type": "null"}]},
            "source": {"oneOf": [ref("Source"), {"type": "null"}]},
            "media": _NULLABLE_STR, "count": {"type": "integer"},
            "statements": {"type": "array", "items": ref("Statement")}}},
        "SearchResult": {"type": "object",
                         "required": ["query", "total", "page", "per_page", "results", "facets"],
                         "properties": {
            "query": _STR, "total": {"type": "integer"}, "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object", "required": [
                "id", "score", "speaker", "lang", "text", "translations", "highlights"],
                "properties": {
                    "id": _STR, "score": {"type": "number"},
                    "speaker": {"type": "object", "properties": {"id": _STR, "name": _NAMES}},
                    "role": {"oneOf": [_LOCALIZED, {"type": "null"}]}, "date": _NULLABLE_STR,
                    "kind": _NULLABLE_STR,
                    "lang": _STR, "spoken_lang": _NULLABLE_STR,
                    "wording": {"type": "string", "enum": list(WORDINGS)},
                    "status": {"type": "string", "enum": list(STATUSES)}, "text": _STR,
                    "truncated": {"type": "boolean", "description":
                                  "a text was cut to 20,000 characters; see the statement"},
                    "translations": {"type": "array", "items": ref("Translation")},
                    "source": ref("Source"), "attribution": ref("Attribution"),
                    "event_id": {**_NULLABLE_STR, "description":
                                 "its event's page: /e/{event_id}, to read it in its place"},
                    "order": {"type": ["integer", "null"]},
                    "media": {"oneOf": [ref("Media"), {"type": "null"}]},
                    "highlights": {"type": "object", "properties": {
                        "text": _STR, "translations": _NAMES, "original": _STR,
                        "meta": {"type": "object", "description":
                                 "role, event, place, topics that matched, marked",
                                 "additionalProperties": _STR},
                        "aligned": {"type": "object", "additionalProperties": _STR,
                                    "description": "long translations in which nothing matched:"
                                    " the sentences that correspond to the matched ones"},
                        "cut": {"type": "array", "items": _STR, "description":
                                "texts shown in part: text, original, or a translation's lang"}}},
                    "matched_in": {"type": "array", "items": {"type": "string", "enum": [
                        "text", "original", "translation", "speaker", "meta"]},
                        "description": "where this statement matched the query"}}}},
            "matched": {"type": "object", "description":
                "of total: how many matched in what was said (ranked first), how many only in"
                " who said it, how many only in their metadata (role, event, place, topics)",
                "properties": {"text": {"type": "integer"}, "speaker_only": {"type": "integer"},
                               "metadata_only": {"type": "integer"}}},
            "facets": {"type": "object", "properties": {
                "speaker": counts, "lang": counts, "kind": counts, "year": counts,
                "status": counts, "house": counts, "committee": counts, "session": counts}},
            "queued_for_indexing": {"type": "integer", "description":
                "statements stored but not yet searchable (behind a busy index writer, or"
                " queued for a search cluster that cannot be reached): the lag"},
            "speakers_named": {"type": "array", "items": _STR, "description":
                "speakers whose name or reading the query was, when it found nothing as words:"
                " the results are their statements"},
            "engine": {"type": "string", "enum": ["embedded", "opensearch"], "description":
                "which engine answered: the embedded index, or an OpenSearch cluster"}}},
        "StatementPage": {"type": "object",
                          "required": ["statement", "meta", "history", "citation", "csl"],
                          "properties": {
            "statement": ref("Statement"),
            "meta": {"type": "object", "properties": {
                "version": {"type": "integer"}, "created_at": _STR, "updated_at": _STR}},
            "history": {"type": "array", "items": {"type": "object", "properties": {
                "version": {"type": "integer"}, "at": _STR, "by": _STR,
                "reason": _NULLABLE_STR,
                "changed": {"type": "array", "items": _STR}, "record": {"type": "object"}}}},
            "citation": _STR, "csl": {"type": "object"},
            "citations": {"type": "object", "description": "the citation in each language,"
                          " pinned to the version", "properties": {"ja": _STR, "en": _STR}},
            "content_hash": _STR,
            "speakers": {"type": "object", "additionalProperties": ref("Speaker"),
                         "description": "speakers that a misattribution names"}}},
        "Article": {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 200000},
            "source_url": {"type": "string", "description": (
                "the article's http(s) URL (spaces around it ignored, empty for none); any"
                " other is a 400")}, "publisher": _STR, "title": _STR,
            "date": _DATE}},
        "QuoteCheckRequest": {"type": "object", "required": ["quote"], "properties": {
            "quote": {"type": "string", "minLength": 1, "maxLength": 2000},
            "speaker": {"type": ["string", "null"], "description": (
                "who the quote circulates under: a name, alias, handle or id")}}},
        "QuoteCheck": {"type": "object", "required": ["quote", "matches", "nearest"],
                       "properties": {
            "quote": _STR,
            "claimed_speaker": {"type": ["object", "null"]},
            "threshold": {"type": "object"},
            "nearest": {"type": "array", "items": {"type": "object"},
                        "description": "statements shown as not matching, when none matches"},
            "matches": {"type": "array", "items": {"type": "object",
                "required": ["id", "verdict", "via", "speaker_matches", "pieces", "context"],
                "properties": {
                    "id": _STR,
                    "verdict": {"type": "string",
                                "enum": ["verbatim", "excerpt", "spliced", "altered"]},
                    "via": {"type": "string", "enum": ["text", "translation"]},
                    "lang": _STR,
                    "omission_marked": {"type": "boolean"},
                    "share": {"type": "number"},
                    "speaker_matches": {"type": ["boolean", "null"]},
                    "status": _STR,
                    "speaker": {"type": "object"},
                    "pieces": {"type": "array", "items": {"type": "object", "properties": {
                        "kind": {"type": "string", "enum": [
                            "same", "added", "removed", "replaced", "gap", "omitted"]},
                        "quote": _STR, "source": _STR}}},
                    "context": {"type": "object", "properties": {
                        "before": _STR, "lead": _STR, "tail": _STR, "after": _STR}}}}}}},
        "Candidates": {"type": "object", "required": ["candidates", "count"], "properties": {
            "count": {"type": "integer"},
            "candidates": {"type": "array", "items": {"type": "object",
                "required": ["speaker", "kind", "lang", "text", "context"], "properties": {
                    "speaker": {"type": ["object", "null"], "properties": {"id": _STR,
                        "name": _NAMES, "aliases": {"type": "array", "items": _STR}}},
                    "role": _STR, "date": _STR, "kind": {"type": "string", "enum": list(KINDS)},
                    "lang": _STR, "wording": {"type": "string", "enum": list(WORDINGS)},
                    "text": _STR, "source": ref("Source"), "context": _STR, "notes": _STR,
                    "review": {"type": "object", "properties": {
                        "speaker": {"type": "object", "properties": {
                            "status": {"type": "string", "enum": ["unresolved"]},
                            "candidates": {"type": "array", "items": _STR}, "why": _STR}},
                        "already_archived": _STR,
                        "similar_to": {"type": "array", "items": _STR}}}}}}}},
        "SpeakerList": {"type": "object", "required": ["speakers"], "properties": {
            "speakers": {"type": "array", "items": {"allOf": [ref("Speaker"), {
                "type": "object", "properties": {"count": {"type": "integer"}}}]}}}},
        "SpeakerPage": {"type": "object",
                        "required": ["speaker", "roles", "total", "page", "per_page", "statements"],
                        "properties": {
            "speaker": ref("Speaker"), "roles": {"type": "array", "items": _STR},
            "total": {"type": "integer"}, "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "statements": {"type": "array", "items": ref("Statement")},
            "speakers": {"type": "object", "additionalProperties": ref("Speaker")}}},
    }  # fmt: skip
