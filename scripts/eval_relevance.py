#!/usr/bin/env python3
"""Score search on the relevance set: real Diet paragraphs and fictional bilingual statements
(tests/relevance/), with judged queries (tests/relevance/queries.json).

For every query: which judged statements it finds (`must`), which it must not find
(`must_not`), which marks fall outside what matched (`marks_only`: the only strings a mark may
cover), whether text matches rank above statements found only through their metadata
(`text_first`, `also`), what a card says it matched in (`matched_in`), and how a speaker
filter resolves (`speaker_is`, `ambiguous`).

    .venv/bin/python scripts/eval_relevance.py        # figures per kind of query
    .venv/bin/python scripts/eval_relevance.py -v     # and every failure
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.archive.errors import ArchiveError  # noqa: E402
from hatsugen.core import Actor, Hatsugen  # noqa: E402
from hatsugen.index.query import SearchRequest  # noqa: E402

FOLDER = ROOT / "tests" / "relevance"
FIXTURES = ("kokkai.jsonl", "fictional.jsonl")
MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


@dataclass
class Outcome:
    """What one query did, against its judgment."""

    query: dict
    expected: int = 0
    found: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    marks: int = 0
    stray_marks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.wrong or self.missed or self.stray_marks or self.problems)


def open_archive(home: Path) -> Hatsugen:
    app = Hatsugen(home)
    app.import_files([str(FOLDER / name) for name in FIXTURES], actor=Actor.local("relevance-set"))
    return app


def queries() -> list[dict]:
    return json.loads((FOLDER / "queries.json").read_text("utf-8"))["queries"]


def statements_by_speaker() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for name in FIXTURES:
        for line in (FOLDER / name).read_text("utf-8").splitlines():
            record = json.loads(line)
            out[record["speaker"]["id"]].add(record["id"])
    return out


def run(app: Hatsugen, query: dict, by_speaker: dict[str, set[str]]) -> Outcome:
    out = Outcome(query)
    req = SearchRequest(q=query.get("q", ""), per_page=100)
    if "speaker" in query:
        req.speakers = [query["speaker"]]
    try:
        page = app.search(req)
    except ArchiveError as err:
        if "ambiguous" in query:
            names = [n for sid in query["ambiguous"] for n in _names(app, sid)]
            missing = [n for n in names if n not in str(err)]
            if missing:
                out.problems.append(f"ambiguity message does not name {missing}: {err}")
        else:
            out.problems.append(f"error: {err}")
        return out
    if "ambiguous" in query:
        out.problems.append(f"not reported as ambiguous ({page['total']} results)")
        return out
    results = page["results"]
    found = [r["id"] for r in results]
    if "speaker_is" in query:
        want = by_speaker[query["speaker_is"]]
        got = {r["id"] for r in results if r["speaker"]["id"] == query["speaker_is"]}
        others = [r["id"] for r in results if r["speaker"]["id"] != query["speaker_is"]]
        out.expected, out.found = len(want), len(got & want)
        out.missed = sorted(want - got)
        out.wrong = others
        return out
    must, must_not = query.get("must", []), set(query.get("must_not", []))
    out.expected = len(must)
    out.found = sum(1 for i in must if i in found)
    out.missed = [i for i in must if i not in found]
    out.wrong = [i for i in found if i in must_not]
    allowed = set(query.get("marks_only", []))
    for r in results:
        if r["id"] not in must:
            continue
        hl = r["highlights"]
        for marked in [hl.get("text", ""), hl.get("original", ""), *hl["translations"].values()]:
            for span in MARK_RE.findall(marked or ""):
                out.marks += 1
                if allowed and span not in allowed:
                    out.stray_marks.append(f"{r['id']}: {span}")
    if query.get("text_first"):
        also = set(query.get("also", []))
        missing_also = sorted(also - set(found))
        if missing_also:
            out.problems.append(f"metadata matches not found: {missing_also}")
        last_text = max((found.index(i) for i in must if i in found), default=-1)
        first_meta = min((found.index(i) for i in also if i in found), default=len(found))
        if last_text > first_meta:
            out.problems.append("a metadata-only match ranks above a text match")
    for sid, where in query.get("matched_in", {}).items():
        card = next((r for r in results if r["id"] == sid), None)
        if card is None or where not in card.get("matched_in", []):
            got = card.get("matched_in") if card else "not found"
            out.problems.append(f"{sid} should say it matched in {where}: {got}")
    return out


def _names(app: Hatsugen, speaker_id: str) -> list[str]:
    speaker = app.store.get_speaker(speaker_id) or {}
    return list(speaker.get("name", {}).values())[:1]


def kind(query: dict) -> str:
    return query["id"].split(":")[0].split("-")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = open_archive(Path(tmp) / "home")
        by_speaker = statements_by_speaker()
        outcomes = [run(app, q, by_speaker) for q in queries()]
        app.close()
    totals = {
        "queries": len(outcomes),
        "passed": sum(o.ok for o in outcomes),
        "found": sum(o.found for o in outcomes),
        "expected": sum(o.expected for o in outcomes),
        "wrongly_found": sum(len(o.wrong) for o in outcomes),
        "marks": sum(o.marks for o in outcomes),
        "marks_outside_match": sum(len(o.stray_marks) for o in outcomes),
        "other_problems": sum(len(o.problems) for o in outcomes),
    }
    if args.json:
        print(json.dumps(totals, indent=1))
        return
    if args.verbose:
        for o in outcomes:
            if not o.ok:
                print(f"✗ {o.query['id']}  ({o.query['why']})")
                listed = (("missed", o.missed), ("wrongly found", o.wrong),
                          ("marks outside", o.stray_marks), ("", o.problems))  # fmt: skip
                for label, items in listed:
                    if items:
                        print(f"    {label} {items[:6]}{' …' if len(items) > 6 else ''}")
    per_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        per_kind[kind(o.query)].append(o)
    print(f"{'kind':<16}{'queries':>8}{'passed':>8}{'found':>12}{'wrong':>7}{'stray marks':>13}")
    for k, os_ in per_kind.items():
        found = f"{sum(o.found for o in os_)}/{sum(o.expected for o in os_)}"
        wrong, stray = sum(len(o.wrong) for o in os_), sum(len(o.stray_marks) for o in os_)
        print(f"{k:<16}{len(os_):>8}{sum(o.ok for o in os_):>8}{found:>12}{wrong:>7}{stray:>13}")
    found = f"{totals['found']}/{totals['expected']}"
    print(f"{'all':<16}{totals['queries']:>8}{totals['passed']:>8}{found:>12}"
          f"{totals['wrongly_found']:>7}{totals['marks_outside_match']:>13}")  # fmt: skip
    print(f"marks: {totals['marks']}, of them outside the match: {totals['marks_outside_match']}")


if __name__ == "__main__":
    main()
