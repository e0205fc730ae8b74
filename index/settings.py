"""Numbers read from the environment ($HATSUGEN_…): a clear error naming the setting, never a
traceback, when one is not what it must be."""

from __future__ import annotations

import os

from hatsugen.archive.ascii import whole_number
from hatsugen.archive.errors import ArchiveError


def seconds_from_env(name: str, default: float) -> float:
    """A number of seconds from the environment; a clear error (not a traceback) if not one."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw) if raw.strip().isascii() else -1.0  # float() reads "٣" as 3
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ArchiveError(f"{name} must be a number of seconds (such as 10), not {raw[:40]!r}")
    return value


def whole_number_from_env(
    name: str, default: int, lo: int, hi: int | None = None, unit: str = ""
) -> int:
    """A whole number from `lo` (to `hi`) from the environment, `default` when unset or empty;
    `unit` ("of megabytes") is said in the error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = whole_number(raw)  # ASCII digits: "²" passes isdigit() and then breaks int()
    if value is None or value < lo or (hi is not None and value > hi):
        span = f"from {lo}" + (f" to {hi}" if hi is not None else "")
        raise ArchiveError(f"{name} must be a whole number{unit} {span}, not {raw[:40]!r}")
    return value
