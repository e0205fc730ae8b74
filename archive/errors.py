"""Errors that carry where bad input came from, so every message can name file, line and field."""

from __future__ import annotations


class ArchiveError(Exception):
    """A failure the user can act on; the CLI prints it as one sentence (exit 1)."""


class RecordError(ArchiveError):
    """One bad input record: knows the field, and (once read from a file) where it was.

    The CLI turns it into exit status 2, because the fix is in the user's input.
    """

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        source: str | None = None,
        line: int | None = None,
        item: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.source = source
        self.line = line
        self.item = item

    def located(
        self, source: str | None, line: int | None = None, item: int | None = None
    ) -> RecordError:
        """Return a copy that also says where the record was read from."""
        return RecordError(self.message, self.field, source=source, line=line, item=item)

    def where(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"array index {self.item}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        field = f"field '{self.field}': " if self.field else ""
        return f"{where + ': ' if where else ''}{field}{self.message}"


class NotFound(ArchiveError):
    """An id that the archive does not hold."""
