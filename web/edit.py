"""Writing on the web: add, edit (with the reason and the version it is based on), verify,
retract and restore, compare revisions and revert — each a revision recording the account.

Every view here is behind `requires(role)` and the CSRF check in auth.py. An edit based on an
older version than the stored one is refused with both versions shown (409), never saved over.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from hatsugen.archive import ImportRejected, RecordError
from hatsugen.archive.ascii import whole_number
from hatsugen.archive.localized import Localized, from_line, to_line
from hatsugen.archive.provenance import WORDINGS
from hatsugen.archive.records import KINDS, TRANSLATORS
from hatsugen.archive.speakers import from_plain_name
from hatsugen.core import EditConflict, ImportOptions, SpeakerUnclear
from hatsugen.index.dates import typed_date
from hatsugen.sources import FORMATS as SOURCE_FORMATS
from hatsugen.sources import SourceOptions

from .auth import actor, requires
from .diff import revision_diff
from .views import core, permalink, statement_data

bp = Blueprint("edit", __name__)
TEXT_FIELDS = ("date", "kind", "lang", "spoken_lang", "wording", "text", "context", "notes")
# One line each, versions separated by "|" (localized.from_line): "首脳会談 | summit".
BILINGUAL_FIELDS = ("role", "event", "place")
BLANK_TRANSLATION_ROWS = 2  # beside the statement's own; "Add a translation" makes more
MAX_TRANSLATION_ROWS = 200
NEW_SPEAKER = "new"  # the speaker choice that says: a new person, not any of these
_ROW = re.compile(r"translation_([0-9]{1,3})_text", re.ASCII)


def record_from_form(form: MultiDict, stored: dict | None = None) -> dict:
    """The statement a form describes, on top of the stored one: each field the form shows
    is taken from it (empty removes it), every other stored field is kept as it is."""
    record: dict[str, Any] = dict(stored or {})
    choice = form.get("speaker_choice", "").strip()
    chosen = choice if choice and choice != NEW_SPEAKER else None
    typed = form.get("speaker", "").strip()
    names = {lang: form.get(f"speaker_name_{lang}", "").strip() for lang in ("ja", "en", "ko")}
    names = {lang: name for lang, name in names.items() if name}
    aliases = [a.strip() for a in form.get("speaker_aliases", "").split(",") if a.strip()]
    reading = form.get("speaker_reading", "").strip()
    if names or aliases or reading:  # a new speaker, or names to add to one (the core decides)
        obj: dict[str, Any] = {}
        if chosen or (typed and core().speaker(typed) is not None):
            obj["id"] = chosen or typed  # an id: chosen, or typed in (the edit form's)
        elif typed and not names:
            obj["name"] = from_plain_name(typed)["name"]
        if names:
            obj["name"] = names
        if reading:
            obj["reading"] = reading
        if aliases:
            obj["aliases"] = aliases
        record["speaker"] = obj
    elif chosen or typed:
        record["speaker"] = chosen or typed
    for key in TEXT_FIELDS:
        value = form.get(key, "")
        value = value if key == "text" and value.strip() else value.strip()
        _put(record, key, typed_date(value) if key == "date" and value else value)
    if record.get("wording") == "original":
        del record["wording"]  # the default: the record says nothing
    for key in BILINGUAL_FIELDS:
        _put(record, key, _bilingual(form.get(key, ""), key))
    topics = [_bilingual(t, "topics") for t in form.get("topics", "").split(",")]
    _put(record, "topics", [t for t in topics if t])
    source: dict[str, Any] = dict(record.get("source") or {})
    for key in ("url", "archived_url", "publisher", "date"):
        value = form.get(f"source_{key}", "").strip()
        _put(source, key, typed_date(value) if key == "date" and value else value)
    _put(source, "title", _bilingual(form.get("source_title", ""), "source.title"))
    _put(record, "source", source)
    _put(record, "translations", _translations(form, record.get("translations") or []))
    return record


def _put(target: dict, key: str, value: Any) -> None:
    """Set a field the form shows; an empty one is removed (the form showed it empty)."""
    if value:
        target[key] = value
    else:
        target.pop(key, None)


def _translations(form: MultiDict, stored: list[dict]) -> list[dict]:
    """Every translation row of the form, however many (a row keeps what the stored
    translation it shows has beyond the form's fields); an emptied row is removed."""
    out = []
    for i in _rows(form)[:MAX_TRANSLATION_ROWS]:
        text = form.get(f"translation_{i}_text", "")
        if not text.strip() or form.get(f"translation_{i}_remove"):
            continue
        item: dict[str, Any] = dict(stored[i]) if i < len(stored) else {}
        item.update(lang=form.get(f"translation_{i}_lang", "").strip(), text=text)
        item.pop("original", None)
        item.pop("by", None)
        kind = form.get(f"translation_{i}_by", "")
        if kind == "original":
            item["original"] = True
        elif kind:
            item["by"] = kind
        out.append(item)
    return out


def _rows(form: Any) -> list[int]:
    """The numbers of the translation rows a form (or the values it shows) has."""
    return sorted(int(m.group(1)) for key in form if (m := _ROW.fullmatch(key)))


def _bilingual(line: str, field: str) -> Localized | None:
    try:
        return from_line(line)
    except ValueError as err:
        raise RecordError(str(err), field) from None


def form_values(record: dict) -> dict[str, str]:
    """A stored statement (speaker inlined) as the form's fields."""
    values = {k: str(record[k]) for k in TEXT_FIELDS if record.get(k)}
    values.update({k: to_line(record[k]) for k in BILINGUAL_FIELDS if record.get(k)})
    speaker = record.get("speaker") or {}
    values["speaker"] = speaker.get("id", "") if isinstance(speaker, dict) else speaker
    values["topics"] = ", ".join(to_line(t) for t in record.get("topics", []))
    for key, value in (record.get("source") or {}).items():
        values[f"source_{key}"] = to_line(value)
    for i, t in enumerate(record.get("translations", [])):
        values[f"translation_{i}_lang"] = t["lang"]
        values[f"translation_{i}_text"] = t["text"]
        values[f"translation_{i}_by"] = "original" if t.get("original") else t.get("by", "")
    return values


def _form_page(values: Any, status: int = 200, **extra: Any) -> ResponseReturnValue:
    rows = min(max(_rows(values), default=-1) + 1 + BLANK_TRANSLATION_ROWS, MAX_TRANSLATION_ROWS)
    return render_template(
        "edit.html", values=values, kinds=KINDS, wordings=WORDINGS, translators=TRANSLATORS,
        speakers=core().speakers_by_id(), rows=rows, **extra,
    ), status  # fmt: skip


def _refused(err: RecordError, mode: str, **extra: Any) -> ResponseReturnValue:
    """The form again with what was wrong; a speaker that is not exactly one archived
    speaker comes with the choice among the candidates (or: a new speaker)."""
    candidates = err.candidates if isinstance(err, SpeakerUnclear) else None
    return _form_page(request.form, 400, mode=mode, error=g.t.record_error(err),
                      candidates=candidates, unclear=getattr(err, "name", None),
                      **extra)  # fmt: skip


def _options(form: MultiDict) -> ImportOptions:
    return ImportOptions(new_speaker=form.get("speaker_choice") == NEW_SPEAKER
                         or bool(form.get("new_speaker")))  # fmt: skip


def _version(form: MultiDict) -> int:
    version = whole_number(form.get("version", ""))
    return -1 if version is None else version


@bp.route("/add", methods=["GET", "POST"])
@requires("add")
def add() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page({}, mode="add")
    form = request.form
    try:  # the form itself may be wrong ("外交 | 外務"), not only the record it makes
        statement_id = core().add(record_from_form(form), actor=actor(), options=_options(form))
    except RecordError as err:
        return _refused(err, "add")
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.route("/s/<statement_id>/propose", methods=["GET", "POST"])
@requires("propose")
def propose(statement_id: str) -> ResponseReturnValue:
    """A contributor's correction: the edit form, saved as a proposal for an editor, based on
    the version the contributor saw (a later change makes it a conflict)."""
    return _change(statement_id, "propose")


@bp.route("/s/<statement_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(statement_id: str) -> ResponseReturnValue:
    return _change(statement_id, "edit")


def _change(statement_id: str, mode: str) -> ResponseReturnValue:
    app = core()
    if request.method == "GET":
        version = app.meta(statement_id)["version"]
        return _form_page(form_values(app.statement(statement_id)), mode=mode,
                          version=version, statement_id=statement_id)  # fmt: skip
    based_on = _version(request.form)
    record: dict = {}
    try:
        record = record_from_form(request.form, app.record(statement_id))
        record["id"] = statement_id
        reason = request.form.get("reason", "")
        if mode == "propose":
            app.propose(record, actor=actor(), reason=reason, based_on=based_on)
        else:
            app.edit(record, actor=actor(), reason=reason, based_on=based_on)
    except EditConflict as err:
        theirs = app.statement(statement_id)
        mine = {**record, "speaker": theirs["speaker"]}
        return render_template("conflict.html", mine=mine, theirs=theirs, message=str(err),
                               values=request.form, version=err.current,
                               changes=revision_diff(theirs, mine),
                               statement_id=statement_id), 409  # fmt: skip
    except RecordError as err:
        return _refused(err, mode, version=based_on, statement_id=statement_id)
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/proposals/<int:proposal_id>/accept")
@requires("decide")
def accept(proposal_id: int) -> ResponseReturnValue:
    statement_id = core().proposal(proposal_id)["statement_id"]
    try:
        core().accept(proposal_id, actor=actor())
    except EditConflict as err:
        return _statement_page(statement_id, 409, error=str(err) + "; edit it by hand instead")
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/proposals/<int:proposal_id>/reject")
@requires("decide")
def reject(proposal_id: int) -> ResponseReturnValue:
    statement_id = core().proposal(proposal_id)["statement_id"]
    core().reject(proposal_id, actor=actor(), reason=request.form.get("reason", ""))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/verify")
@requires("verify")
def verify(statement_id: str) -> ResponseReturnValue:
    """Status and one piece of evidence; an empty field keeps what is stored (the core's
    one verdict rule), "origin unknown" says so."""
    form = request.form
    evidence = None
    if form.get("evidence_url", "").strip():
        evidence = {"url": form["evidence_url"].strip(), "kind": form.get("evidence_kind", "")}
        if form.get("evidence_archived_url", "").strip():
            evidence["archived_url"] = form["evidence_archived_url"].strip()
        if form.get("note", "").strip():
            evidence["note"] = form["note"].strip()
    target: str | dict | None = form.get("actually_said_by", "").strip() or None
    if target == "origin unknown":
        target = {"origin": "unknown"}
    try:
        core().verify(statement_id, actor=actor(), status=form.get("status") or None,
                      evidence=evidence, actually_said_by=target,
                      note=form.get("note", "").strip() or None)  # fmt: skip
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/retract")
@requires("retract")
def retract(statement_id: str) -> ResponseReturnValue:
    try:
        core().retract(statement_id, actor=actor(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/restore")
@requires("retract")
def restore(statement_id: str) -> ResponseReturnValue:
    try:
        core().restore(statement_id, actor=actor(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/extract/save")
@requires("save_extraction")
def save_candidates() -> ResponseReturnValue:
    """The candidates a reviewer kept, as edited, in one transaction with the article as
    their source (duplicates of archived statements are skipped and listed)."""
    form = request.form
    source = {key: form[f"source_{key}"].strip() for key in ("url", "title", "publisher")
              if form.get(f"source_{key}", "").strip()}  # fmt: skip
    records = []
    count = whole_number(form.get("count", "0")) or 0
    for i in range(min(count, 500)):
        if not form.get(f"keep_{i}"):
            continue
        record: dict[str, Any] = {"speaker": form.get(f"speaker_{i}", "").strip()}
        aliases = [a.strip() for a in form.get(f"aliases_{i}", "").split(",") if a.strip()]
        if aliases and record["speaker"]:  # whether they may be added: the core decides
            record["speaker"] = {**from_plain_name(record["speaker"]), "aliases": aliases}
        for key in ("lang", "text", "date", "kind", "wording", "role", "context", "notes"):
            value = form.get(f"{key}_{i}", "").strip()
            if value:
                record[key] = typed_date(value) if key == "date" else value
        if record.get("wording") == "original":
            del record["wording"]
        if form.get(f"new_speaker_{i}"):
            record["new_speaker"] = True  # the reviewer says: a person new to the archive
        if source:
            record["source"] = source
        records.append((record, RecordError("", source="candidate", item=i)))
    if not records:
        raise RecordError("tick at least one candidate to save", "keep")
    report = core().save_extracted(records, actor=actor())
    return render_template("saved.html", report=report), 200


IMPORT_OPTIONS = ("date", "event", "event_id", "source_url", "media_url", "lang")


@bp.route("/import", methods=["GET", "POST"])
@requires("import")
def import_file() -> ResponseReturnValue:
    """An editor loads a file in any import format (sources.FORMATS) with the options the
    command line takes; all or nothing, the errors listed by the upload's name and place."""
    formats = SOURCE_FORMATS
    if request.method == "GET":
        return render_template("import.html", form={}, formats=formats, report=None)
    form = request.form
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise RecordError("choose a file to import", "file")
    fmt = form.get("format", "json")
    name = re.sub(r"[^\w.\-]+", "_", upload.filename)[-100:] or "upload"
    pairs = []
    for line in form.get("speakers", "").splitlines():
        marker, equals, speaker = line.partition("=")
        if line.strip() and not (equals and marker.strip() and speaker.strip()):
            raise RecordError(f"{line.strip()!r}: write MARKER=SPEAKER, one a line", "speakers")
        if equals:
            pairs.append((marker.strip(), speaker.strip()))
    given = {k: form.get(k, "").strip() for k in IMPORT_OPTIONS if form.get(k, "").strip()}
    if given.get("date"):
        given["date"] = typed_date(given["date"])
    source = SourceOptions(**given, speakers=tuple(pairs))
    options = ImportOptions(new_speaker=bool(form.get("new_speakers")))
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / name)
        upload.save(path)
        try:
            report = core().import_files([path], actor=actor(), options=options, fmt=fmt,
                                         source=source)  # fmt: skip
        except ImportRejected as err:
            errors = [str(e).replace(path, upload.filename) for e in err.errors]
            return render_template("import.html", form=form, formats=formats, report=None,
                                   errors=errors), 400  # fmt: skip
        except RecordError as err:
            err.source = upload.filename if err.source == path else err.source
            raise
    return render_template("import.html", form=form, formats=formats, report=report)


@bp.post("/speakers/<speaker_id>/merge")
@requires("merge_speakers")
def merge_speaker(speaker_id: str) -> ResponseReturnValue:
    """Merge another speaker (by id or any name) into this one."""
    core().merge_speakers(speaker_id, request.form.get("merged", ""), actor=actor(),
                          reason=request.form.get("reason", ""))  # fmt: skip
    return redirect(url_for("pages.speaker", speaker_id=speaker_id))


@bp.post("/speakers/<speaker_id>/unmerge")
@requires("merge_speakers")
def unmerge_speaker(speaker_id: str) -> ResponseReturnValue:
    core().unmerge_speaker(speaker_id, actor=actor(), reason=request.form.get("reason", ""))
    return redirect(url_for("pages.speaker", speaker_id=speaker_id))


@bp.get("/s/<statement_id>/diff")
def diff(statement_id: str) -> ResponseReturnValue:
    versions = core().history(statement_id)
    numbers = [v["version"] for v in versions]

    def pick(name: str, default: int) -> int:
        value = whole_number(request.args.get(name, ""))
        return value if value in numbers else default

    a = pick("a", numbers[-2] if len(numbers) > 1 else numbers[0])
    b = pick("b", numbers[-1])
    old = next(v for v in versions if v["version"] == a)
    new = next(v for v in versions if v["version"] == b)
    return render_template("diff.html", statement_id=statement_id, versions=versions, a=old,
                           b=new, changes=revision_diff(old["record"], new["record"]))  # fmt: skip


@bp.post("/s/<statement_id>/revert")
@requires("edit")
def revert(statement_id: str) -> ResponseReturnValue:
    version = whole_number(request.form.get("version", ""))
    if version is None:
        return _statement_page(statement_id, 400, error="version: choose a version to revert to")
    try:
        core().revert(statement_id, version, actor=actor(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


def _statement_page(statement_id: str, status: int, error: str) -> ResponseReturnValue:
    data = statement_data(core(), statement_id, permalink=permalink(statement_id), ui=g.ui)
    return render_template("statement.html", **data, error=error), status
