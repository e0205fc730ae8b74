"""Atom feeds: any search (the same parameters as the search page), newest first, so a
journalist can follow a speaker, a topic or a query in a feed reader.

Each entry is one statement: its speaker as author, its permalink, its recorded text and its
translations (plain text; a reader escapes it), and what a citation must say beside it (a
press translation, a disputed attribution).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from flask import Blueprint, Response, g, request, url_for
from werkzeug.datastructures import MultiDict

from hatsugen.citations import provenance_note, speaker_label

from .pages import this_search
from .views import core, search_request

bp = Blueprint("feeds", __name__)
ENTRIES = 50
# Characters XML 1.0 does not allow, whatever the escaping: left out of a feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML.sub("", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_NOT_XML.sub("", text))


@bp.get("/feed")
def search_feed() -> Response:
    asked = this_search("page", "per_page", "format", "sort")  # the search itself, no more
    req = search_request(MultiDict([*asked.items(multi=True), ("sort", "date")]))
    _, records = core().search_list(req, ENTRIES)
    meta = {r["id"]: core().meta(r["id"]) for r in records}
    asked = list(asked.items(multi=True))
    page = url_for("pages.search", _external=True)
    if asked:
        page += "?" + urlencode(asked)
    what = g.t("feed_search", what=_described(asked)) if asked else g.t("feed_all")
    return _atom(f"hatsugen: {what}", request.url, page, records, meta)


# A feed's parameters as the search page labels them.
_LABELS = {"q": "feed_words", "speaker": "speaker", "lang": "original_language",
           "kind": "kind", "topic": "topic", "status": "facet_status", "since": "since",
           "until": "until", "house": "facet_house", "committee": "facet_committee",
           "session": "facet_session"}  # fmt: skip


def _described(asked: list[tuple[str, str]]) -> str:
    """What a feed follows, in the interface language: 発言者：水原愛子、検索語：図書館."""
    parts = []
    for key, value in asked:
        if key == "speaker" and (speaker := core().speaker(value)) is not None:
            value = g.t.speaker_names(speaker)[0]
        parts.append(f"{g.t(_LABELS.get(key, key))}{'：' if g.ui == 'ja' else ': '}{value}")
    return ("、" if g.ui == "ja" else ", ").join(parts)


def _atom(title: str, self_url: str, page_url: str, records: list[dict], meta: dict) -> Response:
    updated = max((meta[r["id"]]["updated_at"] for r in records), default=_now())
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(self_url)}</id>",
        f'<link rel="self" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(page_url)}/>',
        f"<updated>{escape(updated)}</updated>",
        "<generator>hatsugen</generator>",
    ]
    for record in records:
        lines.extend(_entry(record, meta[record["id"]]))
    lines.append("</feed>")
    return Response("\n".join(lines) + "\n", content_type="application/atom+xml; charset=utf-8")


def _entry(record: dict, meta: dict) -> list[str]:
    permalink = url_for("pages.statement", statement_id=record["id"], _external=True)
    who = speaker_label(record["speaker"])
    when = record.get("date") or "undated"
    text = record["text"]
    summary = text if len(text) <= 140 else text[:140] + "…"
    body = [f"[{record['lang']}] {text}"]
    body += [f"[{t['lang']}, translation] {t['text']}" for t in record.get("translations", [])]
    note = provenance_note(record, lang=g.ui)
    if note:
        body.append(f"({note})")
    return [
        "<entry>",
        f"<title>{escape(f'{who}, {when}: {summary}')}</title>",
        f"<id>{escape(permalink)}</id>",
        f'<link rel="alternate" type="text/html" href={quoteattr(permalink)}/>',
        f"<updated>{escape(meta['updated_at'])}</updated>",
        f"<published>{escape(meta['created_at'])}</published>",
        f"<author><name>{escape(who)}</name></author>",
        f'<content type="text" xml:lang={quoteattr(record["lang"])}>'
        f"{escape(chr(10).join(body))}</content>",
        "</entry>",
    ]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
