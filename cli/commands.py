"""The `hatsugen` command line: a thin Click shell over the `Hatsugen` object."""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from hatsugen.archive import KINDS, TRANSLATORS, ArchiveError, ImportRejected, NotFound, RecordError
from hatsugen.archive.accounts import ROLES
from hatsugen.archive.formats import read_records
from hatsugen.archive.localized import from_line
from hatsugen.archive.provenance import EVIDENCE_KINDS, STATUSES, WORDINGS
from hatsugen.citations import FORMATS, write_list
from hatsugen.core import DB_NAME, Forbidden, Hatsugen, ImportOptions
from hatsugen.home import resolve_home
from hatsugen.index import SearchRequest
from hatsugen.index.dates import typed_date
from hatsugen.index.query import SORTS, QueryError
from hatsugen.rules import Actor
from hatsugen.sources import FORMATS as SOURCE_FORMATS
from hatsugen.sources import MARKED_FORMATS, SourceOptions

from . import textview

MAX_ERRORS_SHOWN = 20


class InputError(click.ClickException):
    """Bad input from the user: exit status 2, one clear message, no traceback."""

    exit_code = 2


class HatsugenGroup(click.Group):
    """Turns archive errors into clear one-line messages with the contract's exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImportRejected as err:
            shown = err.errors[:MAX_ERRORS_SHOWN]
            more = len(err.errors) - len(shown)
            lines = [str(e) for e in shown]
            if more:
                lines.append(f"… and {more} more")
            raise InputError(
                "import refused, the archive is unchanged:\n  "
                + "\n  ".join(lines)
                + "\nFix the records, or pass --skip-invalid to import the valid ones."
            ) from None
        except QueryError as err:
            name = {"q": "query", "per_page": "--limit"}.get(
                err.field or "", f"--{(err.field or '').replace('_', '-')}"
            )
            raise InputError(f"bad {name}: {err.message}") from None
        except (NotFound, Forbidden) as err:
            raise InputError(str(err)) from None
        except RecordError as err:
            raise InputError(str(err)) from None
        except ArchiveError as err:
            raise click.ClickException(str(err)) from None
        except sqlite3.OperationalError as err:
            if "full" not in str(err):
                raise
            raise click.ClickException(
                "the disk holding the archive is full: nothing of this command was stored (the"
                " archive is as it was); free some space and run it again"
            ) from None
        except OSError as err:
            if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise click.ClickException(
                f"no space left on the device ({err.filename or 'the archive home'}): what the"
                " archive had stored is safe, but the search index may lag behind it; free some"
                " space and run `hatsugen check --repair`"
            ) from None


@click.group(cls=HatsugenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="HATSUGEN_HOME",
    help="Archive folder (default: $HATSUGEN_HOME, else ~/.local/share/hatsugen).",
)
@click.option(
    "--search-url",
    help="Search through this OpenSearch cluster (several nodes comma-separated) instead of"
    " the embedded index (default: $HATSUGEN_SEARCH_URL).",
)
@click.option(
    "--search-index",
    help="The cluster's index (an alias) for this archive (default: $HATSUGEN_SEARCH_INDEX,"
    " else hatsugen).",
)
@click.version_option(package_name="hatsugen")
@click.pass_context
def cli(
    ctx: click.Context, home: str | None, search_url: str | None, search_index: str | None
) -> None:
    """hatsugen: an archive of attributed statements in Japanese and English."""
    ctx.obj = _Lazy(home, search_url, search_index)


class _Lazy:
    """Opens the archive only when a command needs it, so --help works anywhere."""

    def __init__(self, home: str | None, search_url: str | None = None,
                 search_index: str | None = None) -> None:  # fmt: skip
        self.home = home
        self.search = {"search_url": search_url, "search_index": search_index}
        self._app: Hatsugen | None = None

    @property
    def app(self) -> Hatsugen:
        if self._app is None:
            self._app = Hatsugen(self.home, notify=lambda message: click.echo(message, err=True),
                                 **self.search)  # fmt: skip
        return self._app


def _app(ctx: click.Context) -> Hatsugen:
    return ctx.find_object(_Lazy).app


def _existing(ctx: click.Context) -> Hatsugen:
    """The archive for a command that needs one: never created by asking for it (a typo in
    --home, a missing $HATSUGEN_HOME), and the home looked at named when there is none."""
    home = resolve_home(ctx.find_object(_Lazy).home)
    existing = next((p for p in (home, *home.parents) if p.exists()), home)
    if existing.is_dir() and not (home / DB_NAME).is_file():  # (a file in the way: its own error)
        raise click.ClickException(
            f"there is no archive at {home}: import statements (`hatsugen import FILE`), load"
            " the demo (`hatsugen demo`), or point --home or $HATSUGEN_HOME at an archive"
            " (scripts/run serves the one in the checkout's .hatsugen-demo)"
        )
    return _app(ctx)


def _reader(ctx: click.Context) -> Hatsugen:
    """The archive for a command that only reads, said to be empty when it is, so nobody takes
    "no statements found" for an answer about another archive."""
    app = _existing(ctx)
    if not app.count():
        home = resolve_home(ctx.find_object(_Lazy).home)
        click.echo(f"the archive at {home} holds no statements yet", err=True)
    return app


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@contextmanager
def _progress(
    total: int, label: str, minimum: int = 5_000_000
) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal for large inputs; nothing when piped."""
    if total < minimum or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _report(report: Any) -> None:
    skipped = f", {len(report.duplicates)} duplicates skipped" if report.duplicates else ""
    click.echo(
        f"{len(report.added)} added, {len(report.updated)} updated,"
        f" {report.unchanged} unchanged{skipped}, {len(report.rejected)} rejected"
        + (f", {len(report.conflicts)} conflicts not applied" if report.conflicts else "")
    )
    for label, findings in (
        ("re-attributed", report.reattributed),
        ("renamed", report.renamed),
        ("duplicate", report.duplicates),
        ("warning", report.near_duplicates),
        ("look-alike", report.look_alike_speakers),
        ("new speaker", report.new_speakers),
        ("superseded", report.superseded),
        ("left out", getattr(report, "skipped", [])),
        ("conflict", report.conflicts),
        ("role", report.roles),
        ("rejected", report.rejected),
    ):
        for finding in findings[:MAX_ERRORS_SHOWN]:
            click.echo(f"{label}: {finding}", err=True)
        if len(findings) > MAX_ERRORS_SHOWN:
            click.echo(f"{label}: … and {len(findings) - MAX_ERRORS_SHOWN} more", err=True)
    _queued_notice(report.queued)


