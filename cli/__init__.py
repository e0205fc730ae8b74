"""The `hatsugen` command line: Click commands over the one `Hatsugen` core, terminal views."""

from .commands import cli, main

__all__ = ["cli", "main"]
