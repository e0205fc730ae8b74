"""The analyzers on their own: what the index and the queries are built from."""

from __future__ import annotations

import pickle

from hatsugen.cli.terminal import display_width, wrap
from hatsugen.index.analysis import english_analyzer, japanese_analyzer
from hatsugen.index.schema import build_schema

from conftest import at_once


def terms(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.text for t in analyzer(text)]


def test_latin_words_inside_japanese_are_treated_as_english() -> None:
    ja, en = japanese_analyzer(), english_analyzer()
    assert terms(ja, "Running の練習") == ["run", "の", "練習"]  # not ランニング
    assert terms(ja, "ＡＩとCafé") == ["ai", "と", "café"]
    assert terms(en, "Running Café AI") == ["run", "café", "ai"]


def test_offsets_point_at_the_original_text() -> None:
    text = "東京都の東京タワー、東京"
    spans = [(t.text, t.startchar, t.endchar) for t in japanese_analyzer()(text, chars=True)]
    for term, start, end in spans:
        assert text[start:end] in (term, "都"), (term, start, end)
    assert [s for s in spans if s[0] == "東京"] == [
        ("東京", 0, 2),
        ("東京", 4, 6),
        ("東京", 10, 12),
    ]


def test_texts_beyond_sudachis_byte_limit_are_analysed_whole() -> None:
    text = "経済の話です。" * 9000 + "最後に半導体。"  # ~190 KB of UTF-8
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in japanese_analyzer()(text, positions=True, chars=True)
    ]
    # A-mode units: 半導体 is 半 + 導体; their offsets still point into the original.
    (a, _, a_start, _), (b, _, _, b_end) = tokens[-2:]
    assert (a, b) == ("半", "導体")
    assert text[a_start:b_end] == "半導体" and b_end == len(text) - 1
    assert [pos for _, pos, _, _ in tokens] == list(range(len(tokens)))


def test_schema_pickles_and_analyzers_work_in_many_threads() -> None:
    schema = pickle.loads(pickle.dumps(build_schema()))
    analyzer = schema["ja"].analyzer
    expected = terms(analyzer, "選挙管理委員会は新しいｻｰﾊﾞｰを導入した")
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                results.append(terms(analyzer, "選挙管理委員会は新しいｻｰﾊﾞｰを導入した"))
        except BaseException as err:
            errors.append(err)

    at_once(work, 4)
    assert errors == []
    assert len(results) == 200 and all(r == expected for r in results)
    assert "サーバー" in expected


def test_terminal_wrapping_counts_wide_characters_twice() -> None:
    text = (
        "新たな時代のニーズに沿った日韓関係を築いていきたいと思います。" * 3
        + " and some English words"
    )
    lines = wrap(text, 40, "  ")
    assert all(display_width(line) <= 40 for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert display_width("日本") == 4 and display_width("\x1b[1mab\x1b[0m") == 2