def _queued_notice(queued: int) -> None:
    if not queued:
        return
    lazy = click.get_current_context().find_object(_Lazy)
    if lazy is not None and lazy._app is not None and lazy._app.remote is not None:
        why = ("for the search cluster, which has not taken them yet (said above); they are"
               " sent when it answers")  # fmt: skip
    else:
        why = ("behind another hatsugen command that is writing the search index (a reindex"
               " or an import); they become searchable as soon as it is done")  # fmt: skip
    click.echo(f"stored; {queued} statement{'s' if queued != 1 else ''} queued for indexing"
               f" {why}", err=True)  # fmt: skip


@cli.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--skip-invalid", is_flag=True, help="Import the valid records, list the rest.")
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Add statements even when the archive holds the same speaker and text already.",
)
@click.option(
    "--allow-reattribution",
    is_flag=True,
    help="Let a record give an archived statement (same id) to another speaker.",
)
@click.option(
    "--rename-speakers",
    is_flag=True,
    help="Let a speaker object change a name the speaker already has.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Apply records based on an older version than the archived one (conflicts).",
)
@click.option(
    "--skip-conflicts",
    is_flag=True,
    help="List conflicts (records based on an older version) but exit 0.",
)
@click.option(
    "--new-speakers",
    "new_speaker",
    is_flag=True,
    help="Names that may mean an archived speaker (a family name, a reading…) are new people.",
)
@click.option(
    "--from",
    "fmt",
    type=click.Choice(SOURCE_FORMATS),
    default="json",
    show_default=True,
    help="The files' format: hatsugen's JSON, the Diet minutes API (kokkai), a transcript"
    " (text or HTML), subtitles (vtt, srt).",
)
@click.option("--date", help="[sources] Date of what the files record (YYYY-MM-DD).")
@click.option("--event", help="[sources] The event: '記者会見 | Press conference'.")
@click.option("--event-id", help="[sources] A stable id for the event page (/e/ID).")
@click.option("--source-url", help="[sources] Where the transcript was published.")
@click.option("--source-title", help="[sources] Its title.")
@click.option("--publisher", help="[sources] Its publisher.")
@click.option("--media-url", help="[vtt, srt] The recording the times are in.")
@click.option("--lang", help="[sources] Language of the text (default: ja if kana/kanji).")
@click.option("--kind", type=click.Choice(KINDS), help="[sources] Kind of the statements.")
@click.option(
    "--speaker",
    "speakers",
    multiple=True,
    metavar="MARKER=SPEAKER",
    help="[transcript, vtt, srt] Who a marker is (an id or exact name; '-' leaves the turns"
    " out, '?' makes them questions); without '=': the speaker of unmarked cues. Repeatable.",
)
@click.pass_context
def import_cmd(
    ctx: click.Context, files: tuple[str, ...], fmt: str, speakers: tuple[str, ...],
    **flags: Any,
) -> None:  # fmt: skip
    """Import statements from files ('-' for stdin): JSON Lines, a JSON array or an export,
    or with --from a real source: the Diet minutes API's JSON, a transcript, VTT or SRT
    subtitles (docs/sources.md).

    All or nothing: one bad record and nothing is imported, unless --skip-invalid. A new
    statement that repeats an archived one (same speaker, same text) is skipped and listed.
    A record based on an older version than the archived one (its `version`) is a conflict:
    listed, not applied, exit 1 (--skip-conflicts: 0; --overwrite applies it).
    """
    source_names = ("date", "event", "event_id", "source_url", "source_title", "publisher",
                    "media_url", "lang", "kind")  # fmt: skip
    given = {name: flags.pop(name) for name in source_names}
    if given["date"]:
        given["date"] = typed_date(given["date"])
    if (fmt == "json" and any(given.values())) or (fmt == "json" and speakers):
        raise click.UsageError("--date, --event, --speaker … describe a source: use them with"
                               " --from kokkai|transcript|vtt|srt")  # fmt: skip
    source = SourceOptions(**{k: v.strip() for k, v in given.items() if v and v.strip()},
                           **_marker_options(speakers))  # fmt: skip
    options = ImportOptions(**flags)
    app = _app(ctx)
    total = sum(Path(f).stat().st_size for f in files if f != "-" and Path(f).is_file())
    with ExitStack() as bars:

        def indexing(count: int) -> Callable[[int], None] | None:
            return bars.enter_context(_progress(count, "indexing", minimum=2000))

        with _progress(total, "importing") as progress:
            try:
                report = app.import_files(files, actor=Actor.local("import"), options=options,
                                          progress=progress, indexing=indexing, fmt=fmt,
                                          source=source)  # fmt: skip
            except ImportRejected:
                if fmt in MARKED_FORMATS:
                    click.echo("A marker names who speaks only if it is exactly an archived"
                               " speaker's name or id: map it with --speaker 'MARKER=ID', or"
                               " pass --new-speakers if the markers are new people.",
                               err=True)  # fmt: skip
                raise
    _report(report)
    if report.conflicts and not options.skip_conflicts:
        ctx.exit(1)


