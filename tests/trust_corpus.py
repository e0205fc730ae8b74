"""A fictional archive with every attribution status and kind of wording, for the web tests."""

from __future__ import annotations

from conftest import SEO, TAKANASHI, XSS, statement

EVIDENCE_VIDEO = "https://example.org/aozora/council-video"
TRUST_CORPUS = [
    statement(
        id="verified-library",
        text="図書館を二十四時間開館にします。",
        translations=[{"lang": "en", "text": "The library will open around the clock.",
                       "by": "editor"}],
        attribution={"status": "verified", "evidence": [
            {"url": EVIDENCE_VIDEO, "kind": "video", "note": "at 12:30",
             "archived_url": "https://web.archive.org/web/2024/" + EVIDENCE_VIDEO}]},
    ),
    statement(
        id="viral-port",
        speaker=TAKANASHI,
        lang="en",
        wording="quoted",
        text="A harbour without ships is a museum.",
        translations=None,
        attribution={"status": "misattributed", "actually_said_by": {"speaker": "seo-minjun"},
                     "evidence": [{"url": "https://example.org/factcheck/port",
                                   "kind": "fact_check"}]},
    ),
    statement(
        id="disputed-bridge",
        speaker=SEO,
        lang="ko",
        text="다리는 내년에 개통합니다.",
        translations=[{"lang": "en", "text": "The bridge opens next year.", "by": "press"}],
        attribution={"status": "disputed", "evidence": [
            {"url": "https://example.org/report", "kind": "press_report", "note": XSS}]},
    ),
    statement(
        id="interpreted-ferry",
        speaker=SEO,
        lang="en",
        wording="interpretation",
        text="The ferry will run every hour.",
        translations=[{"lang": "ko", "text": "여객선은 매시간 운항합니다.", "original": True},
                      {"lang": "ja", "text": "フェリーは毎時運航します。", "by": "editor"}],
    ),
    statement(
        id="press-quay",
        speaker=TAKANASHI,
        lang="en",
        spoken_lang="ja",
        wording="press_translation",
        text="The quay will be rebuilt.",
        translations=[{"lang": "ja", "text": "岸壁を再建します。", "by": "editor"}],
    ),
]  # fmt: skip
