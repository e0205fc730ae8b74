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
        part: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.source = source
        self.line = line
        self.item = item
        self.part = part  # a place a source format names: "cue 12", "speechRecord 3 (…)"

    def located(
        self,
        source: str | None,
        line: int | None = None,
        item: int | None = None,
        part: str | None = None,
    ) -> RecordError:
        """Return a copy (of the same kind, with what it carries) that also says where the
        record was read from."""
        out = self.__class__.__new__(self.__class__)
        out.__dict__.update(self.__dict__)
        out.args = self.args
        out.source, out.line, out.item, out.part = source, line, item, part
        return out

    def where(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"array index {self.item}")
        if getattr(self, "part", None):
            parts.append(self.part)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        field = f"field '{self.field}': " if self.field else ""
        return f"{where + ': ' if where else ''}{field}{self.message}"


class NotFound(ArchiveError):
    """An id that the archive does not hold."""


class EditConflict(ArchiveError):
    """The statement changed since the version a change was based on: nothing was saved."""

    def __init__(self, statement_id: str, based_on: int | None, current: int | None) -> None:
        super().__init__(
            f"{statement_id} was changed by someone else (version {current}) after the"
            f" version this edit is based on ({based_on}); nothing was saved"
        )
        self.statement_id, self.based_on, self.current = statement_id, based_on, current


class Exists(ArchiveError):
    """A new statement was sent with the id of an archived one: adding never overwrites."""

    def __init__(self, statement_id: str, version: int) -> None:
        super().__init__(
            f"{statement_id} exists already (version {version}); adding never replaces a"
            f' statement: change it with PATCH and If-Match: "{version}" (the web: Edit; the'
            " command line: import a record based on that version), or propose a correction"
        )
        self.statement_id, self.version = statement_id, version


class Forbidden(ArchiveError):
    """The actor's role does not allow this change (web and API: 403); nothing was changed."""

    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message)
        self.action = action


class SpeakerUnclear(RecordError):
    """A speaker named on a write that is not exactly one archived speaker: the writer must
    choose one of `candidates` (by id) or say that it is a new speaker."""

    def __init__(self, message: str, field: str, name: str, candidates: list[dict]) -> None:
        super().__init__(message, field)
        self.name = name
        self.candidates = candidates  # [{"id": …, "name": display name}]
