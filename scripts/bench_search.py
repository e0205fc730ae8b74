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
import os
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


def bench_queries() -> list[dict]:
    """The generated mix, or ($HATSUGEN_BENCH_QUERIES=real) bench_real_search's queries for a
    home of Diet paragraphs, each asked five times as a server would be."""
    if os.environ.get("HATSUGEN_BENCH_QUERIES") == "real":
        from bench_real_search import QUERIES

        return [{"kind": "phrase" if q.startswith('"') else "real", "q": q}
                for q in QUERIES] * 5  # fmt: skip
    return queries(210)


def _texts(app) -> list[tuple[int, str, str, str, int]]:
    texts = []
    for i, (record, _v) in enumerate(app.store.rows()):
        by_lang = {t["lang"]: t["text"] for t in record.get("translations", [])}
        by_lang[record["lang"]] = record["text"]
        ja, en = by_lang.get("ja", ""), by_lang.get("en", "")
        date = int((record.get("date", "0000") + "-01-01")[:10].replace("-", ""))
        texts.append((i + 1, ja, en, record["speaker"], date))
    return texts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_prepare(home: Path, count: int) -> dict:
    from hatsugen.core import Hatsugen

    from generate_archive import main as generate

    data = home.parent / "in.jsonl"
    generate([str(count), "-o", str(data)])
    app = Hatsugen(home)
    t0 = time.perf_counter()
    app.store.import_records(
        ((json.loads(line), None) for line in data.open(encoding="utf-8")),
        by="bench",
    )
    return {"store_import_s": time.perf_counter() - t0}


def step_tokenise(home: Path) -> dict:
    """Yardstick 1: SudachiPy tokenisation alone of the same Japanese texts."""
    from hatsugen.core import Hatsugen
    from hatsugen.index.analysis import _sudachi

    texts = _texts(Hatsugen(home))
    tokenizer, _ = _sudachi()
    t0 = time.perf_counter()
    for _, ja, _en, _s, _d in texts:
        tokenizer.tokenize(ja)
    return {"tokenise_s": time.perf_counter() - t0}


def step_build(home: Path) -> dict:
    from hatsugen.core import Hatsugen

    app = Hatsugen(home)
    t0 = time.perf_counter()
    app.reindex()
    build_s = time.perf_counter() - t0
    index_mb = sum(p.stat().st_size for p in (home / "index").rglob("*")) / 1e6
    # The analysis workers' peak too: the build's memory is the writer's plus theirs.
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"build_s": build_s, "index_mb": index_mb, "build_rss_mb": _rss_mb(),
            "build_workers_rss_mb": workers_mb}  # fmt: skip


