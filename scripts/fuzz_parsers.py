#!/usr/bin/env python3
"""Feed each user-facing parser random and adversarial input; report the slowest input found.

Parsers: article extraction, the search query (parsed and run on the demo archive), the
highlighter, and the import reader. Inputs are built from the pieces each parser's patterns
care about, repeated, so that backtracking or quadratic behaviour would show.

    .venv/bin/python scripts/fuzz_parsers.py            # 2,000 inputs per parser
    .venv/bin/python scripts/fuzz_parsers.py 500 --seed 3
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_hostile_input import FRAGMENTS, QUERY_PIECES

from hatsugen.archive.errors import RecordError
from hatsugen.archive.formats import parse_records
from hatsugen.core import Hatsugen
from hatsugen.extract import extract
from hatsugen.index import QueryError, SearchRequest
from hatsugen.index.highlight import highlight
from hatsugen.index.query import MAX_QUERY_CHARS
from hatsugen.rules import Actor

JSON_PIECES = ["{", "}", "[", "]", '"', ":", ",", '"speaker"', '"text"', '"lang"', '"ja"', "1e9",
               "null", "true", "\\u0000", "\\ud800", "\n", " ", "a" * 20, "9" * 30]  # fmt: skip


def build(rng: random.Random, pieces: list[str], most: int) -> str:
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))
    return (text * rng.randint(1, 50))[:most]


def slowest(name: str, inputs: list[str], run: Callable[[str], object]) -> None:
    worst, worst_input = 0.0, ""
    for text in inputs:
        started = time.perf_counter()
        with contextlib.suppress(QueryError, RecordError):  # a clear refusal is an answer
            run(text)
        took = time.perf_counter() - started
        if took > worst:
            worst, worst_input = took, text
    shown = worst_input[:70].replace("\n", "⏎")
    print(f"{name:10} {len(inputs)} inputs, slowest {worst * 1000:.0f} ms"
          f" ({len(worst_input):,} chars): {shown!r}…")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    app = Hatsugen(Path(tempfile.mkdtemp()) / "home")
    app.load_demo(actor=Actor.local("fuzz"))
    terms = {"ja": {("協力",), ("関係",), ("日韓",)}, "en": {("cooper",), ("relat",)}}

    def articles() -> list[str]:
        return [build(rng, FRAGMENTS, 60_000) for _ in range(args.count)]

    slowest("extract", articles(), extract)
    queries = [build(rng, QUERY_PIECES, MAX_QUERY_CHARS) for _ in range(args.count)]
    slowest("query", queries, lambda q: app.search(SearchRequest(q=q)))
    slowest("highlight", articles(), lambda t: highlight(t, "ja", terms))
    slowest("import", [build(rng, JSON_PIECES, 20_000) for _ in range(args.count)],
            lambda t: parse_records(t, "fuzz"))  # fmt: skip


if __name__ == "__main__":
    main()
