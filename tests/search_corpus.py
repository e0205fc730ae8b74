"""A small fictional corpus covering every search behaviour in DESIGN.md "Search"."""

from __future__ import annotations

from conftest import MIZUHARA, SEO, TAKANASHI

LONG_TEXT = (
    "市の予算について説明します。" * 60 + "半導体の工場を誘致します。" + "議論を続けます。" * 60
)


def s(id: str, speaker: dict, lang: str, text: str, **extra: object) -> dict:
    return {"id": id, "speaker": speaker, "lang": lang, "text": text, **extra}


CORPUS = [
    s("hospital", MIZUHARA, "ja", "大学附属病院のシステムをシュミレーションで検証しました。",
      date="2024-05-01", kind="remarks", role="Mayor of Aozora City",
      translations=[{"lang": "en", "text": "We tested the university hospital's system in a"
                     " simulation.", "by": "editor"}]),
    s("server", MIZUHARA, "ja", "新しいｻｰﾊﾞｰを３ヶ月以内に導入し、ＡＩの活用を進めます。",
      date="2024-06", kind="post", topics=["technology"]),
    s("sushi", TAKANASHI, "ja", "すしの輸出を増やし、両国の関係を築いていきたいと考えています。",
      date="2023", kind="interview", topics=["trade", "food"]),
    s("election", TAKANASHI, "ja", "選挙管理委員会は投票所を増やすと発表しました。",
      date="2022-11-03", kind="press_conference"),
    s("korea", SEO, "ko", "한일 경제 협력이 중요합니다.", date="2025-01-10", kind="speech",
      translations=[{"lang": "ja", "text": "日韓の経済協力が重要です。", "by": "press"},
                    {"lang": "en", "text": "Korea-Japan economic cooperation is important.",
                     "by": "press"}]),
    s("tokyo-to", MIZUHARA, "ja", "東京都の防災計画を見直します。", date="2021", kind="remarks"),
    s("kyoto", TAKANASHI, "ja", "京都の観光を支援します。", date="2021-04", kind="remarks"),
    s("shuttle", TAKANASHI, "en", "We agreed to resume shuttle diplomacy and deepen economic"
      " security cooperation.", date="2025-08-23", kind="joint_statement",
      topics=["diplomacy"], event="Aozora summit", place="Aozora",
      translations=[{"lang": "ja", "text": "シャトル外交を再開し、経済安全保障の協力を深めることで"
                     "合意しました。", "by": "editor"}]),
    s("not-phrase", MIZUHARA, "ja", "経済の安全と社会保障を両立させます。", date="2020-02-02",
      kind="statement"),
    s("tariffs-html", TAKANASHI, "en", "Tariffs <b>must</b> fall & trade must grow.",
      date="2019-07-07", kind="remarks", topics=["trade"]),
    s("tariff-talks", SEO, "en", "The tariff talks continue.", date="2019-08", kind="remarks"),
    s("long", MIZUHARA, "ja", LONG_TEXT, date="2018-01-01", kind="speech"),
]  # fmt: skip
