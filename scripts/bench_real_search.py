#!/usr/bin/env python3
"""Search quality and reindex time on 100,000 real Diet paragraphs (../shared/data).

For each query, three counts:
- hatsugen's total, split into statements that matched in what was said, only in who said it,
  and only in their metadata (role, event, topics);
- a plain-substring yardstick: SQLite FTS5 with the trigram tokenizer over the texts as
  written, asked for the query's literal characters (what a naive full-text search reports);
- a careful reader's count: a regular expression on the texts for what the query means (the
  number however it is written, the name in any of its forms), as judged in tests/relevance.

Where hatsugen differs from the substring count, the reader's count says which is right.

    .venv/bin/python scripts/bench_real_search.py --home /tmp/kokkai-home   # imports once
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.archive.options import ImportOptions  # noqa: E402
from hatsugen.core import Actor, Hatsugen  # noqa: E402
from hatsugen.index.query import SearchRequest  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "kokkai-paragraphs-100k.jsonl.gz"
N = r"(?<![一二三四五六七八九十百千〇０-９0-9・．.])"
# query → (literal for the substring yardstick, what it means as a regex on the text)
QUERIES: dict[str, tuple[str, str]] = {
    "G7": ("G7", r"[GＧ][7７](?![0-9０-９])"),
    "COP26": ("COP26", r"[CＣ][OＯ][PＰ][2２][6６]|ＣＯＰ２６"),
    "5兆円": ("5兆円", N + r"(?:五|5|５)兆円"),
    "18歳": ("18歳", N + r"(?:十八|18|１８)歳"),
    "2%": ("2%", N + r"(?:二|2|２)(?:％|%|パーセント)"),
    "第204回国会": ("第204回国会", r"第(?:二百四|204|２０４)回国会"),
    "柿沢": ("柿沢", r"柿[沢澤]"),
    "桜田": ("桜田", r"[桜櫻]田"),
    "髙市": ("髙市", r"[高髙]市"),
    "東京都": ("東京都", r"東京都"),
    "京都": ("京都", r"(?<!東)京都"),
    "防衛費": ("防衛費", r"防衛費"),
    "消費税": ("消費税", r"消費税"),
    "安全保障": ("安全保障", r"安全保障"),
    "予算": ("予算", r"予算"),
    "TPP": ("TPP", r"ＴＰＰ|TPP|環太平洋パートナーシップ|環太平洋経済連携協定"),
    "AI": ("AI", r"(?<![Ａ-ＺA-Z])(?:ＡＩ|AI)(?![Ａ-ＺA-Z])|人工知能"),
    "子ども": ("子ども", r"子ども|子供|こども"),
}


def load(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def real_archive(home: Path, data: Path = DATA, leave_out: int = 0) -> tuple[Hatsugen, list[dict]]:
    """The real paragraphs' archive in `home`, imported the first time; the records, the last
    `leave_out` of them not imported (text a benchmark knows is not in the archive)."""
    records = load(data)
    kept = records[: len(records) - leave_out]
    app = Hatsugen(home)
    if app.store.count() < len(kept):
        plain = home.parent / (home.name + "-import.jsonl")  # import reads plain JSONL
        plain.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
        started = time.perf_counter()
        app.import_files([str(plain)], actor=Actor.local("bench"),
                         options=ImportOptions(allow_duplicates=True))  # fmt: skip
        print(f"imported and indexed {app.store.count()} in {time.perf_counter() - started:.0f} s")
    return app, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="archive home (imported once)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--reindex", action="store_true", help="time a full reindex too")
    args = parser.parse_args()
    app, records = real_archive(args.home, args.data)
    if args.reindex:
        started = time.perf_counter()
        n = app.reindex()
        print(f"reindexed {n} statements in {time.perf_counter() - started:.0f} s")
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram')")
    db.executemany("INSERT INTO t(text) VALUES (?)", [(r["text"],) for r in records])
    print(f"{'query':<12}{'hatsugen':>9}{'in text':>9}{'by speaker':>11}{'meta only':>10}"
          f"{'substring':>10}{'reader':>8}{'ms':>7}")  # fmt: skip
    for q, (literal, meaning) in QUERIES.items():
        started = time.perf_counter()
        page = app.search(SearchRequest(q=q, per_page=10))
        ms = (time.perf_counter() - started) * 1000
        if len(literal) >= 3:
            sub = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{literal}"',))
            substring = sub.fetchone()[0]
        else:  # trigram needs three characters: count by LIKE
            escaped = literal.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = db.execute("SELECT count(*) FROM t WHERE text LIKE ? ESCAPE '\\'",
                              (f"%{escaped}%",))  # fmt: skip
            substring = like.fetchone()[0]
        pattern = re.compile(meaning)
        reader = sum(1 for r in records if pattern.search(r["text"]))
        m = page["matched"]
        print(f"{q:<12}{page['total']:>9}{m['text']:>9}{m['speaker_only']:>11}"
              f"{m['metadata_only']:>10}{substring:>10}{reader:>8}{ms:>7.0f}")  # fmt: skip
    app.close()


if __name__ == "__main__":
    main()
