"""Timestamps in one format everywhere: UTC, seconds, ISO 8601 with Z."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
