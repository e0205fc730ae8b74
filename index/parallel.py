"""Text analysis of documents to index, done on the other cores while Whoosh's writer (which
must stay in one process) indexes what they return.

Analysing text (SudachiPy and our filters) is about half of building an index. A worker turns
each document's text fields into their lists of terms; Whoosh indexes a list as the analysed
tokens of the field, positions in order, so the postings are the ones the analyzers would
have given in the writer's own process (tests/test_writer.py builds both ways and compares).
The same pass finds where each long text's sentences start (sentences.py), which the writer
stores with the document.

Workers are fresh processes (`python -m hatsugen.index.parallel`) fed chunks of documents
through their stdin and answering on their stdout, not multiprocessing's: a forked worker
copies the writer's heap as it runs (an import's, after its store stage: 80 MB more at 100k
statements), a fork of a server with threads can inherit a held lock, and multiprocessing's
spawn runs the caller's main script again. The price is a start of about half a second.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import chain, islice
from typing import IO, Any, ClassVar

from whoosh.fields import TEXT

from hatsugen.archive.errors import ArchiveError

from .schema import TEXT_FIELDS, build_schema
from .sentences import WHOLE_TEXT_CHARS, Starts, terms_and_starts
from .settings import whole_number_from_env

MIN_DOCS = 5_000  # fewer: starting a worker (~0.5 s) costs more than it saves
CHUNK = 100  # documents a worker analyses per task
IN_FLIGHT = 8  # chunks handed out ahead of the writer, per worker: bounded memory
_LENGTH = struct.Struct("<Q")


def workers_from_env() -> int:
    """$HATSUGEN_INDEX_WORKERS, default one less than the cores (the writer keeps one);
    0 analyses in the writer's process."""
    return whole_number_from_env(
        "HATSUGEN_INDEX_WORKERS", max(0, (os.cpu_count() or 1) - 1), 0, 256
    )


def analysed(docs: Iterable[dict], workers: int | None = None) -> Iterator[dict]:
    """`docs` in the same order, their text fields analysed (and their sentence starts
    found) by worker processes when there are many documents and a core to spare; otherwise
    here, in this process."""
    workers = workers_from_env() if workers is None else workers
    it = iter(docs)
    head = list(islice(it, MIN_DOCS))
    if workers < 1 or len(head) < MIN_DOCS:
        for chunk in chunked(chain(head, it), CHUNK):
            yield from _analyse_chunk(chunk)
        return
    pool = [_Worker() for _ in range(workers)]
    finished = False
    try:
        pending: deque[_Worker] = deque()  # whose answer comes next, in the documents' order
        chunks = chunked(chain(head, it), CHUNK)
        del head
        for i, chunk in enumerate(chunks):
            worker = pool[i % workers]
            worker.send(chunk)
            pending.append(worker)
            if len(pending) >= IN_FLIGHT * workers:
                yield from pending.popleft().receive()
        while pending:
            yield from pending.popleft().receive()
        finished = True
    finally:
        for worker in pool:
            worker.close(finished)


class _Worker:
    """One analysis process: chunks go to its stdin from a thread of their own (so a full
    pipe never blocks the writer), answers are read in the order the chunks were sent."""

    COMMAND: ClassVar[tuple[str, ...]] = (sys.executable, "-m", "hatsugen.index.parallel")

    def __init__(self) -> None:
        # Its errors go to a file, not a pipe, which could fill up; closed in close().
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            list(self.COMMAND), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors
        )
        self._inbox: queue.Queue[list[dict] | None] = queue.Queue()
        self._feeder = threading.Thread(target=self._feed, daemon=True)
        self._feeder.start()

    def send(self, chunk: list[dict]) -> None:
        self._inbox.put(chunk)

    def receive(self) -> list[dict]:
        found = _read(self.process.stdout)  # type: ignore[arg-type]
        if found is None:
            self.process.wait()
            self._errors.seek(0)
            error = self._errors.read().decode(errors="replace").strip()[-500:]
            raise ArchiveError(
                f"an analysis worker stopped (exit {self.process.returncode}): {error}"
            )
        return found

    def _feed(self) -> None:
        stdin = self.process.stdin
        # OSError: the worker died, which receive() reports.
        with contextlib.suppress(OSError):
            while (chunk := self._inbox.get()) is not None:
                _write(stdin, chunk)  # type: ignore[arg-type]
        with contextlib.suppress(OSError):
            stdin.close()  # type: ignore[union-attr]

    def close(self, finished: bool) -> None:
        """End the worker: at the end of its input when every answer was read, at once when
        the build stopped half-way (its answers would fill a pipe nobody reads)."""
        if not finished:
            self.process.kill()
        self._inbox.put(None)
        self._feeder.join()
        self.process.wait()
        self.process.stdout.close()  # type: ignore[union-attr]
        self._errors.close()


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`items` as lists of `size` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _write(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    """The next pickled value, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None


@cache
def _analyzers() -> dict[str, Any]:
    return {name: field.analyzer for name, field in build_schema().items()
            if isinstance(field, TEXT)}  # fmt: skip


def _analyse_chunk(docs: list[dict]) -> list[dict]:
    """Each text field as its list of terms, and where the sentences of a long text field
    start (the stored field `sentences`, see sentences.py)."""
    analyzers = _analyzers()
    for doc in docs:
        starts: Starts = {}
        for name, value in doc.items():
            if name in analyzers and isinstance(value, str):
                # As Whoosh's Positions format asks when it indexes a field.
                long = name in TEXT_FIELDS and len(value) > WHOLE_TEXT_CHARS
                tokens = analyzers[name](value, positions=True, boosts=True, chars=long,
                                         mode="index")  # fmt: skip
                if long:
                    doc[name], starts[name] = terms_and_starts(tokens, value)
                else:
                    doc[name] = [t.text for t in tokens if not t.stopped]
        if starts:
            doc["sentences"] = starts
    return docs


def _serve() -> None:
    """A worker's life: chunks in, the same chunks analysed out, until its input ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (chunk := _read(stdin)) is not None:
        _write(stdout, _analyse_chunk(chunk))


if __name__ == "__main__":
    _serve()
