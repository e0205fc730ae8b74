"""Citing statements elsewhere: a pasted citation (English or Japanese), CSL-JSON for reference
managers, RIS and BibTeX, and CSV rows, for one statement or a whole result list.

Every citation carries the statement's permalink (when the caller knows the site's address)
and the date it was accessed, and says what a reader must know besides the words: that they
are a newspaper's translation, or that the attribution is disputed or wrong.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from hatsugen.archive.localized import flat
from hatsugen.archive.provenance import original_entry, spoken_lang_of, status_of, wording_of
from hatsugen.index.analysis import family_name

from .media import media_link

_LANG_NAMES = {"ja": "Japanese", "en": "English", "ko": "Korean", "zh": "Chinese"}
_LANG_NAMES_JA = {"ja": "日本語", "en": "英語", "ko": "韓国語", "zh": "中国語"}
# What a citation in Japanese says a text is, and its verdict (the interface's own words).
_WORDINGS_JA = {"official_translation": "公式翻訳", "press_translation": "報道機関の翻訳",
                "interpretation": "通訳による訳", "paraphrase": "引用として報じられた要約",
                "quoted": "出典の引用のまま"}  # fmt: skip
_STATUSES_JA = {"verified": "検証済み", "disputed": "異論あり"}
HASH_CHARS = 10
TITLE_CHARS = 120
QUOTE_CHARS = 200


def speaker_label(speaker: dict) -> str:
    names = speaker.get("name", {})
    en = names.get("en")
    others = [n for lang, n in names.items() if lang != "en"]
    if en and others:
        return f"{en} ({others[0]})"
    return en or (others[0] if others else speaker.get("id", ""))


def name_parts(speaker: dict) -> dict[str, str]:
    """The speaker as a CSL name: family and given, the Japanese name first when there is one
    (石破茂 → 石破 + 茂, by SudachiPy's 姓 tag or a space), else the English one (Shigeru
    Ishiba → Ishiba + Shigeru; a Korean or Chinese speaker's family name first: Lee Jae Myung
    → Lee + Jae Myung); a name it cannot split stays whole (`literal`)."""
    names = speaker.get("name", {})
    ja = names.get("ja")
    if ja:
        family = family_name(ja)
        if family:
            return {"family": family, "given": ja.replace(" ", "")[len(family) :]}
        if " " in ja.strip():
            family, given = ja.split(None, 1)
            return {"family": family, "given": given}
    en = names.get("en")
    if en and len(en.split()) > 1:
        if any(lang in names for lang in ("ko", "zh")):  # Lee Jae Myung: the family name first
            family, given = en.split(None, 1)
            return {"family": family, "given": given}
        *given_names, family = en.split()
        return {"family": family, "given": " ".join(given_names)}
    return {"literal": ja or en or next(iter(names.values()), speaker.get("id", ""))}


def lang_name(code: str) -> str:
    """A language's English name (ja → Japanese, en-GB → English); the code if unknown."""
    return _LANG_NAMES.get(code.split("-")[0], code)


@dataclass(frozen=True)
class _Phrases:
    """How a provenance note says each thing in one language."""

    language: Callable[[str], str]
    wording: Callable[[str], str]
    status: Callable[[str], str]
    speaker: Callable[[dict], str]
    translated: str  # {wording} {lang} {said}
    spoken: str  # {lang}
    said_by: str  # {name}
    see: str  # {id}
    unknown: str
    checked: str  # {status}
    joined: str


