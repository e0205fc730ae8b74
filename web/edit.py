"""Writing on the web: add, edit (with the reason and the version it is based on), verify,
retract and restore, compare revisions and revert — each a revision recording the account.

Every view here is behind `requires(role)` and the CSRF check in auth.py. An edit based on an
older version than the stored one is refused with both versions shown (409), never saved over.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from hatsugen.archive import RecordError
from hatsugen.archive.localized import Localized, from_line, to_line
from hatsugen.archive.provenance import WORDINGS
from hatsugen.archive.records import KINDS, TRANSLATORS
from hatsugen.archive.speakers import from_plain_name
from hatsugen.archive.store import EditConflict

from .auth import requires
from .diff import revision_diff
from .views import core, permalink, statement_data

bp = Blueprint("edit", __name__)
TEXT_FIELDS = ("date", "kind", "lang", "spoken_lang", "wording", "text", "context", "notes")
# One line each, versions separated by "|" (localized.from_line): "首脳会談 | summit".
BILINGUAL_FIELDS = ("role", "event", "place")
TRANSLATION_ROWS = 3


def by() -> str:
    return f"web ({g.user.name})"


def record_from_form(form: MultiDict, base: dict | None = None) -> dict:
    """The statement a form describes (the stored fields it has no inputs for are kept)."""
    record: dict[str, Any] = {k: v for k, v in (base or {}).items()
                              if k in ("id", "attribution", "retracted")}  # fmt: skip
    speaker = form.get("speaker", "").strip()
    names = {lang: form.get(f"speaker_name_{lang}", "").strip() for lang in ("ja", "en", "ko")}
    names = {lang: name for lang, name in names.items() if name}
    if names:  # a new speaker, or names to add to one
        obj: dict[str, Any] = {"name": names}
        if form.get("speaker_reading", "").strip():
            obj["reading"] = form["speaker_reading"].strip()
        aliases = [a.strip() for a in form.get("speaker_aliases", "").split(",") if a.strip()]
        if aliases:
            obj["aliases"] = aliases
        if speaker:
            found = core().store.find_speaker_ids(speaker)
            if len(found) == 1:
                obj["id"] = found[0]
        record["speaker"] = obj
    elif speaker:
        record["speaker"] = speaker
    for key in TEXT_FIELDS:
        value = form.get(key, "").strip() if key != "text" else form.get(key, "")
        if value and value.strip():
            record[key] = value
    if record.get("wording") == "original":
        del record["wording"]  # the default: the record says nothing
    for key in BILINGUAL_FIELDS:
        if (value := _bilingual(form.get(key, ""), key)) is not None:
            record[key] = value
    topics = [_bilingual(t, "topics") for t in form.get("topics", "").split(",")]
    if any(topics):
        record["topics"] = [t for t in topics if t]
    source: dict[str, Any] = {key: form.get(f"source_{key}", "").strip()
                              for key in ("url", "archived_url", "publisher", "date")}  # fmt: skip
    source["title"] = _bilingual(form.get("source_title", ""), "source.title")
    source = {k: v for k, v in source.items() if v}
    if source:
        record["source"] = source
    translations = []
    for i in range(TRANSLATION_ROWS):
        text = form.get(f"translation_{i}_text", "")
        if not text.strip():
            continue
        item: dict[str, Any] = {"lang": form.get(f"translation_{i}_lang", "").strip(),
                                "text": text}  # fmt: skip
        kind = form.get(f"translation_{i}_by", "")
        if kind == "original":
            item["original"] = True
        elif kind:
            item["by"] = kind
        translations.append(item)
    if translations:
        record["translations"] = translations
    return record


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
    for i, t in enumerate(record.get("translations", [])[:TRANSLATION_ROWS]):
        values[f"translation_{i}_lang"] = t["lang"]
        values[f"translation_{i}_text"] = t["text"]
        values[f"translation_{i}_by"] = "original" if t.get("original") else t.get("by", "")
    return values


def _form_page(values: Any, status: int = 200, **extra: Any) -> ResponseReturnValue:
    return render_template(
        "edit.html", values=values, kinds=KINDS, wordings=WORDINGS, translators=TRANSLATORS,
        speakers=core().speakers_by_id(), rows=TRANSLATION_ROWS, **extra,
    ), status  # fmt: skip


@bp.route("/add", methods=["GET", "POST"])
@requires("contributor")
def add() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page({}, mode="add")
    try:  # the form itself may be wrong ("外交 | 外務"), not only the record it makes
        statement_id = core().add(record_from_form(request.form), by=by())
    except RecordError as err:
        return _form_page(request.form, 400, mode="add", error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.route("/s/<statement_id>/propose", methods=["GET", "POST"])
@requires("contributor")
def propose(statement_id: str) -> ResponseReturnValue:
    """A contributor's correction: the edit form, saved as a proposal for an editor."""
    app = core()
    version = app.store.meta(statement_id)["version"]
    if request.method == "GET":
        return _form_page(form_values(app.statement(statement_id)), mode="propose",
                          version=version, statement_id=statement_id)  # fmt: skip
    try:
        record = record_from_form(request.form, app.store.get(statement_id))
        record["id"] = statement_id
        app.propose(record, by=by(), reason=request.form.get("reason", ""), based_on=version)
    except RecordError as err:
        return _form_page(request.form, 400, mode="propose", version=version,
                          error=g.t.record_error(err), statement_id=statement_id)  # fmt: skip
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/proposals/<int:proposal_id>/accept")
@requires("editor")
def accept(proposal_id: int) -> ResponseReturnValue:
    statement_id = _proposal_statement(proposal_id)
    try:
        core().accept(proposal_id, by=by())
    except EditConflict as err:
        return _statement_page(statement_id, 409, error=str(err) + "; edit it by hand instead")
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/proposals/<int:proposal_id>/reject")
@requires("editor")
def reject(proposal_id: int) -> ResponseReturnValue:
    statement_id = _proposal_statement(proposal_id)
    core().reject(proposal_id, by=by(), reason=request.form.get("reason", ""))
    return redirect(url_for("pages.statement", statement_id=statement_id))


