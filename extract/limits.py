"""Limits that keep extraction linear on any pasted text, and its time budget."""

from __future__ import annotations

import time
from collections.abc import Callable

from hatsugen.archive.errors import ArchiveError

# Every pattern here runs on pasted text, so none may backtrack more than a bounded amount:
# attributions are looked for within WINDOW characters of their quote, embed signatures only
# on short lines, and trailing links are taken off token by token instead of by one pattern
# with nested repetition (which took minutes on "http://http://…").
WINDOW = 400

MAX_SIGNATURE = 300


class ExtractionTooSlow(ArchiveError):
    """An article took longer than its time budget: the caller answers clearly, never hangs."""


def deadline(budget: float | None) -> Callable[[], None]:
    """A check to call as work goes on; raises ExtractionTooSlow once `budget` s have passed."""
    if budget is None:
        return lambda: None
    end = time.monotonic() + budget

    def check() -> None:
        if time.monotonic() > end:
            raise ExtractionTooSlow(
                f"the article took longer than {budget:g} s to analyse; paste a shorter part"
            )

    return check