_NOTES = {
    "en": _Phrases(
        language=lang_name, wording=lambda w: w.replace("_", " "), status=lambda s: s,
        speaker=speaker_label, translated="{wording} in {lang}{said}",
        spoken=", spoken in {lang}", said_by="misattributed: actually said by {name}",
        see="misattributed: see hatsugen id {id}", unknown="misattributed: origin unknown",
        checked="attribution {status}", joined="; ",
    ),
    "ja": _Phrases(
        language=lambda code: _LANG_NAMES_JA.get(code.split("-")[0], code),
        wording=_WORDINGS_JA.__getitem__, status=_STATUSES_JA.__getitem__,
        speaker=lambda s: s.get("name", {}).get("ja") or speaker_label(s),
        translated="{lang}の{wording}{said}", spoken="、発言は{lang}",
        said_by="誤った帰属：実際の発言者は{name}", see="誤った帰属：hatsugen ID {id} を参照",
        unknown="誤った帰属：出所不明", checked="発言者の確認：{status}", joined="、",
    ),
}  # fmt: skip


def provenance_note(
    record: dict, speakers: dict[str, dict] | None = None, lang: str = "en"
) -> str | None:
    """What a citation must say besides the words: translated? checked? misattributed? In
    the citation's language (`lang`: en or ja).

    A quote cited without "press translation" or "misattributed" beside it misleads.
    """
    say = _NOTES[lang]
    notes = []
    wording = wording_of(record)
    if wording != "original":
        spoken = spoken_lang_of(record)
        said = say.spoken.format(lang=say.language(spoken)) if spoken else ""
        text_lang = say.language(record["lang"])
        notes.append(say.translated.format(wording=say.wording(wording), lang=text_lang,
                                           said=said))  # fmt: skip
    status = status_of(record)
    if status == "misattributed":
        said_by = record["attribution"]["actually_said_by"]
        if "speaker" in said_by:
            other = (speakers or {}).get(said_by["speaker"], {"id": said_by["speaker"]})
            notes.append(say.said_by.format(name=say.speaker(other)))
        elif "statement" in said_by:
            notes.append(say.see.format(id=said_by["statement"]))
        else:
            notes.append(say.unknown)
    elif status != "unverified":
        notes.append(say.checked.format(status=say.status(status)))
    return say.joined.join(notes) or None


def content_hash(record: dict) -> str:
    """A short hash of what a citation quotes (the text, the translations, the source): the
    same on any copy of that wording, different after any change to it, so "this wording, as
    archived" can be checked later."""
    what = [record["text"], record.get("translations", []), record.get("source", {})]
    data = json.dumps(what, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:HASH_CHARS]


def pinned(record: dict, permalink: str | None) -> tuple[str | None, str | None]:
    """The version a record is at (its `version`, as exports and result lists carry it) as
    "version N, hash H", and the permalink of that version (…/s/ID/v/N)."""
    version = record.get("version")
    if version is None:
        return None, permalink
    label = f"version {version}, {content_hash(record)}"
    return label, f"{permalink}/v/{version}" if permalink else None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def in_one_language(record: dict, lang: str | None) -> dict:
    """The record with its bilingual metadata (role, event, place, topics, source title) as
    plain strings: the `lang` version for a citation in that language, or every version
    joined (lang=None) for a CSV cell, which must lose nothing."""
    out = {k: flat(record[k], lang) for k in ("role", "event", "place") if record.get(k)}
    if record.get("topics"):
        out["topics"] = [flat(t, lang) for t in record["topics"]]
    if record.get("source", {}).get("title"):
        out["source"] = {**record["source"], "title": flat(record["source"]["title"], lang)}
    return {**record, **out}


def _speaker_of(record: dict) -> dict:
    speaker = record["speaker"]
    return speaker if isinstance(speaker, dict) else {"id": speaker}


