"""The embedded demo archive: the seed article's real statements, with the article as source."""

from __future__ import annotations

from pathlib import Path

DEMO_PATH = Path(__file__).with_name("data") / "demo.jsonl"
