"""Abbreviations and names that mean the same thing, in Japanese and English, applied to the
query only: a word of a group is searched as any word of its group, so the table can grow
without rebuilding the index.

A query word (or a quoted phrase, or consecutive words) that is a whole member of a group is
replaced by the group, each member a phrase: `AI` searches ("AI" OR "人工知能" OR "artificial
intelligence"). A member inside a longer Japanese word (人工知能研究) is left alone.

Only unambiguous abbreviations are listed: WHO, IT and US are also ordinary English words.
SudachiDict's synonym dictionary (chikkarpy) was the first choice; its package does not build
with current setuptools (it imports pkg_resources), and it has no English members.
"""

from __future__ import annotations

import re
from functools import cache

from .folding import fold_chars

GROUPS: list[list[str]] = [
    ["AI", "人工知能", "artificial intelligence"],
    ["TPP", "環太平洋パートナーシップ", "環太平洋パートナーシップ協定", "環太平洋経済連携協定",
     "Trans-Pacific Partnership"],
    ["EU", "欧州連合", "European Union"],
    ["UN", "国連", "国際連合", "United Nations"],
    ["NATO", "北大西洋条約機構", "North Atlantic Treaty Organization"],
    ["ASEAN", "東南アジア諸国連合", "Association of Southeast Asian Nations"],
    ["APEC", "アジア太平洋経済協力", "Asia-Pacific Economic Cooperation"],
    ["IAEA", "国際原子力機関", "International Atomic Energy Agency"],
    ["IMF", "国際通貨基金", "International Monetary Fund"],
    ["WTO", "世界貿易機関", "World Trade Organization"],
    ["OECD", "経済協力開発機構", "Organisation for Economic Co-operation and Development"],
    ["GDP", "国内総生産", "gross domestic product"],
    ["ODA", "政府開発援助", "official development assistance"],
    ["SDGs", "持続可能な開発目標", "Sustainable Development Goals"],
    ["PKO", "国連平和維持活動", "peacekeeping operations"],
    ["DX", "デジタルトランスフォーメーション", "digital transformation"],
    ["NPT", "核拡散防止条約", "核兵器不拡散条約", "Non-Proliferation Treaty"],
    ["ICBM", "大陸間弾道ミサイル", "intercontinental ballistic missile"],
    ["EEZ", "排他的経済水域", "exclusive economic zone"],
    ["COVID-19", "新型コロナウイルス感染症", "新型コロナ"],
]  # fmt: skip


def _key(text: str) -> str:
    return " ".join(fold_chars(text).casefold().split())


@cache
def _index() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for group in GROUPS:
        for member in group:
            out[_key(member)] = group
    return out


LONGEST = max(len(m.split()) for g in GROUPS for m in g)
# A quoted phrase, or a run of characters that are not space, quote or parenthesis.
_PIECE = re.compile(r'"[^"]*"|[^\s"()]+')
_SYNTAX = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


def expand(q: str) -> str:
    """The query with every whole member of a group replaced by the whole group."""
    pieces = list(_PIECE.finditer(q))
    out, at, i = [], 0, 0
    while i < len(pieces):
        found = None
        for n in range(min(LONGEST, len(pieces) - i), 0, -1):
            run = pieces[i : i + n]
            if any(p.group() in _SYNTAX or ":" in p.group() for p in run):
                continue
            if n > 1 and any(p.group().startswith('"') for p in run):
                continue
            words = " ".join(p.group().strip('"') for p in run)
            if group := _index().get(_key(words)):
                found = (n, group)
                break
        if found is None:
            i += 1
            continue
        n, group = found
        out.append(q[at : pieces[i].start()])
        out.append("(" + " OR ".join(f'"{m}"' for m in group) + ")")
        at = pieces[i + n - 1].end()
        i += n
    out.append(q[at:])
    return "".join(out)
