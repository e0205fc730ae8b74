"""The data behind every page: each HTML page renders exactly the dict its JSON twin returns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from hatsugen.archive.ascii import whole_number
from hatsugen.archive.errors import RecordError
from hatsugen.archive.formats import full_record
from hatsugen.archive.speakers import names_of
from hatsugen.citations import FORMATS, as_text, citation, content_hash, csl_json
from hatsugen.core import EXPORT_LIMIT, Hatsugen
from hatsugen.index import QueryError, SearchRequest
from hatsugen.index.schema import MEETING_FACETS
from hatsugen.media import media_link
from hatsugen.speaker_lookup import display_name, lookup_key

from .diff import revision_diff

SPEAKER_PAGE_SIZE = 20
MAX_SUGGESTED_WORDS = 5


def core() -> Hatsugen:
    """The archive of the app handling this request (put there by `create_app`)."""
    return current_app.extensions["hatsugen"]


# What the search page shows when the request could not be run.
NO_RESULT: dict[str, Any] = {"total": 0, "matched": None, "page": 1, "per_page": 10,
                             "results": [], "facets": {}, "queued_for_indexing": 0}  # fmt: skip


def search_request(args: MultiDict, strict: bool = True) -> SearchRequest:
    """Query-string parameters (the CLI's options) → a validated SearchRequest; with
    `strict=False`, the values as given (to show them again beside an error)."""

    def text(name: str) -> str | None:
        value = args.get(name, "").strip()
        return value or None

    def flag(name: str) -> bool:
        raw = args.get(name, "").strip()
        if raw not in ("", "1") and strict:
            raise QueryError(f"{raw!r} is not 1 (on) or empty (off)", name)
        return raw == "1"

    def number(name: str, default: int) -> int:
        raw = args.get(name, "").strip()
        if not raw:
            return default
        value = whole_number(raw)
        if value is None:
            if not strict:
                return default
            raise QueryError(f"{raw!r} is not a whole number", name)
        return value

    req = SearchRequest(
        q=args.get("q", ""),
        speakers=[s.strip() for s in args.getlist("speaker") if s.strip()],
        lang=text("lang"),
        kind=text("kind"),
        topic=text("topic"),
        since=text("since"),
        until=text("until"),
        status=text("status"),
        house=text("house"),
        committee=text("committee"),
        session=text("session"),
        undated=flag("undated"),
        sort=text("sort") or "relevance",
        page=number("page", 1),
        per_page=number("per_page", 10),
    )
    return req.validate() if strict else req


def result_list_download(args: MultiDict, fmt: str) -> Response:
    """The whole result list of a search (every page, up to EXPORT_LIMIT) as a download in
    `fmt` (csv, jsonl, ris, bibtex): citations carry permalinks on this site and today's
    date as the access date."""
    if fmt not in FORMATS:
        raise QueryError(f"{fmt!r} is not one of: {', '.join(FORMATS)}", "format")
    req = search_request(args)
    total, records = core().search_list(req, EXPORT_LIMIT)
    body = as_text(fmt, records, speakers=core().speakers_by_id(),
                   permalink_base=request.url_root, accessed=today())  # fmt: skip
    media, extension = FORMATS[fmt]
    headers = {"Content-Disposition": f'attachment; filename="hatsugen-search.{extension}"',
               "X-Total-Count": str(total), "X-Exported-Count": str(len(records))}  # fmt: skip
    return Response(body, content_type=media, headers=headers)


def permalink(statement_id: str) -> str:
    """The statement's address on this site, as a citation gives it."""
    return url_for("pages.statement", statement_id=statement_id, _external=True)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def page_number(args: MultiDict, top: int = 10_000) -> int:
    value = whole_number(args.get("page", "").strip() or "1")
    if value is None or not 1 <= value <= top:
        raise QueryError(f"must be a whole number from 1 to {top}", "page")
    return value


def suggestions(app: Hatsugen, req: SearchRequest) -> list[dict[str, Any]]:
    """For an empty result: the same search without each filter, or with each word alone."""
    out: list[dict[str, Any]] = []
    spelled = app.did_you_mean(req.q) if req.q else None
    if spelled:  # from the archive's own words: a suggestion always finds something
        respelled = SearchRequest(**{**req.__dict__, "q": spelled}).validate()
        total = app.search(respelled)["total"]
        if total:
            out.append({"kind": "spelling", "name": spelled, "count": total,
                        "request": respelled})  # fmt: skip
    for name in ("speakers", "lang", "kind", "topic", "since", "until", "status",
                 *MEETING_FACETS):  # fmt: skip
        if not getattr(req, name):
            continue
        relaxed = SearchRequest(**{**req.__dict__, name: [] if name == "speakers" else None})
        total = app.search(relaxed.validate())["total"]
        if total:
            out.append({"kind": "filter", "name": "speaker" if name == "speakers" else name,
                        "count": total, "request": relaxed})  # fmt: skip
    words = req.q.split()
    # At most a few tries: each is a whole search, and an odd query must not cost dozens.
    if 1 < len(words) <= MAX_SUGGESTED_WORDS and all(w.isalnum() or not w.isascii()
                                                     for w in words):  # fmt: skip
        for word in words:
            alone = SearchRequest(**{**req.__dict__, "q": word}).validate()
            total = app.search(alone)["total"]
            if total:
                out.append({"kind": "word", "name": word, "count": total, "request": alone})
    return out


def statement_data(
    app: Hatsugen, statement_id: str, *, permalink: str | None = None, ui: str = "en"
) -> dict[str, Any]:
    """A statement with its metadata, history and citations (with `permalink`, in `ui`)."""
    record = app.statement(statement_id)
    speakers = referenced_speakers(app, [record])
    meta = app.meta(statement_id)
    cited = {"id": statement_id, "version": meta["version"], **record}
    return {
        "statement": record,
        "meta": meta,
        "history": app.history(statement_id),
        **citations_of(cited, speakers, permalink, ui),
        "speakers": speakers,
        "proposals": proposals_of(app, statement_id),
        "in_event": place_in_event(app, statement_id),
        "media_link": media_link(record.get("media")),
    }


def citations_of(
    record: dict, speakers: dict[str, dict], permalink: str | None, ui: str
) -> dict[str, Any]:
    """A version's citations, pinned to it (version and content hash, /s/ID/v/N): the one in
    the interface language, both languages to paste, and CSL-JSON."""
    kept = {"permalink": permalink, "accessed": today()}
    return {
        "citation": citation(record, speakers, **kept, ui=ui),
        "citations": {lang: citation(record, speakers, **kept, ui=lang) for lang in ("ja", "en")},
        "csl": csl_json(record, speakers, **kept),
        "content_hash": content_hash(record),
    }


def version_data(
    app: Hatsugen, statement_id: str, number: int, *, permalink: str | None = None,
    ui: str = "en",
) -> dict[str, Any]:  # fmt: skip
    """One archived version of a statement, with its own pinned citations and what changed
    in the versions made since."""
    found = app.version(statement_id, number)
    speakers = referenced_speakers(app, [found["record"]])
    return {**found, **citations_of(found["record"], speakers, permalink, ui),
            "speakers": speakers}  # fmt: skip


FOLD_CHARS = 20_000  # of a text shown on a statement page before "show the whole text"


def event_data(app: Hatsugen, event_id: str) -> dict[str, Any] | None:
    """An event page's data: the event and its statements in order (core.event)."""
    event = app.event(event_id)
    if event is None:
        return None
    for record in event["statements"]:
        record["media_link"] = media_link(record.get("media"))
    return {"event": event}


def place_in_event(app: Hatsugen, statement_id: str) -> dict[str, Any] | None:
    """A statement's event, position, and the statements just before and after it (each
    with its speaker), for the links on its page."""
    place = app.place_in_event(statement_id)
    if place is None:
        return None
    for side in ("before", "after"):
        if place[side]:
            place[side] = app.statement(place[side])
    return place


def proposals_of(app: Hatsugen, statement_id: str) -> list[dict[str, Any]]:
    """Open proposals with what each would change (HTML, escaped, with <del>/<ins>)."""
    current = app.record(statement_id)
    return [
        {**p, "changes": [(f, str(html)) for f, html in revision_diff(current, p["record"])]}
        for p in app.proposals(statement_id)
    ]


def referenced_speakers(app: Hatsugen, records: list[dict]) -> dict[str, dict]:
    """Speakers that misattributed statements name as the ones who really said them."""
    out = {}
    for record in records:
        said_by = (record.get("attribution") or {}).get("actually_said_by") or {}
        if "speaker" in said_by and said_by["speaker"] not in out:
            speaker = app.speaker(said_by["speaker"])
            if speaker is not None:
                out[speaker["id"]] = speaker
    return out


def speaker_data(app: Hatsugen, speaker_id: str, page: int = 1) -> dict[str, Any] | None:
    speaker = app.speaker(speaker_id)
    if speaker is None:
        return None
    count = app.count(speaker_id)
    records = app.statements_of(
        speaker_id, limit=SPEAKER_PAGE_SIZE, offset=(page - 1) * SPEAKER_PAGE_SIZE
    )
    return {
        "speaker": speaker,
        "roles": app.roles_of(speaker_id),
        "role_history": app.role_history(speaker_id),
        "total": count,
        "page": page,
        "per_page": SPEAKER_PAGE_SIZE,
        "statements": [full_record(r, {speaker_id: speaker}) for r in records],
        "speakers": referenced_speakers(app, records),
        "merged_into": (app.merged_into(speaker_id) or (None, None))[1],
    }


SPEAKER_SORTS = ("reading", "name", "count")
SPEAKERS_PER_PAGE = 100


def speakers_data(app: Hatsugen, args: MultiDict | None = None) -> dict[str, Any]:
    """The speakers with their statement counts: filtered by `q` (any part of a name,
    reading or alias, width and kanji variants folded), sorted by reading (あいうえお; those
    without one by name, after), by name or by count, and paged when `page` is given."""
    args = args or MultiDict()
    counts = app.speaker_counts()
    rows = [{**s, "count": counts.get(s["id"], 0)} for s in app.speakers_by_id().values()]
    wanted = lookup_key(args.get("q", ""))
    if wanted:
        rows = [r for r in rows if any(wanted in k for k in _name_keys(r))]
    sort = args.get("sort", "reading")
    if sort not in SPEAKER_SORTS:
        raise QueryError(f"{sort!r} is not one of: {', '.join(SPEAKER_SORTS)}", "sort")
    if sort == "count":
        rows.sort(key=lambda r: (-r["count"], _name_key(r)))
    elif sort == "name":
        rows.sort(key=_name_key)
    else:
        # family name first, then given name (かん なおと before かんけ いちろう)
        rows.sort(key=lambda r: (0, [lookup_key(p) for p in r["reading"].split()])
                  if r.get("reading") else (1, [_name_key(r)]))  # fmt: skip
    out = {"speakers": rows, "total": len(rows), "q": args.get("q", ""), "sort": sort}
    if "page" not in args:
        return out  # the API's whole list, as before
    pages = max(1, (len(rows) + SPEAKERS_PER_PAGE - 1) // SPEAKERS_PER_PAGE)
    page = page_number(args, top=pages)
    start = (page - 1) * SPEAKERS_PER_PAGE
    out.update(speakers=rows[start : start + SPEAKERS_PER_PAGE], page=page,
               per_page=SPEAKERS_PER_PAGE)  # fmt: skip
    return out


def _name_keys(speaker: dict) -> list[str]:
    return [lookup_key(n) for n in [*names_of(speaker), speaker["id"]]]


def _name_key(speaker: dict) -> str:
    return lookup_key(display_name(speaker))


MAX_ARTICLE_CHARS = 200_000
EXTRACT_BUDGET_S = 10.0  # per request: a server thread is never held longer by one article


def extract_data(app: Hatsugen, form: dict[str, Any]) -> dict[str, Any]:
    """Candidates for a pasted article (nothing stored). Raises QueryError on bad input."""
    from hatsugen.archive.provenance import URL_RE
    from hatsugen.archive.records import parse_date
    from hatsugen.extract import article_source

    text = form.get("text")
    if not isinstance(text, str) or not text.strip():
        raise QueryError("paste the article's text (or HTML)", "text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise QueryError(f"is longer than {MAX_ARTICLE_CHARS:,} characters", "text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError("contains invalid Unicode (a lone surrogate)", "text") from None
    options: dict[str, str | None] = {}
    for name in ("source_url", "publisher", "title", "date"):
        value = form.get(name)
        if name in form and not isinstance(value, str):
            raise QueryError("must be a string", name)
        options[name] = value.strip() if value and value.strip() else None
    if options["date"]:
        try:
            parse_date(options["date"], "date")
        except RecordError as err:
            raise QueryError(err.message, "date") from None
    if options["source_url"] and not URL_RE.fullmatch(options["source_url"]):
        raise QueryError("must be an http(s) URL", "source_url")
    source = article_source(text, options["source_url"], options["title"], options["publisher"])
    budget = current_app.config.get("HATSUGEN_EXTRACT_BUDGET_S", EXTRACT_BUDGET_S)
    candidates = app.extract(text, default_date=options["date"], source=source, budget=budget)
    return {"candidates": candidates, "count": len(candidates), "source": source}