def step_query(home: Path) -> dict:
    """Latency of the mixed queries answered from the postings arrays and, in the same run,
    by Whoosh's matchers alone ($HATSUGEN_ARRAYS=0); wall and CPU time; and whether each
    first page equals a walk that scores every match."""

    from hatsugen.core import Hatsugen
    from hatsugen.index import SearchRequest
    from hatsugen.index.query import parse
    from hatsugen.index.search import _collect, _tiers

    os.environ["HATSUGEN_RESULTS_KEPT"] = "0"  # time the engine, not the cache of results
    app = Hatsugen(home)
    app.search(SearchRequest(q="warm-up"))  # open the searcher once, as a server would
    warm_from = time.perf_counter()
    if os.environ.get("HATSUGEN_BENCH_WARM", "1") == "1":  # and warm it, as `serve` does
        app.engine.warm()
    warm_s = time.perf_counter() - warm_from
    specs = bench_queries()

    def request(spec: dict) -> SearchRequest:
        return SearchRequest(q=spec["q"], speakers=spec.get("speakers", []),
                             since=spec.get("since"), until=spec.get("until"))  # fmt: skip

    out: dict = {}
    pages: dict[str, list] = {}
    paths = os.environ.get("HATSUGEN_BENCH_PATHS", "arrays,whoosh").split(",")
    for path, flag in (("arrays", "1"), ("whoosh", "0")):
        if path not in paths:
            continue
        os.environ["HATSUGEN_ARRAYS"] = flag
        for spec in specs[:20]:
            app.search(request(spec))  # warm: a server has answered these words before
        by_kind: dict[str, list[float]] = {}
        wall, cpu, pages[path] = [], [], []
        for spec in specs:
            t0, c0 = time.perf_counter(), time.process_time()
            result = app.search(request(spec))
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            by_kind.setdefault(spec["kind"], []).append(wall[-1])
            pages[path].append([r["score"] for r in result["results"]])
        out[path] = {
            "p50_ms": pct(wall, 50) * 1000, "p95_ms": pct(wall, 95) * 1000,
            "cpu_p50_ms": pct(cpu, 50) * 1000, "cpu_p95_ms": pct(cpu, 95) * 1000,
            "p50_by_kind_ms": {k: statistics.median(v) * 1000 for k, v in by_kind.items()},
            "p95_by_kind_ms": {k: pct(v, 95) * 1000 for k, v in by_kind.items()},
        }  # fmt: skip
    os.environ.pop("HATSUGEN_ARRAYS")
    differ = dict.fromkeys(pages, 0)
    checked = specs if "whoosh" in pages else []  # at a million, walking every match is hours
    for i, spec in enumerate(checked):
        req = request(spec)
        with app.engine.borrowed() as (searcher, arrays):
            # Every match walked and scored, then ranked tier by tier as pages are (what was
            # said, then who said it, then the metadata).
            q = parse(req.q, searcher.schema)
            matched, _ = _collect(searcher, q, arrays.allowed(searcher, req), keep=0)
            expected = []
            for tier in _tiers(searcher, req.q, q, sorted(matched), lambda: 1.0):
                _, best = _collect(searcher, q, frozenset(tier), keep=10 - len(expected))
                expected += [round(score, 4) for score, _ in sorted(best, reverse=True)]
        for path in differ:
            got = pages[path][i]
            if len(got) != len(expected) or any(
                abs(a - b) > 1e-3 for a, b in zip(got, expected, strict=False)
            ):
                differ[path] += 1
    out["queries"] = len(checked)
    out["first_pages_not_exhaustive"] = differ
    out["query_rss_mb"] = _rss_mb()
    out["warm_s"] = warm_s
    return out


def step_fts5(home: Path) -> dict:
    """Yardstick 2: FTS5 (unicode61 over the same analysed tokens) on the same queries:
    the total count and the top 10 by rank, filters joined from an indexed table."""
    from hatsugen.core import Hatsugen
    from hatsugen.index.analysis import english_analyzer, japanese_analyzer

    ja_an, en_an = japanese_analyzer(), english_analyzer()

    def toks(analyzer, text: str) -> str:
        return " ".join(t.text for t in analyzer(text))

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(ja, en, tokenize='unicode61')")
    db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, speaker TEXT, date INTEGER)")
    db.execute("CREATE INDEX meta_speaker ON meta(speaker, date)")
    db.execute("CREATE INDEX meta_date ON meta(date)")
    for rowid, ja, en, speaker, date in _texts(Hatsugen(home)):
        db.execute("INSERT INTO fts(rowid, ja, en) VALUES (?, ?, ?)",
                   (rowid, toks(ja_an, ja), toks(en_an, en)))  # fmt: skip
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (rowid, speaker, date))

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

    times, by_kind = [], {}
    for spec in bench_queries():
        sql = "FROM fts JOIN meta ON meta.id = fts.rowid WHERE fts MATCH ?"
        args: list = [to_fts(spec["q"])]
        if spec.get("speakers"):
            sql += " AND meta.speaker = ?"
            args.append(spec["speakers"][0])
        if spec.get("since"):
            sql += " AND meta.date BETWEEN ? AND ?"
            args += [int(spec["since"] + "0101"), int(spec["until"].replace("-", "") + "31")]
        t0 = time.perf_counter()
        db.execute(f"SELECT count(*) {sql}", args).fetchone()
        db.execute(f"SELECT fts.rowid {sql} ORDER BY rank LIMIT 10", args).fetchall()
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        by_kind.setdefault(spec["kind"], []).append(elapsed)
    return {"fts5_p50_ms": pct(times, 50) * 1000, "fts5_p95_ms": pct(times, 95) * 1000,
            "fts5_p95_by_kind_ms": {k: pct(v, 95) * 1000 for k, v in by_kind.items()}}  # fmt: skip