def citation(
    record: dict,
    speakers: dict[str, dict] | None = None,
    *,
    permalink: str | None = None,
    accessed: str | None = None,
    ui: str = "en",
) -> str:
    """A plain-text citation a journalist can paste: who, when, what, where it was published,
    what the quoted words are (a translation? a misattribution?), where it is kept and when it
    was looked at. In Japanese (ui="ja"): 名前「…」（日付、種類）。出典… 閲覧日…"""
    record = in_one_language(record, ui)
    if ui == "ja":
        return _citation_ja(record, speakers, permalink, accessed)
    parts = [speaker_label(_speaker_of(record))]
    if record.get("date"):
        parts.append(record["date"])
    if record.get("kind"):
        parts.append(record["kind"].replace("_", " "))
    parts.append(f"“{_short(record['text'], QUOTE_CHARS)}”")
    note = provenance_note(record, speakers)
    if note:
        parts.append(f"[{note}]")
    source = record.get("source", {})
    published = ", ".join(source[k] for k in ("title", "publisher", "date") if source.get(k))
    if published:
        parts.append(published)
    if source.get("url"):
        parts.append(source["url"])
    moment = media_link(record.get("media"))
    if moment:
        at = f"at {moment['time']} in the recording" if moment["time"] else "Recording"
        parts.append(f"{at[0].upper()}{at[1:]}: {moment['href']}")
    label, permalink = pinned(record, permalink)
    parts.append(f"hatsugen id {record['id']}{f', {label}' if label else ''}")
    if permalink:
        parts.append(f"{permalink}{f' (accessed {accessed})' if accessed else ''}")
    elif accessed:
        parts.append(f"accessed {accessed}")
    return " ".join(p if p.endswith(("”", ")")) else p.rstrip(".") + "." for p in parts)


def _date_ja(date: str) -> str:
    parts = [int(p) for p in date.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, ("年", "月", "日"), strict=False))


def _citation_ja(
    record: dict, speakers: dict[str, dict] | None, permalink: str | None, accessed: str | None
) -> str:
    speaker = _speaker_of(record)
    names = speaker.get("name", {})
    who = names.get("ja") or speaker_label(speaker)
    when = [_date_ja(record["date"])] if record.get("date") else []
    out = f"{who}「{_short(record['text'], QUOTE_CHARS)}」"
    if when:
        out += f"（{'、'.join(when)}）"
    out += "。"
    note = provenance_note(record, speakers, "ja")
    if note:
        out += f"［{note}］"
    source = record.get("source", {})
    published = "、".join(source[k] for k in ("title", "publisher") if source.get(k))
    if source.get("date"):
        published += ("、" if published else "") + _date_ja(source["date"])
    if published or source.get("url"):
        out += "出典：" + "、".join(p for p in (published, source.get("url", "")) if p) + "。"
    moment = media_link(record.get("media"))
    if moment:
        at = "の" + moment["time"] if moment["time"] else ""
        out += f"録画{at}：{moment['href']}。"
    out += f"hatsugen ID {record['id']}"
    label, permalink = pinned(record, permalink)
    if label:
        out += f"（第{record['version']}版、{content_hash(record)}）"
    if permalink:
        out += f"、{permalink}"
    if accessed:
        out += f"（{_date_ja(accessed)}閲覧）"
    return out + "。"


_CSL_TYPES = {"post": "post", "speech": "speech", "interview": "interview"}


def csl_json(
    record: dict,
    speakers: dict[str, dict] | None = None,
    *,
    permalink: str | None = None,
    accessed: str | None = None,
) -> dict[str, Any]:
    """The statement as a CSL-JSON item, for reference managers (metadata in the language of
    the statement, which the item's `language` names)."""
    record = in_one_language(record, record["lang"])
    item: dict[str, Any] = {
        "id": record["id"],
        "type": _CSL_TYPES.get(record.get("kind") or "", "speech"),
        "author": [name_parts(_speaker_of(record))],
        "title": _short(record["text"], TITLE_CHARS),
        "language": record["lang"],
    }
    if record.get("date"):
        item["issued"] = {"date-parts": [[int(p) for p in record["date"].split("-")]]}
    source = record.get("source", {})
    if source.get("title"):
        item["container-title"] = source["title"]
    if source.get("publisher"):
        item["publisher"] = source["publisher"]
    label, permalink = pinned(record, permalink)
    item["URL"] = permalink or source.get("url")
    if item["URL"] is None:
        del item["URL"]
    if label:
        item["version"] = str(record["version"])
    if accessed:
        item["accessed"] = {"date-parts": [[int(p) for p in accessed.split("-")]]}
    if record.get("event"):
        item["event-title"] = record["event"]
    if record.get("place"):
        item["event-place"] = record["place"]
    own = original_entry(record)
    if own is not None:
        item["original-title"] = own["text"]
    moment = media_link(record.get("media"))
    recording = None
    if moment:
        at = " at " + moment["time"] if moment["time"] else ""
        recording = f"recording{at}: {moment['href']}"
    notes = [n for n in (provenance_note(record, speakers), _source_note(source, permalink),
                         recording, label and f"hatsugen {label}") if n]  # fmt: skip
    if notes:
        item["note"] = "; ".join(notes)
    return item


