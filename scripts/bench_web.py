#!/usr/bin/env python3
"""Load-test `/api/search` of a real `hatsugen serve` on 127.0.0.1 (bounded, stops by itself).

Builds (or reuses, with --home) a generated archive of fictional statements, starts the
server (`--workers`, default one per core), then runs the mixed queries of bench_search.py
(or, with --queries real, bench_real_search.py's on a home of Diet paragraphs) with 1 and with
20 concurrent clients. Reports latency p50/p95, throughput, errors and each process's RSS.

    .venv/bin/python scripts/bench_web.py --count 100000 --home /tmp/b100/home --workers 2
    .venv/bin/python scripts/bench_web.py --home /tmp/kokkai-home --queries real --port 8100
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_search import pct, queries  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_home(home: Path, count: int) -> None:
    from hatsugen.core import Actor, Hatsugen

    from generate_archive import main as generate

    app = Hatsugen(home)
    if app.store.count() >= count:
        return
    data = home.parent / "bench-web.jsonl"
    generate([str(count), "-o", str(data)])
    app.import_files([str(data)], actor=Actor.local("bench"))


def paths(n: int, kind: str = "generated") -> list[str]:
    if kind == "real":
        from bench_real_search import QUERIES

        return ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in QUERIES]
    out = []
    for spec in queries(n):
        params: list[tuple[str, str]] = [("q", spec["q"])]
        params += [("speaker", s) for s in spec.get("speakers", [])]
        for key in ("since", "until"):
            if spec.get(key):
                params.append((key, spec[key]))
        out.append("/api/search?" + urllib.parse.urlencode(params))
    return out


def run(port: int, clients: int, requests_each: int, all_paths: list[str]) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(requests_each):
            path = all_paths[(offset * 7 + i) % len(all_paths)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"results"' in body
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "clients": clients,
        "requests": len(latencies),
        "p50_ms": pct(latencies, 50) * 1000,
        "p95_ms": pct(latencies, 95) * 1000,
        "rps": len(latencies) / wall,
        "errors": errors[0],
    }


def memory_mb(pid: int) -> dict[str, float]:
    """Peak RSS, and the current RSS split into anonymous memory and mapped files (the index
    and dictionary files are mmapped: each thread's mapping counts again in RSS, though the
    pages are shared)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(line.split()[1]) / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--home", default="/tmp/hatsugen-bench-web/home")
    parser.add_argument("--requests", type=int, default=1000, help="per run, split over clients")
    parser.add_argument("--port", type=int, help="default: a free one")
    parser.add_argument("--workers", type=int, help="server processes (default: one per core)")
    parser.add_argument("--queries", choices=["generated", "real"], default="generated")
    args = parser.parse_args()
    home = Path(args.home)
    home.parent.mkdir(parents=True, exist_ok=True)
    if args.queries == "generated":
        ensure_home(home, args.count)
    port = args.port or free_port()
    workers = ["--workers", str(args.workers)] if args.workers else []
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "hatsugen"), "--home", str(home), "serve", "--port",
         str(port), "--threads", "8", *workers], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request(
                    "GET", "/api/speakers"
                )
                break
            except OSError:
                time.sleep(0.1)
        all_paths = paths(210, args.queries)
        # A server runs for days: time it once every worker has answered the mix (each
        # process has its own caches, and a connection stays with the worker that took it).
        # The first passes, while `serve` still warms in the background, are shown too.
        runs = [("first pass", 20, max(2, len(all_paths) // 10))] * 2
        runs += [("warm", 1, args.requests), ("warm", 20, args.requests // 20)]
        for label, clients, each in runs:
            r = run(port, clients, max(1, each), all_paths)
            print(json.dumps({"run": label} | r))
            print(
                f"{clients:>2} clients ({label}): {r['requests']} requests, p50"
                f" {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, {r['rps']:.1f} req/s,"
                f" {r['errors']} errors"
            )
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        for label, pid in [("parent" if children else "server", server.pid),
                           *((f"worker {i}", int(c)) for i, c in enumerate(children))]:  # fmt: skip
            mem = memory_mb(pid)
            print(
                f"{label}: peak RSS {mem['VmHWM']:.0f} MB; now {mem['VmRSS']:.0f} MB ="
                f" {mem['RssAnon']:.0f} MB anonymous + {mem['RssFile']:.0f} MB mapped files"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
