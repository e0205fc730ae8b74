"""Readable differences between two revisions of a statement, word by word.

Japanese has no spaces, so it is compared character by character; Latin text word by word.
The output is HTML with every piece of text escaped and only our own <del>/<ins> as markup.
"""

from __future__ import annotations

import difflib
import json
import re

from markupsafe import Markup, escape

_TOKENS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]|\w+|\s+|[^\w\s]")
FIELDS = ("speaker", "role", "date", "kind", "lang", "spoken_lang", "wording", "text",
          "translations", "source", "event", "place", "topics", "context", "notes",
          "attribution", "retracted")  # fmt: skip


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


def word_diff(old: str, new: str) -> Markup:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
    return Markup("").join(out)


def revision_diff(old: dict, new: dict) -> list[tuple[str, Markup]]:
    """(field, marked-up difference) for each field that differs, in contract order."""
    return [
        (name, word_diff(_as_text(old.get(name)), _as_text(new.get(name))))
        for name in FIELDS
        if old.get(name) != new.get(name)
    ]