def _source_note(source: dict, permalink: str | None) -> str | None:
    """With a permalink as the URL, the original publication's address goes in the note."""
    return f"published at {source['url']}" if permalink and source.get("url") else None


def ris(record: dict, speakers: dict[str, dict] | None = None, *, permalink: str | None = None,
        accessed: str | None = None) -> str:  # fmt: skip
    """One RIS entry (reference managers: Zotero, EndNote, Mendeley)."""
    record = in_one_language(record, record["lang"])
    name = name_parts(_speaker_of(record))
    author = name.get("literal") or f"{name['family']}, {name['given']}"
    label, permalink = pinned(record, permalink)
    lines = [("TY", "GEN"), ("ID", record["id"]), ("AU", author),
             ("TI", _short(record["text"], TITLE_CHARS)), ("LA", record["lang"])]  # fmt: skip
    if record.get("date"):
        lines += [("PY", record["date"][:4]), ("DA", record["date"].replace("-", "/"))]
    source = record.get("source", {})
    lines += [(tag, source[key]) for tag, key in (("T2", "title"), ("PB", "publisher"))
              if source.get(key)]  # fmt: skip
    if permalink or source.get("url"):
        lines.append(("UR", permalink or source["url"]))
    if accessed:
        lines.append(("Y2", accessed.replace("-", "/")))
    if label:
        lines.append(("ET", f"version {record['version']}"))
    for note in (provenance_note(record, speakers), _source_note(source, permalink),
                 label and f"hatsugen {label}"):  # fmt: skip
        if note:
            lines.append(("N1", note))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _bib(value: str) -> str:
    """A BibTeX value in braces: braces and backslashes made harmless."""
    out = _one_line(value)
    for ch in "\\{}":
        out = out.replace(ch, {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}[ch])
    for ch in "#$%&_":
        out = out.replace(ch, "\\" + ch)
    return out


