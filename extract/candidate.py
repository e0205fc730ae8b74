"""A quote found in an article, before it becomes an import record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Candidate:
    speaker: str | None
    text: str
    lang: str
    context: str
    role: str | None = None
    date: str | None = None
    kind: str = "remarks"
    aliases: list[str] = field(default_factory=list)
    partial: bool = False
    position: int = 0
    # Set when the article does not settle who spoke: {"candidates": [...], "why": "..."}.
    unresolved: dict | None = None
