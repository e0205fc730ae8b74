"""Statements embedded elsewhere: an oEmbed endpoint and the card it frames.

`/oembed?url=<a statement's address on this site>` answers oEmbed 1.0 JSON (type "rich")
whose html is an <iframe> of `/embed/s/<id>`: a small card with the text and a translation,
the speaker, their role at the time, the date, the attribution status and a link back. The
card needs no JavaScript and loads nothing from elsewhere; it is the one page that other
sites may frame (its own CSP: `frame-ancestors *`), every other page still refuses framing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape

from hatsugen.archive import NotFound
from hatsugen.archive.ascii import whole_number
from hatsugen.archive.provenance import status_of
from hatsugen.index import QueryError

from .views import core

bp = Blueprint("embed", __name__)
WIDTH, HEIGHT = 560, 320  # the card's size when the consumer asks none
MIN_WIDTH, MIN_HEIGHT = 200, 150
_STATEMENT_PATH = re.compile(r"/s/([A-Za-z0-9][A-Za-z0-9._~-]{0,127})(?:/v/[0-9]+)?/?")


@bp.get("/embed/s/<statement_id>")
def card(statement_id: str) -> ResponseReturnValue:
    app = core()
    record = app.statement(statement_id)
    if record.get("retracted"):
        raise NotFound(f"{statement_id} was retracted")
    translation = next((t for t in record.get("translations", []) if t["lang"] != record["lang"]
                        and (t["lang"] == g.ui or record["lang"] == g.ui)), None)  # fmt: skip
    if translation is None:
        translation = next(iter(record.get("translations", [])), None)
    page = render_template("embed.html", s=record, translation=translation,
                           status=status_of(record))  # fmt: skip
    response = Response(page, mimetype="text/html")
    response.headers["X-Hatsugen-Embed"] = "1"  # the after-request hook keys the CSP on it
    return response


@bp.get("/oembed")
def oembed() -> ResponseReturnValue:
    """oEmbed 1.0 (https://oembed.com): JSON only (format=xml is 501, as the spec says)."""
    if request.args.get("format", "json") != "json":
        return jsonify({"error": "only format=json is served"}), 501
    url = request.args.get("url", "").strip()
    if not url:
        raise QueryError("give the statement's address: /oembed?url=…/s/ID", "url")
    parts = urlsplit(url)
    found = _STATEMENT_PATH.fullmatch(parts.path)
    if found is None or parts.netloc not in ("", request.host):
        raise NotFound(f"{url!r} is not the address of a statement on this site")
    statement_id = found.group(1)
    record = core().statement(statement_id)  # NotFound for an unknown id
    width = _bounded(request.args.get("maxwidth"), WIDTH, MIN_WIDTH, "maxwidth")
    height = _bounded(request.args.get("maxheight"), HEIGHT, MIN_HEIGHT, "maxheight")
    src = url_for("embed.card", statement_id=statement_id, _external=True,
                  **({"ui": g.ui} if g.ui_explicit else {}))  # fmt: skip
    speaker = record["speaker"]
    who = g.t.speaker_names(speaker)[0]
    title = f"{who}: {record['text'][:80]}"
    html = (f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}"'
            ' style="border:0;max-width:100%" loading="lazy"'
            ' sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>')  # fmt: skip
    return jsonify({
        "version": "1.0", "type": "rich", "provider_name": "hatsugen",
        "provider_url": request.url_root, "title": title, "author_name": who,
        "author_url": url_for("pages.speaker", speaker_id=speaker["id"], _external=True),
        "html": html, "width": width, "height": height, "cache_age": 3600,
    })  # fmt: skip


def _bounded(raw: str | None, default: int, least: int, name: str) -> int:
    if raw is None or not raw.strip():
        return default
    value = whole_number(raw)
    if value is None:
        raise QueryError(f"{raw!r} is not a whole number of pixels", name)
    if value < least:
        raise QueryError(f"the card needs at least {least} pixels", name)
    return min(default, value)
