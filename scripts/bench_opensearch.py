#!/usr/bin/env python3
"""The embedded engine against OpenSearch on 1 and on 2 nodes, on one archive (same runs):
query p50/p95, totals and first pages compared, bulk indexing throughput, peak memory of
each process, web p95 at 20 clients, and the cluster's size per statement.

    .venv/bin/python scripts/bench_opensearch.py --home /tmp/kokkai-qc     # an archive
    .venv/bin/python scripts/bench_opensearch.py --home H --nodes 2 --web  # one shape, web too

Each cluster is started by scripts/opensearch in a folder of its own and stopped at the end.
A 1-node cluster gets 1 shard and no replica; a 2-node one 2 shards and 1 replica.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Every search computed, in every process: the embedded engine would otherwise answer a
# repeated query from its results cache, which the cluster path does not have.
os.environ["HATSUGEN_RESULTS_KEPT"] = "0"
sys.path.insert(0, str(ROOT / "scripts"))

from bench_real_search import QUERIES as REAL  # noqa: E402

from hatsugen.core import Hatsugen  # noqa: E402
from hatsugen.index.query import SearchRequest  # noqa: E402

SHAPES = ["防衛 予算", "防衛 OR 外交", "防衛 NOT 予算", '"防衛 予算"', "経済安全保障", "secur*",
          "予算 speaker:岸田", "国民 生活"]  # fmt: skip
LAUNCHER = ROOT / "scripts" / "opensearch"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def request(q: str) -> SearchRequest:
    """A query as text, or a generated one as JSON (words, speakers, since, until)."""
    if q.startswith("{"):
        spec = json.loads(q)
        return SearchRequest(q=spec["q"], speakers=list(spec.get("speakers", [])),
                             since=spec.get("since"), until=spec.get("until"))  # fmt: skip
    return SearchRequest(q=q)


def timed_queries(app: Hatsugen, queries: list[str], reps: int) -> tuple[dict, list[float]]:
    """Each query once to warm, then `reps` times timed; the answers of the last run."""
    answers, times = {}, []
    for q in queries:
        try:
            app.search(request(q))
        except Exception as err:
            answers[q] = {"error": str(err)[:120]}
            continue
        for _ in range(reps):
            t0 = time.perf_counter()
            r = app.search(request(q))
            times.append(time.perf_counter() - t0)
        answers[q] = {"total": r["total"], "matched": r["matched"],
                      "page": [(x["id"], x["score"]) for x in r["results"]]}  # fmt: skip
    return answers, times


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cluster_size(url: str, index: str) -> tuple[int, int]:
    with urllib.request.urlopen(f"{url}/_cat/indices/{index}?format=json&bytes=b") as r:
        rows = json.load(r)
    return sum(int(x["docs.count"]) for x in rows), sum(int(x["pri.store.size"]) for x in rows)


def web(home: Path, env: dict) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_web.py"), "--home",
                           str(home), "--queries", "real", "--requests", "400"],
                          capture_output=True, text=True, env=env, check=True)  # fmt: skip
    return "\n".join(line for line in done.stdout.splitlines() if not line.startswith("{"))


def compare(base: dict, remote: Hatsugen, queries: list[str], reps: int) -> None:
    """The cluster's latency, and its answers against the embedded engine's (`base`)."""
    answers, times = timed_queries(remote, queries, reps)
    same_totals = sum(answers[q].get("total") == base[q].get("total")
                      and answers[q].get("matched") == base[q].get("matched")
                      for q in queries)  # fmt: skip
    ids = [[[i for i, _ in a[q].get("page", [])] for a in (answers, base)] for q in queries]
    same_ids = sum(a == b for a, b in ids)
    same_sets = sum(sorted(a) == sorted(b) for a, b in ids)
    print(f"  queries: p50 {pct(times, 50) * 1000:.1f} ms, p95 {pct(times, 95) * 1000:.1f} ms;"
          f" identical totals and tiers {same_totals}/{len(queries)}; first page same order"
          f" {same_ids}/{len(queries)}, same statements {same_sets}/{len(queries)}")  # fmt: skip
    for q in queries:
        if answers[q] != base[q]:
            print(f"  differs: {q}: {base[q]} / {answers[q]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--nodes", default="1,2", help="cluster sizes to try, e.g. 1,2")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--web", action="store_true", help="web p95 at 20 clients too")
    parser.add_argument("--url", help="a running cluster already holding the archive (with"
                        " --index): queries only, no cluster started, no reindex")  # fmt: skip
    parser.add_argument("--index", default="hatsugen")
    parser.add_argument("--queries", choices=["real", "generated"], default="real",
                        help="real: for Diet paragraphs; generated: bench_search.py's")  # fmt: skip
    args = parser.parse_args()
    queries = list(REAL) + SHAPES
    if args.queries == "generated":
        from bench_search import queries as generated

        keys = ("q", "speakers", "since", "until")
        queries = [json.dumps({k: spec[k] for k in keys if k in spec}, ensure_ascii=False)
                   for spec in generated(35)]  # fmt: skip
    embedded = Hatsugen(args.home)
    print(f"archive: {embedded.count()} statements; {len(queries)} queries × {args.reps}")
    base, times = timed_queries(embedded, queries, args.reps)
    print(f"embedded: p50 {pct(times, 50) * 1000:.1f} ms, p95 {pct(times, 95) * 1000:.1f} ms,"
          f" this process's peak RSS {peak_kb(os.getpid()) // 1024} MB")  # fmt: skip
    embedded.close()
    if args.url:
        compare(base, Hatsugen(args.home, search_url=args.url, search_index=args.index),
                queries, args.reps)  # fmt: skip
        docs, size = cluster_size(args.url.split(",")[0], args.index)
        print(f"  {size / docs:.0f} bytes a statement on disk (primaries), {size / 2**20:.0f} MB")
        return
    if args.web:
        print(web(args.home, {k: v for k, v in os.environ.items()
                              if not k.startswith("HATSUGEN_SEARCH")}))  # fmt: skip
    for n in [int(x) for x in args.nodes.split(",")]:
        folder = Path(f"/tmp/hatsugen-bench-os{n}")
        url = subprocess.run([str(LAUNCHER), "start", "--nodes", str(n), "--http-port",
                              str(args.port), "--dir", str(folder), "--heap", args.heap],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        urls = ",".join(f"http://127.0.0.1:{args.port + i}" for i in range(n))
        name = f"bench{n}"
        env = {**os.environ, "HATSUGEN_SEARCH_URL": urls, "HATSUGEN_SEARCH_INDEX": name}
        env |= {"HATSUGEN_SEARCH_SHARDS": str(n), "HATSUGEN_SEARCH_REPLICAS": str(n - 1)}
        try:
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, str(ROOT / "scripts" / "peak_memory.py"),
                                   str(ROOT / ".venv" / "bin" / "hatsugen"), "--home",
                                   str(args.home), "reindex"],
                                  capture_output=True, text=True, env=env, check=True)  # fmt: skip
            took = time.perf_counter() - t0
            memory = " ".join(re.findall(r"peak PSS[^\n;]*", done.stderr))
            docs, size = cluster_size(url, name)
            print(f"{n} node(s): reindex through bulk {took:.0f} s = {docs / took:.0f}"
                  f" statements/s ({memory}); {size / docs:.0f} bytes a statement on disk"
                  f" (primaries), {size / 2**20:.0f} MB")  # fmt: skip
            remote = Hatsugen(args.home, search_url=urls, search_index=name)
            compare(base, remote, queries, args.reps)
            nodes = [int((folder / f"node{i}.pid").read_text()) for i in range(n)]
            print("  node peak RSS: " + ", ".join(f"{peak_kb(p) // 1024} MB" for p in nodes))
            if args.web:
                print(web(args.home, env))
            remote.close()
        finally:
            subprocess.run([str(LAUNCHER), "stop", "--dir", str(folder)], check=False)


if __name__ == "__main__":
    main()
