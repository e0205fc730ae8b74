"""Human-readable views of statements, search results, history and stats for the terminal."""

from __future__ import annotations

import html
import re

from hatsugen.archive.provenance import original_entry, spoken_lang_of, status_of, wording_of
from hatsugen.archive.records import event_key, unresolved_speaker
from hatsugen.citations import in_one_language, lang_name
from hatsugen.media import media_link

from .terminal import style, term_width, wrap

STATUS_STYLE = {"verified": "green", "disputed": "yellow", "misattributed": "red"}


def speaker_label(speaker: dict, prefer: str = "en") -> str:
    names = speaker.get("name", {})
    main = names.get(prefer) or next(iter(names.values()), speaker.get("id", "?"))
    others = [n for n in names.values() if n != main]
    return main + (f" ({' / '.join(others)})" if others else "")


def statement_lines(
    record: dict,
    *,
    text: str | None = None,
    translations: dict | None = None,
    original: str | None = None,
    speakers: dict[str, dict] | None = None,
) -> list[str]:
    """A statement as terminal lines: header, the speaker's own words if known, the recorded
    text labelled with what it is, then each translation.

    `text`/`translations`/`original` may carry emphasised versions of the texts (search hits).
    """
    width = term_width()
    record = in_one_language(record, None)  # every language of role, event…: " / "
    kind = (record.get("kind") or "").replace("_", " ")
    meta = " · ".join(x for x in (record.get("date"), kind) if x)
    status = status_of(record)
    badge = style(status.upper(), fg=STATUS_STYLE.get(status), bold=status != "unverified",
                  dim=status == "unverified")  # fmt: skip
    lines = [style(record["id"], fg="cyan") + "  " + meta + "  " + badge]
    who = style(speaker_label(record["speaker"]), bold=True)
    if record.get("role"):
        who += f" — {record['role']}"
    lines.append(who)
    said_by = (record.get("attribution") or {}).get("actually_said_by")
    if said_by:
        lines.append(style("  " + said_by_label(said_by, speakers), fg="red"))
    entry = original_entry(record)
    if entry is not None:
        lines.append(style(f"  [original, {entry['lang']}]", dim=True))
        shown = original or entry["text"]
        lines.extend(wrap(shown, width, "    "))
    lines.append(style(f"  [{text_label(record)}]", dim=True))
    lines.extend(wrap(text or record["text"], width, "    "))
    for t in record.get("translations", []):
        if t.get("original"):
            continue
        by = f", by {t['by']}" if t.get("by") else ""
        lines.append(style(f"  [translation, {t['lang']}{by}]", dim=True))
        shown = (translations or {}).get(t["lang"]) or t["text"]
        lines.extend(wrap(shown, width, "    "))
    return lines


def text_label(record: dict) -> str:
    """What the recorded text is, never "original" unless it is the speaker's own words."""
    wording = wording_of(record)
    spoken = spoken_lang_of(record)
    label = f"{wording.replace('_', ' ')}, {record['lang']}"
    if wording != "original" and spoken:
        label += f"; spoken in {spoken}"
    return label


def said_by_label(said_by: dict, speakers: dict[str, dict] | None = None) -> str:
    if "origin" in said_by:
        return "misattributed: origin unknown"
    if "speaker" in said_by:
        other = (speakers or {}).get(said_by["speaker"])
        name = f"{speaker_label(other)} [{other['id']}]" if other else said_by["speaker"]
        return f"misattributed: actually said by {name}"
    return f"misattributed: see statement {said_by['statement']}"


