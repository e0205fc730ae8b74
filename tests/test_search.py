"""Search quality: every behaviour of DESIGN.md "Search", on fictional statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.index import QueryError, SearchRequest
from hatsugen.index.highlight import MAX_FRAGMENTS, fragments
from hatsugen.index.query import parse, positive_terms
from hatsugen.index.schema import build_schema

from conftest import ADMIN, Cli, write_jsonl
from opensearch_cluster import index_name
from search_corpus import CORPUS


@pytest.fixture(scope="module", params=["embedded", "opensearch"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Hatsugen:
    """The corpus searched by each engine: every test below expects the same of both."""
    home = tmp_path_factory.mktemp("search")
    options: dict = {}
    if request.param == "opensearch":
        cluster = request.getfixturevalue("opensearch")
        options = {"search_url": cluster.url, "search_index": index_name()}
    app = Hatsugen(home / "home", **options)
    app.import_files([str(write_jsonl(home / "corpus.jsonl", CORPUS))], actor=ADMIN)
    return app


def embedded_only(app: Hatsugen) -> None:
    if app.remote is not None:
        pytest.skip("Whoosh's own scorer, on the embedded index (the cluster's are compared"
                    " with these in test_opensearch.py)")  # fmt: skip


def ids(app: Hatsugen, q: str = "", **filters: object) -> set[str]:
    result = app.search(SearchRequest(q=q, per_page=100, **filters))  # type: ignore[arg-type]
    return {r["id"] for r in result["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("付属", "hospital"),  # 附属 in the text
        ("シミュレーション", "hospital"),  # シュミレーション in the text
        ("サーバー", "server"),  # half-width ｻｰﾊﾞｰ
        ("3か月", "server"),  # ３ヶ月
        ("3カ月", "server"),
        ("AI", "server"),  # full-width ＡＩ
        ("ai", "server"),
        ("寿司", "sushi"),  # すし
        ("築く", "sushi"),  # 築いていきたい
        ("築いて", "sushi"),  # another inflection of the same verb
        ("選挙", "election"),  # a part of 選挙管理委員会
        ("委員会", "election"),
        ("東京", "tokyo-to"),
    ],
)
def test_normalisation_inflection_and_compound_parts(
    app: Hatsugen, query: str, expected: str
) -> None:
    assert expected in ids(app, query)


def test_kyoto_never_finds_tokyo_to(app: Hatsugen) -> None:
    assert ids(app, "京都") == {"kyoto"}


def test_english_stems(app: Hatsugen) -> None:
    assert ids(app, "tariffs") == {"tariffs-html", "tariff-talks"}
    assert "shuttle" in ids(app, "agreeing")
    assert "hospital" in ids(app, "simulations")


def test_cross_language_both_ways(app: Hatsugen) -> None:
    assert "shuttle" in ids(app, "外交")  # English original, Japanese translation
    assert "hospital" in ids(app, "hospital")  # Japanese original, English translation
    assert "korea" in ids(app, "경제")  # Korean original in its own script
    assert "korea" in ids(app, "経済協力")


def test_speaker_names_in_every_script_readings_and_handles(app: Hatsugen) -> None:
    hers = {"hospital", "server", "tokyo-to", "not-phrase", "long"}
    for query in ("水原", "水原愛子", "Mizuhara", "aiko mizuhara", "@aiko_mizuhara", "みずはら"):
        assert ids(app, query) == hers, query
    assert ids(app, "서민준") == {"korea", "tariff-talks"}
    assert ids(app, "speaker:高梨 京都") == {"kyoto"}


def test_phrases_are_exact(app: Hatsugen) -> None:
    assert ids(app, '"経済安全保障"') == {"shuttle"}
    assert "not-phrase" in ids(app, "経済 安全 保障")  # words, not a phrase
    assert ids(app, '"shuttle diplomacy"') == {"shuttle"}
    assert ids(app, '"diplomacy shuttle"') == set()


def test_and_or_not(app: Hatsugen) -> None:
    assert ids(app, "寿司 観光") == set()
    assert ids(app, "寿司 OR 観光") == {"sushi", "kyoto"}
    assert ids(app, "tariff NOT talks") == {"tariffs-html"}
    everything_but = ids(app, "NOT 高梨")
    assert "kyoto" not in everything_but and "hospital" in everything_but


def test_field_queries(app: Hatsugen) -> None:
    assert ids(app, "lang:ko") == {"korea"}
    assert ids(app, "kind:joint_statement") == {"shuttle"}
    assert ids(app, "topic:trade") == {"sushi", "tariffs-html"}
    assert ids(app, "meta:summit") == {"shuttle"}


def test_filters(app: Hatsugen) -> None:
    assert ids(app, speakers=["seo-minjun"]) == {"korea", "tariff-talks"}
    assert ids(app, speakers=["seo-minjun", "takanashi-kenji"]) >= {"korea", "kyoto"}
    assert ids(app, "協力", lang="en") == {"shuttle"}
    assert ids(app, kind="speech") == {"korea", "long"}
    assert ids(app, topic="Trade") == {"sushi", "tariffs-html"}
    assert ids(app, since="2024") == {"hospital", "server", "korea", "shuttle"}
    assert ids(app, until="2019") == {"tariffs-html", "tariff-talks", "long"}
    assert ids(app, since="2021-04", until="2021-04-30") == {"kyoto", "tokyo-to"}  # 2021 overlaps
    assert ids(app, since="2023-06", until="2024-05") == {"sushi", "hospital"}


def test_speaker_filter_takes_names_and_handles_and_refuses_strangers(app: Hatsugen) -> None:
    by_id = ids(app, speakers=["seo-minjun"])
    assert ids(app, speakers=["서민준"]) == by_id
    assert ids(app, speakers=["@aiko_mizuhara"]) == ids(app, speakers=["mizuhara-aiko"])
    with pytest.raises(QueryError) as err:
        ids(app, speakers=["Nobody Atall"])
    assert err.value.field == "speaker"


def test_sort_pages_and_facets(app: Hatsugen) -> None:
    first = app.search(SearchRequest(sort="date", per_page=3))
    assert [r["id"] for r in first["results"]] == ["shuttle", "korea", "server"]
    second = app.search(SearchRequest(sort="date", per_page=3, page=2))
    assert [r["id"] for r in second["results"]] == ["hospital", "sushi", "election"]
    assert first["total"] == len(CORPUS)
    result = app.search(SearchRequest(q="協力"))
    assert result["facets"]["speaker"] == {"seo-minjun": 1, "takanashi-kenji": 1}
    assert result["facets"]["lang"] == {"en": 1, "ko": 1}
    assert result["facets"]["year"] == {"2025": 2}
    beyond = app.search(SearchRequest(q="協力", page=5))
    assert beyond["results"] == [] and beyond["total"] == 2


def test_relevance_puts_the_better_match_first(app: Hatsugen) -> None:
    result = app.search(SearchRequest(q="tariff"))
    assert result["results"][0]["id"] == "tariff-talks"  # short text about tariffs
    assert result["results"][0]["score"] >= result["results"][1]["score"]


def test_highlights_mark_original_and_translations_and_escape(app: Hatsugen) -> None:
    hit = app.search(SearchRequest(q="協力"))["results"]
    korea = next(r for r in hit if r["id"] == "korea")
    assert korea["highlights"]["translations"]["ja"] == "日韓の経済<mark>協力</mark>が重要です。"
    assert "en" not in korea["highlights"]["translations"]  # no term matched there
    html = app.search(SearchRequest(q="must"))["results"][0]["highlights"]["text"]
    assert (
        html
        == "Tariffs &lt;b&gt;<mark>must</mark>&lt;/b&gt; fall &amp; trade <mark>must</mark> grow."
    )
    phrase = app.search(SearchRequest(q='"shuttle diplomacy"'))["results"][0]["highlights"]
    assert "<mark>shuttle diplomacy</mark>" in phrase["text"]
    assert "<mark>" not in app.search(SearchRequest(q="寿司 NOT 京都"))["results"][0][
        "highlights"]["text"].replace("<mark>すし</mark>", "")  # fmt: skip


def test_long_texts_are_cut_to_fragments_around_matches(app: Hatsugen) -> None:
    hl = app.search(SearchRequest(q="半導体"))["results"][0]["highlights"]["text"]
    assert "<mark>半導体</mark>" in hl
    assert hl.startswith("…") and hl.endswith("…")
    assert len(hl) < 300


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": '"unbalanced'}, "q"),
        ({"q": "(a OR b"}, "q"),
        ({"q": "colour:blue"}, "q"),
        ({"since": "2025-13"}, "since"),
        ({"until": "notadate"}, "until"),
        ({"kind": "rant"}, "kind"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"since": "2025", "until": "2024"}, "since"),
    ],
)
def test_bad_requests_are_clear_errors(app: Hatsugen, params: dict, field: str) -> None:
    with pytest.raises(QueryError) as err:
        app.search(SearchRequest(**params))
    assert err.value.field == field


def test_search_json_is_the_design_shape(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "c.jsonl", CORPUS)))
    out = json.loads(run.ok("search", "協力", "--json").stdout)
    assert set(out) == {
        "query", "total", "matched", "page", "per_page", "results", "facets",
        "queued_for_indexing", "engine", "speakers_named",
    }  # fmt: skip
    assert out["query"] == "協力" and out["total"] == 2
    assert set(out["results"][0]) == {
        "id", "score", "speaker", "role", "date", "kind", "lang", "spoken_lang", "wording",
        "status", "text", "truncated", "translations", "source", "attribution", "highlights",
        "matched_in", "event_id", "order", "media",
    }  # fmt: skip
    assert set(out["results"][0]["highlights"]) == {"text", "translations", "aligned", "cut"}
    assert set(out["facets"]) == {"speaker", "lang", "kind", "year", "status", "house",
                                  "committee", "session"}  # fmt: skip
    filtered = json.loads(
        run.ok("search", "--speaker", "seo-minjun", "--since", "2025", "--json").stdout
    )
    assert [r["id"] for r in filtered["results"]] == ["korea"]


def test_cli_search_human_output_and_errors(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "c.jsonl", CORPUS)))
    out = run.ok("search", "京都").stdout
    assert "1 statement for '京都'" in out and "kyoto" in out and "\x1b[" not in out
    assert "Kenji Takanashi (高梨健二)" in out
    none = run.ok("search", "存在しない言葉")
    assert "no statements found" in none.stdout
    for args, message in [
        (["search", '"open'], "bad query: has an unbalanced quote"),
        (["search", "x", "--since", "2025-13-45"], "bad --since"),
        (["search", "x", "--kind", "rant"], "bad --kind"),
        (["search", "x", "--page", "0"], "bad --page"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr and "Traceback" not in result.output


def test_list_length_scoring_gives_whooshs_own_scores(app: Hatsugen) -> None:
    embedded_only(app)
    from whoosh.scoring import BM25F

    from hatsugen.index.query import parse
    from hatsugen.index.scoring import ListLengthBM25F

    ix = app.index.open()
    for q in ("協力", "tariff", '"経済安全保障"', "寿司 OR 観光"):
        results = []
        for weighting in (BM25F(), ListLengthBM25F(), ListLengthBM25F()):
            with ix.searcher(weighting=weighting) as s:
                query = parse(q, s.schema)
                s.search(query, limit=None)  # the first use of each field
                hits = s.search(query, limit=None)
                results.append([(h["id"], round(h.score, 9)) for h in hits])
        assert results[0] == results[1] == results[2], q
        assert results[0]


def test_phrase_results_rank_as_whoosh_ranks_their_words(app: Hatsugen) -> None:
    """The one-pass phrase search orders hits as Whoosh's collector orders the same documents
    scored as an AND of the phrase's words."""
    embedded_only(app)
    from whoosh import query as wq

    from hatsugen.index.query import parse

    def relax(q: wq.Query) -> wq.Query:
        if isinstance(q, wq.Phrase):
            return wq.And([wq.Term(q.fieldname, w, boost=q.boost) for w in q.words])
        return q.apply(relax)

    for q in ('"経済安全保障"', '"shuttle diplomacy" OR 協力', "経済協力"):
        ours = app.search(SearchRequest(q=q, per_page=100))["results"]
        with app.index.searcher() as s:
            query = parse(q, s.schema)
            docs = set(s.docs_for_query(query))
            hits = s.search(relax(query), filter=docs, limit=None)
            theirs = [(h["id"], round(h.score, 4)) for h in hits]
        assert [(r["id"], r["score"]) for r in ours] == theirs, q
        assert theirs


