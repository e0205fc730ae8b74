#!/usr/bin/env python3
"""Cost of marking results, cold (nothing analysed yet), on real Diet speeches.

Without --home: for each query, the longest speeches that contain it are marked as a result
card marks them without the index's help (`fragments` reading sentences from the start),
with the token cache emptied first: the time is what the first search that shows them pays.
Reported per result, with the characters analysed, so the cost can be read against what is
shown rather than against the speech's length.

With --home (an archive of the speeches: `hatsugen --home H import speeches.jsonl`, the
file gunzipped): each query's first page through the whole search, its postings read
first, then marked cold twice: where the index says the matches are (the sentence starts
it stores), and reading from the start. Both must show the same fragments.

    .venv/bin/python scripts/bench_highlight.py            # 10 longest speeches per query
    .venv/bin/python scripts/bench_highlight.py --top 20
    .venv/bin/python scripts/bench_highlight.py --home /tmp/speeches-home
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.index import SearchRequest, highlight  # noqa: E402
from hatsugen.index.query import parse, positive_terms  # noqa: E402
from hatsugen.index.schema import build_schema  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "kokkai-speeches-10k.jsonl.gz"
QUERIES = ["予算", "安全保障", "防衛 予算", "子ども", '"日米同盟"', "消費税", "憲法改正", "原発"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=10, help="longest matching speeches per query")
    ap.add_argument("--home", type=Path, help="an archive of the speeches: mark search pages")
    args = ap.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        records = sorted((json.loads(line) for line in f), key=lambda r: -len(r["text"]))
    if args.home:
        longest_through_index(args.home, records, args.top)
        through_search(args.home)
        return
    speeches = [r["text"] for r in records]
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


def longest_through_index(home: Path, records: list[dict], top: int) -> None:
    """The longest speeches that hold each query, as above, marked where the index found
    the query: the hints (positions in just these speeches, their stored sentence starts)
    and the marking timed together, the query's postings read first as its search would.
    Each must show what reading from the start shows."""
    import hatsugen.core as core
    from hatsugen.index.search import _matched_sentences, _terms_per_doc

    app = core.Hatsugen(home)
    per_result, analysed_share = [], []
    print("the longest speeches per query, marked where the index found the query:")
    for q in QUERIES:
        probe = q.strip('"').split()
        chosen = [r for r in records if all(w in r["text"] for w in probe)][:top]
        app.search(SearchRequest(q=q))  # the query's postings, read as its search reads them
        highlight._CACHE = highlight._TokenCache(highlight._CACHE.budget)
        with app.engine.borrowed() as (searcher, arrays):
            qa = arrays.query_arrays(searcher)
            terms = positive_terms(parse(q, searcher.schema))
            times = []
            for record in chosen:
                before = highlight._CACHE.chars
                t0 = time.process_time()
                doc = [searcher.document_number(id=record["id"])]
                terms_of = _terms_per_doc(qa, searcher, terms, doc)
                found = _matched_sentences(
                    qa, searcher, terms_of, doc, [searcher.stored_fields(doc[0])]
                )
                where = core._where_matched(record, found[0])
                marks, _ = core._marked_texts(record, terms_of[0], where)
                times.append((time.process_time() - t0) * 1000)
                analysed_share.append((highlight._CACHE.chars - before) / len(record["text"]))
                assert "<mark>" in marks["text"], (q, record["id"])
                assert marks == core._marked_texts(record, terms_of[0], {})[0], record["id"]
        per_result += times
        print(
            f"  {q:10} p50 {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms per result"
        )
    per_result.sort()
    print(
        f"  all: p50 {statistics.median(per_result):.1f} ms, "
        f"p95 {per_result[int(0.95 * (len(per_result) - 1))]:.1f} ms per result; "
        f"analysed {100 * statistics.mean(analysed_share):.1f}% of each text on average"
    )


def through_search(home: Path) -> None:
    os.environ["HATSUGEN_RESULTS_KEPT"] = "0"  # every search marks its page again
    import hatsugen.core as core

    app = core.Hatsugen(home)
    where_matched = core._where_matched
    for sort in ("relevance", "date"):
        print(f"first pages by {sort}:")
        rows: dict[str, list[float]] = {"index": [], "start": []}
        chars: dict[str, list[int]] = {"index": [], "start": []}
        for q in QUERIES:
            app.search(SearchRequest(q=q, sort=sort))  # postings read: the marking is cold
            shown = {}
            line = f"  {q:10}"
            for label in ("index", "start"):
                core._where_matched = where_matched if label == "index" else lambda r, m: {}
                highlight._CACHE = highlight._TokenCache(highlight._CACHE.budget)
                t0 = time.process_time()
                r = app.search(SearchRequest(q=q, sort=sort))
                per_result = (time.process_time() - t0) * 1000 / max(len(r["results"]), 1)
                analysed = highlight._CACHE.chars // max(len(r["results"]), 1)
                rows[label].append(per_result)
                chars[label].append(analysed)
                shown[label] = [x["highlights"] for x in r["results"]]
                line += f"  {label}: {per_result:6.1f} ms, {analysed:6d} chars"
            core._where_matched = where_matched
            assert shown["index"] == shown["start"], (q, sort)
            print(line + " analysed per result")
        for label in rows:
            print(
                f"  {label:5}: mean {statistics.mean(rows[label]):.1f} ms and "
                f"{statistics.mean(chars[label]):.0f} chars analysed per result"
            )


if __name__ == "__main__":
    main()
