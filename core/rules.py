"""Who may change what: the one table of roles, and the actor every change carries.

Every write reaches the core with an actor (who, and with which role). The core alone decides
with `check` and `restricted`; the command line, the web and the API only say who is asking.
The command line is the home's owner (admin); web and API users have their account's role.
docs/web.md shows this table; a test keeps the two the same.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from hatsugen.archive.accounts import RANK
from hatsugen.archive.errors import Forbidden
from hatsugen.archive.options import ImportOptions

# action: (the least role that may do it, what it is)
ACTIONS: dict[str, tuple[str, str]] = {
    "add": ("contributor", "add a new statement (a contributor's starts unverified)"),
    "save_extraction": ("contributor", "save reviewed extraction candidates as new statements"),
    "propose": ("contributor", "propose a correction for an editor to accept or reject"),
    "edit": ("editor", "change an archived statement (with a reason and its base version)"),
    "import": ("editor", "import files: add statements and update archived ones"),
    "verify": ("editor", "set an attribution status, evidence, who really said it"),
    "retract": ("editor", "retract or restore a statement"),
    "decide": ("editor", "accept or reject a proposal"),
    "edit_speakers": ("editor", "add or change an archived speaker's names or aliases"),
    "merge_speakers": ("editor", "merge two speakers, or undo a merge"),
    "accounts": ("admin", "add accounts, set roles and passwords, issue API tokens"),
}


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the name revisions record, and the role that decides what they
    may do."""

    name: str
    role: str

    @classmethod
    def local(cls, command: str) -> Actor:
        """The command line: the home's owner, recorded as the command and the OS user."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(f"{command} ({user})", "admin")

    def may(self, action: str) -> bool:
        return RANK.get(self.role, 0) >= RANK[ACTIONS[action][0]]


def check(actor: Actor, action: str) -> None:
    """Forbidden, saying what and why, unless the actor's role allows `action`."""
    if not actor.may(action):
        least, what = ACTIONS[action]
        raise Forbidden(f"to {what} needs the {least} role; you are {actor.role}", action)


def restricted(actor: Actor, options: ImportOptions) -> ImportOptions:
    """The options a write may use, given who makes it: what the role does not allow is
    refused by the store (Forbidden), never quietly done."""
    return options.but(
        only_new=options.only_new or not actor.may("edit"),
        change_speakers=options.change_speakers and actor.may("edit_speakers"),
        set_verdicts=options.set_verdicts and actor.may("verify"),
        allow_reattribution=options.allow_reattribution and actor.may("edit"),
        rename_speakers=options.rename_speakers and actor.may("edit_speakers"),
        overwrite=options.overwrite and actor.may("edit"),
    )


def table_rows() -> list[tuple[str, str, str]]:
    """(action, least role, what) for the docs."""
    return [(action, least, what) for action, (least, what) in ACTIONS.items()]
