"""The Flask app factory: one `Hatsugen` core per app, pages and their JSON twins, safe headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from hatsugen.archive import ArchiveError, NotFound, RecordError, provenance
from hatsugen.archive.localized import Localized, Shown, others, pick
from hatsugen.archive.localized import script_lang as script_of
from hatsugen.archive.speakers import names_of
from hatsugen.core import EditConflict, Exists, Forbidden, Hatsugen
from hatsugen.extract import ExtractionTooSlow
from hatsugen.index import QueryError

from .i18n import COOKIE, Translator, choose_ui
from .views import FOLD_CHARS, media_link

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
)
# The embedded card's own policy (web/embed.py): our stylesheet only, no scripts at all,
# framed by any site. Every other page keeps frame-ancestors 'none' and X-Frame-Options.
EMBED_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none';"
             " form-action 'none'; frame-ancestors *")  # fmt: skip
# On every response, the server's own error pages included (web/serving.py).
SECURITY_HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web app for one archive home (`HATSUGEN_HOME` in config, else the default)."""
    app = Flask(__name__)
    app.config.update(HATSUGEN_HOME=None, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["hatsugen"] = Hatsugen(
        app.config["HATSUGEN_HOME"],
        search_url=app.config.get("HATSUGEN_SEARCH_URL"),
        search_index=app.config.get("HATSUGEN_SEARCH_INDEX"),
    )

    from . import api, auth, edit, embed, feeds, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(edit.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(embed.bp)
    auth.init_app(app)
    for helper in ("status_of", "wording_of", "spoken_lang_of", "original_entry",
                   "primary_evidence"):  # fmt: skip
        app.add_template_global(getattr(provenance, helper), helper)
    app.add_template_global(names_of, "names_of")  # what a speaker list can be filtered by
    app.add_template_global(f"{FOLD_CHARS:,}", "FOLD_CHARS")
    app.add_template_global(media_link, "media_link")  # a time-coded statement's moment
    for vocabulary in ("STATUSES", "EVIDENCE_KINDS", "WORDINGS"):  # one list, everywhere
        app.add_template_global(getattr(provenance, vocabulary), vocabulary)

    @app.template_filter("script_lang")
    def script_lang(text: str) -> str:
        """The language a name or role is written in, by its script (for `lang=`)."""
        return script_of(text or "")

    @app.template_filter("local")
    def local(value: Localized) -> Shown:
        """A role, event, place or topic in the interface language, with its `lang`."""
        return pick(value, g.ui)

    @app.template_filter("also")
    def also(value: Localized) -> list[Shown]:
        """Its other languages, for the statement page, where a translator wants both."""
        return others(value, g.ui)

    @app.before_request
    def pick_language() -> None:
        g.ui, g.ui_explicit = choose_ui(request)
        g.t = Translator(g.ui)

    @app.after_request
    def headers(response):  # type: ignore[no-untyped-def]
        for name, value in SECURITY_HEADERS:
            response.headers[name] = value
        if response.headers.pop("X-Hatsugen-Embed", None):  # the one page others may frame
            response.headers["Content-Security-Policy"] = EMBED_CSP
            del response.headers["X-Frame-Options"]
        # A page's language follows the visitor (Accept-Language, the cookie), not its URL.
        response.vary.update(("Accept-Language", "Cookie"))
        if getattr(g, "ui_explicit", False):
            response.set_cookie(COOKIE, g.ui, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True)  # fmt: skip
        return response

    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.path == "/oembed"

    def error(status: int, message: str, title_key: str, headers=(), err=None):  # type: ignore[no-untyped-def]
        """The JSON API answers in English; a page in the interface language (a bad record
        `err` with its place and field labelled)."""
        if wants_json():
            return jsonify({"error": message}), status, list(headers)
        if not hasattr(g, "t"):
            g.ui, g.ui_explicit = "en", False
            g.t = Translator("en")
        shown = g.t.record_error(err) if err is not None else g.t.message(message)
        page = render_template("error.html", title=g.t(title_key), message=shown)
        return page, status, list(headers)

    @app.errorhandler(QueryError)
    def bad_query(err: QueryError):  # type: ignore[no-untyped-def]
        return error(400, f"{err.field}: {err.message}" if err.field else err.message,
                     "bad_request")  # fmt: skip

    @app.errorhandler(ExtractionTooSlow)
    def too_slow(err: ExtractionTooSlow):  # type: ignore[no-untyped-def]
        return error(422, str(err), "extract_failed")

    @app.errorhandler(EditConflict)
    def conflict(err: EditConflict):  # type: ignore[no-untyped-def]
        return error(409, str(err), "edit_conflict")

    @app.errorhandler(Exists)
    def exists(err: Exists):  # type: ignore[no-untyped-def]
        return error(409, str(err), "edit_conflict")

    @app.errorhandler(Forbidden)
    def forbidden(err: Forbidden):  # type: ignore[no-untyped-def]
        return error(403, str(err), "not_allowed")

    @app.errorhandler(RecordError)
    def bad_record(err: RecordError):  # type: ignore[no-untyped-def]
        return error(400, str(err), "bad_request", err=err)

    @app.errorhandler(NotFound)
    def not_found(err: NotFound):  # type: ignore[no-untyped-def]
        return error(404, str(err), "not_found")

    @app.errorhandler(ArchiveError)
    def archive_error(err: ArchiveError):  # type: ignore[no-untyped-def]
        return error(503, str(err), "server_error")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        key = {
            404: "not_found",
            401: "not_allowed",
            403: "not_allowed",
            413: "too_large",
        }.get(err.code or 0, "bad_request")
        # Keep the exception's own headers (a 405 must say which methods are Allowed).
        headers = [(k, v) for k, v in err.get_headers() if k.lower() != "content-type"]
        return error(err.code or 500, err.description or err.name, key, headers)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unexpected error")
        return error(500, "internal error; the details are in the server log", "server_error")

    return app
