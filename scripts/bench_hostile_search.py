#!/usr/bin/env python3
"""The hostile searches of issue 15 on a large archive: how each ends, how long it takes, and
how long an ordinary search takes while it runs (in another thread of the same process, as
two requests to one `hatsugen serve` would).

    .venv/bin/python scripts/bench_hostile_search.py --home /tmp/kokkai-home
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.archive.errors import ArchiveError  # noqa: E402
from hatsugen.core import Hatsugen  # noqa: E402
from hatsugen.index.query import SearchRequest  # noqa: E402

HOSTILE = {
    "a Japanese phrase 30 times": '"' + "安全保障の問題について" * 30 + '"',
    "[a TO z]": "[a TO z]",
    "*a*": "*a*",
    "*": "*",
    '"the" 30 times': " ".join(['"the"'] * 30),
    "zzzqx + 100 words": "zzzqx " + " ".join(["the"] * 100),
    "予算 OR 安全保障 OR 防衛 OR 国会": "予算 OR 安全保障 OR 防衛 OR 国会",
}
ORDINARY = ["防衛費", "子ども", "消費税", "TPP", "G7"]


def timed(app: Hatsugen, q: str) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        total = app.search(SearchRequest(q=q))["total"]
        outcome = f"{total} results"
    except ArchiveError as err:
        outcome = f"refused: {str(err)[:70]}"
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args()
    app = Hatsugen(args.home)
    for q in ORDINARY:
        timed(app, q)  # warm
    alone = [timed(app, q)[0] for q in ORDINARY]
    print(f"ordinary searches alone: median {statistics.median(alone) * 1000:.0f} ms")
    for name, q in HOSTILE.items():
        result: dict = {}
        worker = threading.Thread(target=lambda q=q, out=result: out.update(r=timed(app, q)))
        worker.start()
        time.sleep(0.05)
        during = [timed(app, o)[0] for o in ORDINARY] if worker.is_alive() else []
        worker.join()
        seconds, outcome = result["r"]
        side = f"; ordinary meanwhile: max {max(during) * 1000:.0f} ms" if during else ""
        print(f"{name:<32} {seconds * 1000:>8.0f} ms  {outcome}{side}")
    app.close()


if __name__ == "__main__":
    main()
