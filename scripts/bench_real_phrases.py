#!/usr/bin/env python3
"""Phrase searches against single words on a home of real Diet paragraphs: issue 12's
"phrase p50 ≤ 2× word p50" for real text (the real query set has no quoted phrases).

Ten common words and ten phrases SudachiPy splits into several words (経済安全保障 is three),
each asked five times after the warming `serve` does; CPU time, results cache off.

    .venv/bin/python scripts/bench_real_phrases.py --home /tmp/kokkai-home
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

WORDS = ["経済", "防衛", "予算", "少子化", "地方", "安全", "外交", "物価", "教育", "年金"]
PHRASES = ['"経済安全保障"', '"人工知能"', '"防衛力"', '"少子化対策"', '"地方創生"',
           '"国家安全保障"', '"日米同盟"', '"物価高騰"', '"教育無償化"', '"年金制度"']  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args()
    os.environ["HATSUGEN_RESULTS_KEPT"] = "0"
    from hatsugen.core import Hatsugen
    from hatsugen.index import SearchRequest

    app = Hatsugen(args.home)
    app.search(SearchRequest(q="warm-up"))
    app.engine.warm()

    def timed(texts: list[str]) -> tuple[float, float]:
        took = []
        for _ in range(5):
            for text in texts:
                started = time.process_time()
                app.search(SearchRequest(q=text))
                took.append(time.process_time() - started)
        took.sort()
        return statistics.median(took) * 1000, took[int(0.95 * (len(took) - 1))] * 1000

    (w50, w95), (p50, p95) = timed(WORDS), timed(PHRASES)
    print(f"words: CPU p50 {w50:.1f} ms, p95 {w95:.1f} ms")
    print(f"phrases: CPU p50 {p50:.1f} ms, p95 {p95:.1f} ms; phrase p50 / word p50 {p50 / w50:.2f}")
    for text in PHRASES:
        print(f"  {text}: {app.search(SearchRequest(q=text))['total']} statements")


if __name__ == "__main__":
    main()
