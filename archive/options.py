"""How one write may change the archive: the one options object every door's change carries.

The core fills it from who is writing (their role) and what they said (flags, checkboxes, JSON
fields); the store obeys it. No door passes loose keyword arguments: a new rule is a new field
here, decided once in the core (core/rules.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class ImportOptions:
    skip_invalid: bool = False  # keep the valid records, list the rest
    allow_duplicates: bool = False  # add a statement that repeats an archived one
    allow_reattribution: bool = False  # let a record give an archived statement to another
    rename_speakers: bool = False  # let a speaker object change a name a speaker has
    # Apply a record even where it is based on an older version than the archived one, or
    # repeats an earlier version: a deliberate change (an edit), not an old copy read again.
    overwrite: bool = False
    skip_conflicts: bool = False  # conflicts are listed but do not fail the command
    new_speaker: bool = False  # the writer says a name that resolves to nobody exactly is new
    create_unknown_speakers: bool = True  # a name that means nobody at all makes a speaker
    only_new: bool = False  # never change an archived statement (adding, contributors)
    change_speakers: bool = True  # may add names or aliases to an archived speaker
    set_verdicts: bool = True  # may set a status other than unverified, or who really said it
    reason: str | None = None  # why, kept with each change
    based_on: Mapping[str, int] | None = None  # id -> the version a change was based on
    # Which archived speakers a name may mean by the search's looser rules (family name,
    # reading, alias, variant spelling, other script): ids. Set by the core.
    similar_speakers: Callable[[str], list[str]] | None = field(default=None, compare=False)

    def but(self, **changes: object) -> ImportOptions:
        return replace(self, **changes)  # type: ignore[arg-type]
