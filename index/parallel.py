"""Text analysis of documents to index, done on the other cores while Whoosh's writer (which
must stay in one process) indexes what they return.

Analysing text (SudachiPy and our filters) is about half of building an index. A worker turns
each document's text fields into their lists of terms; Whoosh indexes a list as the analysed
tokens of the field, positions in order, so the postings are the ones the analyzers would
have given in the writer's own process (tests/test_writer.py builds both ways and compares).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import chain, islice
from typing import Any

from whoosh.fields import TEXT

from .schema import build_schema

MIN_DOCS = 5_000  # fewer: starting a worker (~0.5 s) costs more than it saves
CHUNK = 100  # documents a worker analyses per task
IN_FLIGHT = 8  # chunks handed out ahead of the writer, per worker: bounded memory


def workers_from_env() -> int:
    """$HATSUGEN_INDEX_WORKERS, default one less than the cores (the writer keeps one);
    0 analyses in the writer's process."""
    value = os.environ.get("HATSUGEN_INDEX_WORKERS")
    if value is not None and value.strip():
        return max(0, int(value))
    return max(0, (os.cpu_count() or 1) - 1)


def analysed(docs: Iterable[dict], workers: int | None = None) -> Iterator[dict]:
    """`docs` in the same order, their text fields analysed by worker processes when there
    are many documents and a core to spare; otherwise as they are (the writer analyses)."""
    workers = workers_from_env() if workers is None else workers
    it = iter(docs)
    head = list(islice(it, MIN_DOCS))
    if workers < 1 or len(head) < MIN_DOCS or not _can_fork():
        yield from head
        yield from it
        return
    _return_free_memory()  # before the fork: the workers start from the smaller heap
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        chunks = _chunked(chain(head, it))
        del head
        for chunk in chunks:
            pending.append(pool.apply_async(_analyse_chunk, (chunk,)))
            if len(pending) >= IN_FLIGHT * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _can_fork() -> bool:
    """Workers are forked (a spawned one would run the caller's main script again), and only
    from a process with no other thread, which could hold a lock (SudachiPy's, ours, the
    logging module's) at the moment of the fork and leave it held in the worker forever: a
    server analyses in its own process. Linux only; macOS advises against fork."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _return_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's malloc_trim). An import's
    store stage leaves ~90 MB of freed but fragmented heap at 100k statements, which the
    process and its forked workers would otherwise carry through the whole index build."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _chunked(docs: Iterator[dict]) -> Iterator[list[dict]]:
    while chunk := list(islice(docs, CHUNK)):
        yield chunk


@cache
def _analyzers() -> dict[str, Any]:
    return {name: field.analyzer for name, field in build_schema().items()
            if isinstance(field, TEXT)}  # fmt: skip


def _analyse_chunk(docs: list[dict]) -> list[dict]:
    analyzers = _analyzers()
    for doc in docs:
        for name, value in doc.items():
            if name in analyzers and isinstance(value, str):
                # As Whoosh's Positions format asks when it indexes a field.
                tokens = analyzers[name](value, positions=True, boosts=True, mode="index")
                doc[name] = [t.text for t in tokens if not t.stopped]
    return docs
