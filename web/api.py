"""The JSON API: the same data as the pages, same parameters as the CLI."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from hatsugen.archive import NotFound

from . import views
from .openapi import openapi_document
from .views import core

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> ResponseReturnValue:
    return jsonify(core().search(views.search_request(request.args)))


@bp.get("/statements/<statement_id>")
def statement(statement_id: str) -> ResponseReturnValue:
    return jsonify(views.statement_data(core(), statement_id))


@bp.get("/speakers")
def speakers() -> ResponseReturnValue:
    return jsonify(views.speakers_data(core()))


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
    from hatsugen.index import QueryError

    body = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(body, dict):
        raise QueryError("send a JSON object with at least a 'text' field", "text")
    return jsonify(views.extract_data(core(), body))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())
