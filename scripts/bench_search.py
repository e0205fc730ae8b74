#!/usr/bin/env python3
"""Benchmark search on generated fictional corpora, against two yardsticks run in the same go.

For each size: index build time and size, peak RSS, latency p50/p95 of >= 200 mixed queries
(with highlighting of the top 10, as `search --json` does), and the cold time of the
`hatsugen search` command. Yardsticks: SudachiPy tokenisation alone of the same texts, and
SQLite FTS5 (unicode61 over the same analysed tokens) answering the same queries.

    .venv/bin/python scripts/bench_search.py              # 10k and 100k
    .venv/bin/python scripts/bench_search.py 20000 --keep /tmp/bench-home
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

WORDS_JA = [
    "経済安全保障",
    "半導体",
    "関税",
    "選挙",
    "図書館",
    "港湾",
    "防災",
    "観光",
    "人工知能",
    "エネルギー",
    "農業",
    "強化",
    "連携",
    "課題",
    "支援",
    "成果",
    "計画",
    "東京",
    "京都",
]
WORDS_EN = [
    "security",
    "semiconductors",
    "tariffs",
    "election",
    "library",
    "ports",
    "tourism",
    "energy",
    "agriculture",
    "strengthen",
    "support",
    "results",
    "plan",
    "Tokyo",
    "Kyoto",
]
PHRASES = ['"経済安全保障"', '"人工知能"', '"economic security"', '"artificial intelligence"',
           '"disaster prevention"', '"youth exchanges"']  # fmt: skip


def queries(n: int, seed: int = 11) -> list[dict]:
    """A fixed mix: single words and two-word ANDs in both languages, phrases, filters."""
    rng = random.Random(seed)
    out: list[dict] = []
    kinds = ["word_ja", "word_en", "and_ja", "and_en", "phrase", "speaker", "date"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "word_ja":
            out.append({"kind": kind, "q": rng.choice(WORDS_JA)})
        elif kind == "word_en":
            out.append({"kind": kind, "q": rng.choice(WORDS_EN)})
        elif kind == "and_ja":
            out.append({"kind": kind, "q": " ".join(rng.sample(WORDS_JA, 2))})
        elif kind == "and_en":
            out.append({"kind": kind, "q": " ".join(rng.sample(WORDS_EN, 2))})
        elif kind == "phrase":
            out.append({"kind": kind, "q": rng.choice(PHRASES)})
        elif kind == "speaker":
            out.append({"kind": kind, "q": rng.choice(WORDS_JA + WORDS_EN),
                        "speakers": [f"fictional-{rng.randrange(200):04d}"]})  # fmt: skip
        else:
            year = rng.randint(2000, 2024)
            out.append({"kind": kind, "q": rng.choice(WORDS_JA + WORDS_EN),
                        "since": str(year), "until": f"{year + rng.randint(0, 2)}-06"})  # fmt: skip
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def fts5_yardstick(app, texts: list[tuple[int, str, str, str, int]], qs: list[dict]) -> dict:
    """FTS5 over the same analysed tokens (unicode61 splits on our spaces)."""
    from index.analysis import english_analyzer, japanese_analyzer

    ja_an, en_an = japanese_analyzer(), english_analyzer()

    def toks(analyzer, text: str) -> str:
        return " ".join(t.text for t in analyzer(text))

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(ja, en, tokenize='unicode61')")
    db.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, speaker TEXT, date INTEGER)")
    db.execute("CREATE INDEX meta_speaker ON meta(speaker)")
    db.execute("CREATE INDEX meta_date ON meta(date)")
    t0 = time.perf_counter()
    for rowid, ja, en, speaker, date in texts:
        db.execute("INSERT INTO fts(rowid, ja, en) VALUES (?, ?, ?)",
                   (rowid, toks(ja_an, ja), toks(en_an, en)))  # fmt: skip
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (rowid, speaker, date))
    build = time.perf_counter() - t0

    def to_fts(q: str) -> str:
        parts = []
        for word in q.split(" ") if not q.startswith('"') else [q.strip('"')]:
            alts = []
            for an, col in ((ja_an, "ja"), (en_an, "en")):
                words = [t.text for t in an(word)]
                if words:
                    alts.append(f'{col}:"{" ".join(words)}"')
            parts.append("(" + " OR ".join(alts) + ")")
        return " AND ".join(parts)

    times = []
    for spec in qs:
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
        args: list = [to_fts(spec["q"])]
        if spec.get("speakers"):
            sql += " AND rowid IN (SELECT rowid FROM meta WHERE speaker = ?)"
            args.append(spec["speakers"][0])
        if spec.get("since"):
            sql += " AND rowid IN (SELECT rowid FROM meta WHERE date BETWEEN ? AND ?)"
            args += [int(spec["since"] + "0101"), int(spec["until"].replace("-", "") + "31")]
        t0 = time.perf_counter()
        db.execute(f"SELECT count(*) FROM ({sql})", args).fetchone()
        db.execute(sql + " ORDER BY rank LIMIT 10", args).fetchall()
        times.append(time.perf_counter() - t0)
    return {"build_s": build, "p50_ms": pct(times, 50) * 1000, "p95_ms": pct(times, 95) * 1000}


def one(count: int, keep: str | None) -> dict:
    from index import SearchRequest
    from index.analysis import _sudachi
    from web.core import Hatsugen

    from generate_archive import main as generate

    tmp = Path(keep or tempfile.mkdtemp())
    data = tmp / "in.jsonl"
    generate([str(count), "-o", str(data)])
    app = Hatsugen(tmp / "home")
    t0 = time.perf_counter()
    app.store.import_records(
        ((json.loads(line), None) for line in data.open(encoding="utf-8")), by="bench"
    )
    store_s = time.perf_counter() - t0

    # Yardstick 1: SudachiPy tokenisation alone of the same Japanese texts.
    texts = []
    for i, (record, _v) in enumerate(app.store.rows()):
        ja = record["text"] if record["lang"] == "ja" else record["translations"][0]["text"]
        en = record["text"] if record["lang"] == "en" else record["translations"][0]["text"]
        date = int((record["date"] + "-01")[:10].replace("-", ""))
        texts.append((i + 1, ja, en, record["speaker"], date))
    tokenizer, _ = _sudachi()
    t0 = time.perf_counter()
    for _, ja, _en, _s, _d in texts:
        tokenizer.tokenize(ja)
    tokenise_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    app.reindex()
    build_s = time.perf_counter() - t0
    index_mb = sum(p.stat().st_size for p in (tmp / "home" / "index").rglob("*")) / 1e6

    qs = queries(210)
    app.search(SearchRequest(q="warm-up"))  # open the searcher once, as a server would
    by_kind: dict[str, list[float]] = {}
    times = []
    for spec in qs:
        req = SearchRequest(q=spec["q"], speakers=spec.get("speakers", []),
                            since=spec.get("since"), until=spec.get("until"))  # fmt: skip
        t0 = time.perf_counter()
        app.search(req)
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        by_kind.setdefault(spec["kind"], []).append(elapsed)
    fts = fts5_yardstick(app, texts, qs)

    cold = []
    for q in ("協力", "security", '"経済安全保障"'):
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "hatsugen"), "--home", str(tmp / "home"), "search",
                 q, "--limit", "10"], check=True, capture_output=True,
            )  # fmt: skip
            cold.append(time.perf_counter() - t0)
    return {
        "statements": count,
        "store_import_s": store_s,
        "tokenise_s": tokenise_s,
        "build_s": build_s,
        "build_vs_tokenise": build_s / tokenise_s,
        "index_mb": index_mb,
        "p50_ms": pct(times, 50) * 1000,
        "p95_ms": pct(times, 95) * 1000,
        "p50_by_kind_ms": {k: statistics.median(v) * 1000 for k, v in by_kind.items()},
        "fts5": fts,
        "p95_vs_fts5": pct(times, 95) * 1000 / max(fts["p95_ms"], 1e-6),
        "cold_cli_median_s": statistics.median(cold),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", help="Keep the generated home in this folder.")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.sizes[0], args.keep)))
        return
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (
            ["--keep", args.keep] if args.keep else []
        )
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print(f"== {n} statements")
        print(f"  build {r['build_s']:.1f} s = {r['build_vs_tokenise']:.1f}x SudachiPy tokenisation"
              f" ({r['tokenise_s']:.1f} s); index {r['index_mb']:.0f} MB;"
              f" peak RSS {r['peak_rss_mb']:.0f} MB")  # fmt: skip
        print(f"  query p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
              f" (FTS5 p50 {r['fts5']['p50_ms']:.1f} ms, p95 {r['fts5']['p95_ms']:.1f} ms;"
              f" p95 ratio {r['p95_vs_fts5']:.2f})")  # fmt: skip
        print(
            "  p50 by kind: " + ", ".join(f"{k} {v:.1f} ms" for k, v in r["p50_by_kind_ms"].items())
        )
        print(f"  cold `hatsugen search`: {r['cold_cli_median_s']:.2f} s (median of 9)")


if __name__ == "__main__":
    main()
