#!/usr/bin/env python3
"""Quote check on real Diet paragraphs: recall@1, verdict accuracy and time per check.

Variants are generated, with a fixed seed, from paragraphs of three sentences or more:
- excerpt: one whole sentence of the paragraph;
- spliced: its first and third sentences joined with nothing between them;
- altered: one sentence with one content word replaced by a word from another paragraph;
- absent: a sentence of a paragraph left out of the archive (`--leave-out`), which must get
  "not in this archive" (a sentence that also occurs word for word in an archived paragraph,
  as procedural lines do, is skipped).

    .venv/bin/python scripts/bench_quote_check.py --home /tmp/kokkai-qc   # imports once
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_real_search import DATA, real_archive  # noqa: E402

from hatsugen.index.analysis import sudachi_tokenizer_c  # noqa: E402

SENTENCE = re.compile(r"[^。！？]+[。！？]")


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) >= 20]


def altered(sentence: str, donor: str) -> str | None:
    """The sentence with one of its nouns replaced by a noun of `donor`."""
    tok = sudachi_tokenizer_c()
    nouns = [m for m in tok.tokenize(sentence) if m.part_of_speech()[0] == "名詞"
             and len(m.surface()) >= 2]  # fmt: skip
    others = [m.surface() for m in tok.tokenize(donor) if m.part_of_speech()[0] == "名詞"
              and len(m.surface()) >= 2]  # fmt: skip
    if not nouns or not others:
        return None
    target = nouns[len(nouns) // 2]
    new = next((o for o in others if o != target.surface()), None)
    if new is None:
        return None
    return sentence[: target.begin()] + new + sentence[target.end() :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="archive home (imported once)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--leave-out", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    app, records = real_archive(args.home, args.data, args.leave_out)
    archived, held = records[: -args.leave_out], records[-args.leave_out :]
    rng = random.Random(args.seed)
    rich = [r for r in archived if len(sentences_of(r["text"])) >= 3]
    rng.shuffle(rich)
    archived_text = "\n".join(r["text"] for r in archived)
    cases: list[tuple[str, str, str | None]] = []  # kind, quote, expected id
    for r in rich[: args.per_kind]:
        s = sentences_of(r["text"])
        cases.append(("excerpt", s[1], r["id"]))
        cases.append(("spliced", s[0].rstrip("。") + "、" + s[2], r["id"]))
    for r, donor in zip(
        rich[args.per_kind : 2 * args.per_kind], rich[-args.per_kind :], strict=False
    ):
        if (quote := altered(sentences_of(r["text"])[1], donor["text"])) is not None:
            cases.append(("altered", quote, r["id"]))
    absent = [s for r in held for s in sentences_of(r["text"]) if s not in archived_text]
    rng.shuffle(absent)
    cases += [("absent", s, None) for s in absent[: args.per_kind]]
    app.check_quote("予算")  # load the tokenizer and the index before timing
    tally: dict[str, list[int]] = {}
    times: list[float] = []
    for kind, quote, want in cases:
        started = time.perf_counter()
        result = app.check_quote(quote)
        times.append((time.perf_counter() - started) * 1000)
        top = result["matches"][0] if result["matches"] else None
        t = tally.setdefault(kind, [0, 0, 0])
        t[0] += 1
        missed = (top is None) != (want is None) or (top and want and top["id"] != want)
        if args.verbose and missed:
            got = top and (top["id"], top["verdict"], top["share"])
            print(f"{kind}: {quote[:60]!r} → {got}; want {want}")
        if want is None:
            t[1] += top is None
            t[2] += top is None
        else:
            t[1] += top is not None and top["id"] == want
            # a repeated paragraph elsewhere may rank first with the same words
            t[2] += top is not None and top["verdict"] == kind
    print(f"{'variant':<10}{'cases':>6}{'right first':>13}{'right verdict':>15}")
    for kind, (n, first, verdict) in tally.items():
        label = "no match" if kind == "absent" else "right first"
        print(f"{kind:<10}{n:>6}{first / n:>13.1%}{verdict / n:>15.1%}   ({label})")
    times.sort()
    print(f"{len(times)} checks on {app.store.count()} statements: median "
          f"{statistics.median(times):.0f} ms, p95 {times[int(len(times) * 0.95)]:.0f} ms, "
          f"max {times[-1]:.0f} ms")  # fmt: skip
    app.close()


if __name__ == "__main__":
    main()