def _marker_options(given: tuple[str, ...]) -> dict[str, Any]:
    """--speaker MARKER=SPEAKER pairs, and the one --speaker NAME for unmarked cues."""
    pairs, default = [], None
    for item in given:
        marker, equals, speaker = item.partition("=")
        if not equals:
            if default is not None:
                raise click.UsageError("give one --speaker NAME for unmarked cues; map markers"
                                       " with --speaker MARKER=SPEAKER")  # fmt: skip
            default = item.strip()
        elif not marker.strip() or not speaker.strip():
            raise click.UsageError(f"--speaker {item!r}: write MARKER=SPEAKER")
        else:
            pairs.append((marker.strip(), speaker.strip()))
    return {"speakers": tuple(pairs), "default_speaker": default}


@cli.command()
@click.option("--speaker", help="Speaker id, name, alias or handle.")
@click.option("--lang", help="Language of the original text (ja, en, ko, …).")
@click.option("--text", help="The statement as recorded (see --wording).")
@click.option(
    "--wording",
    type=click.Choice(WORDINGS),
    help="What the text is (default: original, the speaker's own words).",
)
@click.option("--spoken-lang", help="The language the speaker used, if not the text's.")
@click.option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--kind", type=click.Choice(KINDS), help="What kind of statement it is.")
@click.option(
    "--role", help="The speaker's role when speaking; in two languages: '首相 | Prime Minister'."
)
@click.option("--id", "record_id", help="Id to use (default: derived from the content).")
@click.option("--source-url", help="Where the statement was published.")
@click.option("--source-title", help="Title of the source.")
@click.option("--publisher", help="Publisher of the source.")
@click.option("--archived-url", help="An archived copy of the source (Wayback, archive.today).")
@click.option(
    "--event", help="Event (summit…); in two languages: '日韓首脳会談 | Japan–Korea summit'."
)
@click.option("--place", help="Where it was said.")
@click.option("--topic", "topics", multiple=True, help="A topic (repeatable; '外交 | diplomacy').")
@click.option("--context", "context_text", help="The sentence or paragraph around the quote.")
@click.option("--notes", help="An editor's note.")
@click.option(
    "--translation",
    "translations",
    nargs=2,
    multiple=True,
    metavar="LANG TEXT",
    help="A translation (repeatable).",
)
@click.option(
    "--translated-by",
    type=click.Choice(TRANSLATORS),
    default="editor",
    show_default=True,
    help="Who made the --translation texts.",
)
@click.option(
    "--from",
    "from_file",
    metavar="FILE",
    help="Read the statement as JSON from FILE ('-' for stdin) instead of options.",
)
@click.option("--allow-duplicates", is_flag=True, help="Add it even if already archived.")
@click.option(
    "--new-speaker",
    is_flag=True,
    help="The speaker is a new person: add them (else the name must be an archived speaker's).",
)
@click.pass_context
def add(
    ctx: click.Context, from_file: str | None, allow_duplicates: bool, new_speaker: bool,
    **opts: Any,
) -> None:  # fmt: skip
    """Add one new statement and print its id (an archived id is refused: import a record
    based on its version to change it)."""
    app = _app(ctx)
    if from_file:
        records = list(read_records(from_file))
        if len(records) != 1:
            raise InputError(f"{from_file}: expected one statement, found {len(records)}")
        record = records[0][0]
        if isinstance(record, RecordError):
            raise record
    else:
        record = _record_from_options(opts)
    options = ImportOptions(allow_duplicates=allow_duplicates, new_speaker=new_speaker)
    statement_id = app.add(record, actor=Actor.local("add"), options=options)
    click.echo(statement_id)
    _queued_notice(app.pending())


