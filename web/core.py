"""The one object that composes the store and the index; the CLI and the web app both use it.

Writes go to the store first (the truth), then to the index; reads come from the index, then
full records from the store. Keeping both behind one object is what stops the faces drifting.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from archive import ImportReport, NotFound, Store
from archive.demo import DEMO_PATH
from archive.formats import full_record, read_records, write_export
from archive.store import Located

from .home import resolve_home

DB_NAME = "archive.sqlite3"


def actor(command: str) -> str:
    """Who made a change, for revisions: the command and the OS user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{command} ({user})"


class Hatsugen:
    """An archive home: its store and (from the search issue on) its index."""

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = resolve_home(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.home / DB_NAME)

    def close(self) -> None:
        self.store.close()

    # -- writes ------------------------------------------------------------------------------
    def import_located(
        self, records: Iterable[Located], *, by: str, skip_invalid: bool = False
    ) -> ImportReport:
        return self.store.import_records(records, by=by, skip_invalid=skip_invalid)

    def import_files(
        self,
        paths: Iterable[str],
        *,
        by: str,
        skip_invalid: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import every file in one transaction: all of them or (on a bad record) none."""
        records = (r for path in paths for r in read_records(path, progress))
        return self.import_located(records, by=by, skip_invalid=skip_invalid)

    def add(self, record: dict, *, by: str) -> str:
        """Store one statement; return its id (new, or the existing one it updated)."""
        return self.import_located([(record, None)], by=by).ids[0]

    def load_demo(self, *, by: str) -> ImportReport | None:
        """Load the embedded demo archive if (and only if) this home is empty."""
        if self.store.count():
            return None
        return self.import_files([str(DEMO_PATH)], by=by)

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

    def stats(self) -> dict:
        return self.store.stats()

    def export(self, out: IO[str], fmt: str = "json") -> int:
        return write_export(self.store, out, fmt)


__all__ = ["Hatsugen", "NotFound", "actor"]
