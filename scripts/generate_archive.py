#!/usr/bin/env python3
"""Write a large archive of generated statements by fictional speakers, as JSON Lines.

For benchmarks and multi-process tests. Every speaker is invented from syllables; no text is
attributed to a real person. Deterministic for a given --seed.

    python scripts/generate_archive.py 100000 -o /tmp/100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys

FAMILY = [
    "水原",
    "高梨",
    "青木",
    "白石",
    "森川",
    "桜井",
    "藤野",
    "今村",
    "北条",
    "大江",
    "小峰",
    "沢田",
]
FAMILY_EN = ["Mizuhara", "Takanashi", "Aoki", "Shiraishi", "Morikawa", "Sakurai", "Fujino",
             "Imamura", "Hojo", "Oe", "Komine", "Sawada"]  # fmt: skip
GIVEN = ["愛子", "健二", "真理", "拓海", "葵", "悠斗", "美咲", "蓮", "結衣", "大翔"]
GIVEN_EN = ["Aiko", "Kenji", "Mari", "Takumi", "Aoi", "Yuto", "Misaki", "Ren", "Yui", "Hiroto"]
ROLES = ["Mayor of Aozora City", "Minister of Ports", "Councillor", "Governor of Kitayama",
         "Spokesperson"]  # fmt: skip
TOPICS_JA = ["経済安全保障", "半導体", "関税", "選挙管理委員会", "図書館", "港湾", "防災", "観光",
             "人工知能", "若者交流", "エネルギー", "農業"]  # fmt: skip
TOPICS_EN = ["economic security", "semiconductors", "tariffs", "the election commission",
             "libraries", "ports", "disaster prevention", "tourism", "artificial intelligence",
             "youth exchanges", "energy", "agriculture"]  # fmt: skip
PLACES_JA = ["東京都", "京都", "大阪", "青空市", "北山県", "札幌", "福岡", "横浜"]
PLACES_EN = ["Tokyo", "Kyoto", "Osaka", "Aozora City", "Kitayama Prefecture", "Sapporo",
             "Fukuoka", "Yokohama"]  # fmt: skip
JA_TEMPLATES = [
    "{place}における{topic}の取り組みを一層強化していきたいと考えています。",
    "{topic}について、関係者と緊密に連携しながら新たな時代のニーズに沿った政策を築いていきたい。",
    "昨年の{topic}に関する議論を踏まえ、{place}で具体的な成果を出すことが重要だと述べました。",
    "{topic}は私たちの将来にとって極めて重要であり、{n}か月以内に計画を示します。",
    "{place}の皆様の声を聞き、{topic}の課題に正面から取り組んでまいります。",
    "{topic}への支援を拡大し、{place}の経済を力強く支えていく決意です。",
]
EN_TEMPLATES = [
    "We want to further strengthen our work on {topic} in {place}.",
    "On {topic}, we will work closely with everyone involved to build policies for a new era.",
    "Building on last year's debate about {topic}, it is important to deliver results in {place}.",
    "{Topic} is vital to our future, and we will present a plan within {n} months.",
    "We will listen to the people of {place} and tackle the problems of {topic} head on.",
    "We are determined to expand support for {topic} and firmly back the economy of {place}.",
]
KINDS = ["remarks", "speech", "interview", "press_conference", "statement", "post"]


def speakers(count: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(count):
        f, g = i % len(FAMILY), (i // len(FAMILY)) % len(GIVEN)
        suffix = i // (len(FAMILY) * len(GIVEN))
        tag = f" {suffix + 1}" if suffix else ""
        out.append(
            {
                "id": f"fictional-{i:04d}",
                "name": {
                    "ja": FAMILY[f] + GIVEN[g] + tag,
                    "en": f"{GIVEN_EN[g]} {FAMILY_EN[f]}{tag}",
                },
                "aliases": [f"@{GIVEN_EN[g].lower()}_{FAMILY_EN[f].lower()}{suffix or ''}"],
            }
        )
    rng.shuffle(out)
    return out


def statements(count: int, seed: int = 7, speaker_count: int = 200):
    rng = random.Random(seed)
    people = speakers(speaker_count, rng)
    for i in range(count):
        ja_parts, en_parts, topics = [], [], []
        for _ in range(rng.randint(3, 6)):
            t, p, n = (
                rng.randrange(len(TOPICS_JA)),
                rng.randrange(len(PLACES_JA)),
                rng.randint(2, 12),
            )
            k = rng.randrange(len(JA_TEMPLATES))
            ja_parts.append(JA_TEMPLATES[k].format(place=PLACES_JA[p], topic=TOPICS_JA[t], n=n))
            en_parts.append(
                EN_TEMPLATES[k].format(
                    place=PLACES_EN[p], topic=TOPICS_EN[t], Topic=TOPICS_EN[t].capitalize(), n=n
                )
            )
            topics.append(TOPICS_EN[t])
        ja, en = "".join(ja_parts), " ".join(en_parts)
        original_ja = rng.random() < 0.6
        year = rng.randint(2000, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.05:
            date = date[:7]
        yield {
            "id": f"gen-{i:07d}",
            "speaker": people[rng.randrange(len(people))],
            "role": rng.choice(ROLES),
            "date": date,
            "kind": rng.choice(KINDS),
            "lang": "ja" if original_ja else "en",
            "text": ja if original_ja else en,
            "translations": [
                {
                    "lang": "en" if original_ja else "ja",
                    "text": en if original_ja else ja,
                    "by": rng.choice(["editor", "machine", "press"]),
                }
            ],
            "source": {"url": f"https://example.org/news/{i}", "publisher": "Example Daily"},
            "topics": sorted(set(topics))[:3],
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", default="-")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--speakers", type=int, default=200)
    parser.add_argument(
        "--id-prefix", default="gen", help="ids are PREFIX-0000000…: give each file its own"
    )
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    with out:
        for record in statements(args.count, args.seed, args.speakers):
            record["id"] = record["id"].replace("gen-", f"{args.id_prefix}-", 1)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
