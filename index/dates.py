"""Dates as people type them into a search: 2025-08-23, 2025/08/23, 2025.8.23, 2025年8月23日,
2025年8月, 令和7年8月23日, 平成元年, 二〇二五年八月, full-width digits — each to the ISO form
(2025-08-23, 2025-08, 2025) that filters use. Records themselves keep strict ISO dates."""

from __future__ import annotations

import re

from .folding import fold_chars

# First year of each era (Gregorian), for 令和7年 = 2025.
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867,
        "R": 2018, "H": 1988, "S": 1925}  # fmt: skip
_KANJI = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}  # fmt: skip
_NUMBER = r"[0-9〇零一二三四五六七八九十百千]+|元"
_JAPANESE = re.compile(
    rf"^(?:(?P<era>令和|平成|昭和|大正|明治)\s*)?(?P<y>{_NUMBER})\s*年"
    rf"(?:\s*(?P<m>{_NUMBER})\s*月(?:\s*(?P<d>{_NUMBER})\s*日)?)?$"
)
_SEPARATED = re.compile(
    r"^(?:(?P<era>[RHS])\.?)?(?P<y>\d{1,4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?$"
)


def _number(text: str) -> int:
    """二〇二五 → 2025, 二十三 → 23, 元 → 1, 23 → 23."""
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if "十" not in text and "百" not in text and "千" not in text:
        return int("".join(str(_KANJI[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI:
            current = _KANJI[ch]
        else:
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
    return total + current


def typed_date(text: str) -> str:
    """The ISO form of a date typed as above; the text unchanged if it is none of them (the
    caller's strict check then says what is wrong)."""
    value = fold_chars(text.strip())
    m = _JAPANESE.match(value) or _SEPARATED.match(value)
    if m is None:
        return text
    try:
        year = _number(m.group("y"))
        month = _number(m.group("m")) if m.group("m") else None
        day = _number(m.group("d")) if m.group("d") else None
    except (KeyError, ValueError):
        return text
    if m.group("era"):
        year += ERAS[m.group("era")]
    elif year < 100 and m.re is _SEPARATED:
        return text  # 25/8/23: which century? say it is not a date
    parts = [f"{year:04d}"]
    if month is not None:
        parts.append(f"{month:02d}")
    if day is not None:
        parts.append(f"{day:02d}")
    return "-".join(parts)
