"""The SQLite statement store: the archive's source of truth.

Every write is one `BEGIN IMMEDIATE` transaction, so a concurrent writer waits (busy_timeout)
instead of failing, and a process killed mid-import leaves the archive as it was. Edits never
overwrite: each version of a statement is kept in `revisions`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import speakers as sp
from .duplicates import NEAR_SHARE, TextKeys, overlap_share, statement_texts, text_keys
from .errors import (
    ArchiveError,
    EditConflict,
    Exists,
    Forbidden,
    NotFound,
    RecordError,
    SpeakerUnclear,
)
from .localized import Localized, texts_of
from .options import ImportOptions
from .provenance import status_of
from .records import (
    NEW_SPEAKER_FIELD,
    STATEMENT_FIELDS,
    base_version,
    changed_fields,
    content_id,
    event_key,
    same_date,
    validate,
)
from .roles import KnownRoles
from .timeutil import now_utc

BUSY_TIMEOUT_S = 60.0
_SAID_BY = "attribution.actually_said_by"


def _add_text_keys(tx: sqlite3.Connection) -> None:
    """Version 3: keys for duplicate detection of every statement already stored."""
    rows = tx.execute("SELECT id, record FROM statements")
    while batch := rows.fetchmany(1000):
        _insert_keys(tx, [(rid, json.loads(record), None) for rid, record in batch])


def _rekey_speakers(tx: sqlite3.Connection) -> None:
    """Recompute every speaker's lookup keys (after a change to how names are compared)."""
    tx.execute("DELETE FROM speaker_keys")
    for sid, data in list(tx.execute("SELECT id, data FROM speakers")):
        tx.executemany(
            "INSERT OR IGNORE INTO speaker_keys (key, speaker_id) VALUES (?, ?)",
            [(k, sid) for k in sp.keys_of(json.loads(data))],
        )


def _add_event_keys(tx: sqlite3.Connection) -> None:
    """Version 7: the event each statement belongs to, so an event page reads them in order."""
    tx.execute("ALTER TABLE statements ADD COLUMN event_key TEXT")
    tx.execute("CREATE INDEX statements_event ON statements(event_key)")
    rows = tx.execute("SELECT id, record FROM statements WHERE record LIKE '%\"event\"%'")
    tx.executemany(
        "UPDATE statements SET event_key = ? WHERE id = ?",
        [(event_key(json.loads(record)), rid) for rid, record in rows.fetchall()],
    )


MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # version 1
    """
    CREATE TABLE speakers (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE speaker_keys (
        key TEXT NOT NULL,
        speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
        PRIMARY KEY (key, speaker_id)
    ) WITHOUT ROWID;
    CREATE TABLE statements (
        id TEXT PRIMARY KEY,
        speaker_id TEXT NOT NULL REFERENCES speakers(id),
        lang TEXT NOT NULL,
        kind TEXT,
        date TEXT,
        record TEXT NOT NULL,
        version INTEGER NOT NULL,
        changed TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE INDEX statements_speaker ON statements(speaker_id);
    CREATE INDEX statements_date ON statements(date, id);
    CREATE INDEX statements_lang ON statements(lang);
    CREATE TABLE revisions (
        statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        record TEXT NOT NULL,
        changed TEXT NOT NULL,
        at TEXT NOT NULL,
        by TEXT NOT NULL
    );
    CREATE UNIQUE INDEX revisions_statement ON revisions(statement_id, version);
    """,
    # version 2: attribution status, the reason given for a change, duplicate keys
    """
    ALTER TABLE statements ADD COLUMN status TEXT NOT NULL DEFAULT 'unverified';
    ALTER TABLE statements ADD COLUMN reason TEXT;
    ALTER TABLE revisions ADD COLUMN reason TEXT;
    CREATE INDEX statements_status ON statements(status);
    CREATE TABLE text_keys (
        key INTEGER NOT NULL,
        statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        weight INTEGER NOT NULL
    );
    CREATE INDEX text_keys_key ON text_keys(key);
    CREATE INDEX text_keys_statement ON text_keys(statement_id);
    """,
    _add_text_keys,  # version 3
    # version 4: the index outbox. Every write logs, in its own transaction, which statements
    # the search index must (re)index; whoever holds the index writer works the log off, and
    # each index folder records how far it got (`index_marks`), as does a running reindex.
    """
    CREATE TABLE index_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        statement_id TEXT NOT NULL
    );
    CREATE TABLE index_marks (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
    """,
    # version 5: accounts for editing on the web (archive/accounts.py); never exported
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        password TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires REAL NOT NULL
    );
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        label TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE login_failures (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX login_failures_key ON login_failures(key, at);
    CREATE TABLE speaker_merges (
        id INTEGER PRIMARY KEY,
        kept TEXT NOT NULL REFERENCES speakers(id),
        merged TEXT NOT NULL REFERENCES speakers(id),
        statements TEXT NOT NULL,
        kept_before TEXT NOT NULL,
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        reason TEXT NOT NULL,
        undone_at TEXT
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        statement_id TEXT NOT NULL REFERENCES statements(id),
        based_on INTEGER NOT NULL,
        record TEXT NOT NULL,
        by TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        decided_by TEXT,
        decided_at TEXT,
        decision TEXT
    );
    CREATE INDEX proposals_statement ON proposals(statement_id, state);
    """,
    _rekey_speakers,  # version 6: name keys ignore invisible characters
    _add_event_keys,  # version 7
]
SCHEMA_VERSION = len(MIGRATIONS)

Located = tuple[Any, RecordError | None]
"""An input record and a RecordError template saying where it came from (file, line, item).

A reader that cannot parse a record yields the RecordError itself in place of the record, so
the store can list it with the others instead of stopping at the first.
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fault(point: str) -> None:
    """Pause at a named point when a test asks to, so it can kill the process right there.

    HATSUGEN_FAULT="before-commit:/path/flag" makes the import create the flag file and sleep.
    """
    spec = os.environ.get("HATSUGEN_FAULT", "")
    if spec.startswith(point + ":"):
        Path(spec.split(":", 1)[1]).touch()
        time.sleep(600)


@dataclass
class Finding:
    """Something an import noticed about a record it accepted or skipped, and where."""

    where: str
    message: str
    existing: str | None = None  # the stored statement it concerns

    def __str__(self) -> str:
        return f"{self.where + ': ' if self.where else ''}{self.message}"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    ids: list[str] = field(default_factory=list)  # every stored record's id, in input order
    speakers_changed: set[str] = field(default_factory=set)  # existing speakers that changed
    rejected: list[RecordError] = field(default_factory=list)
    duplicates: list[Finding] = field(default_factory=list)  # skipped: already archived
    near_duplicates: list[Finding] = field(default_factory=list)  # kept, with a warning
    roles: list[Finding] = field(default_factory=list)  # role wordings mapped onto stored ones
    queued: int = 0  # stored, but left for a busy index writer to index
    reattributed: list[Finding] = field(default_factory=list)  # allowed, and listed
    renamed: list[str] = field(default_factory=list)  # speaker renames, allowed and listed
    look_alike_speakers: list[Finding] = field(default_factory=list)  # new, warned of
    new_speakers: list[str] = field(default_factory=list)  # speakers this write created
    conflicts: list[Conflict] = field(default_factory=list)  # based on an old version: skipped
    superseded: list[Finding] = field(default_factory=list)  # an old version again: unchanged
    skipped: list[str] = field(default_factory=list)  # what a source format leaves out, why

    @property
    def changed(self) -> list[str]:
        return self.added + self.updated


@dataclass
class Conflict:
    """An import record based on an older version than the archived one: not applied."""

    where: str
    statement_id: str
    base: int  # the version the record was read at
    current: int  # the archived version
    current_by: str
    current_at: str
    current_reason: str | None
    fields: list[str]  # where the record and the archived version differ

    def __str__(self) -> str:
        why = f" ({self.current_reason})" if self.current_reason else ""
        return (
            f"{self.where + ': ' if self.where else ''}{self.statement_id} is based on version"
            f" {self.base}, but the archive holds version {self.current}, made by"
            f" {self.current_by} at {self.current_at}{why}; they differ in"
            f" {', '.join(self.fields)}. Not applied: pass --overwrite to replace the archived"
            " version, or edit it by hand"
        )


class ImportRejected(RecordError):
    """All-or-nothing import refused: carries every bad record, the archive is untouched."""

    def __init__(self, errors: list[RecordError]) -> None:
        first = errors[0]
        super().__init__(
            first.message, first.field, source=first.source, line=first.line, item=first.item
        )
        self.errors = errors


class Store:
    """One archive database. Safe to share between threads: each thread gets its connection."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = threading.local()
        try:
            if self.path.exists() and self.path.stat().st_size == 0:
                raise ArchiveError(
                    f"{self.path} is empty: it is not a hatsugen archive (a new archive is made"
                    " only where there is no file). Restore it from a backup, or remove it to"
                    " start a new, empty archive"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._create()
            self._migrate(self.conn)
        except sqlite3.DatabaseError as err:  # not a database, damaged, read-only, full disk
            self.close()
            raise ArchiveError(
                f"{self.path} cannot be used as a hatsugen archive ({err}); if it is damaged,"
                " restore it from a backup or rebuild it from an export"
            ) from None

    # A new archive's file is made whole under another name, then linked into place: another
    # command starting at the same moment sees either no file (and makes its own, which loses
    # the race harmlessly) or a database, never the empty file an unfinished creation leaves
    # (which it would rightly refuse). Owner-only from the start; its journals follow it.
    APPLICATION_ID = 0x68617473  # "hats": a database file hatsugen made

    def _create(self) -> None:
        fresh = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        os.close(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            with contextlib.closing(sqlite3.connect(fresh, isolation_level=None)) as conn:
                conn.execute(f"PRAGMA application_id = {self.APPLICATION_ID}")  # writes page 1
            with contextlib.suppress(FileExistsError):  # another command made it just now
                os.link(fresh, self.path)
        finally:
            fresh.unlink()

    # -- connections -------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._set_wal(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports touch many pages
            self._local.conn = conn
        return conn

    @staticmethod
    def _set_wal(conn: sqlite3.Connection) -> None:
        # Switching to WAL needs a moment of exclusive access; retry while another process
        # holds the database rather than failing the whole command.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken at once (IMMEDIATE) so writers queue instead of deadlock."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) and "busy" not in str(err):
                raise
            raise ArchiveError(
                f"the archive {self.path} is busy: another hatsugen command has been writing to"
                f" it for {BUSY_TIMEOUT_S:.0f} s; try again when it is done (nothing was changed)"
            ) from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"{self.path} was written by a newer hatsugen (schema {version}, this one "
                f"knows {SCHEMA_VERSION}); upgrade hatsugen"
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as tx:
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                step = MIGRATIONS[number]
                if callable(step):
                    step(tx)
                    continue
                for statement in step.split(";"):
                    if statement.strip():
                        tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- speakers ----------------------------------------------------------------------------
    def get_speaker(self, speaker_id: str) -> dict | None:
        row = self.conn.execute("SELECT data FROM speakers WHERE id = ?", (speaker_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def speakers(self) -> list[dict]:
        rows = self.conn.execute("SELECT data FROM speakers ORDER BY id")
        return [json.loads(r[0]) for r in rows]

    def speakers_stamp(self) -> tuple:
        """Changes whenever a speaker is added, changed or removed (for caches of them)."""
        row = self.conn.execute("SELECT count(*), max(updated_at) FROM speakers").fetchone()
        return tuple(row)

    def speaker_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT speaker_id, count(*) FROM statements GROUP BY 1")
        return dict(rows.fetchall())

    def find_speaker_ids(self, name: str) -> list[str]:
        """Speakers a plain string may mean: its id, or any name, reading, alias or handle."""
        if self.conn.execute("SELECT 1 FROM speakers WHERE id = ?", (name,)).fetchone():
            return [name]
        rows = self.conn.execute(
            "SELECT speaker_id FROM speaker_keys WHERE key = ? ORDER BY speaker_id",
            (sp.name_key(name),),
        )
        return [r[0] for r in rows]

    def _save_speaker(self, tx: sqlite3.Connection, speaker: dict, *, new: bool) -> None:
        now = now_utc()
        if new:
            tx.execute(
                "INSERT INTO speakers (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (speaker["id"], _dumps(speaker), now, now),
            )
        else:
            tx.execute(
                "UPDATE speakers SET data = ?, updated_at = ? WHERE id = ?",
                (_dumps(speaker), now, speaker["id"]),
            )
            tx.execute("DELETE FROM speaker_keys WHERE speaker_id = ?", (speaker["id"],))
        tx.executemany(
            "INSERT OR IGNORE INTO speaker_keys (key, speaker_id) VALUES (?, ?)",
            [(k, speaker["id"]) for k in sp.keys_of(speaker)],
        )

    def _resolve_speaker(
        self,
        tx: sqlite3.Connection,
        given: dict | str,
        batch: _Batch,
        report: ImportReport,
        options: ImportOptions,
    ) -> str:
        """The speaker a record names: exactly one archived speaker, or a new one only when
        nothing else is meant (docs/records.md, "Speakers on writes").

        An id, or a whole name or handle, picks a speaker. A name that search would take for
        someone (family name, reading, alias, variant spelling, another script) is refused
        with the candidates unless the writer says it is a new speaker: a short name never
        quietly becomes a second person. New names or aliases for a picked speaker are merged
        (a renamed name only with `rename_speakers`; never for a contributor).
        """
        cache_key = _speaker_key(given)
        if cache_key in batch.speakers:
            return batch.speakers[cache_key]
        if isinstance(given, str):
            given = given.strip()
            incoming = sp.from_plain_name(given)
            named, wanted_id, stored = [given], None, None  # an id is among the exact names
        else:
            incoming, wanted_id = given, given.get("id")
            named = [*given.get("name", {}).values(), *given.get("aliases", []),
                     *([given["wikidata"]] if given.get("wikidata") else [])]  # fmt: skip
            stored = self.get_speaker(wanted_id) if wanted_id else None
        if stored is None and wanted_id is None:
            exact = list(dict.fromkeys(i for n in named for i in self._exact_ids(n)))
            if len(exact) > 1:
                raise SpeakerUnclear(
                    f"{_shown_names(named)} could be any of {', '.join(exact)}; give the"
                    " speaker id", "speaker", named[0], self._described(exact),
                )  # fmt: skip
            stored = self.get_speaker(exact[0]) if exact else None
            if stored is not None and not sp.same_reading(stored, incoming):
                # One name, two readings: namesakes (中島 なかじま / なかしま), never merged.
                raise SpeakerUnclear(
                    f"{_shown_names(named)} reads {incoming['reading']!r} here, but the"
                    f" archived {sp.display_name(stored)} ({stored['id']}) reads"
                    f" {stored['reading']!r}: two people of one name? Give the speaker id if"
                    " they are one, or say it is a new speaker", "speaker.reading",
                    named[0], self._described([stored["id"]]),
                )  # fmt: skip
        if stored is not None:
            if not isinstance(given, str):  # a plain name adds nothing to who they are
                self._merge_names(tx, stored, incoming, report, options)
            batch.speakers[cache_key] = stored["id"]
            return stored["id"]
        similar = list(dict.fromkeys(
            i for n in named
            for i in [*self.find_speaker_ids(n), *(options.similar_speakers or _none)(n)]
        ))  # fmt: skip
        if similar and not options.new_speaker:
            listed = "; ".join(f"{d['name']} ({d['id']})" for d in self._described(similar))
            raise SpeakerUnclear(
                f"{_shown_names(named)} is not the exact name of a speaker, but may mean"
                f" {listed}; give the speaker id, or say it is a new speaker", "speaker",
                named[0], self._described(similar),
            )  # fmt: skip
        if not options.create_unknown_speakers and not options.new_speaker:
            raise SpeakerUnclear(
                f"{_shown_names(named)} is nobody in this archive yet; say it is a new"
                " speaker to add them", "speaker", named[0], [],
            )  # fmt: skip
        speaker_id = wanted_id or self._free_speaker_id(sp.slug_for(incoming))
        self._save_speaker(tx, sp.merge({"id": speaker_id}, incoming), new=True)
        batch.speakers[cache_key] = speaker_id
        batch.created.append(speaker_id)
        report.new_speakers.append(speaker_id)
        return speaker_id

    def _merge_names(
        self,
        tx: sqlite3.Connection,
        stored: dict,
        incoming: dict,
        report: ImportReport,
        options: ImportOptions,
    ) -> None:
        """Fold a record's speaker object into the archived speaker, as far as allowed."""
        merged = sp.merge(stored, incoming)
        if merged == stored:
            return
        if not options.change_speakers:
            raise Forbidden(
                f"this would change the names or aliases of speaker {stored['id']}, which only"
                " an editor may do; name the speaker by id or name, without new aliases",
                "edit_speakers",
            )
        old_qid, new_qid = stored.get("wikidata"), incoming.get("wikidata")
        if old_qid and new_qid and old_qid != new_qid and not options.rename_speakers:
            raise RecordError(
                f"speaker {stored['id']} is Wikidata {old_qid}; this record says {new_qid}."
                " Two people? Give the speaker id of the one meant; pass --rename-speakers to"
                " change the Wikidata id", "speaker.wikidata",
            )  # fmt: skip
        for lang, name in incoming.get("name", {}).items():
            old = stored.get("name", {}).get(lang)
            if old is None or sp.name_key(old) == sp.name_key(name):
                continue
            change = f"speaker {stored['id']} renamed in {lang}: {old!r} → {name!r}"
            if not options.rename_speakers:
                raise RecordError(
                    f"would rename speaker {stored['id']} from {old!r} to {name!r} on every"
                    " statement; pass --rename-speakers if that is meant",
                    f"speaker.name.{lang}",
                )
            if change not in report.renamed:
                report.renamed.append(change)
        self._save_speaker(tx, merged, new=False)
        report.speakers_changed.add(stored["id"])

    def _exact_ids(self, name: str) -> list[str]:
        """Speakers `name` names exactly: their id, a whole name in any language, a handle."""
        key = sp.name_key(name)
        out = []
        for sid in self.find_speaker_ids(name):
            if sid == name:
                return [sid]
            speaker = self.get_speaker(sid) or {}
            exact = [*speaker.get("name", {}).values(), speaker.get("wikidata") or "",
                     *(a for a in speaker.get("aliases", []) if a.startswith("@"))]  # fmt: skip
            if any(sp.name_key(n) == key for n in exact):
                out.append(sid)
        return out

    def _described(self, ids: list[str]) -> list[dict]:
        return [{"id": sid, "name": sp.display_name(self.get_speaker(sid) or {"id": sid})}
                for sid in ids]  # fmt: skip

    def _look_alikes(self, batch: _Batch, speaker_id: str) -> list[str]:
        """Other speakers whose name differs from this new one's only in what search folds
        (width, case, spaces, invisible characters, old or variant kanji): 渡辺一真 / 渡邊一真,
        "Test Person" / "Test Per\u200bson". Probably one person entered twice."""
        if batch.look_alike is None:
            batch.look_alike = {}
            for s in self.speakers():
                if s["id"] != speaker_id:
                    for key in sp.folded_names(s):
                        batch.look_alike.setdefault(key, set()).add(s["id"])
        speaker = self.get_speaker(speaker_id) or {}
        keys = sp.folded_names(speaker)
        found = set().union(*(batch.look_alike.get(k, set()) for k in keys)) - {speaker_id}
        for key in keys:
            batch.look_alike.setdefault(key, set()).add(speaker_id)
        return sorted(found)

    def _free_speaker_id(self, base: str) -> str:
        candidate, n = base, 1
        while self.get_speaker(candidate) is not None:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # -- statements ------------------------------------------------------------------------
    # The current version of a statement lives in `statements`; each earlier version moves to
    # `revisions` when it is replaced, with what it changed, when and by whom.
    CHUNK = 1000

    def import_records(
        self, records: Iterable[Located], *, by: str, options: ImportOptions | None = None
    ) -> ImportReport:
        """Validate and write records in one transaction, streaming in chunks.

        All-or-nothing unless `skip_invalid`: after a bad record the rest are still checked, so
        ImportRejected can list every bad record, and then the transaction is rolled back.
        A new statement that repeats one already archived (same speaker, same normalised text)
        is skipped and reported, unless `allow_duplicates`. `reason` is kept with each change.
        `based_on` (id → version) makes an edit conditional: EditConflict, and nothing saved,
        if the statement is no longer at that version. A record that carries the version it
        was read at (`version`) and is older than the archived one is a conflict, listed and
        not applied (unless `overwrite`). A record that gives a stored statement to another
        speaker, or renames a speaker, is refused unless `allow_reattribution` /
        `rename_speakers`; either way each one is listed in the report. Forbidden (nothing
        written) when the options forbid what a record would do.
        """
        options = options or ImportOptions()
        report = ImportReport()
        now = now_utc()
        with self.transaction() as tx:
            batch = _Batch()
            chunk: dict[str, dict] = {}
            for raw, where in records:
                if isinstance(raw, RecordError):  # the reader could not even parse it
                    report.rejected.append(raw)
                    continue
                try:
                    record = validate(raw)
                    base = base_version(raw)
                    if not options.set_verdicts:
                        _no_verdict(record)
                    new = len(batch.created)
                    says_new = raw.get(NEW_SPEAKER_FIELD) is True and not options.new_speaker
                    record["speaker"] = self._resolve_speaker(
                        tx, record["speaker"], batch, report,
                        options.but(new_speaker=True) if says_new else options,
                    )  # fmt: skip
                    for sid in batch.created[new:]:
                        for other in self._look_alikes(batch, sid):
                            report.look_alike_speakers.append(Finding(_where(where), (
                                f"new speaker {sid} has nearly the same name as {other}"
                                " (they differ only in width, case, spacing or kanji form);"
                                f" if they are one person, give the speaker id {other}"),
                                other))  # fmt: skip
                    if "id" not in record:
                        record["id"] = content_id(record["speaker"], record)
                    self._resolve_said_by(record, batch, where)
                except RecordError as err:
                    report.rejected.append(_locate(err, where))
                    continue
                if report.rejected and not options.skip_invalid:
                    continue  # only checking from here on; nothing will be kept
                rid = record["id"]
                place = _where(where)
                archived = rid in batch.ids or self.exists(rid)
                if archived and options.only_new and "id" in raw:
                    raise Exists(rid, self.meta(rid)["version"] if rid not in batch.ids else 1)
                if not archived:
                    keys = [text_keys(record["speaker"], t) for t in statement_texts(record)]
                    twin, repeats, near = self._compare(keys, record, batch)
                    if twin is not None and not options.allow_duplicates:
                        report.duplicates.append(Finding(place, (
                            f"duplicate of {twin} (same speaker, text, date and event);"
                            " not added — pass --allow-duplicates to add it anyway"),
                            twin))  # fmt: skip
                        continue
                    for other in repeats:
                        report.near_duplicates.append(Finding(place, (
                            f"{rid} has the same words as {other}, said on another date or at"
                            " another event; kept as a separate statement"), other))  # fmt: skip
                    for other, share in near:
                        report.near_duplicates.append(Finding(place, (
                            f"{rid} is a near-duplicate of {other} ({share:.0%} of the shorter"
                            " text is shared); kept — check whether both should stay"),
                            other))  # fmt: skip
                    batch.remember(Occasion(rid, record.get("date"), record.get("event")), keys)
                    batch.keys[rid] = keys
                self._same_role(record, batch, report, place)
                batch.ids.add(rid)
                if rid in chunk or len(chunk) >= self.CHUNK:
                    self._write_chunk(tx, chunk, report, now, by, batch, options)
                    chunk = {}
                chunk[rid] = {k: record[k] for k in STATEMENT_FIELDS if k in record}
                batch.bases[rid], batch.wheres[rid] = base, where
                report.ids.append(rid)
            if report.rejected and not options.skip_invalid:
                raise ImportRejected(report.rejected)
            self._write_chunk(tx, chunk, report, now, by, batch, options)
            if report.rejected and not options.skip_invalid:
                raise ImportRejected(report.rejected)  # a refusal found while writing
            unsettled = self._settle_pending(tx, batch)
            if unsettled:  # already written: the whole import goes, whatever --skip-invalid says
                raise ImportRejected(unsettled)
            changed = [*report.added, *report.updated]
            changed += self.statement_ids_of(report.speakers_changed)
            tx.executemany(
                "INSERT INTO index_log (statement_id) VALUES (?)",
                [(i,) for i in dict.fromkeys(changed)],
            )
            _fault("before-commit")
        if len(report.ids) > self.CHUNK:
            # A bulk import filled the page cache (64 MiB); indexing, which comes next, reads
            # the statements once in order and does not need it kept.
            self.conn.execute("PRAGMA shrink_memory")
        return report

    @staticmethod
    def _check_reattribution(
        record: dict, old: dict, allowed: bool, report: ImportReport, place: str
    ) -> None:
        """Giving a stored statement to someone else puts words in their mouth: never silent
        (checked once the record is known to be a change, not an old copy read again)."""
        if old["speaker"] == record["speaker"]:
            return
        change = f"{record['id']} re-attributed from {old['speaker']} to {record['speaker']}"
        if not allowed:
            raise RecordError(
                f"{record['id']} is archived as said by {old['speaker']}; this record gives it"
                f" to {record['speaker']}. Pass --allow-reattribution if that is meant",
                "speaker",
            )
        report.reattributed.append(Finding(place, change, record["id"]))

    def exists(self, statement_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM statements WHERE id = ?", (statement_id,))
        return row.fetchone() is not None

    def _resolve_said_by(self, record: dict, batch: _Batch, where: RecordError | None) -> None:
        """`actually_said_by` names a known speaker (to an id) or a stored statement.

        What is not known yet may come later in the same import (an export lists statements
        by date, not by who quotes whom): that is settled once every record is in.
        """
        said_by = (record.get("attribution") or {}).get("actually_said_by")
        if not said_by or "origin" in said_by:
            return
        if said_by.get("statement") == record["id"]:
            raise RecordError("names this statement itself", _SAID_BY + ".statement")
        if not self._settle_said_by(record["speaker"], said_by):
            batch.pending.append((record["id"], record["speaker"], said_by, where))

    def _settle_said_by(self, speaker_id: str, said_by: dict) -> bool:
        """Resolve a reference in place; False if it names nothing (yet)."""
        if "statement" in said_by:
            return self.exists(said_by["statement"])
        name = said_by["speaker"]
        ids = self.find_speaker_ids(name)
        if not ids:
            return False
        if len(ids) > 1:
            raise RecordError(f"{name!r} could be any of {', '.join(ids)}; give the id",
                              _SAID_BY + ".speaker")  # fmt: skip
        if ids[0] == speaker_id:
            raise RecordError("is the speaker the quote is attributed to; a misattributed quote"
                              " was said by someone else", _SAID_BY + ".speaker")  # fmt: skip
        said_by["speaker"] = ids[0]
        return True

    def _settle_pending(self, tx: sqlite3.Connection, batch: _Batch) -> list[RecordError]:
        """References to speakers or statements that this import itself brought in."""
        errors = []
        for rid, speaker_id, said_by, where in batch.pending:
            given = dict(said_by)
            try:
                found = self._settle_said_by(speaker_id, said_by)
            except RecordError as err:
                errors.append(_locate(err, where))
                continue
            if not found:
                form, target = next(iter(given.items()))
                message = (
                    f"no statement with id {target!r} in this archive" if form == "statement"
                    else f"{target!r} is no speaker id, name, alias or handle in this archive;"
                    ' add the speaker first, or use {"origin": "unknown"}'
                )  # fmt: skip
                errors.append(_locate(RecordError(message, f"{_SAID_BY}.{form}"), where))
            elif said_by != given:
                tx.execute(
                    "UPDATE statements SET record = json_set(record,"
                    " '$.attribution.actually_said_by.speaker', ?) WHERE id = ?",
                    (said_by["speaker"], rid),
                )
        return errors

    def similar(self, speaker_id: str, record: dict) -> tuple[str | None, list[tuple[str, float]]]:
        """The stored statement `record` would duplicate, and those it nearly duplicates."""
        keys = [text_keys(speaker_id, t) for t in statement_texts(record)]
        twin, _, near = self._compare(keys, {"id": "", **record}, _Batch())
        return twin, near

    def _compare(
        self, keys: list[TextKeys], record: dict, batch: _Batch
    ) -> tuple[str | None, list[str], list[tuple[str, float]]]:
        """How a new statement relates to stored ones of its speaker (and earlier ones in this
        import): the one it duplicates, those with the same words on other occasions, and
        those it nearly duplicates (with the share of text in common).

        The same words on another date or at another event are another statement: ministers
        read the same text in both Houses, politicians repeat lines. Only the same occasion
        (compatible dates, same event, either unknown counting as the same) is a duplicate.
        One indexed query answers all three in the common case of no match at all.
        """
        wholes = {k.whole for k in keys}
        parts = dict(keys[0].parts)
        found: list[Occasion] = [o for key in wholes for o in batch.wholes.get(key, ())]
        shared: dict[str, int] = {}
        for key, weight in parts.items():
            for other in batch.sentences.get(key, ()):
                shared[other] = shared.get(other, 0) + weight
        all_keys = [*wholes, *parts]
        stored_texts: set[str] = set()
        for sid, key, kind in self.conn.execute(
            "SELECT statement_id, key, kind FROM text_keys"
            f" WHERE key IN ({','.join('?' * len(all_keys))})",
            all_keys,
        ):
            if kind == "text" and key in wholes:
                stored_texts.add(sid)
            elif kind == "sentence" and key in parts:
                shared[sid] = shared.get(sid, 0) + parts[key]
        if stored_texts:
            found += [
                Occasion(sid, date, json.loads(event) if event else None)
                for sid, date, event in self._where_id_in(
                    "id, date, record -> '$.event'", sorted(stored_texts)
                )
            ]
        mine = Occasion(record["id"], record.get("date"), record.get("event"))
        same = sorted(o.statement_id for o in found if o.same_occasion(mine))
        other = sorted({o.statement_id for o in found} - set(same))
        near = []
        for sid, weight in sorted(shared.items()):
            if sid in same or sid in other:
                continue  # the same words: said above
            total = batch.sentence_chars.get(sid)
            if total is None:
                row = self.conn.execute(
                    "SELECT max(weight) FROM text_keys WHERE statement_id = ? AND kind = 'text'",
                    (sid,),
                ).fetchone()
                total = row[0] or 0
            share = overlap_share(keys[0], weight, total)
            if share >= NEAR_SHARE:
                near.append((sid, share))
        return (same[0] if same else None), other, near

    def _same_role(self, record: dict, batch: _Batch, report: ImportReport, place: str) -> None:
        """Map a role that differs only in wording onto the speaker's stored wording."""
        role = record.get("role")
        if not role:
            return
        sid = record["speaker"]
        known = batch.roles.get(sid)
        if known is None:
            known = batch.roles[sid] = KnownRoles(self.roles_of(sid))
        stored = known.wording_for(role)
        if stored != role:
            record["role"] = stored
            report.roles.append(
                Finding(
                    place,
                    f"role {role!r} recorded as {stored!r},"
                    " the wording already used for this speaker",
                )
            )

    def _write_chunk(
        self,
        tx: sqlite3.Connection,
        chunk: dict[str, dict],
        report: ImportReport,
        now: str,
        by: str,
        batch: _Batch | None = None,
        options: ImportOptions | None = None,
    ) -> None:
        if not chunk:
            return
        batch = batch or _Batch()
        options = options or ImportOptions()
        reason, based_on, keys = options.reason, options.based_on, batch.keys
        ids = list(chunk)
        rows = tx.execute(
            "SELECT id, record, version, changed, updated_at, updated_by, reason FROM statements"
            f" WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        existing = {row[0]: row for row in rows}
        inserts, updates, revisions, rekeyed = [], [], [], []
        for rid, record in chunk.items():
            row = existing.get(rid)
            if based_on and rid in based_on and (row[2] if row else None) != based_on[rid]:
                raise EditConflict(rid, based_on[rid], row[2] if row else None)
            old = json.loads(row[1]) if row is not None else None
            base = batch.bases.get(rid)
            unstamped = _dumps(record)
            _stamp_attribution(record, old, now, by, reason)
            text = _dumps(record)
            columns = (record["speaker"], record["lang"], record.get("kind"), record.get("date"),
                       status_of(record), event_key(record))  # fmt: skip
            if row is None:
                inserts.append((rid, *columns, text, '["created"]', base or 1, now, now, by,
                                reason))  # fmt: skip
                report.added.append(rid)
                rekeyed.append(rid)
                continue
            _, old_text, version, old_changed, old_at, old_by, old_reason = row
            if old_text == text:
                report.unchanged += 1
                continue
            where = batch.wheres.get(rid)
            place = _where(where)
            if options.only_new:  # the same statement again is no change; another is refused
                report.duplicates.append(Finding(place, (
                    f"already archived as {rid} (the same speaker, date, language and text),"
                    " with other details; not changed"), rid))  # fmt: skip
                continue
            if base is not None and base < version and not options.overwrite:
                report.conflicts.append(Conflict(
                    place, rid, base, version, old_by, old_at, old_reason,
                    changed_fields(old, record)))  # fmt: skip
                continue
            if base is None and not options.overwrite:
                earlier = self._earlier_version(tx, rid, unstamped, now, by)
                if earlier is not None:
                    report.unchanged += 1
                    report.superseded.append(Finding(place, (
                        f"unchanged: {rid} is version {earlier} of the archive, superseded"
                        f" by version {version} (made by {old_by} at {old_at}"
                        f"{': ' + old_reason if old_reason else ''}); the archived version"
                        " stays"), rid))  # fmt: skip
                    continue
            try:
                self._check_reattribution(record, old, options.allow_reattribution, report, place)
            except RecordError as err:
                report.rejected.append(_locate(err, where))
                continue
            revisions.append((rid, version, old_text, old_changed, old_at, old_by, old_reason))
            changed = _dumps(changed_fields(old, record))
            updates.append((*columns, text, version + 1, changed, now, by, reason, rid))
            report.updated.append(rid)
            rekeyed.append(rid)
        tx.executemany(
            "INSERT INTO statements (id, speaker_id, lang, kind, date, status, event_key, record,"
            " changed, version, created_at, updated_at, updated_by, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        tx.executemany(
            "INSERT INTO revisions (statement_id, version, record, changed, at, by, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            revisions,
        )
        tx.executemany(
            "UPDATE statements SET speaker_id = ?, lang = ?, kind = ?, date = ?, status = ?,"
            " event_key = ?, record = ?, version = ?, changed = ?, updated_at = ?,"
            " updated_by = ?, reason = ? WHERE id = ?",
            updates,
        )
        tx.executemany(
            "DELETE FROM text_keys WHERE statement_id = ?", [(r,) for r in rekeyed if r in existing]
        )
        _insert_keys(tx, [(rid, chunk[rid], keys.pop(rid, None)) for rid in rekeyed])

    def _earlier_version(
        self, tx: sqlite3.Connection, rid: str, unstamped: str, now: str, by: str
    ) -> int | None:
        """The earlier version of a statement that a record repeats, if any: importing an
        old copy again must not undo what was changed since."""
        for version, text in tx.execute(
            "SELECT version, record FROM revisions WHERE statement_id = ? ORDER BY version DESC",
            (rid,),
        ):
            record, old = json.loads(unstamped), json.loads(text)
            _stamp_attribution(record, old, now, by, None)
            if _dumps(record) == text:
                return version
        return None

    # -- proposed edits (contributors propose, editors decide) -----------------------------
    def propose(self, record: dict, *, based_on: int, by: str, reason: str) -> int:
        with self.transaction() as tx:
            cur = tx.execute(
                "INSERT INTO proposals (statement_id, based_on, record, by, reason, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (record["id"], based_on, _dumps(record), by, reason, now_utc()),
            )
        return int(cur.lastrowid or 0)

    def open_proposal(self, proposal_id: int) -> dict:
        """One open proposal; NotFound if there is none (or it was decided)."""
        found = self.proposals(proposal_id=proposal_id)
        if not found:
            raise NotFound(f"no open proposal {proposal_id}")
        return found[0]

    def proposals(
        self, statement_id: str | None = None, state: str = "open", proposal_id: int | None = None
    ) -> list[dict]:
        sql = "SELECT id, statement_id, based_on, record, by, reason, at, state, decided_by," \
              " decided_at, decision FROM proposals WHERE state = ?"  # fmt: skip
        params: list[object] = [state]
        if statement_id is not None:
            sql += " AND statement_id = ?"
            params.append(statement_id)
        if proposal_id is not None:
            sql += " AND id = ?"
            params.append(proposal_id)
        keys = ("id", "statement_id", "based_on", "record", "by", "reason", "at", "state",
                "decided_by", "decided_at", "decision")  # fmt: skip
        out = []
        for row in self.conn.execute(sql + " ORDER BY id", params):
            item = dict(zip(keys, row, strict=True))
            item["record"] = json.loads(item["record"])
            out.append(item)
        return out

    def decide(self, proposal_id: int, state: str, *, by: str, decision: str | None) -> dict:
        """Close an open proposal (accepted or rejected); NotFound if it is not open."""
        with self.transaction() as tx:
            row = tx.execute("SELECT statement_id FROM proposals WHERE id = ? AND state = 'open'",
                             (proposal_id,)).fetchone()  # fmt: skip
            if row is None:
                raise NotFound(f"no open proposal {proposal_id}")
            tx.execute(
                "UPDATE proposals SET state = ?, decided_by = ?, decided_at = ?, decision = ?"
                " WHERE id = ?",
                (state, by, now_utc(), decision, proposal_id),
            )
        return next(p for p in self.proposals(row[0], state) if p["id"] == proposal_id)

    # -- merging speakers ------------------------------------------------------------------
    def merge_speakers(self, kept: str, merged: str, *, by: str, reason: str) -> int:
        """Move every statement of `merged` to `kept` (each a revision), fold its names into
        `kept`'s aliases, and record the merge so that `unmerge` can undo it. Returns its id."""
        if kept == merged:
            raise RecordError("a speaker cannot be merged into itself", "speaker")
        now = now_utc()
        with self.transaction() as tx:
            keep, gone = self.get_speaker(kept), self.get_speaker(merged)
            for sid, found in ((kept, keep), (merged, gone)):
                if found is None:
                    raise NotFound(f"no speaker with id {sid!r}")
            if self.merged_into(merged):
                raise RecordError(f"{merged} has been merged already", "speaker")
            assert keep is not None and gone is not None
            moved = [r[0] for r in tx.execute(
                "SELECT id FROM statements WHERE speaker_id = ?", (merged,))]  # fmt: skip
            self._move_statements(
                tx, moved, kept, now, by, f"merged {merged} into {kept}: {reason}"
            )
            names = [*gone.get("name", {}).values(), *gone.get("aliases", [])]
            self._save_speaker(tx, sp.merge(keep, {"aliases": names}), new=False)
            tx.execute("DELETE FROM speaker_keys WHERE speaker_id = ?", (merged,))
            cur = tx.execute(
                "INSERT INTO speaker_merges (kept, merged, statements, kept_before, at, by, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kept, merged, _dumps(moved), _dumps(keep), now, by, reason),
            )
            others = self.statement_ids_of([kept])
            tx.executemany("INSERT INTO index_log (statement_id) VALUES (?)",
                           [(i,) for i in dict.fromkeys([*moved, *others])])  # fmt: skip
            return int(cur.lastrowid or 0)

    def unmerge(self, merge_id: int, *, by: str, reason: str) -> None:
        """Undo a merge: its statements go back, the kept speaker's names are as before."""
        now = now_utc()
        with self.transaction() as tx:
            row = tx.execute(
                "SELECT kept, merged, statements, kept_before FROM speaker_merges"
                " WHERE id = ? AND undone_at IS NULL",
                (merge_id,),
            ).fetchone()
            if row is None:
                raise NotFound(f"no merge {merge_id} to undo")
            kept, merged, moved, kept_before = (
                row[0],
                row[1],
                json.loads(row[2]),
                json.loads(row[3]),
            )
            still_kept = [r[0] for r in self._where_id_in("id, speaker_id", moved) if r[1] == kept]
            self._move_statements(
                tx, still_kept, merged, now, by, f"undid merge {merge_id}: {reason}"
            )
            self._save_speaker(tx, kept_before, new=False)
            self._save_speaker(tx, self.get_speaker(merged) or {"id": merged}, new=False)
            tx.execute("UPDATE speaker_merges SET undone_at = ? WHERE id = ?", (now, merge_id))
            touched = dict.fromkeys([*still_kept, *self.statement_ids_of([kept])])
            tx.executemany("INSERT INTO index_log (statement_id) VALUES (?)",
                           [(i,) for i in touched])  # fmt: skip

    def merged_into(self, speaker_id: str) -> tuple[int, str] | None:
        """(merge id, the speaker it was merged into), if it was."""
        row = self.conn.execute(
            "SELECT id, kept FROM speaker_merges WHERE merged = ? AND undone_at IS NULL",
            (speaker_id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _move_statements(
        self, tx: sqlite3.Connection, ids: list[str], speaker: str, now: str, by: str, why: str
    ) -> None:
        report = ImportReport()
        for start in range(0, len(ids), self.CHUNK):
            chunk = {}
            for record in self.get_many(ids[start : start + self.CHUNK]).values():
                record["speaker"] = speaker
                chunk[record["id"]] = record
            self._write_chunk(tx, chunk, report, now, by,
                              options=ImportOptions(reason=why, overwrite=True,
                                                    allow_reattribution=True))  # fmt: skip

    # -- the index outbox ----------------------------------------------------------------------
    def last_change(self) -> int:
        """The sequence number of the latest logged change (0 before any)."""
        row = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'index_log'"
        ).fetchone()
        return row[0] if row else 0

    def changes_since(self, seq: int, limit: int = 5000) -> tuple[list[str], int]:
        """Statements changed after `seq` (each once, at most `limit`) and the last seq read."""
        rows = self.conn.execute(
            "SELECT seq, statement_id FROM index_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        ).fetchall()
        if not rows:
            return [], seq
        return list(dict.fromkeys(r[1] for r in rows)), rows[-1][0]

    def batches_since(self, seq: int) -> Iterator[tuple[list[str], int]]:
        """changes_since, batch after batch until the log is worked off; each batch's last
        seq is where the next one starts (and what the caller records as its mark)."""
        while True:
            ids, seq = self.changes_since(seq)
            if not ids:
                return
            yield ids, seq

    def queued_since(self, seq: int) -> set[str]:
        """Every statement changed after `seq`, in one read (for `check`)."""
        return set(self.changes_since(seq, limit=10**9)[0])

    def pending_since(self, seq: int) -> int:
        row = self.conn.execute(
            "SELECT count(DISTINCT statement_id) FROM index_log WHERE seq > ?", (seq,)
        ).fetchone()
        return row[0]

    def mark(self, name: str) -> int | None:
        row = self.conn.execute("SELECT seq FROM index_marks WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_mark(self, name: str, seq: int | None) -> None:
        """Record how far index `name` got in the log (None forgets the mark)."""
        with self.transaction() as tx:
            if seq is None:
                tx.execute("DELETE FROM index_marks WHERE name = ?", (name,))
            else:
                tx.execute("INSERT OR REPLACE INTO index_marks VALUES (?, ?)", (name, seq))

    def marks(self) -> dict[str, int]:
        """Every index's mark (and a running reindex's), by name."""
        return dict(self.conn.execute("SELECT name, seq FROM index_marks").fetchall())

    def marked_indexes(self) -> list[str]:
        """Index folders that have ever recorded progress here (so an index did exist)."""
        rows = self.conn.execute("SELECT name FROM index_marks WHERE name LIKE 'ix-%'")
        return [r[0] for r in rows]

    def prune_log(self, upto: int) -> None:
        """Forget log entries that every index (and a running reindex) has already taken in."""
        with self.transaction() as tx:
            tx.execute("DELETE FROM index_log WHERE seq <= ?", (upto,))

    def get(self, statement_id: str) -> dict:
        """The stored record (speaker as an id); NotFound if there is none."""
        row = self.conn.execute(
            "SELECT record FROM statements WHERE id = ?", (statement_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no statement with id {statement_id!r}")
        return json.loads(row[0])

    def _where_id_in(self, columns: str, ids: list[str]) -> Iterator[tuple]:
        """Rows of `statements` for the given ids, asked in chunks under SQLite's variable limit."""
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            yield from self.conn.execute(
                f"SELECT {columns} FROM statements WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        return {rid: json.loads(record) for rid, record in self._where_id_in("id, record", ids)}

    def versions(self, ids: list[str]) -> dict[str, int]:
        """The version each of these statements is at."""
        return dict(self._where_id_in("id, version", ids))

    def meta(self, statement_id: str) -> dict:
        row = self.conn.execute(
            "SELECT version, created_at, updated_at, updated_by FROM statements WHERE id = ?",
            (statement_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no statement with id {statement_id!r}")
        return {"version": row[0], "created_at": row[1], "updated_at": row[2],
                "updated_by": row[3]}  # fmt: skip

    def history(self, statement_id: str) -> list[dict]:
        """Every version of a statement, oldest first, with what changed from the one before."""
        current = self.conn.execute(
            "SELECT version, record, changed, updated_at, updated_by, reason FROM statements"
            " WHERE id = ?",
            (statement_id,),
        ).fetchone()
        if current is None:
            raise NotFound(f"no statement with id {statement_id!r}")
        rows = self.conn.execute(
            "SELECT version, record, changed, at, by, reason FROM revisions"
            " WHERE statement_id = ? ORDER BY version",
            (statement_id,),
        ).fetchall()
        return [
            {"version": v, "at": at, "by": by, "reason": why, "changed": json.loads(ch),
             "record": json.loads(r)}
            for v, r, ch, at, by, why in [*rows, current]
        ]  # fmt: skip

    def iter_records(self) -> Iterator[tuple[dict, int]]:
        """All statements (record, version) by date then id (undated first), streamed from
        one query."""
        for record, version in self.conn.execute(
            "SELECT record, version FROM statements ORDER BY coalesce(date, ''), id"
        ):
            yield json.loads(record), version

    def rows(self, ids: list[str] | None = None) -> Iterator[tuple[dict, int]]:
        """(record, version) of the given statements, or of all of them."""
        for record, version, _ in self.numbered_rows(ids):
            yield record, version

    def numbered_rows(self, ids: list[str] | None = None) -> Iterator[tuple[dict, int, int]]:
        """(record, version, row number) of the given statements, or of all of them; the row
        number is the order statements were first stored in (a search cluster's tie-break)."""
        if ids is None:
            query = "SELECT record, version, rowid FROM statements"
            for record, version, n in self.conn.execute(query):
                yield json.loads(record), version, n
            return
        for start in range(0, len(ids), 500):  # a chunk at a time: 100k records are ~200 MB
            for record, version, n in list(
                self._where_id_in("record, version, rowid", ids[start : start + 500])
            ):
                yield json.loads(record), version, n

    def languages(self) -> list[str]:
        """Original languages present, most statements first."""
        rows = self.conn.execute(
            "SELECT lang FROM statements GROUP BY lang ORDER BY count(*) DESC, lang"
        )
        return [r[0] for r in rows]

    def statements_of(self, speaker_id: str, *, limit: int, offset: int = 0) -> list[dict]:
        """A speaker's statements, newest first (undated last); retracted ones left out."""
        rows = self.conn.execute(
            "SELECT record FROM statements WHERE speaker_id = ?"
            " AND json_extract(record, '$.retracted') IS NULL"
            " ORDER BY date IS NULL, date DESC, id LIMIT ? OFFSET ?",
            (speaker_id, limit, offset),
        )
        return [json.loads(r[0]) for r in rows]

    def roles_of(self, speaker_id: str) -> list[Localized]:
        """The roles a speaker has been quoted in, most recent first."""
        rows = self.conn.execute(
            "SELECT record -> '$.role' AS role, max(coalesce(date, '')) AS last"
            " FROM statements WHERE speaker_id = ? AND role IS NOT NULL"
            " GROUP BY role ORDER BY last DESC, role",
            (speaker_id,),
        )
        return [json.loads(r[0]) for r in rows]

    def role_history(self, speaker_id: str) -> list[dict]:
        """The roles a speaker was quoted in, as each statement gave it at the time, in the
        order they were first held: [{role, first, last, count}] (dates as recorded)."""
        rows = self.conn.execute(
            "SELECT record -> '$.role' AS role, min(date), max(date), count(*)"
            " FROM statements WHERE speaker_id = ? AND role IS NOT NULL"
            " AND json_extract(record, '$.retracted') IS NULL"
            " GROUP BY role ORDER BY min(date) IS NULL, min(date), max(date), role",
            (speaker_id,),
        )
        return [{"role": json.loads(role), "first": first, "last": last, "count": count}
                for role, first, last, count in rows]  # fmt: skip

    def event_records(self, key: str) -> list[dict]:
        """An event's statements in the order they were made (see event_ids)."""
        return [json.loads(r[0]) for r in self._event_rows("record", key)]

    def event_ids(self, key: str) -> list[str]:
        """An event's statement ids in the order they were made: the source's order (the
        Diet's speechOrder), else the time in the recording, else the date, else as archived.
        Retracted ones are left out."""
        return [r[0] for r in self._event_rows("id", key)]

    def _event_rows(self, column: str, key: str) -> sqlite3.Cursor:
        return self.conn.execute(
            f"SELECT {column} FROM statements WHERE event_key = ?"
            " AND json_extract(record, '$.retracted') IS NULL"
            " ORDER BY json_extract(record, '$.order') IS NULL, json_extract(record, '$.order'),"
            " json_extract(record, '$.media.start') IS NULL, json_extract(record, '$.media.start'),"
            " date IS NULL, date, rowid",
            (key,),
        )

    def statement_ids_of(self, speaker_ids: Iterable[str]) -> list[str]:
        out: list[str] = []
        for sid in speaker_ids:
            rows = self.conn.execute("SELECT id FROM statements WHERE speaker_id = ?", (sid,))
            out.extend(r[0] for r in rows)
        return out

    def count(self, speaker_id: str | None = None) -> int:
        """How many statements, of one speaker (not counting retracted ones) or of all."""
        if speaker_id is None:
            return self.conn.execute("SELECT count(*) FROM statements").fetchone()[0]
        return self.conn.execute(
            "SELECT count(*) FROM statements WHERE speaker_id = ?"
            " AND json_extract(record, '$.retracted') IS NULL",
            (speaker_id,),
        ).fetchone()[0]

    def stats(self) -> dict:
        conn = self.conn

        def grouped(sql: str) -> dict[str, int]:
            return {str(k): n for k, n in conn.execute(sql)}

        return {
            "statements": self.count(),
            "speakers": conn.execute("SELECT count(*) FROM speakers").fetchone()[0],
            "revisions": conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
            + self.count(),
            "by_speaker": grouped(
                "SELECT speaker_id, count(*) n FROM statements GROUP BY 1 ORDER BY n DESC, 1"
            ),
            "by_lang": grouped(
                "SELECT lang, count(*) n FROM statements GROUP BY 1 ORDER BY n DESC, 1"
            ),
            "by_kind": grouped(
                "SELECT coalesce(kind, 'unknown'), count(*) n FROM statements GROUP BY 1"
                " ORDER BY n DESC, 1"
            ),
            "by_year": grouped(
                "SELECT coalesce(substr(date, 1, 4), 'undated'), count(*) FROM statements"
                " GROUP BY 1 ORDER BY 1"
            ),
            "by_status": grouped(
                "SELECT status, count(*) n FROM statements GROUP BY 1 ORDER BY n DESC, 1"
            ),
        }


@dataclass(frozen=True)
class Occasion:
    """When and where a statement was made, as far as its record tells."""

    statement_id: str
    date: str | None
    event: Localized | None

    def same_occasion(self, other: Occasion) -> bool:
        return same_date(self.date, other.date) and _same_event(self.event, other.event)


def _same_event(a: Localized | None, b: Localized | None) -> bool:
    """Unknown matches anything; otherwise some language's wording must be the same."""
    if not a or not b:
        return True
    return not {sp.name_key(t) for t in texts_of(a)}.isdisjoint(sp.name_key(t) for t in texts_of(b))


class _Batch:
    """What one import has accepted so far, so records within it are checked like stored ones."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.speakers: dict[Any, str] = {}  # speaker reference -> id
        self.roles: dict[str, KnownRoles] = {}  # speaker id -> role wordings known
        self.keys: dict[str, list[TextKeys]] = {}  # statement id -> its keys, once computed
        self.wholes: dict[int, list[Occasion]] = {}  # whole-text key -> statements with it
        self.sentences: dict[int, list[str]] = {}  # sentence key -> statement ids
        self.sentence_chars: dict[str, int] = {}
        # (statement id, its speaker, actually_said_by, where) to settle at the end
        self.pending: list[tuple[str, str, dict, RecordError | None]] = []
        self.created: list[str] = []  # speakers this import created
        self.bases: dict[str, int | None] = {}  # statement id -> the version it was read at
        self.wheres: dict[str, RecordError | None] = {}  # statement id -> where it was read
        self.look_alike: dict[str, set[str]] | None = None  # folded name -> speaker ids

    def remember(self, occasion: Occasion, keys: list[TextKeys]) -> None:
        statement_id = occasion.statement_id
        for k in keys:
            self.wholes.setdefault(k.whole, []).append(occasion)
        self.sentence_chars[statement_id] = keys[0].sentence_chars
        for key, _ in keys[0].parts:
            self.sentences.setdefault(key, []).append(statement_id)


def _insert_keys(
    tx: sqlite3.Connection, statements: list[tuple[str, dict, list[TextKeys] | None]]
) -> None:
    """Store the duplicate keys of (id, record, keys if already computed) statements."""
    rows = []
    for statement_id, record, keys in statements:
        if keys is None:
            keys = [text_keys(record["speaker"], text) for text in statement_texts(record)]
        rows += [(key, statement_id, kind, w) for k in keys for key, kind, w in k.rows()]
    tx.executemany(
        "INSERT INTO text_keys (key, statement_id, kind, weight) VALUES (?, ?, ?, ?)", rows
    )


def _stamp_attribution(
    record: dict, old: dict | None, now: str, by: str, reason: str | None
) -> None:
    """Who added each piece of evidence and when; an append-only history of status changes.

    Evidence that was already stored keeps its stamps when a file repeats it without them; a
    history entry is never dropped by an import that omits it; a change of status that the
    record does not itself log is logged with this write's time, author and reason.
    """
    attribution = record.get("attribution")
    old_attr = (old or {}).get("attribution") or {}
    if attribution is None and not old_attr.get("history"):
        return
    attribution = record.setdefault("attribution", {"status": "unverified"})
    stamped = {_evidence_key(e): e for e in old_attr.get("evidence", [])}
    for item in attribution.get("evidence", []):
        before = stamped.get(_evidence_key(item), {})
        item.setdefault("added_by", before.get("added_by", by))
        item.setdefault("added_at", before.get("added_at", now))
    history = list(old_attr.get("history", []))
    history += [h for h in attribution.get("history", []) if h not in history]
    last = history[-1]["status"] if history else old_attr.get("status", "unverified")
    if attribution["status"] != last:
        entry = {"status": attribution["status"], "at": now, "by": by}
        if reason:
            entry["note"] = reason
        history.append(entry)
    if history:
        attribution["history"] = history
    else:
        attribution.pop("history", None)
    if attribution == {"status": "unverified"}:
        del record["attribution"]
    else:  # keep the contract's key order
        record["attribution"] = {k: attribution[k] for k in
                                 ("status", "actually_said_by", "evidence", "history")
                                 if k in attribution}  # fmt: skip


def _evidence_key(item: dict) -> tuple:
    return tuple(item.get(k) for k in ("url", "archived_url", "kind", "note"))


def _where(where: RecordError | None) -> str:
    return where.where() if where is not None else ""


def _locate(err: RecordError, where: RecordError | None) -> RecordError:
    if where is None:
        return err
    return err.located(where.source, where.line, where.item, where.part)


def _speaker_key(given: dict | str) -> Any:
    if isinstance(given, str):
        return given
    names = given.get("name", {})
    return (given.get("id"), tuple(names.items()), given.get("reading"),
            tuple(given.get("aliases", ())))  # fmt: skip


def _shown_names(names: list[str]) -> str:
    return " / ".join(repr(n) for n in names[:3])


def _none(_name: str) -> list[str]:
    return []


def _no_verdict(record: dict) -> None:
    """A contributor's statement starts unverified: the verdict is an editor's."""
    attribution = record.get("attribution") or {}
    if attribution.get("status", "unverified") != "unverified" or attribution.get(
        "actually_said_by"
    ):
        raise Forbidden(
            "a contributor's statement starts unverified; an editor sets its attribution"
            " status (evidence may be attached)",
            "verify",
        )
