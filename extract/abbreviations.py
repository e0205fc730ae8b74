"""Periods that do not end a sentence: Mr. Rowe, Sen. Vale (D-Mo.), Charles E. Grant, U.S.

English attributions in newspaper style carry abbreviations ("…," Mr. Rowe said), and a period
there is no end of a clause. Before a paragraph is read, each such period is replaced by a
look-alike character of the same length (ONE DOT LEADER), so every rule that ends a clause
or a sentence at "." reads on; what is reported is given its periods back (`restore`).
"""

from __future__ import annotations

import re

DOT = "\u2024"  # ONE DOT LEADER: one character, as the period it stands for

_TITLES = (
    "Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Fr|Sr|Jr|St|Gen|Lt|Col|Maj|Capt|Cpt|Sgt|Cpl|Adm|Cmdr|Gov|Sen|"
    "Rep|Reps|Sens|Rt|Hon|Pres|Supt|Insp|Det|Atty|Amb|Msgr|Mme|Mlle|Messrs"
)
_ABBREVIATION = re.compile(
    rf"\b(?:{_TITLES})\.(?=[\s,])"  # Mr. Rowe, Sen. Vale, Ochs Jr., the treasurer
    r"|\b[A-Z]\.(?=\s+[A-Z])"  # Charles E. Grant, J. Doe
    r"|\b(?:[A-Z]\.){2,}"  # U.S., D.C., U.K.
    r"|(?<=[-–])[A-Z][a-z]{1,3}\.(?=\))"  # (D-Mo.), (R-Ala.)
)


def mask(paragraph: str) -> str:
    """The paragraph with the periods of abbreviations and initials replaced by DOT."""
    return _ABBREVIATION.sub(lambda m: m.group().replace(".", DOT), paragraph)


def restore(text: str) -> str:
    return text.replace(DOT, ".")