def _bilingual(value: str, option: str) -> Any:
    """One version, or several separated by "|": --event "日韓首脳会談 | Japan–Korea summit"."""
    try:
        return from_line(value)
    except ValueError as err:
        raise InputError(f"bad --{option.replace('_', '-')}: {err}") from None


def _record_from_options(opts: dict[str, Any]) -> dict:
    missing = [f"--{k}" for k in ("speaker", "lang", "text") if not opts.get(k)]
    if missing:
        raise InputError(f"missing {', '.join(missing)} (or give --from FILE)")
    record: dict[str, Any] = {
        "speaker": opts["speaker"],
        "lang": opts["lang"],
        "text": opts["text"],
    }
    for key in ("date", "kind", "notes", "wording", "spoken_lang"):
        if opts.get(key):
            record[key] = typed_date(opts[key]) if key == "date" else opts[key]
    for key in ("role", "event", "place"):
        if opts.get(key):
            record[key] = _bilingual(opts[key], key)
    if opts.get("record_id"):
        record["id"] = opts["record_id"]
    if opts.get("context_text"):
        record["context"] = opts["context_text"]
    if opts.get("topics"):
        record["topics"] = [_bilingual(t, "topic") for t in opts["topics"]]
    source = {
        key: opts[opt]
        for key, opt in (
            ("url", "source_url"),
            ("publisher", "publisher"),
            ("archived_url", "archived_url"),
        )
        if opts.get(opt)
    }
    if opts.get("source_title"):
        source["title"] = _bilingual(opts["source_title"], "source_title")
    if source:
        record["source"] = source
    if opts.get("translations"):
        record["translations"] = [
            {"lang": lang, "text": text, "by": opts["translated_by"]}
            for lang, text in opts["translations"]
        ]
    return record


@cli.command()
@click.argument("statement_id")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.pass_context
def show(ctx: click.Context, statement_id: str, as_json: bool) -> None:
    """Show one statement with its translations and source."""
    app = _reader(ctx)
    record = app.statement(statement_id)
    if as_json:
        _echo_json(record)
        return
    meta = app.meta(statement_id)
    for line in textview.statement_detail(record, meta, app.speakers_by_id()):
        click.echo(line)


@cli.command()
@click.argument("statement_id")
@click.option("--json", "as_json", is_flag=True, help="Print every version as JSON.")
@click.pass_context
def history(ctx: click.Context, statement_id: str, as_json: bool) -> None:
    """Every revision of a statement, oldest first, with what changed."""
    versions = _reader(ctx).history(statement_id)
    if as_json:
        _echo_json(versions)
        return
    for line in textview.history_lines(versions):
        click.echo(line)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts by speaker, language, kind and year."""
    app = _reader(ctx)
    figures = app.stats()
    if as_json:
        _echo_json(figures)
        return
    for line in textview.stats_lines(figures, app.speakers_by_id()):
        click.echo(line)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="File to write (default: stdout); a folder for --format opensearch.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "opensearch"]),
    default="json",
    show_default=True,
    help="opensearch: index.json and bulk.ndjson for OpenSearch/Elasticsearch (docs/scale.md).",
)
@click.option("--index", "index_name", default="hatsugen", show_default=True,
              help="The OpenSearch index the bulk file loads into.")  # fmt: skip
@click.pass_context
def export(ctx: click.Context, output: str | None, fmt: str, index_name: str) -> None:
    """Write the indexed JSON export (or JSON Lines) of the whole archive."""
    app = _reader(ctx)
    if fmt == "opensearch":
        if not output or output == "-":
            raise InputError("--format opensearch writes two files: give a folder with -o DIR")
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"{output} is not a folder")
        try:
            n = app.export_opensearch(folder, index_name)
        except OSError as err:
            raise click.ClickException(f"cannot write {output}: {err.strerror}") from None
        click.echo(f"{n} statements written to {folder / 'bulk.ndjson'};"
                   f" index definition in {folder / 'index.json'}", err=True)  # fmt: skip
        return
    if output is None or output == "-":
        app.export(sys.stdout, fmt)
        return
    target = Path(output)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise InputError(
            f"refusing to replace {output}: it is not a regular file (a link, device, FIFO or"
            " folder); give a file's path, or -o - for standard output"
        )
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            n = app.export(out, fmt)
        partial.replace(target)  # never leave a half-written export under the real name
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {err.strerror}") from None
    click.echo(f"{n} statements written to {output}", err=True)


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the embedded demo archive (the seed article's statements) into an empty home."""
    app = _app(ctx)
    report = app.load_demo(actor=Actor.local("demo"))
    if report is None:
        click.echo(f"{app.home} already holds statements; demo not loaded")
    elif report.added:
        click.echo(f"demo archive loaded into {app.home}: {len(report.added)} statements")
    elif report.updated:
        click.echo(f"demo statements in {app.home} brought up to date: {len(report.updated)}")
    else:
        click.echo(f"{app.home} already holds the demo archive, up to date")


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--speaker", "speakers", multiple=True, metavar="ID", help="Speaker id (repeatable).")
@click.option("--lang", help="Language of the recorded text (ja, en, ko, …).")
@click.option("--kind", help="Kind of statement (post, remarks, …).")
@click.option("--topic", help="Topic, as recorded in any of its languages.")
@click.option("--since", metavar="DATE", help="From this date (2025, 2025-08, 2025-08-23).")
@click.option("--until", metavar="DATE", help="Up to this date, inclusive.")
@click.option("--status", type=click.Choice(STATUSES), help="Attribution status.")
@click.option("--house", help="House of the Diet (衆議院, 参議院).")
@click.option("--committee", help="Committee or meeting (予算委員会, 本会議).")
@click.option("--session", help="Diet session number (217).")
@click.option("--undated", is_flag=True, help="Only statements without a date.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", "per_page", type=int, default=10, show_default=True, help="Per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--format",
    "list_format",
    type=click.Choice(list(FORMATS)),
    help="Print the whole result list (every page, up to --max) as CSV, JSON Lines (importable),"
    " RIS or BibTeX, citations with permalinks (--base-url) and today's access date.",
)
@click.option("--max", "max_results", type=click.IntRange(1, 1_000_000), default=100_000,
              show_default=True, help="With --format: at most this many statements.")  # fmt: skip
