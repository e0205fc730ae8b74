#!/usr/bin/env python3
"""An edit's latency through the API, and web search latency while edits are being saved.

Serves an archive of N generated statements, then for `--seconds` each: (1) search clients
alone, (2) the same clients while one editor saves an edit after another (PATCH with
If-Match, each a revision and an index update). Prints p50/p95 of both.

    .venv/bin/python scripts/bench_edits.py                # 20,000 statements, 5 clients
    .venv/bin/python scripts/bench_edits.py 100000 --clients 20 --seconds 60
"""

from __future__ import annotations

import argparse
import json
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


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hatsugen-edits-"))
    home = work / "home"
    data = work / "g.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_archive.py"),
                    str(args.count), "-o", str(data)], check=True)  # fmt: skip
    subprocess.run([*HATSUGEN, "--home", str(home), "import", "--allow-duplicates", str(data)],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*HATSUGEN, "--home", str(home), "user", "add", "bench", "--role", "editor",
                    "--password-stdin"], input="benchmark password\n", text=True, check=True,
                   capture_output=True)  # fmt: skip
    token = subprocess.run([*HATSUGEN, "--home", str(home), "token", "create", "bench"],
                           check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    server, url = served.start(home)

    def searching(stop: threading.Event, out: list[float], word: str) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(f"{url}/api/search?q={urllib.parse.quote(word)}") as r:
                json.load(r)
            out.append(time.perf_counter() - started)

    def phase(editing: bool) -> tuple[list[float], list[float]]:
        stop, searches, edits = threading.Event(), [], []
        words = ["port", "library", "協力", "security"]
        threads = [threading.Thread(target=searching, args=(stop, searches, words[i % 4]))
                   for i in range(args.clients)]  # fmt: skip
        for t in threads:
            t.start()
        deadline = time.monotonic() + args.seconds
        version = json.load(urllib.request.urlopen(f"{url}/api/statements/gen-0000001"))[
            "meta"]["version"]  # fmt: skip
        while time.monotonic() < deadline:
            if not editing:
                time.sleep(0.2)
                continue
            body = json.dumps({"notes": f"edit {version}", "reason": "benchmark"}).encode()
            request = urllib.request.Request(
                f"{url}/api/statements/gen-0000001", data=body, method="PATCH",
                headers={"Authorization": f"Bearer {token}", "If-Match": f'"{version}"',
                         "Content-Type": "application/json"},
            )  # fmt: skip
            started = time.perf_counter()
            with urllib.request.urlopen(request) as r:
                version = int(r.headers["ETag"].strip('"'))
            edits.append(time.perf_counter() - started)
        stop.set()
        for t in threads:
            t.join()
        return searches, edits

    alone, _ = phase(editing=False)
    during, edits = phase(editing=True)
    server.terminate()
    server.wait()
    print(f"{args.count} statements, {args.clients} search clients, {args.seconds:.0f} s each")
    print(f"search alone:        p50 {pct(alone, 50):.0f} ms, p95 {pct(alone, 95):.0f} ms"
          f" ({len(alone)} requests)")  # fmt: skip
    print(f"search during edits: p50 {pct(during, 50):.0f} ms, p95 {pct(during, 95):.0f} ms"
          f" ({len(during)} requests)")  # fmt: skip
    print(f"edit (PATCH, saved and indexed): p50 {pct(edits, 50):.0f} ms,"
          f" p95 {pct(edits, 95):.0f} ms ({len(edits)} edits)")  # fmt: skip


if __name__ == "__main__":
    main()
