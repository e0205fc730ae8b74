"""The Whoosh index on disk: one writer at a time, readers never blocked, atomic rebuilds.

Layout of the index folder: `CURRENT` names the live Whoosh directory (`ix-N`); `write.lock`
serialises writers (ours, with a bounded wait and a clear message, instead of Whoosh's bare
LockError). A rebuild writes a fresh `ix-N+1` and then swaps `CURRENT`, so searches keep
working on the old index until the new one is complete.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from hatsugen.archive.errors import ArchiveError

from . import zerocopy
from .parallel import analysed
from .schema import INDEX_FORMAT, build_schema
from .scoring import ListLengthBM25F
from .settings import seconds_from_env, whole_number_from_env
from .writer import FastWriter

zerocopy.install()  # searchers share the mmapped segment instead of each copying it

FORMAT_FILE = "hatsugen-format"  # inside each ix-N: the INDEX_FORMAT it was built with


class IndexBusy(ArchiveError):
    """Another process held the index's write lock for longer than we wait."""


class ReindexRunning(ArchiveError):
    """Another process is rebuilding the index."""


class IndexUnreadable(ArchiveError):
    """The live index's files cannot be read (a damaged table of contents, say): it is
    derived data, rebuilt from the store by `check --repair` or the next search."""

    def __init__(self, folder: Path, why: str) -> None:
        self.reason = f"cannot be read ({why})"
        super().__init__(f"the search index in {folder} {self.reason}")


def writer_mb() -> int:
    """Postings the writer holds in memory before spilling a run to disk ($HATSUGEN_WRITER_MB,
    as the pool estimates the Python objects it holds). 64 MB by default: reindexing 100k
    Diet paragraphs peaks at 407 MB (writer and analysis worker, PSS); 128 used more and was
    no faster."""
    return whole_number_from_env("HATSUGEN_WRITER_MB", 64, 8, 65_536, " of megabytes")


def lock_timeout() -> float:
    """How long a writer that must have the index waits for it (reindex's final swap, repair)."""
    return seconds_from_env("HATSUGEN_INDEX_LOCK_TIMEOUT", 120.0)


