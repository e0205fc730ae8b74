#!/usr/bin/env python3
"""Select the real Diet paragraphs of the relevance set (tests/relevance/kokkai.jsonl).

Each group holds paragraphs showing one way Japanese is really written (full-width Ｇ７, kanji
numbers 五兆円, 十八歳, old name forms 柿澤, an abbreviation ＴＰＰ for 環太平洋パートナーシップ …)
and paragraphs that must *not* be found for it (十五兆円, 十八年, 二つ, 京都, 予備費). The
choice is random with a fixed seed, so the fixture can be rebuilt exactly:

    .venv/bin/python scripts/build_relevance_fixture.py   # from ../shared/data

Texts longer than 600 characters are skipped, to keep the fixture small; nothing is changed
in what is kept. The source of every record stays in its `source` (NDL minutes URL).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "relevance" / "kokkai.jsonl"
SEED = 20261125
MAX_CHARS = 600

# (group, how many, pattern on the text or a speaker name with "speaker=")
GROUPS: list[tuple[str, int, str]] = [
    ("g7", 6, r"Ｇ７"),
    ("g20", 3, r"Ｇ(?:20|２０)"),
    ("g8", 2, r"Ｇ８"),
    ("cop", 4, r"ＣＯＰ[０-９0-9]"),
    ("five-trillion", 6, r"(?<![一二三四五六七八九十百千〇])五兆円"),
    ("fifteen-trillion", 3, r"十五兆円"),
    ("fifty-trillion", 2, r"五十兆円"),
    ("age-18", 6, r"(?<![一二三四五六七八九十百千〇])十八歳"),
    ("year-18", 3, r"(?<![一二三四五六七八九十百千〇])十八年"),
    ("year-2018", 3, r"二〇一八年|二千十八年"),
    ("percent-2", 6, r"(?<![一二三四五六七八九十百千〇・．])二％"),
    ("percent-20", 3, r"二〇％"),
    ("percent-word", 1, r"二パーセント"),
    ("two-things", 3, r"二つ"),
    ("session-204", 4, r"第二百四回"),
    ("session-other", 2, r"第二百[一二三五六七八九]回"),
    ("kakizawa-old", 5, r"柿澤"),
    ("kakizawa", 5, r"柿沢"),
    ("sakurada-old", 5, r"櫻田"),
    ("sakurada", 1, r"桜田"),
    ("takaichi", 5, r"高市"),
    ("watanabe", 5, r"渡辺"),
    ("yamazaki", 4, r"山崎"),
    ("okinawa", 5, r"沖縄"),
    ("tpp", 5, r"ＴＰＰ"),
    ("tpp-long", 5, r"環太平洋パートナーシップ"),
    ("ai", 5, r"ＡＩ(?![Ａ-Ｚ])"),
    ("ai-long", 5, r"人工知能"),
    ("aiib", 2, r"ＡＩＩＢ"),
    ("tokyo-to", 5, r"東京都"),
    ("tokyo", 5, r"東京(?!都)"),
    ("kyoto", 3, r"(?<!東)京都"),
    ("defense-spending", 5, r"防衛費"),
    ("reserve-fund", 5, r"予備費"),
    ("consumption-tax", 4, r"消費税"),
    ("security-text", 5, r"安全保障"),
    ("security-event-only", 5, r"event=安全保障"),
    ("children", 4, r"子ども|子供|こども"),
    ("speaker-ishiba", 3, r"speaker=石破茂"),
    ("speaker-suga", 3, r"speaker=菅義偉"),
    ("speaker-kan", 3, r"speaker=菅直人"),
    ("speaker-kanke", 2, r"speaker=菅家一郎"),
    ("speaker-takaichi", 3, r"speaker=高市早苗"),
    ("speaker-kakizawa", 2, r"speaker=柿沢未途"),
    ("speaker-sakurada", 2, r"speaker=櫻田義孝"),
]


def matches(record: dict, pattern: str) -> bool:
    if pattern.startswith("speaker="):
        return record["speaker"]["name"]["ja"] == pattern.removeprefix("speaker=")
    if pattern.startswith("event="):
        word = pattern.removeprefix("event=")
        return word in record.get("event", "") and word not in record["text"]
    return re.search(pattern, record["text"]) is not None


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / (
        "kokkai-paragraphs-100k.jsonl.gz")  # fmt: skip
    with gzip.open(source, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    records = [r for r in records if len(r["text"]) <= MAX_CHARS]
    rng = random.Random(SEED)
    chosen: dict[str, dict] = {}
    for group, count, pattern in GROUPS:
        pool = [r for r in records if r["id"] not in chosen and matches(r, pattern)]
        for r in rng.sample(pool, min(count, len(pool))):
            chosen[r["id"]] = r
        print(f"{group:<22}{len(pool):>6} candidates, {min(count, len(pool))} chosen")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        for r in sorted(chosen.values(), key=lambda r: r["id"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} statements → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
