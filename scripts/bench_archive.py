#!/usr/bin/env python3
"""Benchmark the statement store alone (no index): import, re-import, export, size, peak RSS.

Each size runs in a fresh child process so its peak RSS is its own.

    .venv/bin/python scripts/bench_archive.py            # 10k and 100k generated
    .venv/bin/python scripts/bench_archive.py 20000
    .venv/bin/python scripts/bench_archive.py ../shared/data/kokkai-paragraphs-100k.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hatsugen.rules import Actor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def one(what: str) -> dict:
    """Import, re-import and export `what`: a number of generated statements, or a file."""
    from hatsugen.archive.formats import read_records, write_export
    from hatsugen.archive.store import Store

    from generate_archive import main as generate

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "in.jsonl"
        if what.isdigit():
            generate([what, "-o", str(data)])
        else:
            opener = gzip.open if what.endswith(".gz") else open
            with opener(what, "rb") as src, open(data, "wb") as dst:
                shutil.copyfileobj(src, dst)
        store = Store(Path(tmp) / "archive.sqlite3")  # the store alone: no index
        t0 = time.perf_counter()
        report = store.import_records(read_records(str(data)), actor=Actor.local("bench"))
        t_import = time.perf_counter() - t0
        count = len(report.ids) + len(report.duplicates)
        t0 = time.perf_counter()
        again = store.import_records(read_records(str(data)), actor=Actor.local("bench"))
        t_reimport = time.perf_counter() - t0
        assert again.unchanged == len(report.added)
        t0 = time.perf_counter()
        with open(Path(tmp) / "out.json", "w", encoding="utf-8") as out:
            write_export(store, out)
        t_export = time.perf_counter() - t0
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_bytes = store.path.stat().st_size
        return {
            "statements": count,
            "duplicates": len(report.duplicates),
            "warnings": len(report.near_duplicates),
            "input_mb": round(data.stat().st_size / 1e6, 1),
            "import_s": round(t_import, 2),
            "import_per_s": round(count / t_import),
            "reimport_noop_s": round(t_reimport, 2),
            "export_s": round(t_export, 2),
            "db_mb": round(db_bytes / 1e6, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        return
    for what in sys.argv[1:] or ["10000", "100000"]:
        out = subprocess.run(
            [sys.executable, __file__, "--one", what], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['statements']:>7} statements ({r['input_mb']} MB JSONL): import {r['import_s']} s"
            f" = {r['import_per_s']:,}/s ({r['duplicates']} duplicates skipped,"
            f" {r['warnings']} repeat/near-duplicate warnings), identical re-import"
            f" {r['reimport_noop_s']} s, export {r['export_s']} s, db {r['db_mb']} MB,"
            f" peak RSS {r['peak_rss_mb']} MB"
        )


if __name__ == "__main__":
    main()
