#!/usr/bin/env python3
"""Recall, precision and wrong-speaker rate of `hatsugen extract` on annotated articles.

Two sets, each `NAME.txt` beside `NAME.expected.json`:

- `tests/articles/real/`: real Wikinews articles (CC BY 2.5) in English and Japanese,
  annotated by hand: every direct quote with who said it (`null` when the article does not
  name the speaker — then the only right answer is "unresolved"). Quotes marked `partial`
  (a few quoted words inside the reporter's sentence) are not counted for recall, but a
  found one is checked for its speaker like any other.
- `tests/articles/` (synthetic, written for the first version; a list of quotes).

A found quote matches an expected one when either text contains the start of the other
(letters and digits only, so punctuation and spacing do not matter). For every matched quote
the speaker is right (same person: the full name, or a part of it that includes the family
name, or an annotated alias), wrong, or unresolved (the extractor said it could not tell).

    .venv/bin/python scripts/eval_extract.py              # the real set, per language
    .venv/bin/python scripts/eval_extract.py --set all -v # both sets, listing every error
    .venv/bin/python scripts/eval_extract.py --dir DIR    # any folder annotated the same way
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hatsugen.extract import extract  # noqa: E402

SETS = {"real": ROOT / "tests" / "articles" / "real", "synthetic": ROOT / "tests" / "articles"}
PREFIX = 20


@dataclass
class Expected:
    speaker: str | None
    text: str
    aliases: list[str] = field(default_factory=list)
    partial: bool = False


@dataclass
class Tally:
    articles: int = 0
    expected: int = 0
    recalled: int = 0
    found: int = 0
    matched: int = 0
    right: int = 0
    wrong: int = 0
    unresolved: int = 0
    named: int = 0
    exact_name: int = 0
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict:
        def share(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        ms = sorted(s * 1000 for s in self.seconds) or [0.0]
        return {
            "articles": self.articles, "expected": self.expected, "found": self.found,
            "recall": share(self.recalled, self.expected),
            "precision": share(self.matched, self.found),
            "wrong_speaker": share(self.wrong, self.matched), "wrong": self.wrong,
            "unresolved": share(self.unresolved, self.named),
            "exact_name": share(self.exact_name, self.right),
            "ms_per_article_mean": round(sum(ms) / len(ms), 1),
            "ms_per_article_max": round(ms[-1], 1),
        }  # fmt: skip


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def name_parts(name: str) -> list[str]:
    """Name parts, an Arabic article on a family name dropped (el-Sisi is Sisi)."""
    parts = re.split(r"[\s・=]+", fold(name).replace(".", ""))
    return [re.sub(r"^(?:el|al|ad|as|an|ash)-", "", p) for p in parts if p]


def same_text(found: str, expected: str) -> bool:
    a, b = letters(found), letters(expected)
    if not a or not b:
        return False
    # A short found quote must start the expected one ("natural born Citizen" is not the
    # long quote that happens to contain those words); a longer one may be its second half.
    return (
        b.startswith(a[:PREFIX])
        or a.startswith(b[:PREFIX])
        or (
            len(a) >= (12 if re.search(r"[\u3040-\u9fff]", a) else 40)
            and (a[:PREFIX] in b or b[:PREFIX] in a)
        )
    )


# Titles a Japanese article puts after a name (河相局長, 錦織選手): the person is right, the
# name is not clean. Kept here, apart from the extractor's own list, so as not to grade the
# extractor by its own vocabulary.
JA_TITLES = re.compile(
    r"(?:氏|さん|選手|監督|コーチ|局長|町長|市長|知事|大臣|首相|代表|議員|委員長|幹事長|"
    r"事務総長|会長|社長|長官|次長|部長|議長|総裁|大統領|大使|弁護士|教授|市議|理事|常務理事)+"
)


def same_person(found: str, expected: Expected) -> bool:
    """The found name is the expected person: the full name, an alias, a part of the name
    that keeps the family name, or the name with a title left on it."""
    got = name_parts(found)
    for want_name in [expected.speaker or "", *expected.aliases]:
        want = name_parts(want_name)
        if not want or not got:
            continue
        if got == want:
            return True
        if re.fullmatch(r"[ァ-ヶー・]+", want_name) and got[-1:] == want[-1:]:
            return True  # ブッシュ is ジョージ・ワシントン・ブッシュ: the family name comes last
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", want_name):
            joined_got = JA_TITLES.sub("", "".join(got)) or "".join(got)
            joined_want = "".join(want)
            if len(joined_got) >= 2 and (
                joined_want.startswith(joined_got) or joined_got.startswith(joined_want)
            ):
                return True
        elif (set(got) <= set(want) or set(want) <= set(got)) and want[-1] == got[-1]:
            return True
    return False


def cases(name: str, sample: str | None = None) -> list[tuple[str, str, str, list[Expected]]]:
    """(name, language, article text, expected quotes) for every article of a set, or of one
    sample of it (the first sample has no `sample` in its source)."""
    folder = SETS[name] if name in SETS else Path(name)
    out = []
    for spec in sorted(folder.glob("*.expected.json")):
        stem = spec.name.removesuffix(".expected.json")
        article = next(p for p in folder.glob(stem + ".*") if not p.name.endswith(".json"))
        data = json.loads(spec.read_text("utf-8"))
        drawn = data.get("source", {}).get("sample", "first") if isinstance(data, dict) else None
        if sample and drawn != sample:
            continue
        quotes = data["quotes"] if isinstance(data, dict) else data
        expected = [Expected(q["speaker"], q["text"], q.get("aliases", []), q.get("partial", False))
                    for q in quotes]  # fmt: skip
        lang = "ja" if stem.startswith("ja_") or stem.endswith("_ja") else "en"
        out.append((stem, lang, article.read_text("utf-8"), expected))
    return out


def found_speaker(record: dict) -> str | None:
    speaker = record.get("speaker")
    if not speaker:
        return None
    return next(iter(speaker["name"].values())) if "name" in speaker else speaker.get("id")


def score(stem: str, text: str, expected: list[Expected], tally: Tally) -> None:
    started = time.perf_counter()
    found = extract(text)
    tally.seconds.append(time.perf_counter() - started)
    tally.articles += 1
    tally.expected += sum(not e.partial for e in expected)
    tally.found += len(found)
    recalled: set[int] = set()
    for record in found:
        index = next((i for i, e in enumerate(expected) if same_text(record["text"], e.text)), None)
        quote = record["text"][:50]
        if index is None:
            tally.errors.append(f"{stem}: not a quote: {quote!r} ({found_speaker(record)})")
            continue
        tally.matched += 1
        recalled.add(index)
        want, got = expected[index], found_speaker(record)
        tally.named += want.speaker is not None
        if got is None:
            tally.unresolved += 1 if want.speaker else 0
            tally.right += 0 if want.speaker else 1
            if want.speaker:
                tally.errors.append(f"{stem}: unresolved (is {want.speaker}): {quote!r}")
        elif want.speaker is not None and same_person(got, want):
            tally.right += 1
            tally.exact_name += fold(got) in {fold(n) for n in [want.speaker, *want.aliases]}
        else:
            tally.wrong += 1
            tally.errors.append(f"{stem}: WRONG {got} (is {want.speaker or 'unnamed'}): {quote!r}")
    for i, e in enumerate(expected):
        if not e.partial and i not in recalled:
            tally.errors.append(f"{stem}: missed ({e.speaker}): {e.text[:50]!r}")
    tally.recalled += sum(1 for i in recalled if not expected[i].partial)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["real", "synthetic", "all"], default="real")
    parser.add_argument("--dir", type=Path, help="score another annotated folder (held-out)")
    parser.add_argument(
        "--sample",
        choices=["first", "second", "third"],
        help="score one sample of the real set (see tests/articles/real/README.md)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    tallies: dict[str, Tally] = defaultdict(Tally)
    names = ["real", "synthetic"] if args.set == "all" else [args.set]
    for name in [str(args.dir)] if args.dir else names:
        for stem, lang, text, expected in cases(name, args.sample):
            score(stem, text, expected, tallies[f"{Path(name).name}/{lang}"])
    figures = {key: t.figures() for key, t in sorted(tallies.items())}
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    if args.verbose:
        for key, t in sorted(tallies.items()):
            print(f"# {key}")
            print("\n".join(t.errors))
    header = (f"{'set':<13}{'articles':>9}{'quotes':>7}{'found':>6}{'recall':>8}{'precision':>10}"
              f"{'wrong':>8}{'unresolved':>11}{'ms/article':>11}")  # fmt: skip
    print(header)
    for key, f in figures.items():
        print(f"{key:<13}{f['articles']:>9}{f['expected']:>7}{f['found']:>6}{f['recall']:>8.1%}"
              f"{f['precision']:>10.1%}{f['wrong_speaker']:>8.1%}{f['unresolved']:>11.1%}"
              f"{f['ms_per_article_mean']:>11.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