@click.option("--base-url", envvar="HATSUGEN_BASE_URL", metavar="URL",
              help="The site's address, for permalinks (default: $HATSUGEN_BASE_URL).")  # fmt: skip
@click.pass_context
def search(
    ctx: click.Context, query: tuple[str, ...], as_json: bool, list_format: str | None,
    max_results: int, base_url: str | None, **opts: Any,
) -> None:  # fmt: skip
    """Search originals and translations in Japanese and English.

    Words are ANDed; use OR, NOT, "phrases" and field:value (speaker:, lang:, kind:, topic:,
    year:, ja:, en:). With no words, lists statements newest first.
    """
    req = SearchRequest(q=" ".join(query), speakers=list(opts.pop("speakers")), **opts)
    app = _reader(ctx)
    if list_format:
        from datetime import UTC, datetime

        total, records = app.search_list(req, max_results)
        today = datetime.now(UTC).date().isoformat()
        write_list(list_format, records, sys.stdout, app.speakers_by_id(),
                   permalink_base=base_url, accessed=today)  # fmt: skip
        if total > len(records):
            click.echo(f"{len(records)} of {total} statements written (--max)", err=True)
        _done_reading(app)
        return
    result = app.search(req)
    if as_json:
        _echo_json(result)
    else:
        for line in textview.search_lines(result, req, app.speakers_by_id()):
            click.echo(line)
        if result["speakers_named"]:
            names = ", ".join(textview.speaker_label(app.speaker(s) or {"id": s})
                              for s in result["speakers_named"])  # fmt: skip
            click.echo(f"(no statement has these words: the statements of {names}, whose name"
                       " or reading they are)", err=True)  # fmt: skip
        elif not result["total"] and req.q and (spelled := app.did_you_mean(req.q)):
            click.echo(f"did you mean: hatsugen search {spelled}", err=True)
    _done_reading(app)


@cli.command("check-quote")
@click.argument("quote")
@click.option("--speaker", metavar="NAME", help="Who the quote circulates under (name, alias, id).")
@click.option("--json", "as_json", is_flag=True, help="Print the check as JSON.")
@click.pass_context
def check_quote(ctx: click.Context, quote: str, speaker: str | None, as_json: bool) -> None:
    """Where a circulating QUOTE comes from: verbatim, excerpt, spliced or altered, and by whom.

    QUOTE '-' reads it from standard input.
    """
    text = sys.stdin.read() if quote == "-" else quote
    app = _reader(ctx)
    result = app.check_quote(text, speaker)
    if as_json:
        _echo_json(result)
    else:
        for line in textview.quote_check_lines(result):
            click.echo(line)
    _done_reading(app)


