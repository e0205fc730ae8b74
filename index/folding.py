"""What is folded before words are compared, in the index and in queries alike.

Characters are folded one for one, so a folded text has the same length as the original and
every offset still points into the text as written (highlights mark the original; display
never shows the folded form):

- full-width Latin letters, digits and signs to ASCII (Ｇ７ → G7, ２％ → 2%), the ideographic
  space to a space;
- CJK compatibility ideographs to their unified form (as NFKC does);
- old and variant kanji (itaiji) to the common form: 澤 → 沢, 櫻 → 桜, 髙 → 高, 﨑 → 崎,
  邊/邉 → 辺, 繩 → 縄. The pairs are the 旧字体 of the Jōyō kanji table (2010) and variants
  common in names; every pair was checked against the ja-itaiji table (MIT), which lists each
  as one family, except 𠮷 → 吉. They are folded as a table of our own, not by that package's
  families: those are not transitive (靄's family holds 謁), and folding through them would
  make different words one.

English spellings are folded to American before stemming (defence → defense, programme →
program, organisation → organization), by a table and the -isation/-yse endings.
"""

from __future__ import annotations

import re
import unicodedata

# old/variant form followed by the common form, pair after pair
_ITAIJI = """
亞亜 惡悪 壓圧 圍囲 爲為 醫医 壹壱 稻稲 飮飲 隱隠 營営 榮栄 衞衛 驛駅 圓円 鹽塩 緣縁 艷艶 應応 歐欧
毆殴 櫻桜 奧奥 橫横 溫温 價価 壞壊 懷懐 樂楽 渴渇 卷巻 陷陥 寬寛 氣気 僞偽 戲戯 虛虚 峽峡 狹狭 曉暁
區区 驅駆 勳勲 薰薫 徑径 莖茎 惠恵 揭掲 溪渓 經経 螢蛍 輕軽 繼継 鷄鶏 藝芸 擊撃 缺欠 儉倹 劍剣 圈圏
檢検 權権 獻献 縣県 險険 顯顕 驗験 嚴厳 效効 廣広 恆恒 黃黄 國国 黑黒 碎砕 濟済 齋斎 劑剤 雜雑 參参
棧桟 蠶蚕 慘惨 贊賛 殘残 絲糸 齒歯 兒児 辭辞 濕湿 實実 寫写 釋釈 壽寿 收収 從従 澁渋 獸獣 縱縦 肅粛
處処 緖緒 敍叙 將将 涉渉 燒焼 稱称 證証 乘乗 剩剰 壤壌 孃嬢 條条 淨浄 狀状 疊畳 讓譲 釀醸 眞真 寢寝
愼慎 盡尽 粹粋 醉酔 穗穂 隨随 髓髄 樞枢 數数 瀨瀬 聲声 靜静 齊斉 攝摂 專専 戰戦 淺浅 潛潜 纖繊 踐践
錢銭 禪禅 雙双 壯壮 爭争 莊荘 搜捜 巢巣 裝装 騷騒 增増 藏蔵 臟臓 卽即 屬属 續続 墮堕 對対 體体 帶帯
滯滞 臺台 瀧滝 擇択 澤沢 單単 擔担 膽胆 團団 彈弾 斷断 癡痴 遲遅 晝昼 蟲虫 鑄鋳 廳庁 徵徴 聽聴 鎭鎮
轉転 傳伝 燈灯 當当 黨党 盜盗 鬭闘 德徳 獨独 讀読 屆届 貳弐 惱悩 腦脳 霸覇 拜拝 廢廃 賣売 麥麦 發発
髮髪 拔抜 晚晩 蠻蛮 祕秘 濱浜 甁瓶 拂払 佛仏 倂併 竝並 變変 邊辺 邉辺 辨弁 瓣弁 辯弁 舖舗 步歩 寶宝
豐豊 襃褒 沒没 飜翻 每毎 萬万 滿満 默黙 彌弥 譯訳 藥薬 與与 豫予 餘余 譽誉 搖揺 樣様 謠謡 來来 賴頼
亂乱 覽覧 龍竜 兩両 獵猟 綠緑 淚涙 壘塁 禮礼 勵励 戾戻 靈霊 齡齢 曆暦 歷歴 戀恋 爐炉 勞労 樓楼 郞郎
錄録 灣湾 髙高 﨑崎 嵜崎 嶋島 嶌島 冨富 濵浜 槇槙 栁柳 曻昇 淸清 靑青 𠮷吉 桒桑 舘館 峯峰 藪薮 檜桧
龜亀 兔兎 遙遥 堯尭 槪概 曾曽 彥彦 顏顔 繩縄 學学 觀観 歸帰 舊旧 擧挙 嶽岳 關関 鐵鉄 點点 聰聡 鷗鴎
禰祢 蘆芦 蠟蝋 穰穣 攜携 晉晋 巖巌 廐厩 廏厩 邨村 凜凛 壻婿 脩修
"""