def statement_detail(
    record: dict, meta: dict | None = None, speakers: dict[str, dict] | None = None
) -> list[str]:
    lines = statement_lines(record, speakers=speakers)
    record = in_one_language(record, None)
    source = record.get("source", {})
    if source:
        parts = [
            source.get("title"),
            source.get("publisher"),
            source.get("date"),
            source.get("url"),
        ]
        lines.append("Source: " + " · ".join(p for p in parts if p))
    for key, label in (("event", "Event"), ("place", "Place")):
        if record.get(key):
            lines.append(f"{label}: {record[key]}")
    meeting = record.get("meeting")
    if meeting:
        parts = [
            meeting.get("house"),
            meeting.get("committee"),
            meeting.get("issue"),
            f"session {meeting['session']}" if meeting.get("session") else None,
        ]
        lines.append("Meeting: " + " · ".join(p for p in parts if p))
    key = event_key(record)
    if key:
        at = f", #{record['order']}" if record.get("order") is not None else ""
        lines.append(f"Event page: /e/{key}{at}")
    moment = media_link(record.get("media"))
    if moment:
        lines.append(f"Recording{' at ' + moment['time'] if moment['time'] else ''}:"
                     f" {moment['href']}")  # fmt: skip
    if record.get("topics"):
        lines.append("Topics: " + ", ".join(record["topics"]))
    if record.get("context"):
        lines.extend(wrap("Context: " + record["context"], term_width()))
    if record.get("notes"):
        lines.extend(wrap("Notes: " + record["notes"], term_width()))
    attribution = record.get("attribution") or {}
    for e in attribution.get("evidence", []):
        archived = f" (archived: {e['archived_url']})" if e.get("archived_url") else ""
        note = f" — {e['note']}" if e.get("note") else ""
        lines.append(f"Evidence [{e['kind'].replace('_', ' ')}]: {e['url']}{archived}{note}")
    for h in attribution.get("history", []):
        note = f" — {h['note']}" if h.get("note") else ""
        lines.append(style(f"Status {h['status']} since {h['at']} ({h['by']}){note}", dim=True))
    if meta:
        lines.append(
            style(
                f"version {meta['version']}, added {meta['created_at']},"
                f" updated {meta['updated_at']}",
                dim=True,
            )
        )
    return lines


def history_lines(versions: list[dict]) -> list[str]:
    lines = []
    previous = "unverified"
    for v in versions:
        what = "created" if v["changed"] == ["created"] else "changed " + ", ".join(v["changed"])
        status = status_of(v["record"])
        if status != previous:
            what += f"; status {previous} → {status}"
            previous = status
        why = f" — {v['reason']}" if v.get("reason") else ""
        lines.append(f"v{v['version']}  {v['at']}  {v['by']}: {what}{why}")
    return lines


def stats_lines(stats: dict, speakers: dict[str, dict]) -> list[str]:
    lines = [
        f"{stats['statements']} statements by {stats['speakers']} speakers"
        f" ({stats['revisions']} revisions kept)"
    ]
    engine = stats.get("search_engine", {})
    if engine.get("kind") == "opensearch":
        lines.append(f"searched through OpenSearch at {engine['url']}, index {engine['index']}")
    if stats.get("queued_for_indexing"):
        lines.append(f"{stats['queued_for_indexing']} queued for indexing (not yet searchable)")
    sections = (
        ("By speaker", "by_speaker"),
        ("By language", "by_lang"),
        ("By kind", "by_kind"),
        ("By year", "by_year"),
        ("By attribution status", "by_status"),
    )
    for title, key in sections:
        if not stats[key]:
            continue
        lines.append(style(title, bold=True))
        for name, count in stats[key].items():
            label = name
            if key == "by_speaker" and name in speakers:
                label = f"{speaker_label(speakers[name])} [{name}]"
            lines.append(f"  {count:>8}  {label}")
    return lines


_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


def emphasised(marked_html: str) -> str:
    """Our highlight HTML for a terminal: marks become bold yellow, entities plain text."""
    return html.unescape(
        _MARK_RE.sub(lambda m: style(m.group(1), fg="yellow", bold=True), marked_html)
    )


def search_lines(result: dict, req: object, speakers: dict[str, dict] | None = None) -> list[str]:
    total, page, per_page = result["total"], result["page"], result["per_page"]
    query = f" for {result['query']!r}" if result["query"] else ""
    waiting = result.get("queued_for_indexing")
    note = [f"({waiting} statements are queued for indexing and not searchable yet)"]
    if not total:
        return [f"no statements found{query}", *(note if waiting else [])]
    pages = (total + per_page - 1) // per_page
    lines = [style(f"{total} statement{'s' if total != 1 else ''}{query}", bold=True)
             + f" (page {page} of {pages})"]  # fmt: skip
    for r in result["results"]:
        lines.append("")
        hl = r["highlights"]
        shown = {lang: emphasised(text) for lang, text in hl["translations"].items()}
        own = emphasised(hl["original"]) if hl.get("original") else None
        lines.extend(statement_lines(r, text=emphasised(hl["text"]), translations=shown,
                                     original=own, speakers=speakers))  # fmt: skip
    lines.append("")
    for facet, counts in result["facets"].items():
        if counts:
            items = ", ".join(f"{_facet_value(facet, k, speakers)} {n}"
                              for k, n in list(counts.items())[:8])  # fmt: skip
            lines.append(style(f"{facet}: ", dim=True) + items)
    if waiting:
        lines.extend(note)
    lines.append(style("hatsugen show ID for the whole statement", dim=True))
    return lines


