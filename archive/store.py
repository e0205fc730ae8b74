"""The SQLite statement store: the archive's source of truth.

Every write is one `BEGIN IMMEDIATE` transaction, so a concurrent writer waits (busy_timeout)
instead of failing, and a process killed mid-import leaves the archive as it was. Edits never
overwrite: each version of a statement is kept in `revisions`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import speakers as sp
from .errors import ArchiveError, NotFound, RecordError
from .records import STATEMENT_FIELDS, changed_fields, content_id, validate
from .timeutil import now_utc

BUSY_TIMEOUT_S = 60.0

MIGRATIONS: list[str] = [
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
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    ids: list[str] = field(default_factory=list)  # every stored record's id, in input order
    speakers_changed: set[str] = field(default_factory=set)  # existing speakers that changed
    rejected: list[RecordError] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return self.added + self.updated


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate(self.conn)

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
        conn.execute("BEGIN IMMEDIATE")
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
                for statement in MIGRATIONS[number].split(";"):
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
        self, tx: sqlite3.Connection, given: dict | str, cache: dict, changed: set[str]
    ) -> str:
        """Find or create the speaker a record names; merge any new names into it."""
        cache_key = _speaker_key(given)
        if cache_key in cache:
            return cache[cache_key]
        if isinstance(given, str):
            ids = self.find_speaker_ids(given)
            if len(ids) > 1:
                raise RecordError(
                    f"{given!r} could be any of {', '.join(ids)}; give the speaker id", "speaker"
                )
            incoming = sp.from_plain_name(given)
            stored = self.get_speaker(ids[0]) if ids else None
            if stored is not None:
                cache[cache_key] = stored["id"]
                return stored["id"]
        else:
            incoming = given
            stored = None
            if "id" in given:
                stored = self.get_speaker(given["id"])
            else:
                candidates: list[str] = []
                for key in [*given.get("name", {}).values(), *given.get("aliases", [])]:
                    for sid in self.find_speaker_ids(key):
                        if sid not in candidates:
                            candidates.append(sid)
                if len(candidates) > 1:
                    raise RecordError(
                        f"names match several speakers ({', '.join(candidates)}); add the id",
                        "speaker",
                    )
                if candidates:
                    stored = self.get_speaker(candidates[0])
        if stored is not None:
            merged = sp.merge(stored, incoming)
            if merged != stored:
                self._save_speaker(tx, merged, new=False)
                changed.add(stored["id"])
            cache[cache_key] = stored["id"]
            return stored["id"]
        speaker_id = incoming.get("id") or self._free_speaker_id(sp.slug_for(incoming))
        self._save_speaker(tx, sp.merge({"id": speaker_id}, incoming), new=True)
        cache[cache_key] = speaker_id
        return speaker_id

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
        self, records: Iterable[Located], *, by: str, skip_invalid: bool = False
    ) -> ImportReport:
        """Validate and write records in one transaction, streaming in chunks.

        All-or-nothing unless `skip_invalid`: after a bad record the rest are still checked, so
        ImportRejected can list every bad record, and then the transaction is rolled back.
        """
        report = ImportReport()
        now = now_utc()
        with self.transaction() as tx:
            cache: dict[Any, str] = {}
            chunk: dict[str, dict] = {}
            for raw, where in records:
                if isinstance(raw, RecordError):  # the reader could not even parse it
                    report.rejected.append(raw)
                    continue
                try:
                    record = validate(raw)
                    record["speaker"] = self._resolve_speaker(
                        tx, record["speaker"], cache, report.speakers_changed
                    )
                except RecordError as err:
                    report.rejected.append(_locate(err, where))
                    continue
                if report.rejected and not skip_invalid:
                    continue  # only checking from here on; nothing will be kept
                if "id" not in record:
                    record["id"] = content_id(record["speaker"], record)
                rid = record["id"]
                if rid in chunk or len(chunk) >= self.CHUNK:
                    self._write_chunk(tx, chunk, report, now, by)
                    chunk = {}
                chunk[rid] = {k: record[k] for k in STATEMENT_FIELDS if k in record}
                report.ids.append(rid)
            if report.rejected and not skip_invalid:
                raise ImportRejected(report.rejected)
            self._write_chunk(tx, chunk, report, now, by)
            _fault("before-commit")
        return report

    def _write_chunk(
        self,
        tx: sqlite3.Connection,
        chunk: dict[str, dict],
        report: ImportReport,
        now: str,
        by: str,
    ) -> None:
        if not chunk:
            return
        ids = list(chunk)
        rows = tx.execute(
            "SELECT id, record, version, changed, updated_at, updated_by FROM statements"
            f" WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        existing = {row[0]: row for row in rows}
        inserts, updates, revisions = [], [], []
        for rid, record in chunk.items():
            text = _dumps(record)
            row = existing.get(rid)
            columns = (record["speaker"], record["lang"], record.get("kind"), record.get("date"))
            if row is None:
                inserts.append((rid, *columns, text, '["created"]', now, now, by))
                report.added.append(rid)
            elif row[1] == text:
                report.unchanged += 1
            else:
                _, old_text, version, old_changed, old_at, old_by = row
                revisions.append((rid, version, old_text, old_changed, old_at, old_by))
                changed = _dumps(changed_fields(json.loads(old_text), record))
                updates.append((*columns, text, version + 1, changed, now, by, rid))
                report.updated.append(rid)
        tx.executemany(
            "INSERT INTO statements (id, speaker_id, lang, kind, date, record, changed, version,"
            " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            inserts,
        )
        tx.executemany(
            "INSERT INTO revisions (statement_id, version, record, changed, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            revisions,
        )
        tx.executemany(
            "UPDATE statements SET speaker_id = ?, lang = ?, kind = ?, date = ?, record = ?,"
            " version = ?, changed = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            updates,
        )

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

    def meta(self, statement_id: str) -> dict:
        row = self.conn.execute(
            "SELECT version, created_at, updated_at FROM statements WHERE id = ?", (statement_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no statement with id {statement_id!r}")
        return {"version": row[0], "created_at": row[1], "updated_at": row[2]}

    def history(self, statement_id: str) -> list[dict]:
        """Every version of a statement, oldest first, with what changed from the one before."""
        current = self.conn.execute(
            "SELECT version, record, changed, updated_at, updated_by FROM statements WHERE id = ?",
            (statement_id,),
        ).fetchone()
        if current is None:
            raise NotFound(f"no statement with id {statement_id!r}")
        rows = self.conn.execute(
            "SELECT version, record, changed, at, by FROM revisions WHERE statement_id = ?"
            " ORDER BY version",
            (statement_id,),
        ).fetchall()
        return [
            {"version": v, "at": at, "by": by, "changed": json.loads(ch), "record": json.loads(r)}
            for v, r, ch, at, by in [*rows, current]
        ]

    def iter_records(self) -> Iterator[dict]:
        """All statements by date then id (undated first), streamed from one query."""
        for (record,) in self.conn.execute(
            "SELECT record FROM statements ORDER BY coalesce(date, ''), id"
        ):
            yield json.loads(record)

    def rows(self, ids: list[str] | None = None) -> Iterator[tuple[dict, int]]:
        """(record, version) of the given statements, or of all of them."""
        if ids is None:
            for record, version in self.conn.execute("SELECT record, version FROM statements"):
                yield json.loads(record), version
            return
        for record, version in list(self._where_id_in("record, version", ids)):
            yield json.loads(record), version

    def languages(self) -> list[str]:
        """Original languages present, most statements first."""
        rows = self.conn.execute(
            "SELECT lang FROM statements GROUP BY lang ORDER BY count(*) DESC, lang"
        )
        return [r[0] for r in rows]

    def statements_of(self, speaker_id: str, *, limit: int, offset: int = 0) -> list[dict]:
        """A speaker's statements, newest first (undated last)."""
        rows = self.conn.execute(
            "SELECT record FROM statements WHERE speaker_id = ?"
            " ORDER BY date IS NULL, date DESC, id LIMIT ? OFFSET ?",
            (speaker_id, limit, offset),
        )
        return [json.loads(r[0]) for r in rows]

    def roles_of(self, speaker_id: str) -> list[str]:
        """The roles a speaker has been quoted in, most recent first."""
        rows = self.conn.execute(
            "SELECT json_extract(record, '$.role') AS role, max(coalesce(date, '')) AS last"
            " FROM statements WHERE speaker_id = ? AND role IS NOT NULL"
            " GROUP BY role ORDER BY last DESC, role",
            (speaker_id,),
        )
        return [r[0] for r in rows]

    def statement_ids_of(self, speaker_ids: Iterable[str]) -> list[str]:
        out: list[str] = []
        for sid in speaker_ids:
            rows = self.conn.execute("SELECT id FROM statements WHERE speaker_id = ?", (sid,))
            out.extend(r[0] for r in rows)
        return out

    def count(self, speaker_id: str | None = None) -> int:
        """How many statements, of one speaker or of all."""
        if speaker_id is None:
            return self.conn.execute("SELECT count(*) FROM statements").fetchone()[0]
        return self.conn.execute(
            "SELECT count(*) FROM statements WHERE speaker_id = ?", (speaker_id,)
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
        }


def _locate(err: RecordError, where: RecordError | None) -> RecordError:
    if where is None:
        return err
    return err.located(where.source, where.line, where.item)


def _speaker_key(given: dict | str) -> Any:
    if isinstance(given, str):
        return given
    names = given.get("name", {})
    return (given.get("id"), tuple(names.items()), given.get("reading"),
            tuple(given.get("aliases", ())))  # fmt: skip
