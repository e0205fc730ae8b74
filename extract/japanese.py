"""Japanese quotes: 「…」と述べた, the speaker being the subject of the clause around the quote.

The subject is read with SudachiPy (which hatsugen ships for search): in 公明党の神崎武法代表は
the tokens tagged 人名 are the name (神崎武法), the nouns after it the title (代表), the rest of
the phrase context. A phrase with no name in it — ある自民党幹部, パキスタン外務大臣, 集まった人 —
does not name the speaker, so the quote is kept unresolved rather than given to someone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hatsugen.index.analysis import sudachi_tokenizer_c as _tokenizer

from .candidate import Candidate
from .limits import WINDOW
from .people import People, Thread, Who

# A quote, with one level of 「」 inside it.
JA_QUOTE_RE = re.compile(r"「((?:[^「」]|「[^「」]*」){1,2000})」")

JA_VERBS = (
    "述べ|語っ|語り|語る|話し|話す|話して|言っ|言い|言う|強調|批判|明らかに|訴え|説明|指摘|表明|"
    "呼びかけ|呼び掛け|答え|答弁|記し|記述|投稿|発言|主張|振り返|明かし|力を込め|意気込|念を押し|"
    "嘆い|喜|笑顔を見せ|コメント|発表|打ち明け|論評|反発|非難|謝罪|釈明|称賛|讃え|たたえ|評価|"
    "締めくく|懸念|否定|抗議|要請|求め|漏らし|驚|興奮|述懐|回顧|激励|祝福|歓迎|憤|怒|反論|"
    "提案|要望|示し|書き込|掲載|報告|証言|宣言|誓|約束|分析|解説|応じ|返答|質問|問いかけ|叫"
)
# After the closing 」: と(も) + up to 20 characters of manner (涙ながらに) + a reporting verb;
# とし(た|ている|、) also reports; との(コメント) too.
AFTER_QUOTE = re.compile(
    rf"^と(?P<also>も)?(?:(?P<between>[^「」。]{{0,24}}?)(?:{JA_VERBS})|し[、たてつ]|の(?:コメント|声|考え|見方|認識|談話))"
)
# Not someone's statement: a name or title (と呼ばれ, と題し), or a question put to the
# sentence's subject (と質問され, と聞かれ): the asker is not the subject.
NOT_A_QUOTE = re.compile(
    r"^と(?:いう|いった|呼ば|書か|題し|名付け|称し|して[^いお]|(?:質問|問いかけ)され|(?:聞か|問わ|尋ねら)れ)"
)
SPOKEN_TOGETHER = re.compile(r"^[、\s]*$")
# 「似ている」との証言を得た: words someone gave the subject — who, the sentence does not say.
GIVEN_TO_SUBJECT = re.compile(
    r"^との(?:証言|回答|返答|説明|連絡|通報|情報|指摘|話)を?(?:得|受け|入手|聞き)"
)
# 総務省では「…」としている: an organisation as the topic, with で.
ORG_TOPIC = re.compile(
    r"(?:省|庁|社|局|署|委|党|府|団|院|協会|機構|連盟|組合|大学|銀行|政府|当局|委員会|事務所)$"
)

# Nouns that describe a speaker without naming them: the quote stays unresolved.
UNNAMED = re.compile(
    r"(?:幹部|議員|関係者|店主|女性|男性|生徒|学生|中学生|高校生|住民|市民|人々|人|者|首脳|周辺|側|"
    r"報道官|広報官|スポークスマン|大臣|首相|知事|市長|社員|職員|選手たち|ファン|観客|遺族|家族|子ども|子供|同級生|"
    r"一人|一部|多く|ら|たち|等|など|方)$"
)
PRONOUNS = ("彼女", "彼", "同氏")
# その後間恒親方は: SudachiPy reads 後間 as a surname; a comma after the adverb prevents it.
AFTERWARDS = re.compile(r"(その後|その上で|今後|直後|以後|その際)(?=[^、])")
# Someone's relatives or agent speak for them, but are not them.
KIN = re.compile(r"(?:家族|遺族|両親|妻|夫|母|父|弁護士|代理人|関係者|側近)$")
NOMINALISERS = ("こと", "もの", "の", "ところ")
HONORIFIC_SPEAKER = re.compile(r"(?:天皇|皇后|皇太子|上皇)(?:陛下|殿下)|[^\s]{1,6}(?:陛下|殿下)")
SPOKES = re.compile(r"^(?P<org>.+?)の?(?:広報担当|広報部|広報室|報道部|総合広報部|担当者)$")

# 稲嶺恵一(いなみねけいいち): a reading in brackets after a name is not part of the clause.
READING = re.compile(r"[（(][ぁ-ゖー・\s]{1,20}[）)]")
FROM_SPEAKER = re.compile(r"(?P<phrase>[^、。]{1,20}?)(?:さん|氏)?から[、]?$")

# Titles and honorifics after a Japanese name: one list for splitting them off (前原大臣 →
# 前原) and for finding a name the dictionary does not know (青空市の霧島花市長 → 霧島花).
JA_TITLES = (
    "首相|前首相|元首相|大統領|市長|副市長|知事|都知事|元都知事|議員|市議|大臣|外相|長官|代表|"
    "委員長|幹事長|会長|社長|議長|理事長|学長|総長|事務総長|大使|教授|選手|監督|コーチ|館長|"
    "局長|町長|村長|院長|校長|部長|課長|親方|氏|さん"
)
JA_TITLE_END = re.compile(rf"(?:{JA_TITLES})+$")
JA_TITLED_NAME = re.compile(
    rf"(?:^|の|・)(?P<name>[一-龥々ァ-ヶー]{{2,6}}?)(?P<title>{JA_TITLES})$"
)


def quotes(
    paragraph: str, index: int, people: People, thread: Thread, tick: Callable[[], None]
) -> list[Candidate]:
    out: list[Candidate] = []
    found = list(JA_QUOTE_RE.finditer(paragraph))
    pending: list[re.Match] = []  # 「A」「B」と述べた: A waits for B's attribution
    clause_start = _sentence_start(paragraph, found[0].start()) if found else 0
    previous: Who | None = None
    for i, m in enumerate(found):
        tick()
        rest = paragraph[m.end() : m.end() + 40]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None and SPOKEN_TOGETHER.match(paragraph[m.end() : nxt.start()]):
            pending.append(m)
            continue
        group = [*pending, m]
        pending = []
        report = AFTER_QUOTE.match(rest)
        if not report or NOT_A_QUOTE.match(rest):
            continue  # a name in 「」 (「近畿ブロック知事会議」の席上): the clause goes on
        if GIVEN_TO_SUBJECT.match(rest):
            who = Who(None, why="words given to the sentence's subject by someone it does not name")
        else:
            who = _speaker_after(report.group("between") or "", people, m.end())
        if who is None:
            region = paragraph[max(clause_start, m.start() - WINDOW) : group[0].start()]
            region = READING.sub("", re.sub(r"「[^「」]*」", "", region))
            region = AFTERWARDS.sub(r"\1、", region)
            who = _from(region, people, group[0].start()) or _subject(
                region, people, group[0].start()
            )
        if who is None and previous is not None:
            who = previous  # 「…」と述べたうえで、「…」と述べた: the same speaker goes on
        if who is None:
            who = thread.continued(index, people) or Who(
                None, why="no speaker is named in the sentence"
            )
        end = paragraph.find("。", m.end(), m.end() + WINDOW)
        context = paragraph[_sentence_start(paragraph, group[0].start()) : end + 1 if end >= 0
                            else m.end() + WINDOW].strip()  # fmt: skip
        for q in group:
            out.append(Candidate(
                speaker=who.speaker, role=who.role, text=q.group(1).strip(), lang="ja",
                context=context,
                unresolved=who.review(),
            ))  # fmt: skip
        previous = who
        thread.saw(who, index, people)
        clause_start = m.end()
    return out


def scan(paragraph: str, people: People) -> None:
    """Note the people a Japanese paragraph names in full (姓 + 名), so that a surname later
    resolves to them and a quote is not carried on past them."""
    outside = re.sub(r"「[^「」]*」", "", READING.sub("", paragraph))  # names said, not present
    morphemes = list(_tokenizer().tokenize(outside[:5000]))
    for name, _ in _name_runs(morphemes):
        if len(name) >= 3 or people.resolve(name) != name:
            people.saw(name)


def _sentence_start(paragraph: str, at: int) -> int:
    low = max(0, at - WINDOW)
    return max(paragraph.rfind("。", low, at) + 1, low)


def _from(region: str, people: People, offset: int) -> Who | None:
    """…やしきたかじんさんから「…」と言われ: the speaker is the one the words came from."""
    m = FROM_SPEAKER.search(region)
    if not m:
        return None
    who = _phrase(m.group("phrase"), people, offset)
    if who is not None and (who.resolved or UNNAMED.search(m.group("phrase"))):
        return who  # 出席した知事らから「…」: from people described, not the last speaker
    return None


def _speaker_after(between: str, people: People, offset: int) -> Who | None:
    """「…」と錦織選手が語った: a subject between と and the verb."""
    m = re.search(r"(?P<phrase>[^、]{1,20}?)(?:が|は)", between)
    return _phrase(m.group("phrase"), people, offset) if m else None


def _subject(region: str, people: People, offset: int) -> Who | None:
    """The subject of the clause before a quote: a person or a described speaker before は,
    が or も, the topic (は) first; else unresolved."""
    morphemes = list(_tokenizer().tokenize(region)) if region.strip() else []
    particles = [
        i for i, mo in enumerate(morphemes)
        if mo.surface() in ("は", "が", "も") and mo.part_of_speech()[0] == "助詞"
    ]  # fmt: skip
    # 山室選手は、あん馬で落下があり「…」: the topic speaks, not the が inside the clause.
    ordered = sorted(reversed(particles), key=lambda i: morphemes[i].surface() != "は")
    fallback: Who | None = None
    for p in ordered:
        end = p
        if morphemes[p].surface() == "は" and p > 0 and morphemes[p - 1].surface() == "で":
            end = p - 1  # 総務省では: the organisation is the topic (東京では is a place)
            start = end
            while start > 0 and not _boundary(morphemes[start - 1]):
                start -= 1
            if not ORG_TOPIC.search("".join(m.surface() for m in morphemes[start:end])):
                continue
        start = end
        while start > 0 and not _boundary(morphemes[start - 1]):
            start -= 1
        phrase = morphemes[start:end]
        if not phrase or phrase[-1].surface() in NOMINALISERS:
            continue  # 表現することは無かった: a clause made a noun, not a speaker
        who = _phrase_morphemes(phrase, people, offset)
        if who is None:
            continue
        text = "".join(m.surface() for m in phrase)
        if who.resolved or UNNAMED.search(text) or KIN.search(text):
            return who
        fallback = fallback or who  # 落下が: no person named; unresolved unless one is
    return fallback


def _boundary(morpheme: Any) -> bool:
    pos = morpheme.part_of_speech()
    if pos[0] == "補助記号" and morpheme.surface() in ("、", "。", "「", "」", "，"):
        return True
    return pos[0] == "助詞" and morpheme.surface() not in ("の", "・")


def _phrase(text: str, people: People, offset: int) -> Who | None:
    return _phrase_morphemes(list(_tokenizer().tokenize(text)), people, offset)


def _phrase_morphemes(phrase: list[Any], people: People, offset: int) -> Who | None:
    """Who a subject phrase names: a person (title split off), an organisation, a pronoun,
    or an unnamed description (unresolved)."""
    text = "".join(m.surface() for m in phrase).strip()
    if not text:
        return None
    if text in PRONOUNS:
        return people.pronoun("she" if text == "彼女" else "he", offset, None)
    while phrase and phrase[0].part_of_speech()[0] in ("接続詞", "副詞"):
        phrase = phrase[1:]  # また、さらに
    verbs = [i for i, m in enumerate(phrase) if m.part_of_speech()[0] in ("動詞", "助動詞")]
    if verbs and verbs[-1] + 1 < len(phrase):
        phrase = phrase[verbs[-1] + 1 :]  # 記者会見した金沢会長: the clause describes him
    text = "".join(m.surface() for m in phrase).strip()
    names = _name_runs(phrase)
    if names:
        name, after = names[-1]
        tail = "".join(m.surface() for m in phrase[after:])
        if "の" in tail:
            # 羽田の国際化が, アームストロング氏の家族は: the name qualifies the subject
            if UNNAMED.search(text) or KIN.search(text):
                return Who(None, why=f"the article does not name the speaker: “{text}”")
            return None
        title = re.sub(r"^[・\s]+", "", tail) or None
        if (t := JA_TITLE_END.search(text)) and text.find(name) + len(name) > t.start() > 0:
            name, title = text[text.find(name) : t.start()] or name, t.group()  # 間恒|親方
        if title and re.fullmatch(r"(?:さん|氏|くん|君|様)", title):
            title = None
        full = people.saw(name, offset, title)
        return Who(full, people.roles.get(full))
    bare = JA_TITLE_END.sub("", text)
    if bare and bare != text and (full := people.resolve(bare)) != bare:
        return Who(people.saw(full, offset, text[len(bare) :]), people.roles.get(full))  # 前原大臣
    titled = JA_TITLED_NAME.search(text)
    if titled and not UNNAMED.search(titled.group("name")):
        # 青空市の霧島花市長, 看護師の岡部結菜さん: a name the dictionary does not know,
        # between の (or the start) and a title or さん
        full = people.saw(titled.group("name"), offset, titled.group("title"))
        return Who(full, people.roles.get(full))
    if honorific := HONORIFIC_SPEAKER.search(text):
        return Who(people.saw(honorific.group(), offset))
    if spokes := SPOKES.match(text):
        text = spokes.group("org")
    proper = [m for m in phrase if m.part_of_speech()[1] == "固有名詞"]
    org = ORG_TOPIC.search(text)
    if org and org.start() >= 2 and not re.match(r"(?:同|当|その|この|ある|各|一部の)", text):
        return Who(text)  # 総務省, 横浜市教育委員会: an organisation named in full
    if UNNAMED.search(text) or not proper:
        if len(text) > 30:
            return None
        return Who(None, why=f"the article does not name the speaker: “{text}”",
                   candidates=[])  # fmt: skip
    return Who(text)


def _name_runs(phrase: list[Any]) -> list[tuple[str, int]]:
    """(name, index after it) for each run of 人名 morphemes, katakana parts of a foreign
    name (ナワーズ・シャリーフ) and 姓 + 名 joined."""
    runs: list[tuple[str, int]] = []
    i = 0
    while i < len(phrase):
        if _is_name(phrase[i]):
            start = i
            while start > 0 and _katakana_part(phrase[start - 1]):
                start -= 1
            end = i + 1
            while end < len(phrase) and (_is_name(phrase[end]) or _katakana_part(phrase[end])):
                end += 1
            while end > i + 1 and phrase[end - 1].surface() == "・":
                end -= 1
            name = "".join(m.surface() for m in phrase[start:end]).strip("・")
            runs.append((name, end))
            i = end
        else:
            i += 1
    return runs


def _is_name(morpheme: Any) -> bool:
    pos = morpheme.part_of_speech()
    return pos[1] == "固有名詞" and pos[2] == "人名"


def _katakana_part(morpheme: Any) -> bool:
    return bool(re.fullmatch(r"[ァ-ヶー・]+", morpheme.surface())) and (
        morpheme.part_of_speech()[2] != "地名"
    )
