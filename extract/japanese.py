"""Japanese quotes: 「…」と述べた, with the speaker as the subject before the quote."""

from __future__ import annotations

import re
from collections.abc import Callable

from .candidate import Candidate
from .limits import WINDOW
from .people import People

# -- Japanese vocabulary ---------------------------------------------------------------------
JA_VERBS = (
    "述べ|語っ|語り|語る|話し|話す|強調し|批判し|明らかにし|訴え|説明し|指摘し|強調|表明し|"
    "呼びかけ|呼び掛け|答え|記し|投稿し|発言し|主張し|振り返っ|振り返り|明かし|力を込め|"
    "意気込ん|念を押し|嘆い|喜び|喜ん|笑顔を見せ|コメントし|発表し|打ち明け|強調した"
)

JA_TITLES = (
    "首相|大統領|副大統領|市長|副市長|知事|議員|大臣|外相|防衛相|財務相|官房長官|長官|"
    "代表|委員長|会長|社長|議長|国務長官|大使|教授|氏|さん|容疑者"
)

JA_QUOTE_RE = re.compile(r"「([^「」]+)」と(も)?(?:" + JA_VERBS + ")")

# The subject before a quote: a run of kanji/katakana (a name, maybe with its title fused on),
# then an optional さん/氏 and age, then は or が. Hiragana ends the run, so 反対した森本 → 森本.
JA_SPEAKER_RE = re.compile(
    r"(?P<name>[一-龥々ァ-ヶー・]{1,14})(?P<honorific>さん|氏)?"
    r"(?:\s*[（(][0-9０-９]{1,3}[）)])?(?:は|が)"
)

JA_TITLE_SUFFIX = re.compile("(?P<title>" + JA_TITLES + ")$")

JA_PRONOUNS = {"彼", "彼女", "同氏"}


def quotes(paragraph: str, people: People, tick: Callable[[], None]) -> list[Candidate]:
    out: list[Candidate] = []
    last: Candidate | None = None
    for m in JA_QUOTE_RE.finditer(paragraph):
        tick()
        low = max(0, m.start() - WINDOW)
        sentence_start = max(paragraph.rfind("。", low, m.start()) + 1, low)
        # The subject is outside quotes: 「日本は…」と述べ、「…」 must not make 日本 a speaker.
        before = re.sub(r"「[^「」]*」", "", paragraph[sentence_start : m.start()])
        subjects = list(JA_SPEAKER_RE.finditer(before))
        speaker = role = None
        if subjects:
            name = subjects[-1].group("name")
            title = JA_TITLE_SUFFIX.search(name)
            if title and len(name) > len(title.group()):
                name = name[: -len(title.group())]
            if name in JA_PRONOUNS:
                speaker = people.last
            else:
                speaker = people.saw(people.resolve(name), title.group() if title else None)
            role = people.roles.get(speaker or "")
        if speaker is None and (
            m.group(2) or last is not None
        ):  # 「…」とも語り: the same speaker goes on
            speaker, role = (last.speaker, last.role) if last else (people.last, None)
        if not speaker:
            continue
        end = paragraph.find("。", m.end(), m.end() + WINDOW)
        context = paragraph[sentence_start : end + 1 if end >= 0 else m.end() + WINDOW].strip()
        candidate = Candidate(speaker=speaker, role=role, text=m.group(1).strip(), lang="ja",
                              context=context, position=0)  # fmt: skip
        out.append(candidate)
        last = candidate
    return out
