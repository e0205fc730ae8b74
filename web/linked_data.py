"""Structured data for statement pages: schema.org JSON-LD, so search engines and fact-check
databases read who said what, where it was published, and our verdict on the attribution.

A statement is a `Quotation` (its text, language, the `Person` who spoke with `sameAs` their
Wikidata item, when, `isBasedOn` the source, its translations as `workTranslation`). A
statement whose attribution was checked (verified with evidence, disputed, misattributed) also
carries a `ClaimReview` of the claim "this person said this", rated by RATINGS.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from hatsugen.archive.provenance import status_of
from hatsugen.archive.speakers import display_name

# Our attribution status → a ClaimReview rating of the claim "<speaker> said this" on a
# 1 (false) to 5 (true) scale; `alternateName` is the status in the page's language.
RATINGS = {"verified": 5, "disputed": 3, "misattributed": 1}
WIKIDATA = "https://www.wikidata.org/wiki/"


def person(speaker: dict, url: str | None = None) -> dict[str, Any]:
    """A speaker as a schema.org Person: every name, and their Wikidata item as sameAs."""
    names = speaker.get("name", {})
    out: dict[str, Any] = {"@type": "Person", "name": display_name(speaker)}
    others = [n for n in names.values() if n != out["name"]]
    if others:
        out["alternateName"] = others
    if url:
        out["url"] = url
    if speaker.get("wikidata"):
        out["sameAs"] = WIKIDATA + speaker["wikidata"]
    return out


def _source(source: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "CreativeWork"}
    if source.get("title"):
        title = source["title"]
        out["name"] = title if isinstance(title, str) else next(iter(title.values()))
    if source.get("url"):
        out["url"] = source["url"]
    if source.get("publisher"):
        out["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if source.get("date"):
        out["datePublished"] = source["date"]
    return out


def quotation(
    record: dict, *, permalink: str, speaker_url: str | None, site: str, rating_name: str,
    speakers: dict[str, dict] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The JSON-LD items of a statement page: its Quotation, and a ClaimReview when its
    attribution was checked. `rating_name` is the status in the page's language."""
    speaker = (
        record["speaker"] if isinstance(record["speaker"], dict) else {"id": record["speaker"]}
    )
    who = person(speaker, speaker_url)
    quote: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Quotation", "@id": permalink,
        "url": permalink, "text": record["text"], "inLanguage": record["lang"],
        "spokenByCharacter": who, "creator": who,
    }  # fmt: skip
    if record.get("date"):
        quote["dateCreated"] = record["date"]
    if record.get("source"):
        quote["isBasedOn"] = _source(record["source"])
    translations = [{"@type": "Quotation", "text": t["text"], "inLanguage": t["lang"]}
                    for t in record.get("translations", [])]  # fmt: skip
    if translations:
        quote["workTranslation"] = translations
    items = [quote]
    status = status_of(record)
    attribution = record.get("attribution") or {}
    if status in RATINGS and attribution.get("evidence"):
        items.append(_review(record, who, status, permalink, site, rating_name, speakers or {}))
    return items


def _review(
    record: dict, claimed: dict, status: str, permalink: str, site: str, rating_name: str,
    speakers: dict[str, dict],
) -> dict[str, Any]:  # fmt: skip
    attribution = record["attribution"]
    history = attribution.get("history") or []
    claim: dict[str, Any] = {"@type": "Claim", "author": claimed}
    if record.get("source", {}).get("url"):
        claim["appearance"] = {"@type": "CreativeWork", "url": record["source"]["url"]}
    if record.get("date"):
        claim["datePublished"] = record["date"]
    review: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": permalink,
        "claimReviewed": record["text"], "itemReviewed": claim,
        "author": {"@type": "Organization", "name": "hatsugen", "url": site},
        "reviewRating": {"@type": "Rating", "ratingValue": RATINGS[status], "bestRating": 5,
                         "worstRating": 1, "alternateName": rating_name},
        "citation": [{"@type": "CreativeWork", "url": e["url"]} for e in attribution["evidence"]],
    }  # fmt: skip
    if history:
        review["datePublished"] = history[-1]["at"][:10]
    said_by = attribution.get("actually_said_by") or {}
    if "speaker" in said_by and said_by["speaker"] in speakers:
        review["about"] = person(speakers[said_by["speaker"]])  # who really said it
    return review


def script_tag(items: list[dict[str, Any]]) -> Markup:
    """The items as one <script type="application/ld+json">, safe inside HTML: `<`, `>` and
    `&` escaped as JSON escapes, so no text from the archive can close the script."""
    data = json.dumps(items if len(items) > 1 else items[0], ensure_ascii=False)
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        data = data.replace(ch, escaped)
    return Markup(f'<script type="application/ld+json">{data}</script>')