def step_cold(home: Path) -> dict:
    """A new process per search, as a user's shell runs it: with bytecode written (an
    installed package has it; PYTHONDONTWRITEBYTECODE would add compiling every module to
    each run) and the files in the OS cache (one untimed run first)."""
    out = {}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for label, q in (("en", "security"), ("ja", "協力"), ("phrase", '"経済安全保障"')):
        runs = []
        for i in range(6):
            t0 = time.perf_counter()
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "hatsugen"), "--home", str(home), "search", q,
                 "--limit", "10"], check=True, capture_output=True, env=env,
            )  # fmt: skip
            if i:
                runs.append(time.perf_counter() - t0)
        out[f"cold_{label}_s"] = statistics.median(runs)
    return out


STEPS = {"prepare": step_prepare, "tokenise": step_tokenise, "build": step_build,
         "query": step_query, "fts5": step_fts5, "cold": step_cold}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--home", help="With --only: an existing home to measure.")
    parser.add_argument("--queries", choices=["generated", "real"], default="generated",
                        help="real: the queries of bench_real_search.py (a Diet home)")  # fmt: skip
    parser.add_argument("--keep", help="Keep the generated archives under this folder.")
    parser.add_argument("--only", help="Run these steps (comma-separated) on a kept archive.")
    parser.add_argument("--arrays-only", action="store_true",
                        help="Time the arrays only, not Whoosh's matchers too")  # fmt: skip
    args = parser.parse_args()
    if args.step:  # one phase, in its own process, so its peak RSS is its own
        home = Path(args.home)
        extra = [args.sizes[0]] if args.step == "prepare" else []
        print(json.dumps(STEPS[args.step](home, *extra)))
        return
    for n in args.sizes:
        os.environ["HATSUGEN_BENCH_QUERIES"] = args.queries  # for the steps' processes
        if args.arrays_only:
            os.environ["HATSUGEN_BENCH_PATHS"] = "arrays"
        if args.home:
            home = Path(args.home)
        else:
            base = Path(args.keep or tempfile.mkdtemp()) / f"bench-{n}"
            base.mkdir(parents=True, exist_ok=True)
            home = base / "home"
        r: dict = {}
        steps = ("prepare", "tokenise", "build", "query", "fts5", "cold")
        for step in args.only.split(",") if args.only else steps:
            cmd = [sys.executable, __file__, str(n), "--step", step, "--home", str(home)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:  # say why, not only that the step's process failed
                sys.exit(f"step {step} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
            r.update(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"== {n} statements")
        if "build_s" in r and "tokenise_s" in r:
            ratio = r["build_s"] / r["tokenise_s"]
            print(
                f"  build {r['build_s']:.1f} s = {ratio:.1f}x SudachiPy tokenisation"
                f" ({r['tokenise_s']:.1f} s); index {r['index_mb']:.0f} MB;"
                f" build peak RSS {r['build_rss_mb']:.0f} MB (writer), largest analysis worker"
                f" {r.get('build_workers_rss_mb', 0):.0f} MB"
            )
        if "arrays" not in r or "fts5_p95_ms" not in r:
            print(json.dumps(r))
            continue
        for path in ("arrays", "whoosh"):
            if path not in r:
                continue
            q = r[path]
            print(
                f"  {path:6}: wall p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms; CPU p50"
                f" {q['cpu_p50_ms']:.1f} ms, p95 {q['cpu_p95_ms']:.1f} ms; p95 / FTS5 p95"
                f" {q['p95_ms'] / r['fts5_p95_ms']:.2f}; first pages not exhaustive:"
                f" {r['first_pages_not_exhaustive'][path]} of {r['queries']}"
            )
            print("          p50 by kind: " + _by_kind(q["p50_by_kind_ms"]))
            print("          p95 by kind: " + _by_kind(q["p95_by_kind_ms"]))
        print(
            f"  FTS5: p50 {r['fts5_p50_ms']:.1f} ms, p95 {r['fts5_p95_ms']:.1f} ms; search peak"
            f" RSS {r['query_rss_mb']:.0f} MB; warming first (as serve does) {r['warm_s']:.1f} s"
        )
        print("  FTS5 p95 by kind: " + _by_kind(r["fts5_p95_by_kind_ms"]))
        if "cold_en_s" in r:
            print(
                f"  cold `hatsugen search`: en {r['cold_en_s']:.2f} s, ja {r['cold_ja_s']:.2f} s,"
                f" phrase {r['cold_phrase_s']:.2f} s (median of 5)"
            )


def _by_kind(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in values.items()) + " ms"


if __name__ == "__main__":
    main()
