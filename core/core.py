"""The one object that composes the store and the index; the CLI and the web app both use it.

Writes go to the store first (the truth), then to the index; reads come from the index, then
full records from the store. Keeping both behind one object is what stops the faces drifting.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from hatsugen.archive import (
    ArchiveError,
    ImportRejected,
    ImportReport,
    NotFound,
    RecordError,
    Store,
)
from hatsugen.archive.accounts import Accounts
from hatsugen.archive.demo import DEMO_PATH
from hatsugen.archive.errors import EditConflict, Exists, Forbidden, SpeakerUnclear
from hatsugen.archive.formats import full_record, read_records, write_export
from hatsugen.archive.localized import flat
from hatsugen.archive.options import ImportOptions
from hatsugen.archive.provenance import spoken_lang_of, status_of, wording_of
from hatsugen.archive.records import event_key, validate
from hatsugen.archive.speakers import display_name, names_of
from hatsugen.archive.store import Located
from hatsugen.archive.timeutil import now_utc
from hatsugen.index import IndexBusy, QueryError, SearchEngine, SearchIndex, SearchRequest
from hatsugen.index.highlight import fragments, highlight_field, matches
from hatsugen.index.opensearch import DEFAULT_INDEX, index_definition, write_bulk
from hatsugen.index.opensearch_engine import OpenSearchEngine
from hatsugen.index.opensearch_index import RemoteIndex
from hatsugen.index.query import speakers_in_query
from hatsugen.index.schema import MEETING_FACETS, NO_VALUE, document, stamp, text_field
from hatsugen.index.search import searchers_from_env
from hatsugen.index.searchindex import IndexUnreadable, ReindexRunning
from hatsugen.index.sentences import ranges_in_texts
from hatsugen.index.settings import seconds_from_env
from hatsugen.sources import MARKED_FORMATS, SourceOptions, reader

from . import rules
from .home import resolve_home
from .remote_sync import RemoteSync
from .rules import Actor
from .speaker_lookup import SpeakerLookup
from .vocabulary import Vocabulary

DB_NAME = "archive.sqlite3"
T = TypeVar("T")
# What reading a damaged index file raises (Whoosh reads with struct and pickle).
INDEX_DAMAGE = (EOFError, OSError, struct.error, pickle.UnpicklingError, IndexError)
REINDEX_MARK = "reindex"  # the log position a running rebuild started from
IndexingProgress = Callable[[int], Callable[[int], None] | None]
INDEX_DIR = "index"


@dataclass
class Drained:
    indexed: int  # statements (re)indexed by this call
    pending: int  # statements still queued because another writer holds the index


EXPORT_LIMIT = 10_000  # statements in one exported result list (the web's; the CLI asks more)


class Hatsugen:
    """An archive home: its store (the truth) and its search index (derived, rebuildable)."""

    def __init__(
        self,
        home: str | Path | None = None,
        notify: Callable[[str], None] | None = None,
        *,
        search_url: str | None = None,
        search_index: str | None = None,
    ) -> None:
        """`search_url` (default $HATSUGEN_SEARCH_URL): search through that OpenSearch
        cluster, in the index (alias) `search_index` (default $HATSUGEN_SEARCH_INDEX, else
        "hatsugen"), instead of the embedded index."""
        for name, default in (("HATSUGEN_INDEX_WAIT", 10.0), ("HATSUGEN_INDEX_LOCK_TIMEOUT", 120)):
            seconds_from_env(name, default)  # a bad setting fails every command at once, clearly
        self.home = resolve_home(home)
        try:
            if not self.home.exists():  # it holds password, session and token hashes
                self.home.mkdir(parents=True, mode=0o700)
                self.home.chmod(0o700)  # whatever the umask
        except FileExistsError:
            pass  # made meanwhile by another command
        except OSError as err:
            raise ArchiveError(
                f"cannot use {self.home} as the archive's home: {err.strerror}"
            ) from None
        self.store = Store(self.home / DB_NAME)
        self.index = SearchIndex(self.home / INDEX_DIR)
        self.notify = notify or (lambda message: None)
        url = search_url or os.environ.get("HATSUGEN_SEARCH_URL") or None
        self.remote: RemoteSync | None = None
        self.engine: SearchEngine | OpenSearchEngine
        if url:
            name = search_index or os.environ.get("HATSUGEN_SEARCH_INDEX") or DEFAULT_INDEX
            remote = RemoteIndex(url, name)
            self.remote = RemoteSync(self, remote)
            self.engine = OpenSearchEngine(remote)
        else:
            self.engine = SearchEngine(self.index, searchers=searchers_from_env())
        self.accounts = Accounts(self.store)
        self._index_format_checked = False
        self._lookup: tuple[tuple, SpeakerLookup] | None = None
        self._words: tuple[int, Vocabulary] | None = None

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    def exposed(self) -> str | None:
        """Why others on this machine could read the archive (its home open to them), if
        they could: it holds the hashes of passwords, sessions and API tokens."""
        mode = self.home.stat().st_mode & 0o077
        db = self.home / DB_NAME
        if db.exists():
            mode |= db.stat().st_mode & 0o077
        if not mode:
            return None
        return (
            f"others can read {self.home}, which holds the hashes of passwords, sessions and"
            f" API tokens: run `chmod 700 {self.home}` (and `chmod 600` its archive.sqlite3)"
        )

    # -- writes ------------------------------------------------------------------------------
    # Every change to the archive comes through one of these, with the actor who makes it:
    # the role table (rules.py) decides what they may do, the store's one write path applies
    # it. The doors (cli/, web/) only parse input and present the answer.
    def _write(
        self,
        records: Iterable[Located],
        actor: Actor,
        options: ImportOptions,
        indexing: IndexingProgress | None = None,
    ) -> ImportReport:
        lookup: list[SpeakerLookup] = []

        def similar(name: str) -> list[str]:  # the search's resolver, built once per write
            if not lookup:
                lookup.append(self.speaker_lookup())
            return lookup[0].similar(name)

        options = rules.restricted(actor, options).but(similar_speakers=similar)
        report = self.store.import_records(records, by=actor.name, options=options)
        try:
            self._index_changes(report, indexing)
        except (OSError, sqlite3.OperationalError) as err:
            if not _disk_full(err):
                raise
            raise StoredNotIndexed(len(report.changed)) from None
        return report

    def import_located(
        self,
        records: Iterable[Located],
        *,
        actor: Actor,
        options: ImportOptions | None = None,
        indexing: IndexingProgress | None = None,
    ) -> ImportReport:
        """Import records in one transaction: all of them or (on a bad record) none.

        Records based on an older version than the archived one are listed in
        `report.conflicts` and not applied (unless `options.overwrite`)."""
        rules.check(actor, "import")
        return self._write(records, actor, options or ImportOptions(), indexing)

    def import_files(
        self,
        paths: Iterable[str],
        *,
        actor: Actor,
        options: ImportOptions | None = None,
        progress: Callable[[int], None] | None = None,
        indexing: IndexingProgress | None = None,
        fmt: str = "json",
        source: SourceOptions | None = None,
    ) -> ImportReport:
        """Import every file, read as `fmt` (sources.FORMATS), in one transaction
        (import_located).

        `progress` hears of bytes read; `indexing(n)` is called before n statements are
        indexed and may return a function to hear of each one done. A marker in a transcript
        or subtitles that names nobody archived is refused, never made a speaker, unless
        `options.new_speaker` says the markers are new people.
        """
        paths = list(paths)
        read = reader(fmt, source)
        options = options or ImportOptions()
        if fmt in MARKED_FORMATS and not options.new_speaker:
            options = options.but(create_unknown_speakers=False)
        if fmt != "json":
            records: Iterable[Located] = (r for path in paths for r in read.read(path))
        else:
            # Standard input is read and parsed whole before the import's transaction begins:
            # a slow pipe must not hold the archive's write lock while it trickles in.
            stdin = list(read_records("-", progress)) if "-" in paths else []
            records = (
                r
                for path in paths
                for r in (stdin if path == "-" else read_records(path, progress))
            )
        report = self.import_located(records, actor=actor, options=options, indexing=indexing)
        report.skipped = read.notes()
        return report

    def save_extracted(
        self, records: Iterable[Located], *, actor: Actor, options: ImportOptions | None = None
    ) -> ImportReport:
        """Reviewed extraction candidates, as new statements only (one already archived is
        listed as a duplicate, never changed); a speaker is made only for a candidate whose
        reviewer said it is a new person (`new_speaker`)."""
        rules.check(actor, "save_extraction")
        options = (options or ImportOptions()).but(only_new=True, create_unknown_speakers=False)
        return self._write(records, actor, options)

    def add(self, record: dict, *, actor: Actor, options: ImportOptions | None = None) -> str:
        """Store one new statement; return its id.

        Never replaces an archived statement (Exists), refuses a duplicate (RecordError), and
        creates a speaker only when `options.new_speaker` says the name is a new person.
        """
        rules.check(actor, "add")
        if "retracted" in record:
            rules.check(actor, "retract")
        options = (options or ImportOptions()).but(only_new=True, create_unknown_speakers=False)
        report = self._one(record, actor, options)
        if report.duplicates:
            raise RecordError(report.duplicates[0].message, "text")
        return report.ids[0]

    def verify(
        self,
        statement_id: str,
        *,
        actor: Actor,
        status: str | None = None,
        evidence: dict | None = None,
        actually_said_by: str | dict | None = None,
        note: str | None = None,
        based_on: int | None = None,
    ) -> ImportReport:
        """Set a statement's attribution status and/or add evidence, as a new revision.

        The one verdict rule: what is left out is kept (status, evidence, who really said
        it); a status other than "misattributed" ends "actually said by"; `actually_said_by`
        is a statement id, a speaker (id or name), {"origin": "unknown"}, or such an object.
        The record's own rules apply (a verdict needs evidence, "verified" primary evidence);
        `note` is kept as the reason.
        """
        rules.check(actor, "verify")
        record = self.store.get(statement_id)
        attribution = dict(record.get("attribution") or {"status": "unverified"})
        if evidence is not None:
            known = attribution.get("evidence", [])
            same = [e for e in known if e["url"] == evidence.get("url")
                    and e["kind"] == evidence.get("kind")]  # fmt: skip
            if not same:
                attribution["evidence"] = [*known, evidence]
        if status is not None:
            attribution["status"] = status
            if status != "misattributed":
                attribution.pop("actually_said_by", None)
        if isinstance(actually_said_by, str) and actually_said_by.strip():
            target = actually_said_by.strip()
            kind = "statement" if self.store.exists(target) else "speaker"
            attribution["actually_said_by"] = {kind: target}
        elif isinstance(actually_said_by, dict):
            attribution["actually_said_by"] = actually_said_by
        if attribution["status"] == "misattributed" and not attribution.get("actually_said_by"):
            raise RecordError(
                "a misattributed quote needs who really said it: a speaker, a statement, or"
                " origin unknown", "actually_said_by",
            )  # fmt: skip
        record["attribution"] = attribution
        versions = {statement_id: based_on} if based_on is not None else None
        options = ImportOptions(reason=note, based_on=versions, overwrite=True)
        return self._one(record, actor, options)

    def _one(self, record: dict, actor: Actor, options: ImportOptions) -> ImportReport:
        """Write one record; its first problem is the error (not an import's list of them)."""
        try:
            return self._write([(record, None)], actor, options)
        except ImportRejected as err:
            raise err.errors[0] from None

    def edit(
        self, record: dict, *, actor: Actor, reason: str, based_on: int | None = None
    ) -> ImportReport:
        """Replace a statement with an edited version, as a new revision with its reason.

        `based_on` is the version the editor saw: if someone saved in between, EditConflict
        is raised and nothing is saved (never a silent overwrite).
        """
        rules.check(actor, "edit")
        if not reason or not reason.strip():
            raise RecordError("say briefly why (an edit summary)", "reason")
        if "id" not in record:
            raise RecordError("is required to edit a statement", "id")
        self.store.get(record["id"])  # NotFound for an unknown id
        versions = {record["id"]: based_on} if based_on is not None else None
        # An editor's edit, with its reason, may change who said it or a speaker's name.
        options = ImportOptions(reason=reason.strip(), based_on=versions, allow_duplicates=True,
                                allow_reattribution=True, rename_speakers=True,
                                overwrite=True)  # fmt: skip
        return self._one(record, actor, options)

    def change(
        self,
        statement_id: str,
        changes: dict,
        *,
        actor: Actor,
        reason: str,
        based_on: int | None,
    ) -> ImportReport:
        """Edit some fields of a statement and keep every other one as stored: a field given
        replaces the stored one, None removes it, one not given is kept."""
        record = {**self.store.get(statement_id), **changes, "id": statement_id}
        record = {k: v for k, v in record.items() if v is not None}
        return self.edit(record, actor=actor, reason=reason, based_on=based_on)

    def retract(
        self, statement_id: str, *, actor: Actor, reason: str, based_on: int | None = None
    ) -> ImportReport:
        """Hide a statement from search and listings; its permalink still answers, with why."""
        rules.check(actor, "retract")
        record = self.store.get(statement_id)
        record["retracted"] = {"at": now_utc(), "by": actor.name,
                               "reason": (reason or "").strip()}  # fmt: skip
        return self.edit(record, actor=actor, reason=reason, based_on=based_on)

    def restore(self, statement_id: str, *, actor: Actor, reason: str) -> ImportReport:
        rules.check(actor, "retract")
        record = self.store.get(statement_id)
        record.pop("retracted", None)
        return self.edit(record, actor=actor, reason=reason)

    def revert(self, statement_id: str, version: int, *, actor: Actor, reason: str) -> ImportReport:
        """Bring back an earlier version's record, as a new revision (nothing is undone)."""
        versions = self.store.history(statement_id)
        old = next((v for v in versions if v["version"] == version), None)
        if old is None:
            raise RecordError(f"{statement_id} has no version {version}", "version")
        return self.edit(dict(old["record"]), actor=actor, reason=reason,
                         based_on=versions[-1]["version"])  # fmt: skip

    def propose(self, record: dict, *, actor: Actor, reason: str, based_on: int | None) -> int:
        """A correction for an editor to accept, based on the version its author saw: a
        proposal made on a version that is no longer current is a conflict at once."""
        rules.check(actor, "propose")
        if not reason or not reason.strip():
            raise RecordError("say briefly why (an edit summary)", "reason")
        current = self.store.meta(record["id"])["version"]  # NotFound for an unknown id
        if based_on is None:
            raise RecordError("say which version the correction is based on", "version")
        if based_on != current:
            raise EditConflict(record["id"], based_on, current)
        validate(record)  # a proposal an editor could not accept is refused now
        return self.store.propose(record, based_on=based_on, by=actor.name,
                                  reason=reason.strip())  # fmt: skip

    def accept(self, proposal_id: int, *, actor: Actor) -> ImportReport:
        """Apply a proposal as a revision crediting both (EditConflict if the statement
        changed since the version the proposal was based on: then it stays open)."""
        rules.check(actor, "decide")
        proposal = self.store.open_proposal(proposal_id)
        both = Actor(f"{actor.name}, proposed by {proposal['by']}", actor.role)
        report = self.edit(proposal["record"], actor=both, reason=proposal["reason"],
                           based_on=proposal["based_on"])  # fmt: skip
        self.store.decide(proposal_id, "accepted", by=actor.name, decision=None)
        return report

    def reject(self, proposal_id: int, *, actor: Actor, reason: str) -> None:
        rules.check(actor, "decide")
        if not reason or not reason.strip():
            raise RecordError("say briefly why", "reason")
        self.store.decide(proposal_id, "rejected", by=actor.name, decision=reason.strip())

    def merge_speakers(self, kept: str, merged: str, *, actor: Actor, reason: str) -> int:
        """Merge speaker `merged` into `kept` (names by any name or id); returns the merge id.

        Every statement moves (a revision each), the merged speaker's names become aliases of
        the kept one, and `unmerge` undoes it.
        """
        rules.check(actor, "merge_speakers")
        if not reason or not reason.strip():
            raise RecordError("say briefly why (an edit summary)", "reason")
        ids = [self._one_speaker(name, field) for name, field in ((kept, "kept"),
                                                                   (merged, "merged"))]  # fmt: skip
        merge_id = self.store.merge_speakers(ids[0], ids[1], by=actor.name,
                                             reason=reason.strip())  # fmt: skip
        self.drain()
        return merge_id

    def unmerge(self, merge_id: int, *, actor: Actor, reason: str) -> None:
        rules.check(actor, "merge_speakers")
        if not reason or not reason.strip():
            raise RecordError("say briefly why (an edit summary)", "reason")
        self.store.unmerge(merge_id, by=actor.name, reason=reason.strip())
        self.drain()

    def unmerge_speaker(self, speaker_id: str, *, actor: Actor, reason: str) -> None:
        """Undo the merge that folded `speaker_id` into another speaker."""
        merged = self.store.merged_into(speaker_id)
        if merged is None:
            raise RecordError(f"{speaker_id} is not merged into anyone", "speaker")
        self.unmerge(merged[0], actor=actor, reason=reason)

    def _one_speaker(self, name: str, field: str) -> str:
        ids = self.store.find_speaker_ids(name.strip())
        if len(ids) != 1:
            why = "could be any of " + ", ".join(ids) if ids else "names no speaker"
            raise RecordError(f"{name!r} {why}; give the speaker id", field)
        return ids[0]

    def load_demo(self, *, actor: Actor) -> ImportReport | None:
        """Load the embedded demo archive into an empty home, or bring its statements up to
        date in a home it was loaded into before (those nobody has edited since)."""
        demo = list(read_records(str(DEMO_PATH)))
        if self.store.count():
            ids = [record["id"] for record, _ in demo]
            if not all(self.store.exists(i) for i in ids):
                return None  # somebody's own archive, not the demo
            demo = [(r, w) for r, w in demo
                    if self.store.meta(r["id"])["updated_by"].startswith("demo ")]  # fmt: skip
        return self.import_located(demo, actor=actor, options=ImportOptions(overwrite=True))

    def _index_changes(
        self, report: ImportReport, indexing: IndexingProgress | None = None
    ) -> None:
        """Index what a write stored, if the index writer can be had soon; else leave it
        queued (the store logged it) for whoever holds the writer, and say so in the report.
        """
        if report.changed or report.speakers_changed:
            report.queued = self.drain(indexing=indexing).pending

    def _documents(self, ids: list[str] | None = None) -> Iterator[dict]:
        """Index documents; a retracted statement has none (search never finds it)."""
        speakers = self.speakers_by_id()
        for record, version in self.store.rows(ids):
            if "retracted" not in record:
                yield document(record, speakers[record["speaker"]], version)

    # -- index maintenance -------------------------------------------------------------------
    def drain(self, wait: float | None = None, indexing: IndexingProgress | None = None) -> Drained:
        """Index every logged change the live index lacks, if the writer can be had within
        `wait` seconds (default $HATSUGEN_INDEX_WAIT, 10 s); otherwise leave them queued.

        Whoever holds the writer works off the whole log, other commands' changes included,
        so a command never waits long for another one and nothing stays unindexed once the
        busy writer finishes. Safe to kill at any point: the log is only pruned after the
        index has committed, and indexing a statement twice is harmless.
        """
        if self.remote is not None:
            return self.remote.drain(wait)
        if not self.ensure_index_format():
            return Drained(indexed=self.store.count(), pending=0)  # rebuilt: all of it
        wait = seconds_from_env("HATSUGEN_INDEX_WAIT", 10.0) if wait is None else wait
        indexed = 0
        try:
            with self.index.write_lock(timeout=wait):
                name = self.index.open(locked=True).hatsugen_name
                mark = self.store.mark(name) or 0
                for ids, top in self.store.batches_since(mark):
                    done = indexing(len(ids)) if indexing else None
                    indexed += self._index_ids(ids, done=done)
                    self.store.set_mark(name, top)
                    mark = top
                rebuilding = self.store.mark(REINDEX_MARK)
                if rebuilding is not None and self.index.clear_orphans():
                    self.store.set_mark(REINDEX_MARK, None)  # its rebuild was killed
                self.store.prune_log(self.prunable(mark))
        except IndexBusy:
            return Drained(indexed=indexed, pending=self.pending())
        return Drained(indexed=indexed, pending=0)

    def _index_ids(
        self, ids: list[str], name: str | None = None, done: Callable[[int], None] | None = None
    ) -> int:
        """(Re)index these statements, or drop them from the index if the store lacks them."""
        docs = self._documents(ids)
        if done is not None:
            docs = counted(docs, done)
        found: set[str] = set()
        written = self.index.write_locked(_noting(docs, found), name=name)
        gone = [i for i in ids if i not in found]
        if gone:
            self.index.write_locked([], deletes=gone, name=name)
        return written

    def start_indexer(self, interval: float = 2.0) -> threading.Thread:
        """Work off the queue in the background (for `serve`): what another command left
        queued becomes searchable without anyone running a command."""

        def run() -> None:
            while True:
                time.sleep(interval)
                try:
                    if self.pending():
                        self.drain(wait=0)
                except Exception as err:  # keep serving; say what went wrong
                    self.notify(f"background indexing failed, will retry: {err}")

        thread = threading.Thread(target=run, name="hatsugen-indexer", daemon=True)
        thread.start()
        return thread

    def prunable(self, upto: int) -> int:
        """How far the outbox may be forgotten: no further than any search index (this home's
        embedded one, each cluster it was pointed at) has taken in, nor than a running
        rebuild started from, so that switching engines never leaves one of them behind."""
        kept = (self.index.current_name(), REINDEX_MARK)
        marks = [seq for name, seq in self.store.marks().items()
                 if name.startswith("os:") or name in kept]  # fmt: skip
        return min([upto, *marks])

    def pending(self) -> int:
        """Statements stored but not yet in the live index (queued behind a busy writer, or
        for a search cluster that cannot be reached)."""
        if self.remote is not None:
            return self.remote.pending_or_all()
        name = self.index.current_name()
        return self.store.pending_since(self.store.mark(name) or 0) if name else 0

    def ensure_index_format(self) -> bool:
        """Rebuild an index made by an older hatsugen (once per process); True if it was fine.

        Documents of two schemas or analyses must never be mixed, and a search on an old
        index would silently lack what this version records (attribution status).
        """
        if self.remote is not None:
            return self.remote.ensure()
        if self._index_format_checked:
            return True
        self._index_format_checked = True
        count = self.store.count()
        try:
            present = self.index.exists()
        except IndexUnreadable as err:
            present, unreadable = False, err.reason
        else:
            unreadable = ""
        if not present and count:
            why = unreadable or "is missing (no CURRENT, or its folder is gone)"
            if not unreadable and not self.index.ever_built() and not self.store.marked_indexes():
                why = ""  # a new home's first index: nothing to report
        elif not self.index.format_current():
            why = "was built by an older hatsugen"
        else:
            return True
        # Never answer searches from an empty or foreign index over an archive with statements.
        if why:
            self.notify(f"the search index in {self.index.folder} {why}; rebuilding it from"
                        f" the archive ({count} statements)")  # fmt: skip
        try:
            self.reindex()
        except ReindexRunning:  # another command is rebuilding: its catch-up takes ours in
            if why:
                self.notify("another hatsugen command is rebuilding it; that takes these in")
            return True
        return False

    def _reading_index(self, read: Callable[[], T]) -> T:
        """A read of the index; one whose files turn out damaged (a truncated segment: short
        reads, broken pickles) is answered after rebuilding the index from the archive, which
        is safe (the index is derived) and said, never a traceback."""
        try:
            return read()
        except INDEX_DAMAGE as err:
            why = f"{type(err).__name__}: {err}"[:200]
        count = self.store.count()
        self.notify(f"the search index in {self.index.folder} cannot be read ({why});"
                    f" rebuilding it from the archive ({count} statements)")  # fmt: skip
        self.engine.close()
        self.reindex()
        return read()

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the whole index from the store beside the live one, then swap it in.

        Writes go on meanwhile: they are indexed into the live index as usual, and, once the
        new index is built, every change logged since the rebuild began is indexed into it
        before the swap, so none is lost. Raises ReindexRunning if another rebuild runs.
        With a search cluster, the same happens there, the swap being its alias's.
        """
        if self.remote is not None:
            return self.remote.reindex(progress)
        with self.index.reindex_lock():
            start = self.store.last_change()
            self.store.set_mark(REINDEX_MARK, start)  # the log is kept from here on
            try:
                conn = self.store.conn
                conn.execute("BEGIN")  # one snapshot of the store for the whole build
                try:
                    name = self.index.build(self._documents(), progress)
                finally:
                    conn.execute("COMMIT")
                with self.index.write_lock():
                    mark = start
                    for ids, top in self.store.batches_since(start):
                        self._index_ids(ids, name=name)
                        mark = top
                    self.store.set_mark(name, mark)
                    self.index.swap_in(name)
            finally:
                self.store.set_mark(REINDEX_MARK, None)
        return self.store.count()

    def check(self, *, repair: bool = False) -> dict[str, list[str]]:
        """Statements missing from, stale in, or extra in the index; repaired if asked.

        Statements queued behind a busy writer are listed as `queued`, not as problems.
        """
        if self.remote is not None:
            return self.remote.check(repair=repair)
        try:
            self.index.exists()
        except IndexUnreadable as err:
            if not repair:
                return _check_report(unreadable=[str(err)])
            self.notify(f"{err}; rebuilding it from the archive")
            self.reindex()
            return _check_report()
        if not self.index.format_current():
            # Another version's analysis: its words would not match this version's queries.
            if repair:
                self.notify("the search index was built by another hatsugen version; rebuilding")
                self.reindex()
                self._index_format_checked = True
            else:
                return _check_report(outdated=[self.index.folder.name])
        self.drain(wait=0 if not repair else None)
        expected = self.expected_stamps()
        try:
            actual = self.index.stamps()  # reads every document: a damaged index shows here
        except Exception as err:
            if repair:
                self.notify(f"the search index could not be read ({err}); rebuilding it")
                self.reindex()
                return _check_report()
            return _check_report(unreadable=[f"{type(err).__name__}: {err}"[:300]])
        orphaned = self.index.orphans()
        queued = self.store.queued_since(self.store.mark(self.index.current_name()) or 0)
        found = _check_report(**drift(expected, actual, queued), orphaned=orphaned)
        if repair and (found["missing"] or found["stale"] or found["extra"]):
            with self.index.write_lock():
                self.index.write_locked(
                    self._documents(found["missing"] + found["stale"]), deletes=found["extra"]
                )
        if repair and orphaned:
            with self.index.write_lock():
                self.index.clear_orphans()
        return found

    def expected_stamps(self) -> dict[str, str]:
        """What every search index must hold: the stamp of each statement not retracted."""
        speakers = self.speakers_by_id()
        return {
            record["id"]: stamp(version, speakers[record["speaker"]])
            for record, version in self.store.rows()
            if "retracted" not in record
        }

    def speaker_lookup(self) -> SpeakerLookup:
        """The archive's speakers indexed for name lookups, rebuilt when a speaker changes."""
        stamp = self.store.speakers_stamp()
        if self._lookup is None or self._lookup[0] != stamp:
            self._lookup = (stamp, SpeakerLookup(self.store.speakers()))
        return self._lookup[1]

    def phantom_speakers(self) -> list[dict]:
        """Speakers that are probably another one under a short name (SpeakerLookup.phantoms),
        not counting those merged away already."""
        live = [s for s in self.store.speakers() if self.store.merged_into(s["id"]) is None]
        return SpeakerLookup(live).phantoms(live)

    def match_speaker(self, name: str) -> str | None:
        """The one archive speaker a name, alias, handle, reading or family name refers to."""
        found = self.speaker_lookup().find(name)
        return found[0] if len(found) == 1 else None

    def resolve_speaker(self, value: str, field: str = "speaker") -> str:
        """The speaker a typed value means; QueryError when it means no one or several."""
        lookup = self.speaker_lookup()
        found = lookup.find(value)
        if len(found) == 1:
            return found[0]
        if not found:
            raise QueryError(
                f"{value!r} is no speaker id, name, reading, family name, alias or handle in"
                " this archive", field,
            )  # fmt: skip
        listed = ", ".join(f"{lookup.names[sid]} ({sid})" for sid in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise QueryError(
            f"{value!r} is ambiguous: it could be {listed}{more}; give the full name or the id",
            field,
        )

    def extract(self, article: str, **options: object) -> list[dict]:
        """Candidate statements from an article, speakers matched against this archive.

        A candidate already in the archive (same speaker, same text once typography is set
        aside) carries `review.already_archived`; one that overlaps archived statements
        carries `review.similar_to`. Import skips the first kind and warns of the second.
        """
        # Imported here: its patterns take a tenth of a cold `hatsugen search` to compile.
        from hatsugen.extract import extract

        candidates = extract(article, known_speaker=self.match_speaker, **options)  # type: ignore[arg-type]
        for candidate in candidates:
            if candidate["speaker"] is None:
                continue  # unresolved: the reviewer names the speaker first
            speaker_id = candidate["speaker"].get("id") or self._only_speaker(candidate)
            if speaker_id is None:
                continue
            twin, near = self.store.similar(speaker_id, candidate)
            if twin is not None:
                candidate.setdefault("review", {})["already_archived"] = twin
            elif near:
                candidate.setdefault("review", {})["similar_to"] = [other for other, _ in near]
        return candidates

    def _only_speaker(self, candidate: dict) -> str | None:
        """The one archive speaker any of a candidate's names or aliases refers to."""
        speaker = candidate["speaker"]
        found = {sid for key in [*speaker.get("name", {}).values(), *speaker.get("aliases", [])]
                 for sid in self.store.find_speaker_ids(key)}  # fmt: skip
        return found.pop() if len(found) == 1 else None

    # -- reads -------------------------------------------------------------------------------
    def speakers_by_id(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.store.speakers()}

    def statement(self, statement_id: str) -> dict:
        """The full record in import format (speaker object inlined)."""
        record = self.store.get(statement_id)
        speaker = self.store.get_speaker(record["speaker"]) or {"id": record["speaker"]}
        return full_record(record, {speaker["id"]: speaker})

    def history(self, statement_id: str) -> list[dict]:
        return self.store.history(statement_id)

    def version(self, statement_id: str, number: int) -> dict:
        """One version of a statement as it was archived (the record in import format, with
        the `version` it is at), when and by whom, and the versions made since (NotFound if
        there is no such version)."""
        versions = self.store.history(statement_id)
        found = next((v for v in versions if v["version"] == number), None)
        if found is None:
            raise NotFound(f"{statement_id} has no version {number} (it has 1 to"
                           f" {versions[-1]['version']})")  # fmt: skip
        sid = found["record"]["speaker"]
        speaker = self.store.get_speaker(sid) or {"id": sid}
        record = {"id": statement_id, "version": number,
                  **full_record(found["record"], {sid: speaker})}  # fmt: skip
        newer = [{k: v[k] for k in ("version", "at", "by", "reason", "changed")}
                 for v in versions if v["version"] > number]  # fmt: skip
        return {"record": record, "version": number, "at": found["at"], "by": found["by"],
                "reason": found["reason"], "current": versions[-1]["version"],
                "newer": newer}  # fmt: skip

    # What the doors read besides searches: the store stays behind this object, so that no
    # door can write past the rules (a test keeps `store` out of cli/ and web/).
    def record(self, statement_id: str) -> dict:
        """The stored record, speaker as an id (NotFound if none)."""
        return self.store.get(statement_id)

    def meta(self, statement_id: str) -> dict:
        """Version, created and updated (when, by whom) of a statement."""
        return self.store.meta(statement_id)

    def exists(self, statement_id: str) -> bool:
        return self.store.exists(statement_id)

    def count(self, speaker_id: str | None = None) -> int:
        return self.store.count(speaker_id)

    def speaker(self, speaker_id: str) -> dict | None:
        return self.store.get_speaker(speaker_id)

    def speaker_counts(self) -> dict[str, int]:
        return self.store.speaker_counts()

    def statements_of(self, speaker_id: str, *, limit: int, offset: int = 0) -> list[dict]:
        return self.store.statements_of(speaker_id, limit=limit, offset=offset)

    def roles_of(self, speaker_id: str) -> list:
        return self.store.roles_of(speaker_id)

    def role_history(self, speaker_id: str) -> list[dict]:
        return self.store.role_history(speaker_id)

    def event(self, key: str) -> dict | None:
        """An event (a meeting, press conference, summit) with its statements in order, or
        None: its name, dates, the parliament's record of it, and its source."""
        records = self.store.event_records(key)
        if not records:
            return None
        speakers = {sid: self.store.get_speaker(sid) or {"id": sid}
                    for sid in {r["speaker"] for r in records}}  # fmt: skip
        first = records[0]
        return {
            "id": key,
            "name": next((r["event"] for r in records if r.get("event")), None),
            "dates": sorted({r["date"] for r in records if r.get("date")}),
            "meeting": next((r["meeting"] for r in records if r.get("meeting")), None),
            "source": _shared_source(records),
            "media": first.get("media", {}).get("url"),
            "count": len(records),
            "statements": [full_record(r, speakers) for r in records],
        }

    def place_in_event(self, statement_id: str) -> dict | None:
        """Where a statement stands in its event: its event, position, and the statements
        just before and after (ids), or None for a statement of no event."""
        key = event_key(self.store.get(statement_id))
        ids = self.store.event_ids(key) if key else []
        if statement_id not in ids:
            return None
        at = ids.index(statement_id)
        return {"id": key, "position": at + 1, "count": len(ids),
                "before": ids[at - 1] if at else None,
                "after": ids[at + 1] if at + 1 < len(ids) else None}  # fmt: skip

    def merged_into(self, speaker_id: str) -> tuple[int, str] | None:
        return self.store.merged_into(speaker_id)

    def languages(self) -> list[str]:
        return self.store.languages()

    def proposals(self, statement_id: str | None = None, state: str = "open") -> list[dict]:
        return self.store.proposals(statement_id, state)

    def proposal(self, proposal_id: int) -> dict:
        """One open proposal (NotFound if none)."""
        return self.store.open_proposal(proposal_id)

    def stats(self) -> dict:
        return {**self.store.stats(), "queued_for_indexing": self.pending(),
                "search_engine": self.search_engine()}  # fmt: skip

    def search_engine(self) -> dict:
        """Which engine answers searches: the embedded index, or a cluster and its alias."""
        if self.remote is None:
            return {"kind": "embedded"}
        return {"kind": "opensearch", "url": self.remote.remote.url,
                "index": self.remote.remote.name}  # fmt: skip

    def export(self, out: IO[str], fmt: str = "json") -> int:
        return write_export(self.store, out, fmt)

    def export_opensearch(self, folder: Path, index: str = DEFAULT_INDEX) -> int:
        """index.json (settings and mappings) and bulk.ndjson (every statement) in `folder`,
        for OpenSearch or Elasticsearch (docs/scale.md); returns the statement count."""
        folder.mkdir(parents=True, exist_ok=True)
        definition = folder / "index.json"
        definition.write_text(
            json.dumps(index_definition(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        partial = folder / "bulk.ndjson.partial"
        with partial.open("w", encoding="utf-8") as out:
            n = write_bulk(self.store.rows(), self.speakers_by_id(), out, index)
        partial.replace(folder / "bulk.ndjson")
        return n

    def _resolve_speakers(self, req: SearchRequest) -> None:
        """The request's speaker filter and speaker: terms, as ids (QueryError if unclear)."""
        req.q, named = speakers_in_query(req.q)
        req.speakers = [self.resolve_speaker(s) for s in [*req.speakers, *named]]
        self.ensure_index_format()

    def search_list(self, req: SearchRequest, limit: int = EXPORT_LIMIT) -> tuple[int, list[dict]]:
        """(total, the first `limit` results as full records in import format), in result
        order: a whole result list to export, not one page of it."""
        self._resolve_speakers(req)
        hits = self._reading_index(lambda: self.engine.ranked(req, limit))
        ids = [i for i, _ in hits.page]
        records, versions = self.store.get_many(ids), self.store.versions(ids)
        speakers = self.speakers_by_id()
        # each with the version it is at, as an export carries it: citations name that
        # version, and the JSON Lines import again based on it
        return hits.total, [
            {"id": i, "version": versions[i], **full_record(records[i], speakers)}
            for i in ids if i in records
        ]  # fmt: skip

    # A query of at most this many words may be a speaker's name, reading or romanised name.
    NAME_WORDS = 3

    def _speakers_named(self, q: str) -> list[str]:
        """The speakers a plain query names as a whole (a reading, a family name, a name in
        another script: いしばしげる, イシバ, Ishiba), at most three; none for a query with
        operators, phrases or fields."""
        words = q.split()
        if (
            not words
            or len(words) > self.NAME_WORDS
            or any(w in ("AND", "OR", "NOT") or ":" in w or '"' in w for w in words)
        ):
            return []
        found = self.speaker_lookup().find(q)
        return found if len(found) <= 3 else []

    def _speaker_terms(self, speaker_id: str) -> str:
        """A query part that matches the speaker's full name in the speaker field."""
        speaker = self.store.get_speaker(speaker_id) or {"id": speaker_id}
        parts = (speaker.get("name", {}).get("ja") or display_name(speaker)).split()
        terms = [f"speaker:{p}" for p in parts if p.replace("-", "").isalnum()]
        return terms[0] if len(terms) == 1 else "(" + " AND ".join(terms) + ")"

    def did_you_mean(self, q: str) -> str | None:
        """For a query that found nothing: the same query with each unknown English word
        replaced by the closest word of the archive's own English texts and speakers' names
        (diplomcy → diplomacy, Ishbia → Ishiba), if any word changed."""
        vocabulary = self._vocabulary()
        out, changed = [], False
        for word in q.split():
            lower = word.lower()
            near = None
            if word.isascii() and word.isalpha() and len(word) > 3 and lower not in vocabulary:
                near = vocabulary.nearest(lower)
            out.append(near or word)
            changed = changed or near is not None
        return " ".join(out) if changed else None

    def _vocabulary(self) -> Vocabulary:
        """The archive's English words (texts, translations, speakers' names), kept until the
        archive changes."""
        seq = self.store.last_change()
        if self._words is None or self._words[0] != seq:
            self._words = (seq, Vocabulary.of(self.store))
        return self._words[1]

    def check_quote(self, text: str, speaker: str | None = None, limit: int = 5) -> dict:
        """Where a circulating quote comes from and how it differs (core/quote_check.py)."""
        from .quote_check import check

        return check(self, text, speaker, limit)

    def search(self, req: SearchRequest) -> dict:
        """One page of results in the `search --json` shape (DESIGN.md), highlights included.

        A speaker filter may name the speaker by id, name, alias or handle; one that matches
        nobody is an error rather than a silent empty result.
        """
        self._resolve_speakers(req)
        hits = self._reading_index(lambda: self.engine.search(req))
        named: list[str] = []
        if not hits.total and (named := self._speakers_named(req.q)):
            # A reading or romanised name that finds nothing as words (いしばしげる, イシバ):
            # the statements of the speaker(s) it names, in the speaker tier, and said so.
            terms = " OR ".join(self._speaker_terms(sid) for sid in named)
            wider = SearchRequest(**{**req.__dict__, "q": f"({req.q}) OR {terms}"})
            hits = self._reading_index(lambda: self.engine.search(wider))
        records = self.store.get_many([i for i, _ in hits.page])
        speakers = {
            sid: self.store.get_speaker(sid) or {"id": sid}
            for sid in {r["speaker"] for r in records.values()}
        }
        results = []
        for statement_id, score in hits.page:
            record = records.get(statement_id)
            if record is None:  # indexed but gone from the store: `check` reports it
                continue
            speaker = speakers[record["speaker"]]
            where = _where_matched(record, hits.matched_at.get(statement_id, {}))
            record, cut = bounded(record)
            terms = hits.terms_of.get(statement_id, hits.terms)
            marks, matched_in = _marked_texts(record, terms, where)
            meta_marked = _marked_metadata(record, terms)
            if meta_marked:
                marks["meta"] = meta_marked  # why it matched, when the text does not show it
                matched_in.append("meta")
            if _names_match(speaker, terms):
                matched_in.append("speaker")
            results.append(
                {
                    "id": statement_id,
                    "score": score,
                    "speaker": {"id": speaker["id"], "name": speaker.get("name", {})},
                    "role": record.get("role"),
                    "date": record.get("date"),
                    "kind": record.get("kind"),
                    "lang": record["lang"],
                    "spoken_lang": spoken_lang_of(record),
                    "wording": wording_of(record),
                    "status": status_of(record),
                    "text": record["text"],
                    "truncated": bool(cut),
                    "translations": record.get("translations", []),
                    "source": record.get("source", {}),
                    # the event page to read it in its place (explicit or derived), its order
                    "event_id": event_key(record),
                    "order": record.get("order"),
                    "media": record.get("media"),
                    "attribution": record.get("attribution", {"status": "unverified"}),
                    "highlights": marks,
                    "matched_in": sorted(set(matched_in), key=MATCHED_IN.index),
                }
            )
        facets = hits.facets
        return {
            "query": req.q,
            "total": hits.total,
            # of total: matched in what was said or who said it, or only in the metadata
            "matched": {
                "text": hits.in_text,
                "speaker_only": hits.speaker_only,
                "metadata_only": hits.metadata_only,
            },
            "page": req.page,
            "per_page": req.per_page,
            "results": results,
            "facets": {
                "speaker": facets["speaker_id"],
                "lang": facets["lang"],
                "kind": facets["kind"],
                "year": facets["year"],
                "status": facets["status"],
                # only where the source gives them: no "-" for every other statement
                **{
                    name: {v: n for v, n in facets[name].items() if v != NO_VALUE}
                    for name in MEETING_FACETS
                },
            },
            # Stored but not yet searchable: queued behind a writer that holds the index, or
            # for a search cluster that cannot be reached (the lag).
            "queued_for_indexing": self.pending(),
            "engine": "embedded" if self.remote is None else "opensearch",
            # a query that found nothing as words, answered with the statements of the
            # speaker(s) it names (a reading, a romanised name): said, not hidden
            "speakers_named": named,
        }


def _shared_source(records: list[dict]) -> dict | None:
    """An event's source: the parliament's record of the meeting, else the source every
    statement shares, else none (each statement then names its own)."""
    meeting = next((r["meeting"] for r in records if r.get("meeting", {}).get("url")), None)
    if meeting is not None:
        return {"url": meeting["url"]}
    sources = {json.dumps(r.get("source"), sort_keys=True) for r in records}
    return records[0].get("source") if len(sources) == 1 else None


class StoredNotIndexed(ArchiveError):
    """The archive committed the change; the disk filled up while the index took it in."""

    def __init__(self, stored: int) -> None:
        super().__init__(
            f"the disk is full: {stored} statement{'s' if stored != 1 else ''} of this command"
            " were stored in the archive, but are not yet searchable (the disk filled up while"
            " indexing them). Free some space, then run `hatsugen check --repair` to index"
            " them; nothing needs to be imported again"
        )


def _disk_full(err: BaseException) -> bool:
    if isinstance(err, sqlite3.OperationalError):
        return "full" in str(err)
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT)


def _check_report(**found: list[str]) -> dict[str, list[str]]:
    """What `check` found: each kind of problem (and the queued, which are none), by id."""
    kinds = ("missing", "stale", "extra", "unreadable", "orphaned", "queued", "outdated")
    return {kind: found.get(kind, []) for kind in kinds}


def drift(
    expected: dict[str, str], actual: dict[str, str], queued: set[str]
) -> dict[str, list[str]]:
    """An index's stamps against the archive's: statements missing, stale and extra, and
    those queued for it, listed apart (not drift: the next sync sends them)."""
    differ = {i for i in expected.keys() & actual.keys() if expected[i] != actual[i]}
    return {
        "missing": sorted(expected.keys() - actual.keys() - queued),
        "stale": sorted(differ - queued),
        "extra": sorted(actual.keys() - expected.keys() - queued),
        "queued": sorted(queued & expected.keys()),
    }


# Where a result matched, for its card: its text, the original beside a translation, a
# translation, the speaker's names, its metadata (role, event, place, topics).
MATCHED_IN = ["text", "original", "translation", "speaker", "meta"]


def _where_matched(record: dict, matched_at: dict) -> dict[int, list[tuple[int, int]]]:
    """Where the index found the query in the record's long texts (0: its text, i + 1: its
    i-th translation), as char ranges of sentences: the texts of each field in the order
    the index joined them (schema.document). A text not here is looked at everywhere."""
    out: dict[int, list[tuple[int, int]]] = {}
    texts = [record, *record.get("translations", [])]
    for field, (starts, which) in matched_at.items():
        mine = [i for i, t in enumerate(texts) if text_field(t["lang"]) == field]
        ranges = ranges_in_texts([texts[i]["text"] for i in mine], starts, which)
        if ranges is not None:
            out.update(zip(mine, ranges, strict=True))
    return out


def _marked_texts(
    record: dict, terms: dict, where: dict[int, list[tuple[int, int]]] | None = None
) -> tuple[dict, list[str]]:
    """The result's texts as shown: marked, long ones cut to the sentences that matched
    (looked for only `where` the index found them, when it says); a long translation in
    which nothing matched shows the sentences that correspond to the matched ones of the
    text (`aligned`); `cut` names the texts shown in part."""
    where = where or {}
    own = fragments(record["text"], record["lang"], terms, matched=where.get(0))
    # A translation is analysed once, aligned to the text where the text matched (the usual
    # case); only when the text did not, a second look aligns it to a matched translation.
    anchor = own.at if own.matched else None
    translations = record.get("translations", [])
    shown = {t["lang"]: fragments(t["text"], t["lang"], terms, at=anchor, matched=where.get(i))
             for i, t in enumerate(translations, start=1)}  # fmt: skip
    if anchor is None and (anchor := next((f.at for f in shown.values() if f.matched), None)):
        for i, t in enumerate(translations, start=1):
            if not shown[t["lang"]].matched and shown[t["lang"]].cut:
                shown[t["lang"]] = fragments(t["text"], t["lang"], terms, at=anchor,
                                             matched=where.get(i))  # fmt: skip
    marks: dict = {"text": own.html, "translations": {}, "aligned": {}, "cut": []}
    matched_in = ["text"] if own.matched else []
    if own.cut:
        marks["cut"].append("text")
    for t in translations:
        f = shown[t["lang"]]
        if f.matched and t.get("original"):
            marks["original"] = f.html  # the speaker's own words, beside a translation
            matched_in.append("original")
        elif f.matched:
            marks["translations"][t["lang"]] = f.html
            matched_in.append("translation")
        elif f.cut and anchor:
            marks["aligned"][t["lang"]] = f.html
        if f.cut:
            marks["cut"].append("original" if t.get("original") else t["lang"])
    return marks, matched_in


def _names_match(speaker: dict, terms: dict) -> bool:
    return any(matches(n, "speaker", terms) for n in names_of(speaker))


def _marked_metadata(record: dict, terms: dict) -> dict[str, str]:
    """Role, event, place and topics that the query matched, as HTML with <mark>."""
    fields = {k: flat(record[k]) for k in ("role", "event", "place") if record.get(k)}
    if record.get("topics"):
        fields["topics"] = ", ".join(flat(t) for t in record["topics"])
    out = {}
    for name, value in fields.items():
        if matches(value, "meta", terms):
            out[name] = highlight_field(value, "meta", terms)
    return out


MAX_RESULT_CHARS = 20_000  # per text in a search result; the statement page has it all


def bounded(record: dict, most: int = MAX_RESULT_CHARS) -> tuple[dict, list[str]]:
    """A record whose texts are cut to `most` characters (and "…"), and which were ("text",
    or a translation's language): a long speech must not make every search that finds it
    send and mark all of it, nor its page show it all until asked."""

    def cut(text: str) -> str:
        return text if len(text) <= most else text[:most] + "…"

    long = ["text"] if len(record["text"]) > most else []
    long += [t["lang"] for t in record.get("translations", []) if len(t["text"]) > most]
    if not long:
        return record, []
    out = {**record, "text": cut(record["text"])}
    if "translations" in record:
        out["translations"] = [{**t, "text": cut(t["text"])} for t in record["translations"]]
    return out, long


def _noting(docs: Iterator[dict], seen: set[str]) -> Iterator[dict]:
    for doc in docs:
        seen.add(doc["id"])
        yield doc


def counted(items: Iterable[T], done: Callable[[int], None], every: int = 200) -> Iterator[T]:
    """The items, `done(every)` told after each `every` of them has been taken."""
    for n, item in enumerate(items, start=1):
        yield item
        if n % every == 0:
            done(every)


__all__ = [
    "Actor",
    "EditConflict",
    "Exists",
    "Forbidden",
    "Hatsugen",
    "ImportOptions",
    "NotFound",
    "SpeakerUnclear",
]