@cli.command()
@click.argument("statement_id")
@click.option("--status", type=click.Choice(STATUSES), help="The attribution status to set.")
@click.option("--evidence", "evidence_url", metavar="URL", help="Evidence for it (http/https).")
@click.option(
    "--kind",
    "evidence_kind",
    type=click.Choice(EVIDENCE_KINDS),
    help="What the evidence is (verified needs a primary kind: transcript, video, audio,"
    " official post or record).",
)
@click.option("--archived-url", metavar="URL", help="An archived copy of the evidence.")
@click.option(
    "--actually-said-by",
    metavar="SPEAKER|ID",
    help="Who really said it (speaker id, name or handle, or a statement id); with"
    " --status misattributed.",
)
@click.option("--origin-unknown", is_flag=True, help="Misattributed, and nobody knows by whom.")
@click.option("--note", help="Why: kept with the change and shown in the history.")
@click.pass_context
def verify(
    ctx: click.Context, statement_id: str, status: str | None, evidence_url: str | None,
    evidence_kind: str | None, archived_url: str | None, actually_said_by: str | None,
    origin_unknown: bool, note: str | None,
) -> None:  # fmt: skip
    """Set who really said a statement, and how we know: status, evidence, a note.

    Every call is a new revision recording who made it, when and why (`hatsugen history`).
    """
    if status is None and evidence_url is None:
        raise InputError("give --status, --evidence URL, or both")
    if (archived_url or evidence_kind) and evidence_url is None:
        raise InputError("--kind and --archived-url describe an --evidence URL; give one")
    if evidence_url is not None and evidence_kind is None:
        raise InputError("--evidence needs --kind (one of: " + ", ".join(EVIDENCE_KINDS) + ")")
    if actually_said_by and origin_unknown:
        raise InputError("give --actually-said-by or --origin-unknown, not both")
    app = _existing(ctx)
    said_by: str | dict | None = {"origin": "unknown"} if origin_unknown else actually_said_by
    evidence = None
    if evidence_url is not None:
        evidence = {"url": evidence_url, "kind": evidence_kind}
        if archived_url:
            evidence["archived_url"] = archived_url
        if note:
            evidence["note"] = note
    report = app.verify(
        statement_id, actor=Actor.local("verify"), status=status, evidence=evidence,
        actually_said_by=said_by, note=note,
    )  # fmt: skip
    record = app.record(statement_id)
    state = (record.get("attribution") or {}).get("status", "unverified")
    what = "updated" if report.updated else "unchanged"
    click.echo(f"{statement_id}: {state} ({what})")
    _queued_notice(report.queued)


@cli.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the store (searches keep working meanwhile)."""
    import time

    from hatsugen.index.searchindex import ReindexRunning

    app = _existing(ctx)
    started = time.perf_counter()
    try:
        with _progress(app.count(), "indexing", minimum=2000) as progress:
            n = app.reindex(progress)
    except ReindexRunning as err:
        click.echo(str(err))
        return
    click.echo(f"indexed {n} statements in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option("--repair", is_flag=True, help="Index what is missing or stale, drop extras.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Compare the index with the store: missing, stale and extra statements.

    Exit status 1 when problems were found and not repaired.
    """
    app = _reader(ctx)
    if (exposed := app.exposed()) is not None:
        click.echo(f"warning: {exposed}", err=True)
    found = app.check(repair=repair)
    queued = found.pop("queued")
    problems = sum(len(v) for v in found.values())
    phantoms = app.phantom_speakers()
    if as_json:
        _echo_json({**found, "queued": queued, "repaired": repair and problems > 0,
                    "phantom_speakers": phantoms})  # fmt: skip
    else:
        for p in phantoms:
            click.echo(
                f"speaker {p['id']} ({p['name']}) may be {', '.join(p['may_be'])}: a short"
                f" name, reading or alias of theirs; if one person, run `hatsugen speaker"
                f" merge {p['may_be'][0]} {p['id']} --reason …`"
            )
        if not problems:
            click.echo("index and store agree")
        if queued:
            click.echo(f"{len(queued)} queued for indexing (not a problem: sent by the next"
                       " write, `serve`, or `check --repair`)")  # fmt: skip
        if found["unreadable"]:
            click.echo(f"the index cannot be read: {found['unreadable'][0]}")
        if found["outdated"]:
            click.echo(
                "the search index was built by another hatsugen version, whose analysis"
                " differs: a reindex is needed (`hatsugen reindex`, or `check --repair`)"
            )
        for kind, ids in found.items():
            if ids and kind != "outdated":
                shown = ", ".join(ids[:10]) + (f" … (+{len(ids) - 10})" if len(ids) > 10 else "")
                click.echo(f"{len(ids)} {kind}: {shown}")
        if problems:
            click.echo("repaired" if repair else "run `hatsugen check --repair` to fix")
    if (problems and not repair) or phantoms:
        ctx.exit(1)


