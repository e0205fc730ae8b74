"""WCAG AA contrast of the site's text colours (4.5:1 for text), read from the stylesheet: a
colour change that makes text hard to read fails here."""

from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[1] / "web" / "static" / "style.css").read_text()


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_meet_wcag_aa() -> None:
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))
    resolved = re.sub(r"var\(--([\w-]+)\)", lambda m: variables[m.group(1)], CSS)
    pairs = {  # text on the page and card backgrounds, and highlighted text
        f"{fg} on {bg}": (variables[fg], variables[bg])
        for fg in ("ink", "muted", "accent")
        for bg in ("bg", "card")
    }
    pairs["ink on mark"] = (variables["ink"], variables["mark"])
    # every rule that sets both a text colour and a background (badges, notices)
    for rule in re.findall(r"([^{}]+)\{([^}]*)\}", resolved):
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", rule[1])
        bg = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})", rule[1])
        if fg and bg:
            pairs[rule[0].strip()] = (fg.group(1), bg.group(1))
    assert len(pairs) > 8
    weak = {name: round(contrast(*c), 2) for name, c in pairs.items() if contrast(*c) < 4.5}
    assert weak == {}
