#!/usr/bin/env python3
"""Precision and recall of `hatsugen extract` on annotated articles.

Each `tests/articles/NAME.expected.json` lists the quotes a careful reader would take from the
article beside it (speaker and text). A found quote counts as right when both its speaker and
its text match an expected one. The seed article counts too, with its three statements.

    .venv/bin/python scripts/eval_extract.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.extract import extract  # noqa: E402

ARTICLES = ROOT / "tests" / "articles"
SEED = ROOT.parent / "shared" / "seeds" / "000_d394adb5d99a2b33.txt"
SEED_EXPECTED = [
    ("Shigeru Ishiba", "As the strategic environment"),
    ("石破茂", "大韓民国 李在明大統領をお迎えしました。"),
    ("Lee Jae Myung", "We agreed that unwavering cooperation"),
]


def cases() -> list[tuple[str, str, list[tuple[str, str]]]]:
    out = []
    for spec in sorted(ARTICLES.glob("*.expected.json")):
        name = spec.name.split(".")[0]
        article = next(p for p in ARTICLES.iterdir()
                       if p.name.startswith(name + ".") and p is not spec and
                       not p.name.endswith(".expected.json"))  # fmt: skip
        expected = [(e["speaker"], e["text"]) for e in json.loads(spec.read_text("utf-8"))]
        out.append((name, article.read_text("utf-8"), expected))
    if SEED.exists():
        out.append(("seed", SEED.read_text("utf-8"), SEED_EXPECTED))
    return out


def main() -> None:
    total_tp = total_found = total_expected = 0
    for name, text, expected in cases():
        found = [(next(iter(r["speaker"]["name"].values())), r["text"]) for r in extract(text)]
        remaining = list(expected)
        tp = 0
        for speaker, quote in found:
            match = next((e for e in remaining if e[0] == speaker and quote.startswith(e[1])), None)
            if match:
                remaining.remove(match)
                tp += 1
        total_tp += tp
        total_found += len(found)
        total_expected += len(expected)
        print(f"{name:<14} found {len(found):>2}, expected {len(expected):>2}, right {tp:>2}")
    precision = total_tp / total_found if total_found else 1.0
    recall = total_tp / total_expected if total_expected else 1.0
    print(f"overall: precision {precision:.2f} ({total_tp}/{total_found}),"
          f" recall {recall:.2f} ({total_tp}/{total_expected})")  # fmt: skip


if __name__ == "__main__":
    main()
