"""Numbers from requests and files read as ASCII digits only.

`str.isdigit()` accepts "²" and `int()` accepts "٢٣": a check with one and a conversion with
the other lets a superscript through to a crash, and other scripts' digits through as numbers
nobody typed on purpose. Every number that comes from outside goes through here.
"""

from __future__ import annotations

import re

_WHOLE = re.compile(r"[0-9]{1,18}", re.ASCII)


def whole_number(text: str | None) -> int | None:
    """The whole number `text` spells in ASCII digits (spaces around allowed), else None."""
    if text is None:
        return None
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None
