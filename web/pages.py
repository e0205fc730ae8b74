"""HTML pages. Each renders the dict its JSON twin in api.py returns (plus labels)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from hatsugen.archive import NotFound
from hatsugen.archive.ascii import whole_number
from hatsugen.archive.provenance import WORDINGS, status_of
from hatsugen.archive.records import KINDS
from hatsugen.citations import FORMATS as CITATION_FORMATS
from hatsugen.citations import as_text, csl_json
from hatsugen.core import bounded
from hatsugen.index import QueryError, SearchRequest
from hatsugen.index.schema import MEETING_FACETS

from . import linked_data, views
from .views import core

bp = Blueprint("pages", __name__)


def this_search(*dropped: str) -> MultiDict:
    """This request's parameters, less the ones named; never the interface language (a link
    someone shares must not set the language of whoever opens it)."""
    args = MultiDict(request.args)
    for key in ("ui", *dropped):
        args.pop(key, None)
    return args


def _with_query(url: str, args: MultiDict) -> str:
    return url + ("?" + _encode(args) if args else "")


@bp.app_template_global()
def download_url(fmt: str) -> str:
    """The whole result list of this search as a file (every page): /api/search?…&format=."""
    args = this_search("page", "per_page", "format")
    args["format"] = fmt
    return _with_query(url_for("api.search"), args)


@bp.app_template_global()
def feed_url() -> str:
    """This search as an Atom feed, newest first (/feed?…)."""
    return _with_query(
        url_for("feeds.search_feed"), this_search("page", "per_page", "format", "sort")
    )


@bp.app_template_global()
def url_with(**changes: object) -> str:
    """This page's URL with some query parameters changed (None removes; page resets; ui=
    only when it is the change: the language switch)."""
    args = this_search("page")
    for key, value in changes.items():
        args.pop(key, None)
        if isinstance(value, list | tuple):
            for v in value:
                args.add(key, v)
        elif value is not None:
            args[key] = value
    return _with_query(
        url_for(request.endpoint or "pages.search", **(request.view_args or {})), args
    )


@bp.app_template_global()
def toggle_speaker(speaker_id: str) -> str:
    chosen = request.args.getlist("speaker")
    new = [s for s in chosen if s != speaker_id] if speaker_id in chosen else [*chosen, speaker_id]
    return url_with(speaker=new)


@bp.app_template_global()
def marked(html: str) -> Markup:
    """Our own highlighter's output: already escaped, with only <mark> added."""
    return Markup(html)


@bp.app_template_filter()
def speaker_display(speaker_id: str) -> str:
    """A speaker's name in the interface language, by id."""
    speaker = core().speaker(speaker_id)
    return g.t.speaker_names(speaker)[0] if speaker else speaker_id


@bp.app_template_filter()
def search_args(req: SearchRequest) -> str:
    """A SearchRequest as the query string of the search page (defaults left out)."""
    pairs: list[tuple[str, object]] = [("q", req.q)] if req.q else []
    pairs += [("speaker", s) for s in req.speakers]
    for name in ("lang", "kind", "topic", "since", "until", "status", *MEETING_FACETS):
        if getattr(req, name):
            pairs.append((name, getattr(req, name)))
    if req.undated:
        pairs.append(("undated", "1"))
    if req.sort != "relevance":
        pairs.append(("sort", req.sort))
    return _encode(MultiDict(pairs))


def _encode(args: MultiDict) -> str:
    from urllib.parse import urlencode

    return urlencode(list(args.items(multi=True)))


@bp.get("/")
def search() -> ResponseReturnValue:
    """The search page. A bad query or filter is said above the form, which keeps what was
    typed (a 400), instead of a page that loses it."""
    app = core()
    error, status = None, 200
    try:
        req = views.search_request(request.args)
        result = app.search(req)
    except QueryError as err:
        req, result = views.search_request(request.args, strict=False), views.NO_RESULT
        error, status = err, 400
    no_result = not result["total"] and (req.q or req.has_filters)
    tips = views.suggestions(app, req) if no_result and error is None else []
    page = render_template(
        "search.html",
        req=req,
        result=result,
        tips=tips,
        error=error,
        compact=request.args.get("view") == "compact",
        speakers=app.speakers_by_id(),
        langs=app.languages(),
        kinds=KINDS,
    )
    return page, status


