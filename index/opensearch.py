"""An archive for OpenSearch or Elasticsearch: an index definition and bulk NDJSON.

Past a few million statements (Quotebank has 10^8), an archive belongs in a distributed engine,
not a bigger hatsugen. This writes what such an engine needs to search it as hatsugen does:
the same fields as hatsugen's own index documents (schema.document), analysed alike —
SudachiPy through the analysis-sudachi plugin in A mode with normalized forms, our variant
kanji and full-width folding as a mapping character filter, British spellings made American
before the Porter2 stemmer for English — and BM25 with Whoosh's parameters (k1 1.2, b 0.75).
Each document also carries the full statement (`record`, not indexed), so the export loses
nothing. docs/scale.md says how to load it and which query DSL does what hatsugen's search does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from hatsugen.archive.formats import full_record

from .folding import CHAR_TABLE, SPELLINGS
from .schema import FIELD_BOOSTS, INDEX_FORMAT, MEETING_FACETS, document

DEFAULT_INDEX = "hatsugen"
JA = "hatsugen_ja"
EN = "hatsugen_en"


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else c for c in text)


def _char_mappings() -> list[str]:
    """Our folding table as mapping rules; every character escaped, so none is read as syntax."""
    return [f"{_escaped(chr(cp))} => {_escaped(to)}" for cp, to in sorted(CHAR_TABLE.items())
            if to.strip()]  # fmt: skip


def index_definition() -> dict[str, Any]:
    """Settings and mappings for `PUT /<index>` (the analysis-sudachi plugin installed)."""
    text = {"type": "text", "similarity": "BM25"}
    return {
        "settings": {
            "index": {"similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}}},
            "analysis": {
                "char_filter": {
                    "hatsugen_fold": {"type": "mapping", "mappings": _char_mappings()},
                },
                "tokenizer": {
                    "hatsugen_sudachi": {
                        "type": "sudachi_tokenizer",
                        "split_mode": "A",
                        "discard_punctuation": True,
                    },
                },
                "filter": {
                    "hatsugen_american": {
                        "type": "synonym",
                        "synonyms": [f"{gb} => {us}" for gb, us in sorted(SPELLINGS.items())],
                    },
                    "hatsugen_porter2": {"type": "stemmer", "language": "english"},
                },
                "analyzer": {
                    JA: {
                        "type": "custom",
                        "char_filter": ["hatsugen_fold"],
                        "tokenizer": "hatsugen_sudachi",
                        "filter": [
                            "sudachi_normalizedform",
                            "lowercase",
                            "hatsugen_american",
                            "hatsugen_porter2",
                        ],
                    },
                    EN: {
                        "type": "custom",
                        "char_filter": ["hatsugen_fold"],
                        "tokenizer": "standard",
                        "filter": ["lowercase", "hatsugen_american", "hatsugen_porter2"],
                    },
                },
                "normalizer": {"hatsugen_lower": {"type": "custom", "filter": ["lowercase"]}},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"hatsugen_index_format": INDEX_FORMAT, "field_boosts": FIELD_BOOSTS},
            "properties": {
                "id": {"type": "keyword"},
                "ja": {**text, "analyzer": JA},
                "en": {**text, "analyzer": EN},
                "other": {**text, "analyzer": JA},
                "speaker": {**text, "analyzer": JA},
                "meta": {**text, "analyzer": JA},
                "speaker_id": {"type": "keyword"},
                "lang": {"type": "keyword"},
                "kind": {"type": "keyword"},
                "year": {"type": "keyword"},
                "status": {"type": "keyword"},
                "topic": {"type": "keyword", "normalizer": "hatsugen_lower"},
                **{name: {"type": "keyword"} for name in MEETING_FACETS},
                "date_start": {"type": "integer"},
                "date_end": {"type": "integer"},
                "record": {"type": "object", "enabled": False},
            },
        },
    }


def bulk_actions(rows: Iterator[tuple[dict, int]], speakers: dict[str, dict], index: str
                 ) -> Iterator[str]:  # fmt: skip
    """Two NDJSON lines per statement: the action, then the document."""
    for record, version in rows:
        speaker = speakers.get(record["speaker"]) or {"id": record["speaker"]}
        doc = document(record, speaker, version)
        doc.pop("stamp", None)
        doc["topic"] = [t for t in doc.get("topic", "").split(",") if t]
        doc["record"] = full_record(record, speakers)
        yield json.dumps({"index": {"_index": index, "_id": record["id"]}}, ensure_ascii=False)
        yield json.dumps(doc, ensure_ascii=False)


def write_bulk(rows: Iterator[tuple[dict, int]], speakers: dict[str, dict], out: IO[str],
               index: str = DEFAULT_INDEX) -> int:  # fmt: skip
    """Write the bulk file; return how many statements it holds."""
    n = 0
    for i, line in enumerate(bulk_actions(rows, speakers, index)):
        out.write(line + "\n")
        n += i % 2
    return n