def test_a_long_speech_shows_its_first_matched_sentences_in_order() -> None:
    # Sentences 2, 5 and 6 (adjacent: one fragment), 9 and 12 mention the word; the card shows
    # three fragments: 2, 5–6 and 9, each marked, with the cuts between them.
    said = [f"第{i}の論点として、港湾の整備と防災の計画を関係者と検討しました。" for i in range(14)]
    for i in (2, 5, 6, 9, 12):
        said[i] = f"第{i}に図書館の予算を増やします。"
    text = "".join(said)
    terms = positive_terms(parse("図書館", build_schema()))
    shown = fragments(text, "ja", terms)
    assert shown.matched and shown.cut
    parts = shown.html.split(" ")
    assert len(parts) == MAX_FRAGMENTS == 3
    assert [p.lstrip("…")[:3] for p in parts] == ["第2に", "第5に", "第9に"]
    assert "第6に<mark>図書館</mark>" in parts[1] and "第12に" not in shown.html
    assert shown.html.count("<mark>図書館</mark>") == 4


@pytest.fixture(scope="module", params=["embedded", "opensearch"])
def diet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Hatsugen:
    """Real Diet minutes (tests/sources), searched by each engine."""
    sources = Path(__file__).parent / "sources"
    options: dict = {}
    if request.param == "opensearch":
        cluster = request.getfixturevalue("opensearch")
        options = {"search_url": cluster.url, "search_index": index_name()}
    app = Hatsugen(tmp_path_factory.mktemp("diet") / "home", **options)
    app.import_files([str(sources / "kokkai-speech.json"), str(sources / "kokkai-meeting.json")],
                     actor=ADMIN, fmt="kokkai")  # fmt: skip
    return app


