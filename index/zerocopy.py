"""Whoosh reads a memory-mapped index segment without copying it.

Whoosh's BufferFile wraps each file of a compound segment (a memoryview of the mmap) in
`io.BytesIO(buf)`, which copies the whole buffer: every searcher held a private copy of the
segment, 169 MB at 100,000 statements, once per searcher and per worker process. The reader
below reads the memoryview in place, so the pages stay the operating system's, shared by every
searcher and process. BufferFile's own `get` and `get_array` already slice the buffer; only
the sequential reads (`read`, `readline`, `seek`, `tell`) went through the copy.
"""

from __future__ import annotations

from typing import Any

from whoosh.filedb import structfile


class MemoryReader:
    """A read-only file over a buffer, without copying it."""

    def __init__(self, buf: Any) -> None:
        self._buf = memoryview(buf)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(self._pos + size, len(self._buf))
        out = self._buf[self._pos : end].tobytes()
        self._pos = end
        return out

    def readline(self, size: int = -1) -> bytes:
        limit = (
            len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        )
        start = self._pos
        while start < limit:  # look for the newline a page at a time, not in a copy of the rest
            chunk = self._buf[start : min(start + 4096, limit)].tobytes()
            at = chunk.find(b"\n")
            if at >= 0:
                return self.read(start + at + 1 - self._pos)
            start += len(chunk)
        return self.read(limit - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = memoryview(b"")

    def __iter__(self) -> Any:
        while line := self.readline():
            yield line


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = MemoryReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's BufferFile read its buffer in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