@contextmanager
def _flock(path: Path, timeout: float) -> Iterator[bool]:
    """An exclusive advisory lock on `path`, waited for up to `timeout` s; yields whether got.

    The kernel releases it when the process dies, so a killed writer never leaves it held.
    """
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SearchIndex:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise ArchiveError(
                f"{self.folder} is a file, but hatsugen keeps its search index there: move the"
                " file away, and the next command rebuilds the index from the archive"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        self._ix: Index | None = None

    # -- where the live index is -----------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            name = (self.folder / "CURRENT").read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
            return None
        return name if name.startswith("ix-") and name[3:].isdigit() else None

    def _set_current(self, name: str) -> None:
        tmp = self.folder / "CURRENT.tmp"
        tmp.write_text(name + "\n", encoding="ascii")
        os.replace(tmp, self.folder / "CURRENT")

    def open(self, *, locked: bool = False) -> Index:
        """The live index (created empty on first use); reopened after a rebuild swapped it.

        `locked` says the caller already holds the write lock.
        """
        name = self.current_name()
        if name is None or not self._present(name):
            if locked:
                name = self._create_empty()
            else:
                with self.write_lock():
                    return self.open(locked=True)
        ix = self._ix
        if ix is None or ix.hatsugen_name != name:
            ix = whoosh_index.open_dir(str(self.folder / name))
            ix.hatsugen_name = name  # which ix-N this is (threads may swap self._ix meanwhile)
            self._ix = ix
        return ix

    def _create_empty(self) -> str:
        name = self._new_folder()
        _create(self.folder / name)
        self._set_current(name)
        return name

    def format_current(self) -> bool:
        """Whether the live index was built with this version's schema and analysis."""
        name = self.current_name()
        try:
            if name is None or not self._present(name):
                return True  # nothing built yet: the first writer creates it in this format
        except IndexUnreadable:
            return True  # not a question of format: `exists` and `check` say what is wrong
        try:
            built = (self.folder / name / FORMAT_FILE).read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return False
        return built == str(INDEX_FORMAT)

    def _new_folder(self) -> str:
        """Reserve the next `ix-N` (mkdir is atomic, so two processes never share one)."""
        while True:
            numbers = [int(p.name[3:]) for p in self.folder.glob("ix-*") if p.name[3:].isdigit()]
            name = f"ix-{max(numbers, default=0) + 1}"
            try:
                (self.folder / name).mkdir()
                return name
            except FileExistsError:
                continue

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Wait (bounded) for the one writer's lock; IndexBusy with a clear message if not."""
        timeout = lock_timeout() if timeout is None else timeout
        with _flock(self.folder / "write.lock", timeout) as got:
            if not got:
                raise IndexBusy(
                    f"the search index in {self.folder} is busy: another hatsugen"
                    f" command has been writing to it for {timeout:.0f} s"
                )
            yield

    @contextmanager
    def reindex_lock(self) -> Iterator[None]:
        """One rebuild at a time; a second one is told that the first one covers it."""
        with _flock(self.folder / "reindex.lock", 0) as got:
            if not got:
                raise ReindexRunning(
                    "another `hatsugen reindex` is running; it takes in every change made"
                    " meanwhile, so this one is not needed"
                )
            yield

    def exists(self) -> bool:
        """Whether a live index is there (CURRENT naming a folder with an index in it);
        IndexUnreadable if it is there but cannot be read."""
        name = self.current_name()
        return name is not None and self._present(name)

    def _present(self, name: str) -> bool:
        try:
            return whoosh_index.exists_in(self.folder / name)
        except Exception as err:  # Whoosh reports a damaged TOC with whatever it hits
            raise IndexUnreadable(self.folder, f"{type(err).__name__}: {str(err)[:200]}") from None

    def ever_built(self) -> bool:
        """Whether an index was ever made here (else a missing one is simply not built yet)."""
        return (self.folder / "CURRENT").exists() or any(self.folder.glob("ix-*"))

    def orphans(self) -> list[str]:
        """Index folders that nothing uses (a killed rebuild's), while no rebuild runs."""
        with _flock(self.folder / "reindex.lock", 0) as free:
            if not free:
                return []
            live = self.current_name()
            return sorted(p.name for p in self.folder.glob("ix-*") if p.name != live)

    def clear_orphans(self) -> bool:
        """With no rebuild running, remove index folders nothing uses (a killed rebuild's).

        Call with the write lock held; False (nothing done) while a rebuild runs.
        """
        with _flock(self.folder / "reindex.lock", 0) as free:
            if not free:
                return False
            live = self.current_name()
            for folder in self.folder.glob("ix-*"):
                if folder.name != live:
                    shutil.rmtree(folder, ignore_errors=True)
            return True

    def write(self, upserts: Iterable[dict], deletes: Iterable[str] = ()) -> int:
        """Add or replace documents (by id) and delete ids in the live index, one commit."""
        with self.write_lock():
            return self.write_locked(upserts, deletes)

    def write_locked(
        self, upserts: Iterable[dict], deletes: Iterable[str] = (), name: str | None = None
    ) -> int:
        """`write` for a caller holding the write lock; `name` targets a folder being built.

        One searcher finds every document to replace: Whoosh's update_document opens a new
        reader per document, which at 100k statements made an import of 5,000 take 40 minutes.
        """
        ix = self.open(locked=True) if name is None else self._open_named(name)
        writer = FastWriter(ix, limitmb=writer_mb())
        n = 0
        try:
            with writer.searcher() as existing:
                for statement_id in deletes:
                    for docnum in existing.document_numbers(id=statement_id):
                        writer.delete_document(docnum)
                for doc in analysed(upserts):
                    for docnum in existing.document_numbers(id=doc["id"]):
                        writer.delete_document(docnum)
                    writer.add_document(**doc)
                    n += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

    def build(self, docs: Iterable[dict], progress: Callable[[int], None] | None = None) -> str:
        """Build a complete new index folder beside the live one (no write lock needed)."""
        name = self._new_folder()
        path = self.folder / name
        try:
            ix = _create(path)
            writer = FastWriter(ix, limitmb=writer_mb())
            n = 0
            for doc in analysed(docs):
                writer.add_document(**doc)
                n += 1
                if progress and n % 1000 == 0:
                    progress(1000)
            writer.commit(optimize=True)
            ix.close()
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        if progress:
            progress(n % 1000)
        return name

    def swap_in(self, name: str) -> None:
        """Make a built folder the live index (call with the write lock held)."""
        self._set_current(name)
        # Searchers still open on an old ix-N keep its files (POSIX); new ones read CURRENT.
        for stale in self.folder.glob("ix-*"):
            if stale.name != name:
                shutil.rmtree(stale, ignore_errors=True)

    def _open_named(self, name: str) -> Index:
        ix = whoosh_index.open_dir(str(self.folder / name))
        ix.hatsugen_name = name
        return ix

    # -- reading ---------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """A searcher on the latest committed index; the caller closes it."""
        ix = self.open()
        searcher = ix.searcher(weighting=ListLengthBM25F())
        searcher.hatsugen_ix = ix.hatsugen_name  # which ix-N it reads, for is_current()
        return searcher

    def is_current(self, searcher: Searcher) -> bool:
        """Whether `searcher` reads the live ix-N and still sees its latest commit."""
        return (
            getattr(searcher, "hatsugen_ix", None) == self.current_name() and searcher.up_to_date()
        )

    def stamps(self) -> dict[str, str]:
        """id → stamp for every document in the index (for `check`)."""
        with self.searcher() as s:
            return {f["id"]: f["stamp"] for f in s.all_stored_fields()}


def _create(path: Path) -> Index:
    ix = whoosh_index.create_in(str(path), build_schema())
    (path / FORMAT_FILE).write_text(f"{INDEX_FORMAT}\n", encoding="ascii")
    return ix