@cli.command("extract")
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print import-format records as JSON.")
@click.option("--source-url", help="Where the article was published.")
@click.option("--publisher", help="Who published it.")
@click.option("--title", help="The article's title (HTML <title> is used if not given).")
@click.option("--date", help="Date for quotes that carry none (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.pass_context
def extract_cmd(
    ctx: click.Context, article: str, as_json: bool, source_url: str | None,
    publisher: str | None, title: str | None, date: str | None,
) -> None:  # fmt: skip
    """Find attributed quotes in a news article (text or HTML file, '-' for stdin).

    Nothing is stored: review the candidates, then `hatsugen import` them.
    """
    from hatsugen.archive.records import parse_date, validate
    from hatsugen.core import DB_NAME
    from hatsugen.extract import article_source, extract
    from hatsugen.home import resolve_home

    if date:
        parse_date(date, "--date")
    text = _read_article(article)
    options = {
        "default_date": date,
        "source": article_source(text, source_url, title, publisher),
    }
    lazy = ctx.find_object(_Lazy)
    if (resolve_home(lazy.home) / DB_NAME).exists():
        candidates = lazy.app.extract(text, **options)
    else:  # no archive here: do not create one just to extract
        candidates = extract(text, **options)
    for record in candidates:
        # What we print must import, once the reviewer has named any unresolved speaker.
        validate(record if record["speaker"] is not None else {**record, "speaker": "?"})
    if as_json:
        _echo_json(candidates)
        return
    for line in textview.candidate_lines(candidates):
        click.echo(line)


def _read_article(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text") from None


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="0: any free port (the one taken is printed).")  # fmt: skip
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker.")  # fmt: skip
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes, one per core by default (Linux; 1 where processes cannot fork).",
)
@click.option("--read-only", is_flag=True, help="Turn every kind of writing off (a public mirror).")
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Mark cookies Secure: use when the site is served over HTTPS (behind a proxy).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    type=click.IntRange(0, 8),
    default=0,
    show_default=True,
    metavar="N",
    help="Behind N reverse proxies: take the client's address from X-Forwarded-For (for"
    " sign-in limits per address). Only with proxies that set that header.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    threads: int,
    workers: int | None,
    read_only: bool,
    secure_cookies: bool,
    trusted_proxies: int,
) -> None:
    """Serve the web search with waitress (a production WSGI server), in one process per core."""
    from hatsugen.web import workers as pool
    from hatsugen.web.app import create_app
    from hatsugen.web.serving import create_server, quiet_logging

    pool.limit_malloc_arenas()  # before the server's threads
    app = _app(ctx)
    home = app.home
    config = {"HATSUGEN_HOME": str(home), "READ_ONLY": read_only,
              "SECURE_COOKIES": secure_cookies, "TRUSTED_PROXIES": trusted_proxies}  # fmt: skip
    if app.remote is not None:  # every worker searches the same cluster and alias
        config["HATSUGEN_SEARCH_URL"] = app.remote.remote.url
        config["HATSUGEN_SEARCH_INDEX"] = app.remote.remote.name
    if workers is None:
        workers = pool.default_workers() if pool.can_fork() else 1
    elif workers > 1 and not pool.can_fork():
        raise InputError("--workers needs an operating system that can fork; use --threads")
    shown = f"[{host}]" if ":" in host else host

    def make_app() -> Any:
        app = create_app(config)
        # Through logging's queue: a log nobody reads must not stop the indexer either.
        app.extensions["hatsugen"].notify = logging.getLogger("hatsugen").warning
        return app

    def serving(app: Any, indexer: bool) -> Any:
        """The app with its background work started: logging that never blocks a request,
        the indexer (one per server, not one per worker) and the warming of the common
        words' postings (every worker)."""
        quiet_logging()
        core = app.extensions["hatsugen"]
        if indexer:
            core.start_indexer()
        threading.Thread(target=core.engine.warm, name="hatsugen-warm", daemon=True).start()
        return app

    def cannot_listen(err: OSError | ValueError) -> click.ClickException:
        reason = getattr(err, "strerror", None) or str(err)
        return click.ClickException(f"cannot listen on {shown}:{port}: {reason}")

    app = make_app()
    first = app.extensions["hatsugen"]
    first.ensure_index_format()  # before the first request, not during it
    if workers == 1:
        serving(app, indexer=True)
        try:
            server = create_server(app, host=host, port=port, threads=threads, ident="hatsugen")
        except (OSError, ValueError) as err:
            raise cannot_listen(err) from None
        port = getattr(server, "effective_port", port)
        click.echo(f"hatsugen is serving {home} at http://{shown}:{port}/")
        click.echo("press Ctrl+C to stop")
        server.run()
        return
    first.close()  # nothing opened before the fork may be shared by the workers
    try:
        sock = pool.listen(host, port)
    except (OSError, ValueError) as err:
        raise cannot_listen(err) from None
    port = sock.getsockname()[1]
    click.echo(f"hatsugen is serving {home} at http://{shown}:{port}/ with {workers} workers")
    click.echo("press Ctrl+C to stop")
    pool.run_workers(lambda number: serving(make_app(), indexer=number == 0), sock, workers,
                     threads, lambda m: click.echo(m, err=True))  # fmt: skip


