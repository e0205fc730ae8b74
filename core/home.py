"""Where an archive lives: --home, else $HATSUGEN_HOME, else a per-user data folder."""

from __future__ import annotations

import os
from pathlib import Path


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "hatsugen"


def resolve_home(home: str | os.PathLike[str] | None) -> Path:
    if home:
        return Path(home).expanduser()
    env = os.environ.get("HATSUGEN_HOME")
    return Path(env).expanduser() if env else default_home()