def _char_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "
    for cp in range(0xF900, 0xFB00):  # CJK compatibility ideographs
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if len(nfkc) == 1 and nfkc != chr(cp):
            table[cp] = nfkc
    for pair in _ITAIJI.split():
        old, new = pair[0], pair[1]
        table[ord(old)] = new
    return table


CHAR_TABLE = _char_table()


def fold_chars(text: str) -> str:
    """The text with variant characters folded, one character for one (offsets unchanged)."""
    return text.translate(CHAR_TABLE)


# British → American, for words whose difference no rule below covers.
_SPELLINGS = """
defence:defense offence:offense licence:license pretence:pretense programme:program
programmes:programs catalogue:catalog dialogue:dialog analogue:analog colour:color
colours:colors favour:favor favours:favors favourite:favorite honour:honor honours:honors
labour:labor neighbour:neighbor neighbours:neighbors behaviour:behavior harbour:harbor
harbours:harbors rumour:rumor humour:humor flavour:flavor vapour:vapor vigour:vigor
endeavour:endeavor armour:armor saviour:savior splendour:splendor tumour:tumor
odour:odor valour:valor rigour:rigor clamour:clamor glamour:glamor centre:center
centres:centers theatre:theater theatres:theaters metre:meter metres:meters litre:liter
litres:liters fibre:fiber calibre:caliber sombre:somber spectre:specter manoeuvre:maneuver
travelled:traveled travelling:traveling traveller:traveler travellers:travelers
cancelled:canceled cancelling:canceling modelled:modeled modelling:modeling
labelled:labeled labelling:labeling levelled:leveled fuelled:fueled counselling:counseling
counsellor:counselor jewellery:jewelry grey:gray plough:plow tyre:tire tyres:tires
aluminium:aluminum cheque:check kerb:curb ageing:aging judgement:judgment
acknowledgement:acknowledgment enrol:enroll enrolment:enrollment fulfil:fulfill
fulfilment:fulfillment instalment:installment skilful:skillful wilful:willful
sceptical:skeptical sceptic:skeptic aeroplane:airplane paediatric:pediatric
anaemia:anemia anaesthesia:anesthesia encyclopaedia:encyclopedia foetus:fetus
oestrogen:estrogen mould:mold moult:molt smoulder:smolder storey:story pyjamas:pajamas
practise:practice practised:practiced practising:practicing draught:draft
moustache:mustache sulphur:sulfur gaol:jail artefact:artifact speciality:specialty
whilst:while amongst:among learnt:learned
"""
SPELLINGS = dict(pair.split(":") for pair in _SPELLINGS.split())

# -ise verbs (organise, recognise …) are -ize in American spelling; not every -ise word is
# one (rise, wise, precise, advise, franchise), so only these stems are changed.
_IZE = """organ recogn real apolog critic emphas priorit author minim maxim modern normal privat
    mobil stabil subsid summar sympath util final legal memor character capital categor central
    civil colon commercial custom democrat familiar global harmon hospital ideal immun
    industrial international item legitim liberal local marginal material monopol national
    neutral optim patron penal personal polar popular public radical rational revital scrutin
    special standard steril symbol synthes terror theor trivial urban visual vapor western
    jeopard agon fertil fossil galvan hypothes monet mesmer metabol moistur ostrac pasteur
    plagiar satir sensit stigmat tantal vandal victim vocal mechan computer digit energ
    equal formal general human jeopard militar moral natural neutral orchestr organ real
    """
_IZE_STEMS = frozenset(_IZE.split())
_ISE_RE = re.compile(r"^([a-z]+?)is(e|es|ed|ing|er|ers|ation|ations)$")
_YSE_RE = re.compile(r"^(anal|paral|catal|dial|electrol|hydrol)ys(e|es|ed|ing)$")


def american(word: str) -> str:
    """The American spelling of a lower-case English word (itself if it has no other)."""
    if word in SPELLINGS:
        return SPELLINGS[word]
    if m := _ISE_RE.match(word):
        stem, ending = m.groups()
        if ending.startswith("ation") or stem in _IZE_STEMS:
            return f"{stem}iz{ending}"
        return word
    if m := _YSE_RE.match(word):
        return f"{m.group(1)}yz{m.group(2)}"
    return word
