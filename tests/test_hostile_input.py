"""Nothing hangs on hostile input: extraction, the query parser and the highlighter.

These bound time only to catch runaway (exponential or quadratic) behaviour: the limits are
tens of times what the inputs take, so a slow machine does not make them fail.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatsugen.core import Hatsugen
from hatsugen.extract import ExtractionTooSlow, extract
from hatsugen.index import QueryError, SearchRequest
from hatsugen.index.highlight import highlight
from hatsugen.index.query import MAX_QUERY_CHARS

from conftest import ADMIN

LIMIT_S = 3.0
SIGNATURE = "\n— Aiko Mizuhara (@aiko) August 23, 2025"

# Pieces that the extractor's patterns care about: quote marks, names, verbs, titles, links,
# post signatures, Japanese quotes and verbs, and long runs of each.
FRAGMENTS = [
    "http://", "https://t.co/x", "pic.twitter.com/y", " ", "  ", "\n", ",", ".", "“", "”", '"',
    "“a,” ", "Aaa ", "Bbb-Ccc ", "said", " said ", "told reporters", "according to ",
    "Prime Minister ", "the minister ", "he ", "She ", "—", "— Name (@handle) August 23, 2025",
    "(@h)", "「", "」", "」と述べた", "」とも語り", "。", "首相は", "石破茂", "さん（45）は",
    "、", "<p>", "</p>", "<br>", "&amp;", "x" * 50,
]  # fmt: skip


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


@pytest.mark.parametrize(
    "article",
    [
        "Body.\n" + "http://" * 60 + " x" + SIGNATURE,  # exponential before: minutes at 40
        "http://" * 3000 + " x" + SIGNATURE,
        "“a,” " * 8000,  # quadratic in the number of quotes before
        "“Hello,” " + "Aaa " * 8000 + "said.",
        "Aaa Bbb " * 5000 + "said: “x”",
        "— " + "a" + " " * 20000 + "x",
        "石破茂首相は「あ」と述べ、" * 4000,  # no sentence end: quadratic before
        "Prime Minister " * 4000 + "Aaa said “x”",
        "“" + "a " * 20000 + "”, " + " " * 20000 + "Aaa said, “b”",
    ],
    ids=[
        "links-before-signature",
        "many-links",
        "many-quotes",
        "capitals",
        "names-then-verb",
        "spaced-signature",
        "ja-no-period",
        "titles",
        "long-gap",
    ],
)
def test_adversarial_articles_are_analysed_in_bounded_time(article: str) -> None:
    _, took = timed(extract, article)
    assert took < LIMIT_S


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=400), st.integers(1, 40))
def test_any_mix_of_the_patterns_pieces_is_bounded(pieces: list[str], repeat: int) -> None:
    article = "".join(pieces) * repeat
    candidates, took = timed(extract, article[:60_000])
    assert took < LIMIT_S
    # Every candidate names its speaker or says openly that it could not (never a blank).
    assert all(
        c["text"] and (c["speaker"] or c["review"]["speaker"]["status"] == "unresolved")
        for c in candidates
    )


def test_the_time_budget_ends_an_extraction_clearly() -> None:
    with pytest.raises(ExtractionTooSlow, match="longer than 0 s"):
        extract("“We will,” Aiko Mizuhara said.\n" * 50, budget=0)


def test_the_web_answers_422_when_an_article_exceeds_its_budget(web_app) -> None:  # type: ignore[no-untyped-def]
    web_app.config["HATSUGEN_EXTRACT_BUDGET_S"] = 0
    try:
        client = web_app.test_client()
        api = client.post("/api/extract", json={"text": "“We will,” Aiko Mizuhara said."})
        assert api.status_code == 422 and "paste a shorter part" in api.get_json()["error"]
        page = client.post("/extract", data={"text": "“We will,” Aiko Mizuhara said."})
        assert page.status_code == 422 and "paste a shorter part" in page.get_data(as_text=True)
    finally:
        web_app.config.pop("HATSUGEN_EXTRACT_BUDGET_S")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Hatsugen:
    app = Hatsugen(tmp_path_factory.mktemp("hostile") / "home")
    app.load_demo(actor=ADMIN)
    return app


DEMO_IDS = {"ishiba-2025-08-23-post", "ishiba-2025-08-23-joint", "lee-2025-08-23-joint"}
QUERY_PIECES = ["協力", "cooperation", "OR", "AND", "NOT", "(", ")", '"', " ", "*", "?", "~",
                "[a TO z]", "speaker:", "lang:ja", "status:verified", "あ" * 30, "a" * 30, "\\",
                "^2", "{", "}", ":", "-", "+"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=300))
def test_any_query_is_answered_or_refused_clearly_in_bounded_time(
    demo: Hatsugen, pieces: list[str]
) -> None:
    q = "".join(pieces)[:MAX_QUERY_CHARS]
    started = time.perf_counter()
    try:
        result = demo.search(SearchRequest(q=q))
        # An answer is a whole first page of what it counts, each a demo statement.
        assert len(result["results"]) == min(result["total"], result["per_page"])
        assert {r["id"] for r in result["results"]} <= DEMO_IDS
    except QueryError as err:
        assert err.message
    assert time.perf_counter() - started < LIMIT_S


@pytest.mark.parametrize(
    "q",
    [
        " OR ".join(["協力"] * 160),
        "(" * 300 + "協力" + ")" * 300,
        "あ" * MAX_QUERY_CHARS,
        "a" * MAX_QUERY_CHARS,
        " ".join(f"w{i}" for i in range(300)),
    ],
    ids=["many-ors", "deep-parentheses", "long-japanese-word", "long-latin-word", "many-words"],
)
def test_pathological_queries(demo: Hatsugen, q: str) -> None:
    started = time.perf_counter()
    with contextlib.suppress(QueryError):  # a clear refusal is an answer too
        demo.search(SearchRequest(q=q[:MAX_QUERY_CHARS]))
    assert time.perf_counter() - started < LIMIT_S


def test_highlighting_a_long_text_with_many_terms_is_bounded() -> None:
    text = "日韓関係の協力と安全保障について。" * 3000 + "cooperation and security. " * 3000
    terms = {"ja": {("協力",), ("安全", "保障"), ("関係",)}, "en": {("cooper",), ("secur",)}}
    (marked, matched), took = timed(highlight, text, "ja", terms)
    assert matched and "<mark>" in marked
    assert took < LIMIT_S