def _facet_value(facet: str, value: str, speakers: dict[str, dict] | None) -> str:
    """A facet value as words: a speaker's name, a language's, a kind without underscores."""
    if facet == "speaker":
        speaker = (speakers or {}).get(value)
        return speaker_label(speaker) if speaker else value
    if value == "-":
        return {"year": "undated", "kind": "no kind"}.get(facet, value)
    if facet == "lang":
        return lang_name(value)
    return value.replace("_", " ")


def candidate_lines(candidates: list[dict]) -> list[str]:
    """The review list of `hatsugen extract`: each candidate with where it came from."""
    if not candidates:
        return ["no attributed quotes found"]
    width = term_width()
    lines = [
        style(
            f"{len(candidates)} candidate statement{'s' if len(candidates) != 1 else ''}"
            " (nothing stored; use --json and `hatsugen import` after review)",
            bold=True,
        )
    ]
    for n, c in enumerate(candidates, start=1):
        speaker = c["speaker"]
        unresolved = unresolved_speaker(c)
        if speaker is None:
            who = "speaker unresolved"
        else:
            who = speaker_label(speaker)
            if speaker.get("id"):
                who += f" [{speaker['id']}]"
            if speaker.get("aliases"):
                who += " " + " ".join(speaker["aliases"])
        meta = " · ".join(x for x in (c.get("role"), c.get("date"), c["kind"], c["lang"]) if x)
        lines.append("")
        lines.append(f"{n}. " + style(who, bold=True) + f" — {meta}")
        review = c.get("review", {})
        if unresolved:
            lines.append(style(f"   who spoke? {unresolved}; name the speaker before importing",
                               fg="red"))  # fmt: skip
        if review.get("already_archived"):
            lines.append(style(f"   already archived as {review['already_archived']}"
                               " (import will skip it)", fg="green"))  # fmt: skip
        if review.get("similar_to"):
            lines.append(style("   similar to archived " + ", ".join(review["similar_to"]),
                               fg="yellow"))  # fmt: skip
        if c.get("notes"):
            lines.append(style("   " + c["notes"], fg="yellow"))
        lines.extend(wrap(c["text"], width, "   "))
        lines.extend(style(x, dim=True) for x in wrap("from: " + c["context"], width, "   "))
    return lines


VERDICT_WORDS = {
    "verbatim": "VERBATIM — the whole statement",
    "excerpt": "EXCERPT — one part of the statement",
    "spliced": "SPLICED — parts joined with nothing to show the cut",
    "altered": "ALTERED — words added, removed or replaced",
}


def quote_check_lines(result: dict) -> list[str]:
    """A quote check for the terminal: each match with what the quote dropped or changed."""
    if not result["matches"]:
        lines = [f"Not in this archive: no statement shares enough of “{result['quote']}”."]
        for near in result["nearest"]:
            lines.append(f"  not matching: {near['id']} — {speaker_label(near['speaker'])}")
        return lines
    lines = []
    claimed = result.get("claimed_speaker")
    for n, m in enumerate(result["matches"], 1):
        if m["status"] == "misattributed":
            lines.append(style("  The archive records this quote as MISATTRIBUTED.", bold=True))
        verdict = VERDICT_WORDS[m["verdict"]]
        if m["verdict"] == "excerpt" and m["omission_marked"]:
            verdict += " (the cut is marked with …)"
        via = "its translation" if m["via"] == "translation" else "the recorded text"
        lines.append(f"{n}. {m['id']} — {speaker_label(m['speaker'])}, {m.get('date') or 'undated'}"
                     f" · {verdict} · via {via} ({m['lang']})")  # fmt: skip
        if claimed is not None:
            said = ("said by the claimed speaker" if m["speaker_matches"]
                    else f"NOT {speaker_label(claimed)}: the archive attributes it to "
                    f"{speaker_label(m['speaker'])}")  # fmt: skip
            lines.append(f"   {said}")
        lines.append(f"   status: {m['status']}")
        ctx = m["context"]
        if ctx["before"]:
            lines.append(f"   before: {ctx['before']}")
        for p in m["pieces"]:
            if p["kind"] == "same":
                lines.append(f"   = {p['source']}")
            elif p["kind"] in ("gap", "omitted"):
                cut = "cut, marked …" if p["kind"] == "omitted" else "cut out, not shown"
                lines.append(f"   [{cut}: {p['source']}]")
            else:
                lines.append(f"   {p['kind']}: {p['source'] or '∅'} → {p['quote'] or '∅'}")
        if ctx["after"]:
            lines.append(f"   after: {ctx['after']}")
    return lines