def bibtex(record: dict, speakers: dict[str, dict] | None = None, *,
           permalink: str | None = None, accessed: str | None = None) -> str:  # fmt: skip
    """One BibTeX @misc entry (with urldate, as biblatex reads it)."""
    record = in_one_language(record, record["lang"])
    name = name_parts(_speaker_of(record))
    author = (
        "{" + name["literal"] + "}" if "literal" in name else f"{name['family']}, {name['given']}"
    )
    label, permalink = pinned(record, permalink)
    fields = [("author", author), ("title", "“" + _short(record["text"], TITLE_CHARS) + "”")]
    if record.get("date"):
        fields.append(("year", record["date"][:4]))
        if len(record["date"]) >= 7:
            fields.append(("month", str(int(record["date"][5:7]))))
    source = record.get("source", {})
    published = ", ".join(source[k] for k in ("title", "publisher") if source.get(k))
    if published:
        fields.append(("howpublished", published))
    if permalink or source.get("url"):
        fields.append(("url", permalink or source["url"]))
    if accessed:
        fields.append(("urldate", accessed))
    if label:
        fields.append(("version", str(record["version"])))
    notes = [n for n in (provenance_note(record, speakers), _source_note(source, permalink),
                         label and f"hatsugen {label}") if n]  # fmt: skip
    if notes:
        fields.append(("note", "; ".join(notes)))
    key = "".join(ch if ch.isalnum() else "_" for ch in record["id"])
    body = ",\n".join(f"  {k} = {{{v if k == 'author' else _bib(v)}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


CSV_COLUMNS = ["id", "permalink", "accessed", "speaker_id", "speaker", "date", "kind", "lang",
               "text", "translation_lang", "translation", "translated_by", "status",
               "provenance", "source_title", "source_publisher", "source_url", "event", "place",
               "topics", "version", "content_hash"]  # fmt: skip


# A cell that starts with one of these is a formula to a spreadsheet (OWASP, "CSV Injection"):
# "=HYPERLINK(…)" in a quoted statement must stay words. Such a cell, and one that starts with
# the apostrophe itself, is written after an apostrophe, which spreadsheets hide and which a
# reader of the file removes to have the text exactly (`csv_cell_text`).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_cell_text(cell: str) -> str:
    """The text a CSV cell holds (its leading apostrophe, if any, removed)."""
    return cell[1:] if cell.startswith("'") else cell


def csv_row(record: dict, speakers: dict[str, dict] | None = None, *,
            permalink: str | None = None, accessed: str | None = None) -> list[str]:  # fmt: skip
    """One statement as a CSV row whose cells are never formulas."""
    return [csv_cell(str(v)) for v in _csv_values(record, speakers, permalink, accessed)]


def _csv_values(record: dict, speakers: dict[str, dict] | None, permalink: str | None,
                accessed: str | None) -> list[str]:  # fmt: skip
    record = in_one_language(record, None)
    speaker = _speaker_of(record)
    translation = next(iter(record.get("translations", [])), {})
    source = record.get("source", {})
    _, permalink = pinned(record, permalink)
    return [
        record["id"], permalink or "", accessed or "", speaker.get("id", ""),
        speaker_label(speaker), record.get("date", ""), record.get("kind", ""), record["lang"],
        record["text"], translation.get("lang", ""), translation.get("text", ""),
        translation.get("by", ""), status_of(record), provenance_note(record, speakers) or "",
        source.get("title", ""), source.get("publisher", ""), source.get("url", ""),
        record.get("event", ""), record.get("place", ""), "; ".join(record.get("topics", [])),
        record.get("version", ""), content_hash(record),
    ]  # fmt: skip


# format → (media type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
}


def write_list(
    fmt: str,
    records: Iterable[dict],
    out: IO[str],
    speakers: dict[str, dict] | None = None,
    *,
    permalink_base: str | None = None,
    accessed: str | None = None,
) -> int:
    """Write a result list (records with their speaker objects) in `fmt`; return the count.

    JSON Lines are the import format, one statement a line (importable again); the other
    formats are citations, each with its permalink (`permalink_base` + /s/ID) and access date.
    """
    n = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        out.write("\ufeff")  # spreadsheet programs read UTF-8 CSV as UTF-8 only with a BOM
        writer.writerow(CSV_COLUMNS)
    for record in records:
        link = f"{permalink_base.rstrip('/')}/s/{record['id']}" if permalink_base else None
        if fmt == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif writer:
            writer.writerow(csv_row(record, speakers, permalink=link, accessed=accessed))
        elif fmt == "ris":
            out.write(ris(record, speakers, permalink=link, accessed=accessed))
        else:
            out.write(bibtex(record, speakers, permalink=link, accessed=accessed) + "\n")
        n += 1
    return n


def as_text(fmt: str, records: Iterable[dict], **options: Any) -> str:
    buffer = io.StringIO()
    write_list(fmt, records, buffer, **options)
    return buffer.getvalue()