def test_house_committee_and_session_are_facets_and_filters(diet: Hatsugen) -> None:
    every = diet.search(SearchRequest(q="法案", per_page=100))
    facets = every["facets"]
    assert facets["house"] == {"参議院": every["total"]}
    assert sum(facets["session"].values()) == every["total"] and "208" in facets["session"]
    assert facets["committee"]["内閣委員会"] == 7  # both meetings of the committee
    assert sum(facets["committee"].values()) == every["total"]
    narrowed = ids(diet, "法案", session="208", committee="内閣委員会")
    assert narrowed == {f"kokkai-120814889X02220220614_0{n}" for n in (46, 47, 48, 49)}
    assert ids(diet, "法案", house="衆議院") == set()
    assert ids(diet, "", session="201") == {
        "kokkai-120115254X01920200527_031", "kokkai-120115254X01920200527_033",
        "kokkai-120115254X01920200527_044"}  # fmt: skip


def test_a_reading_that_finds_no_words_finds_its_speaker_on_both_engines(diet: Hatsugen) -> None:
    his = {"kokkai-120115254X01920200527_044", "kokkai-120814889X02220220614_047"}
    for typed in ("いそざき てつじ", "イソザキ", "isozaki", "Isozaki Tetsuji"):
        result = diet.search(SearchRequest(q=typed).validate())
        assert {r["id"] for r in result["results"]} == his, typed
        if typed.isascii():  # no indexed field holds the romanised reading: found by name
            assert result["speakers_named"] == ["isozaki-tetsuji"], typed
