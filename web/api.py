"""The JSON API: the same data as the pages, same parameters as the CLI."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from hatsugen.archive import NotFound
from hatsugen.archive.ascii import whole_number
from hatsugen.archive.formats import loads
from hatsugen.core import EditConflict
from hatsugen.index import QueryError

from . import views
from .auth import actor, requires
from .openapi import openapi_document
from .views import core

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> ResponseReturnValue:
    fmt = request.args.get("format", "").strip()
    if fmt:
        return views.result_list_download(request.args, fmt)
    return jsonify(core().search(views.search_request(request.args)))


@bp.get("/statements/<statement_id>")
def statement(statement_id: str) -> ResponseReturnValue:
    """The statement, with its version as the ETag a PATCH sends back in If-Match."""
    return _tagged(statement_id)


@bp.get("/statements/<statement_id>/v/<int:number>")
def statement_version(statement_id: str, number: int) -> ResponseReturnValue:
    """One archived version, with its pinned citations (the page /s/ID/v/N)."""
    return jsonify(views.version_data(core(), statement_id, number,
                                      permalink=views.permalink(statement_id)))  # fmt: skip


@bp.get("/events/<event_id>")
def event(event_id: str) -> ResponseReturnValue:
    """The event page's twin: the event and its statements in order."""
    data = views.event_data(core(), event_id)
    if data is None:
        raise NotFound(f"no event with id {event_id!r}")
    return jsonify(data["event"])


@bp.get("/speakers")
def speakers() -> ResponseReturnValue:
    return jsonify(views.speakers_data(core(), request.args))


@bp.get("/speakers/<speaker_id>")
def speaker(speaker_id: str) -> ResponseReturnValue:
    data = views.speaker_data(core(), speaker_id, views.page_number(request.args))
    if data is None:
        raise NotFound(f"no speaker with id {speaker_id!r}")
    return jsonify(data)


@bp.post("/extract")
def extract() -> ResponseReturnValue:
    """Article in (JSON `{"text", "source_url", "publisher", "title", "date"}` or a form),
    candidate statements out. Nothing is stored."""
    body = json_body() if request.is_json else request.form.to_dict()
    if not isinstance(body, dict):
        raise QueryError("send a JSON object with at least a 'text' field", "text")
    return jsonify(views.extract_data(core(), body))


@bp.post("/check-quote")
def check_quote() -> ResponseReturnValue:
    """`{"quote", "speaker"}` in, where it comes from out (core/quote_check.py)."""
    body = json_body() if request.is_json else request.form.to_dict()
    if not isinstance(body, dict) or not isinstance(body.get("quote"), str):
        raise QueryError("send a JSON object with the quote as a string in 'quote'", "quote")
    speaker = body.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise QueryError("must be a string: a name, alias, handle or id", "speaker")
    return jsonify(core().check_quote(body["quote"], speaker))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())


# -- writes: an API token (Authorization: Bearer …), never a cookie --------------------------
def json_body() -> object:
    """The request's JSON, read with the archive's own rules (no duplicate keys, bounded
    nesting): a clear 400, never a 500, for whatever a client sends."""
    try:
        return loads(request.get_data(as_text=True))
    except ValueError as err:
        raise QueryError(f"is not valid JSON ({err})", "body") from None


def _body() -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise QueryError("send a JSON object", "body")
    return body


def _tagged(statement_id: str) -> Response:
    """The statement's JSON with its version as the ETag."""
    data = views.statement_data(core(), statement_id, permalink=views.permalink(statement_id))
    response = jsonify(data)
    response.headers["ETag"] = f'"{data["meta"]["version"]}"'
    return response


def _saved(statement_id: str, status: int = 200) -> ResponseReturnValue:
    response = _tagged(statement_id)
    response.status_code = status
    response.headers["Location"] = url_for("api.statement", statement_id=statement_id)
    return response


@bp.post("/statements")
@requires("add")
def add_statement() -> ResponseReturnValue:
    """A new statement in the import format; 201 with the stored record. An archived id is
    409 (change it with PATCH); `"new_speaker": true` says the speaker is a new person."""
    return _saved(core().add(_body(), actor=actor()), 201)


@bp.patch("/statements/<statement_id>")
@requires("edit")
def edit_statement(statement_id: str) -> ResponseReturnValue:
    """Replace fields of a statement (null removes one; those not sent are kept).
    `If-Match: "<version>"` is required (the ETag of the version the change is based on);
    `reason` in the body says why."""
    match = request.headers.get("If-Match", "").strip().strip('"')
    if not match:
        return jsonify({"error": 'send If-Match: "<version>" (the ETag you read)'}), 428
    version = whole_number(match)
    if version is None:
        raise QueryError("If-Match must be a version number in quotes", "If-Match")
    body = _body()
    reason = body.pop("reason", None)
    if not isinstance(reason, str):
        raise QueryError("say why in 'reason' (a string)", "reason")
    try:
        core().change(statement_id, body, actor=actor(), reason=reason, based_on=version)
    except EditConflict as err:
        return jsonify({"error": str(err), "current_version": err.current}), 412
    return _saved(statement_id)


@bp.post("/statements/<statement_id>/retract")
@requires("retract")
def retract_statement(statement_id: str) -> ResponseReturnValue:
    reason = _body().get("reason")
    if not isinstance(reason, str):
        raise QueryError("say why in 'reason' (a string)", "reason")
    core().retract(statement_id, actor=actor(), reason=reason)
    return _saved(statement_id)


@bp.post("/statements/<statement_id>/attribution")
@requires("verify")
def set_attribution(statement_id: str) -> ResponseReturnValue:
    """Status and/or one piece of evidence: {status, evidence: {url, kind, …},
    actually_said_by, note}; what is left out is kept."""
    body = _body()
    unknown = set(body) - {"status", "evidence", "actually_said_by", "note"}
    if unknown:
        raise QueryError(f"unknown field {sorted(unknown)[0]!r}", sorted(unknown)[0])
    if body.get("evidence") is not None and not isinstance(body["evidence"], dict):
        raise QueryError("must be an object {url, kind, archived_url, note}", "evidence")
    said_by = body.get("actually_said_by")
    if said_by is not None and not isinstance(said_by, str | dict):
        raise QueryError("must be a speaker, a statement id or an object", "actually_said_by")
    core().verify(statement_id, actor=actor(), status=body.get("status"),
                  evidence=body.get("evidence"), actually_said_by=said_by,
                  note=body.get("note"))  # fmt: skip
    return _saved(statement_id)