def _proposal_statement(proposal_id: int) -> str:
    return core().store.open_proposal(proposal_id)["statement_id"]


@bp.route("/s/<statement_id>/edit", methods=["GET", "POST"])
@requires("editor")
def edit(statement_id: str) -> ResponseReturnValue:
    app = core()
    stored = app.statement(statement_id)
    version = app.store.meta(statement_id)["version"]
    if request.method == "GET":
        return _form_page(form_values(stored), mode="edit", version=version,
                          statement_id=statement_id)  # fmt: skip
    try:
        based_on = int(request.form.get("version", ""))
    except ValueError:
        based_on = -1
    try:
        record = record_from_form(request.form, app.store.get(statement_id))
        record["id"] = statement_id
        app.edit(record, by=by(), reason=request.form.get("reason", ""), based_on=based_on)
    except EditConflict as err:
        theirs = app.statement(statement_id)
        mine = {**record, "speaker": theirs["speaker"]}
        return render_template("conflict.html", mine=mine, theirs=theirs, message=str(err),
                               values=request.form, version=err.current,
                               changes=revision_diff(theirs, mine),
                               statement_id=statement_id), 409  # fmt: skip
    except RecordError as err:
        return _form_page(request.form, 400, mode="edit", version=based_on,
                          error=g.t.record_error(err), statement_id=statement_id)  # fmt: skip
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/verify")
@requires("editor")
def verify(statement_id: str) -> ResponseReturnValue:
    form = request.form
    status = form.get("status") or None
    evidence = None
    if form.get("evidence_url", "").strip():
        evidence = {"url": form["evidence_url"].strip(), "kind": form.get("evidence_kind", "")}
        if form.get("evidence_archived_url", "").strip():
            evidence["archived_url"] = form["evidence_archived_url"].strip()
        if form.get("note", "").strip():
            evidence["note"] = form["note"].strip()
    said_by = None
    if status == "misattributed":
        target = form.get("actually_said_by", "").strip()
        if target == "origin unknown" or not target:
            said_by = {"origin": "unknown"}
        else:
            said_by = {"statement" if core().store.exists(target) else "speaker": target}
    try:
        note = form.get("note", "").strip() or None
        core().verify(statement_id, by=by(), status=status, evidence=evidence,
                      actually_said_by=said_by, note=note)  # fmt: skip
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/retract")
@requires("editor")
def retract(statement_id: str) -> ResponseReturnValue:
    try:
        core().retract(statement_id, by=by(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/s/<statement_id>/restore")
@requires("editor")
def restore(statement_id: str) -> ResponseReturnValue:
    try:
        core().restore(statement_id, by=by(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


@bp.post("/extract/save")
@requires("contributor")
def save_candidates() -> ResponseReturnValue:
    """The candidates a reviewer kept, as edited, in one transaction with the article as
    their source (duplicates of archived statements are skipped and listed)."""
    form = request.form
    source = {key: form[f"source_{key}"].strip() for key in ("url", "title", "publisher")
              if form.get(f"source_{key}", "").strip()}  # fmt: skip
    records = []
    count = int(form.get("count", "0")) if form.get("count", "").isdigit() else 0
    for i in range(min(count, 500)):
        if not form.get(f"keep_{i}"):
            continue
        record: dict[str, Any] = {"speaker": form.get(f"speaker_{i}", "").strip()}
        aliases = [a for a in form.get(f"aliases_{i}", "").split(",") if a.strip()]
        if aliases and record["speaker"]:
            name = record["speaker"]
            found = core().store.find_speaker_ids(name)
            record["speaker"] = {"id": found[0]} if len(found) == 1 else from_plain_name(name)
            record["speaker"]["aliases"] = aliases
        for key in ("lang", "text", "date", "kind", "wording", "role", "context", "notes"):
            value = form.get(f"{key}_{i}", "").strip()
            if value:
                record[key] = value
        if record.get("wording") == "original":
            del record["wording"]
        if source:
            record["source"] = source
        records.append((record, RecordError("", source="candidate", item=i)))
    if not records:
        raise RecordError("tick at least one candidate to save", "keep")
    report = core().import_located(records, by=by())
    return render_template("saved.html", report=report), 200


@bp.post("/speakers/<speaker_id>/merge")
@requires("editor")
def merge_speaker(speaker_id: str) -> ResponseReturnValue:
    """Merge another speaker (by id or any name) into this one."""
    core().merge_speakers(speaker_id, request.form.get("merged", ""), by=by(),
                          reason=request.form.get("reason", ""))  # fmt: skip
    return redirect(url_for("pages.speaker", speaker_id=speaker_id))


@bp.post("/speakers/<speaker_id>/unmerge")
@requires("editor")
def unmerge_speaker(speaker_id: str) -> ResponseReturnValue:
    merged = core().store.merged_into(speaker_id)
    if merged is None:
        raise RecordError(f"{speaker_id} is not merged into anyone", "speaker")
    core().unmerge(merged[0], by=by(), reason=request.form.get("reason", ""))
    return redirect(url_for("pages.speaker", speaker_id=speaker_id))


@bp.get("/s/<statement_id>/diff")
def diff(statement_id: str) -> ResponseReturnValue:
    versions = core().history(statement_id)
    numbers = [v["version"] for v in versions]

    def pick(name: str, default: int) -> int:
        raw = request.args.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in numbers else default

    a = pick("a", numbers[-2] if len(numbers) > 1 else numbers[0])
    b = pick("b", numbers[-1])
    old = next(v for v in versions if v["version"] == a)
    new = next(v for v in versions if v["version"] == b)
    return render_template("diff.html", statement_id=statement_id, versions=versions, a=old,
                           b=new, changes=revision_diff(old["record"], new["record"]))  # fmt: skip


@bp.post("/s/<statement_id>/revert")
@requires("editor")
def revert(statement_id: str) -> ResponseReturnValue:
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        return _statement_page(statement_id, 400, error="version: choose a version to revert to")
    try:
        core().revert(statement_id, version, by=by(), reason=request.form.get("reason", ""))
    except RecordError as err:
        return _statement_page(statement_id, 400, error=g.t.record_error(err))
    return redirect(url_for("pages.statement", statement_id=statement_id))


def _statement_page(statement_id: str, status: int, error: str) -> ResponseReturnValue:
    data = statement_data(core(), statement_id, permalink=permalink(statement_id), ui=g.ui)
    return render_template("statement.html", **data, error=error), status
