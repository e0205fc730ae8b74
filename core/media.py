"""Time-coded statements: where in a recording a statement was said, as a link that starts
there (pages, citations and the API give the same)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Recordings whose players start at `#t=` (Media Fragments): files a browser plays itself.
_MEDIA_FILES = (".mp4", ".m4v", ".webm", ".ogv", ".ogg", ".mov", ".mp3", ".m4a", ".wav",
                ".oga", ".opus", ".flac")  # fmt: skip


def clock(seconds: float) -> str:
    """12:34 or 1:02:03: a time in a recording as players show it."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def media_link(media: dict | None) -> dict[str, Any] | None:
    """Where a time-coded statement can be heard: the recording's URL at its start where the
    player supports it (a media file's #t=, YouTube's and Vimeo's t=), else the recording
    itself with the time to seek to. `timed` says which."""
    if not media or not media.get("url"):
        return None
    url, start = media["url"], media.get("start")
    out = {"url": url, "href": url, "start": start, "end": media.get("end"), "timed": False,
           "time": clock(start) if start is not None else None}  # fmt: skip
    if start is None:
        return out
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path.lower()
    whole = int(start)
    if host.endswith(("youtube.com", "youtu.be")):
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"] + [("t", f"{whole}s")]
        out["href"] = urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    elif host.endswith("vimeo.com"):
        out["href"] = urlunsplit(parts._replace(fragment=f"t={whole}s"))
    elif path.endswith(_MEDIA_FILES):
        span = f"{start:g}" + (f",{media['end']:g}" if media.get("end") is not None else "")
        out["href"] = urlunsplit(parts._replace(fragment=f"t={span}"))
    else:
        return out
    out["timed"] = True
    return out