@cli.group()
def user() -> None:
    """Accounts for editing on the web: contributor, editor, admin."""


def _password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("password", hide_input=True, confirmation_prompt=confirm)


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account (the password is asked for, never taken as an argument)."""
    _app(ctx).accounts.add(name, role, _password(password_stdin))
    click.echo(f"user {name} added ({role})")


@user.command("demo-editor")
@click.pass_context
def user_demo_editor(ctx: click.Context) -> None:
    """Give this home an editor account `editor` with a new one-time password (scripts/run)."""
    import secrets

    accounts = _app(ctx).accounts
    password = secrets.token_urlsafe(12)
    if any(u["name"] == "editor" for u in accounts.users()):
        accounts.set_password("editor", password)
    else:
        accounts.add("editor", "editor", password)
    click.echo(f"sign in as editor with password {password}")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Accounts with their role (passwords are never shown: only their hashes are kept)."""
    for u in _existing(ctx).accounts.users():
        state = " (disabled)" if u["disabled"] else ""
        click.echo(f"{u['name']}\t{u['role']}{state}\tsince {u['created_at']}")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.pass_context
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password (signs the user out everywhere)."""
    _existing(ctx).accounts.set_password(name, _password(password_stdin))
    click.echo(f"password of {name} changed")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
def user_role(ctx: click.Context, name: str, role: str) -> None:
    """Change what a user may do."""
    _existing(ctx).accounts.set_role(name, role)
    click.echo(f"{name} is now {role}")


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Stop an account from signing in (its sessions end; its history stays)."""
    _existing(ctx).accounts.disable(name)
    click.echo(f"{name} disabled")


@cli.group()
def speaker() -> None:
    """Speakers: merge two records of one person (and undo it)."""


@speaker.command("merge")
@click.argument("kept")
@click.argument("merged")
@click.option("--reason", required=True, help="Why they are one person.")
@click.pass_context
def speaker_merge(ctx: click.Context, kept: str, merged: str, reason: str) -> None:
    """Merge speaker MERGED into KEPT: statements move, names become aliases (undoable)."""
    merge_id = _existing(ctx).merge_speakers(kept, merged, actor=Actor.local("speaker merge"),
                                        reason=reason)  # fmt: skip
    click.echo(f"merged (merge {merge_id}; undo with `hatsugen speaker unmerge {merge_id}`)")


@speaker.command("unmerge")
@click.argument("merge_id", type=int)
@click.option("--reason", required=True)
@click.pass_context
def speaker_unmerge(ctx: click.Context, merge_id: int, reason: str) -> None:
    """Undo a merge: the statements go back to the speaker they came from."""
    _existing(ctx).unmerge(merge_id, actor=Actor.local("speaker unmerge"), reason=reason)
    click.echo(f"merge {merge_id} undone")


@cli.group()
def token() -> None:
    """API tokens for the JSON API's writes (stored hashed; shown once)."""


@token.command("create")
@click.argument("name")
@click.option("--label", help="What the token is for.")
@click.pass_context
def token_create(ctx: click.Context, name: str, label: str | None) -> None:
    """Create a token for user NAME and print it (the only time it is shown)."""
    token_id, secret = _existing(ctx).accounts.create_token(name, label)
    click.echo(secret)
    click.echo(f"token {token_id} for {name}: keep it secret; it is not shown again", err=True)


@token.command("list")
@click.pass_context
def token_list(ctx: click.Context) -> None:
    """Tokens by id, user and label (never the tokens themselves)."""
    for t in _existing(ctx).accounts.tokens():
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        click.echo(f"{t['id']}\t{t['user']}\t{t['label'] or ''}\t{t['created_at']}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke a token at once."""
    _existing(ctx).accounts.revoke_token(token_id)
    click.echo(f"token {token_id} revoked")


# Set by a command that only read and has printed all it will: main() then ends the process
# without Python's teardown, which frees a search's arrays, index readers and dictionary
# object by object (30 ms of a 0.3 s `hatsugen search`). The command's archive (its SQLite
# connection, its searchers) is closed by then, and nothing is left to write.
_READ_ONLY_DONE = False


def _done_reading(app: Hatsugen) -> None:
    """A read-only command has printed all it will: close its archive, and let main() end
    the process at once."""
    global _READ_ONLY_DONE
    app.close()
    _READ_ONLY_DONE = True


def _exit_at_once() -> None:
    """End the process now, output flushed; if it cannot be (a closed pipe), Python's own
    exit reports it as usual."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(0)


def main() -> None:
    # Undecodable bytes in an argument arrive as lone surrogates: say so instead of failing
    # deep inside with a traceback.
    for arg in sys.argv[1:]:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            click.echo("Error: an argument is not valid UTF-8 text", err=True)
            sys.exit(2)
    try:
        cli(prog_name="hatsugen")
    except SystemExit as end:
        if _READ_ONLY_DONE and end.code in (0, None):
            _exit_at_once()
        raise
