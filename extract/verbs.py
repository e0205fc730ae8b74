"""English verbs that report speech, from the communication classes of Levin's *English Verb
Classes and Alternations* (1993, class 37 and the admit/complain/advise classes), kept to
the members a news article uses to attribute a quote, with every inflection generated.

Left out on purpose, because in news they far more often mean something else: call (named),
charge (accused), sing, chant, rage, thunder, boom, roar, show, read, teach, signal, relay
(passed on), and the nouns of instruments (text, email, wire, phone) except in the past tense
("emailed", "texted": "an email", "the text" are nouns). "Post" stays in every form: news
writes "posted on Twitter" and "posts" far more than it names a post before a quote.
"""

from __future__ import annotations

# Levin 37.7 say verbs; 37.1 transfer of a message; 37.2 tell; 37.5/37.6 talk.
SAY = (
    "say tell announce articulate assert claim confess confide declare disclose explain "
    "mention note observe proclaim propose recount reiterate remark repeat reveal "
    "state suggest add write ask cite quote dictate speak recite answer reply respond "
    "retort counter continue conclude comment describe"
)
# Levin 37.3 manner of speaking, the ones used to attribute words.
MANNER = (
    "shout yell scream shriek cry whisper mutter murmur mumble stammer stutter growl snarl "
    "snap hiss bark bellow holler drawl croak groan moan sigh gasp wail whimper whine sob "
    "chuckle laugh giggle scoff sneer grunt rasp gush exclaim blurt interject quip joke muse "
    "marvel"
)
# Levin 37.8 complain; 37.9 advise (warn, urge); 29.x admit and conjecture verbs.
STANCE = (
    "complain grumble gripe grouse lament fume protest object warn caution advise urge "
    "implore beg plead admonish remind inform notify insist argue contend maintain allege "
    "acknowledge admit concede agree concur confirm deny predict vow pledge promise boast "
    "brag praise criticise criticize defend demand testify recall reflect emphasise "
    "emphasize stress elaborate opine tweet post"
)
PHRASAL = ("point out",)
# Nouns far more often than verbs, except in these forms ("a report on the …" is no lead-in).
NOUN_TOO = ("emailed", "e-mailed", "texted", "messaged", "wired", "cabled", "phoned",
            "reported", "reports", "quoted")  # fmt: skip
IRREGULAR = {
    "say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "speak": ["spoke"],
}  # fmt: skip
_DOUBLED = {"snap", "quip", "sob", "admit", "regret", "chat", "jot"}


def forms(stem: str) -> list[str]:
    """say → says, saying, said; note → notes, noted, noting; cry → cries, cried; quip →
    quipped; point out → points out, pointed out."""
    if " " in stem:
        head, tail = stem.split(" ", 1)
        return [f"{f} {tail}" for f in forms(head)] + IRREGULAR.get(stem, [])
    if stem in _DOUBLED:
        last = stem[-1]
        regular = [stem + "s", stem + last + "ed", stem + last + "ing"]
    elif stem.endswith("y") and stem[-2] not in "aeiou":
        regular = [stem[:-1] + "ies", stem[:-1] + "ied", stem + "ing"]
    elif stem.endswith("ee"):
        regular = [stem + "s", stem + "d", stem + "ing"]
    elif stem.endswith("e"):
        regular = [stem + "s", stem + "d", stem[:-1] + "ing"]
    else:
        es = "es" if stem.endswith(("sh", "ch", "s", "x")) else "s"
        regular = [stem + es, stem + "ed", stem + "ing"]
    return [stem, *regular, *IRREGULAR.get(stem, [])]


def reporting_forms() -> set[str]:
    """Every form of every reporting verb, and the past-only ones."""
    stems = [*SAY.split(), *MANNER.split(), *STANCE.split(), *PHRASAL]
    return {f for stem in stems for f in forms(stem)} | set(NOUN_TOO)
