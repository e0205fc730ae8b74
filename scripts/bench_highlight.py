#!/usr/bin/env python3
"""Cost of marking results, cold (nothing analysed yet), on real Diet speeches.

For each query, the longest speeches that contain it are marked as a result card marks them
(`fragments`), with the token cache emptied first: the time is what the first search that
shows them pays. Reported per result, with the characters analysed, so the cost can be read
against what is shown rather than against the speech's length.

    .venv/bin/python scripts/bench_highlight.py            # 10 longest speeches per query
    .venv/bin/python scripts/bench_highlight.py --top 20
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.index import highlight  # noqa: E402
from hatsugen.index.query import parse, positive_terms  # noqa: E402
from hatsugen.index.schema import build_schema  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "kokkai-speeches-10k.jsonl.gz"
QUERIES = ["予算", "安全保障", "防衛 予算", "子ども", '"日米同盟"', "消費税", "憲法改正", "原発"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=10, help="longest matching speeches per query")
    args = ap.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        speeches = sorted((json.loads(line)["text"] for line in f), key=len, reverse=True)
    schema = build_schema()
    per_result, analysed_share = [], []
    for q in QUERIES:
        terms = positive_terms(parse(q, schema))
        probe = q.strip('"').split()
        texts = [t for t in speeches if all(w in t for w in probe)][: args.top]
        highlight._CACHE = highlight._TokenCache(highlight._CACHE.budget)
        times = []
        for text in texts:
            before = highlight._CACHE.chars
            t0 = time.process_time()
            shown = highlight.fragments(text, "ja", terms)
            times.append((time.process_time() - t0) * 1000)
            analysed_share.append((highlight._CACHE.chars - before) / len(text))
            assert shown.matched, (q, text[:40])
        per_result += times
        mean_len = statistics.mean(len(t) for t in texts)
        print(
            f"{q:10} {len(texts):3} results, mean {mean_len:7.0f} chars: "
            f"p50 {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms per result"
        )
    per_result.sort()
    print(
        f"all: p50 {statistics.median(per_result):.1f} ms, "
        f"p95 {per_result[int(0.95 * (len(per_result) - 1))]:.1f} ms per result; "
        f"analysed {100 * statistics.mean(analysed_share):.0f}% of each text on average"
    )


if __name__ == "__main__":
    main()