@bp.get("/s/<statement_id>")
def statement(statement_id: str) -> ResponseReturnValue:
    data = views.statement_data(core(), statement_id, permalink=views.permalink(statement_id),
                                ui=g.ui)  # fmt: skip
    folded: list[str] = []
    if request.args.get("full") != "1":  # a very long speech: its start, and a link to all
        data["statement"], folded = bounded(data["statement"], views.FOLD_CHARS)
    record = data["statement"]  # the structured data says no more than the page shows
    structured = linked_data.quotation(
        record, permalink=views.permalink(statement_id), site=request.url_root,
        speaker_url=url_for("pages.speaker", speaker_id=record["speaker"]["id"], _external=True),
        rating_name=g.t("status_" + status_of(record)), speakers=data["speakers"],
    )  # fmt: skip
    return render_template("statement.html", **data, folded=folded,
                           linked_data=linked_data.script_tag(structured))  # fmt: skip


@bp.get("/s/<statement_id>/v/<int:number>")
def statement_version(statement_id: str, number: int) -> ResponseReturnValue:
    """A version as it was archived, for citations pinned to it: says when a newer one
    exists and what it changed."""
    data = views.version_data(core(), statement_id, number,
                              permalink=views.permalink(statement_id), ui=g.ui)  # fmt: skip
    return render_template("version.html", **data)


@bp.get("/s/<statement_id>/csl.json", defaults={"fmt": "csl"})
@bp.get("/s/<statement_id>/cite.bib", defaults={"fmt": "bibtex"})
@bp.get("/s/<statement_id>/cite.ris", defaults={"fmt": "ris"})
def statement_citation(statement_id: str, fmt: str) -> ResponseReturnValue:
    """The statement's citation as a file for reference managers, pinned to the version
    asked for (`v=N`) or the current one."""
    app, link = core(), views.permalink(statement_id)
    number = app.meta(statement_id)["version"]
    if request.args.get("v", "").strip():
        number = whole_number(request.args["v"]) or 0
        if not number:
            raise QueryError(f"{request.args['v']!r} is not a version number", "v")
    record = app.version(statement_id, number)["record"]
    speakers = views.referenced_speakers(app, [record])
    if fmt == "csl":
        media, suffix = "application/vnd.citationstyles.csl+json", "csl.json"
        body = json.dumps([csl_json(record, speakers, permalink=link, accessed=views.today())],
                          ensure_ascii=False, indent=2)  # fmt: skip
    else:  # as a result list of one: the same entry the list downloads give
        media, suffix = CITATION_FORMATS[fmt]
        body = as_text(fmt, [record], speakers=speakers, accessed=views.today(),
                       permalink_base=request.url_root)  # fmt: skip
    name = f"{statement_id}-v{number}.{suffix}"
    return Response(body, content_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.get("/e/<event_id>")
def event(event_id: str) -> ResponseReturnValue:
    """An event (a meeting, a press conference, a summit): its statements in order."""
    data = views.event_data(core(), event_id)
    if data is None:
        raise NotFound(f"no event with id {event_id!r}")
    return render_template("event.html", **data)


@bp.get("/speakers")
def speakers() -> ResponseReturnValue:
    args = MultiDict(request.args)
    args.setdefault("page", "1")
    return render_template("speakers.html", **views.speakers_data(core(), args))


@bp.get("/speakers/<speaker_id>")
def speaker(speaker_id: str) -> ResponseReturnValue:
    data = views.speaker_data(core(), speaker_id, views.page_number(request.args))
    if data is None:
        raise NotFound(f"no speaker with id {speaker_id!r}")
    return render_template("speaker.html", **data)


@bp.get("/check")
def check_quote() -> ResponseReturnValue:
    """Paste a circulating quote: where it comes from and what was cut, joined or changed
    (a GET form, so a check is a link that can be shared or saved as evidence)."""
    quote = request.args.get("quote", "")
    speaker = request.args.get("speaker", "").strip() or None
    result, error, status = None, None, 200
    if quote.strip():
        try:
            result = core().check_quote(quote, speaker)
        except QueryError as err:
            error, status = err, 400
    page = render_template("check.html", quote=quote, speaker=speaker or "", result=result,
                           error=error)  # fmt: skip
    return page, status


@bp.route("/extract", methods=["GET", "POST"])
def extract() -> ResponseReturnValue:
    """Paste an article, see the candidates with their context, download them for import."""
    if request.method == "GET":
        return render_template("extract.html", form={}, data=None)
    form = request.form.to_dict()
    data = views.extract_data(core(), form)
    if form.get("download"):
        return Response(
            json.dumps(data["candidates"], ensure_ascii=False, indent=2) + "\n",
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="candidates.json"'},
        )
    return render_template("extract.html", form=form, data=data, kinds=KINDS, wordings=WORDINGS)
