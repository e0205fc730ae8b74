#!/usr/bin/env python3
"""Two imports and a reindex at once on a large archive while `serve` answers 20 clients.

The scenario of issue 9: every command must succeed without waiting minutes for another, the
readers must get answers throughout, and afterwards `check` must find nothing to repair.

    .venv/bin/python scripts/bench_concurrent_writers.py               # 100,000 + 2 × 5,000
    .venv/bin/python scripts/bench_concurrent_writers.py 20000 1000    # smaller
    .venv/bin/python scripts/bench_concurrent_writers.py --home DIR    # reuse a built home
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parent.parent
HATSUGEN = [sys.executable, "-m", "hatsugen"]


def generate(path: Path, count: int, seed: int, prefix: str) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_archive.py"), str(count),
         "-o", str(path), "--seed", str(seed), "--id-prefix", prefix],
        check=True,
    )  # fmt: skip
    return path


def run(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*HATSUGEN, "--home", str(home), *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", nargs="?", type=int, default=100_000)
    parser.add_argument("each", nargs="?", type=int, default=5_000)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hatsugen-writers-"))
    home = args.home or work / "home"
    if not (home / "archive.sqlite3").exists():
        base = generate(work / "base.jsonl", args.base, 11, "base")
        t0 = time.perf_counter()
        proc = run(home, "import", "--allow-duplicates", str(base))
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        print(f"base archive: {args.base} statements in {time.perf_counter() - t0:.0f} s")
    files = [generate(work / f"{p}.jsonl", args.each, s, p) for p, s in (("a", 12), ("b", 13))]

    server, url = served.start(home)
    latencies: list[float] = []
    errors: list[str] = []
    stop = threading.Event()

    def client(word: str) -> None:
        while not stop.is_set():
            t = time.perf_counter()
            try:
                query = urllib.parse.quote(word)
                with urllib.request.urlopen(f"{url}/api/search?q={query}", timeout=120) as r:
                    json.load(r)
                latencies.append(time.perf_counter() - t)
            except Exception as err:  # counted, not raised: the figure is the error count
                errors.append(repr(err))

    words = ["port", "library", "協力", "security"]
    readers = [threading.Thread(target=client, args=(words[i % 4],)) for i in range(args.clients)]
    for t in readers:
        t.start()
    started = time.perf_counter()
    procs = {
        "import A": run(home, "import", "--allow-duplicates", str(files[0])),
        "reindex": run(home, "reindex"),
        "import B": run(home, "import", "--allow-duplicates", str(files[1])),
    }
    ended = {}
    outputs = {}
    while len(ended) < len(procs):
        for name, proc in procs.items():
            if name not in ended and proc.poll() is not None:
                ended[name] = time.perf_counter() - started
                outputs[name] = proc.communicate()
        time.sleep(0.1)
    for name, proc in procs.items():
        out, err = outputs[name]
        last = (err.strip().splitlines() or [""])[-1][:160]
        print(f"{name}: exit {proc.returncode} after {ended[name]:.0f} s — {out.strip()[:100]}"
              f"{' | ' + last if last else ''}")  # fmt: skip
    t0 = time.perf_counter()
    while True:
        stats = subprocess.run(
            [*HATSUGEN, "--home", str(home), "stats", "--json"], cwd=ROOT,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        if json.loads(stats.stdout)["queued_for_indexing"] == 0:
            break
        time.sleep(1)
    print(f"queue empty {time.perf_counter() - t0:.0f} s after the last command ended")
    stop.set()
    for t in readers:
        t.join()
    server.terminate()
    server.wait()
    check = subprocess.run(
        [*HATSUGEN, "--home", str(home), "check"], cwd=ROOT, capture_output=True, text=True
    )
    print(f"check: exit {check.returncode}: {check.stdout.strip()}")
    if latencies:
        q = statistics.quantiles(latencies, n=20)
        p50, p95 = statistics.median(latencies) * 1000, q[18] * 1000
        print(f"readers: {len(latencies)} answers, {len(errors)} errors,"
              f" p50 {p50:.0f} ms, p95 {p95:.0f} ms")  # fmt: skip
    if errors:
        print("first errors:", errors[:3])
    print(f"home kept at {home}" if args.home else f"work folder {work}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
