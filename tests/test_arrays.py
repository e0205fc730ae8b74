"""Searches answered from postings arrays (index/arrays.py) equal Whoosh's matchers walked
exhaustively: the same totals, tiers, facets and pages, across segments and deletions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_relevance import QUERIES, scorer
from whoosh.searching import Searcher

from hatsugen.core import Hatsugen
from hatsugen.index import SearchRequest
from hatsugen.index.arrays import PostingsCache, QueryArrays, Unsupported, _subs, shared_cache
from hatsugen.index.filters import DocArrays
from hatsugen.index.query import narrowed, parse
from hatsugen.index.schema import SAID_FIELDS, TEXT_FIELDS

from conftest import ADMIN, MIZUHARA, SEO, TAKANASHI, statement, write_jsonl

SHAPES = [
    "防衛", "防衛 予算", "防衛 OR 予算", "防衛 NOT 予算", "NOT 防衛", '"防衛 予算"', "防衛費",
    "経済安全保障", "speaker:石破", "meta:summit", "harbour", "G7", "5兆円", "2%", "東京都",
    "library OR 図書館", "(防衛 OR 外交) 予算", "水原", "Aozora", "青空 NOT 図書館",
    "防衛 NOT (予算 OR 経済)", "防衛 OR NOT 予算", "secur*",
]  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hatsugen]:
    app = scorer.open_archive(tmp_path_factory.mktemp("arrays") / "home")
    yield app
    app.close()


def both(app: Hatsugen, req: SearchRequest) -> tuple[dict, dict]:
    """The search through the arrays and through Whoosh's matchers alone."""
    results = []
    for flag in ("1", "0"):
        os.environ["HATSUGEN_ARRAYS"] = flag
        try:
            r = app.search(SearchRequest(**vars(req)))
        finally:
            os.environ.pop("HATSUGEN_ARRAYS")
        results.append({k: r[k] for k in ("total", "matched", "facets")}
                       | {"page": [(x["id"], x["score"]) for x in r["results"]]})  # fmt: skip
    return results[0], results[1]


def counted_as_read(searcher: Searcher, docs: list[int]) -> tuple[DocArrays, dict]:
    """Facets of `docs` counted by a new DocArrays as a first search counts them (just their
    values) and as later ones do (codes of whole columns): both equal to the documents'
    values read one by one. Returns the DocArrays and the counts."""
    from collections import Counter

    from hatsugen.index.filters import FACETS

    fresh = DocArrays(searcher)
    first, later = fresh.facets(searcher, docs), fresh.facets(searcher, docs)
    assert first == later
    for name in FACETS:
        column = searcher.reader().column_reader(name)
        assert first[name] == dict(Counter(column[d] for d in docs)), name
    return fresh, first


def test_every_judged_query_and_shape_is_answered_alike(archive: Hatsugen) -> None:
    texts = [q["q"] for q in QUERIES if q.get("q")] + SHAPES
    for text in texts:
        for extra in ({}, {"per_page": 3, "page": 2}, {"sort": "date"}, {"lang": "ja"}):
            arrays, whoosh = both(archive, SearchRequest(q=text, **extra))
            assert arrays == whoosh, (text, extra)


def test_listing_without_words_is_answered_alike(archive: Hatsugen) -> None:
    # Newest first, the same date in index order, with filters and pages.
    for extra in ({}, {"per_page": 3, "page": 2}, {"lang": "ja"}, {"since": "2020"},
                  {"kind": "remarks", "per_page": 50}):  # fmt: skip
        arrays, whoosh = both(archive, SearchRequest(q="", **extra))
        assert arrays == whoosh and arrays["total"] > 0, extra


def test_marking_only_the_words_a_statement_holds_marks_the_same(archive: Hatsugen) -> None:
    """The arrays path looks, in each result, only for the words its postings hold (an
    English word is not looked for in Japanese texts and names): every mark, cut and
    "matched in" is what looking for every word of the query gives (Whoosh's path)."""
    texts = [q["q"] for q in QUERIES if q.get("q")] + SHAPES + ["security cooperation"]
    narrowed_somewhere = False
    for text in texts:
        shown = []
        for flag in ("1", "0"):
            os.environ["HATSUGEN_ARRAYS"] = flag
            try:
                r = archive.search(SearchRequest(q=text, per_page=20))
            finally:
                os.environ.pop("HATSUGEN_ARRAYS")
            shown.append([(x["id"], x["highlights"], x["matched_in"]) for x in r["results"]])
        assert shown[0] == shown[1], text
        hits = archive.engine.search(SearchRequest(q=text, per_page=20))
        narrowed_somewhere |= any(t != hits.terms for t in hits.terms_of.values())
    assert narrowed_somewhere


def test_the_tiers_narrow_the_parsed_query_as_parsing_again_would(archive: Hatsugen) -> None:
    """The tiers (what was said, then who said it) drop a query's words in the other fields
    instead of parsing it again: the same documents, for every judged query and shape."""
    texts = [q["q"] for q in QUERIES if q.get("q")] + SHAPES + ["TPP", "-防衛 -予算 経済"]
    with archive.engine.borrowed() as (searcher, _):
        for text in texts:
            q = parse(text, searcher.schema)
            for fields in (TEXT_FIELDS, SAID_FIELDS):
                again = set(searcher.docs_for_query(parse(text, searcher.schema, fields)))
                kept = set(searcher.docs_for_query(narrowed(text, q, searcher.schema, fields)))
                assert kept == again, (text, fields)


def test_most_queries_are_answered_by_the_arrays(archive: Hatsugen) -> None:
    """The arrays are the fast path: a query shape they leave to Whoosh must be rare."""
    left = []
    with archive.engine.borrowed() as (searcher, arrays):
        qa = arrays.query_arrays(searcher)
        for text in [q["q"] for q in QUERIES if q.get("q")] + SHAPES:
            if text.endswith("*"):
                continue  # a prefix: left to Whoosh
            try:
                qa.evaluate(parse(text, searcher.schema))
            except Unsupported:
                left.append(text)
    assert left == []


def test_a_new_segment_and_deletions_are_searched_alike(tmp_path: Path) -> None:
    app = Hatsugen(tmp_path / "home")
    first = [statement(id=f"a{i}", text=f"青空市の港を整備します。第{i}期。", date="2024-05-01")
             for i in range(12)]  # fmt: skip
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", first))], actor=ADMIN)
    req = SearchRequest(q="港 整備", per_page=5)
    assert both(app, req)[0]["total"] == 12
    word = b"\xe6\xb8\xaf"  # 港
    with app.engine.borrowed() as (searcher, arrays):
        read = [p for p, _ in arrays.query_arrays(searcher).postings("ja", word)]
    more = [statement(id=f"b{i}", text=f"港の整備を急ぎます。{i}", date="2024-06-01")
            for i in range(5)]  # fmt: skip
    app.import_files([str(write_jsonl(tmp_path / "b.jsonl", more))], actor=ADMIN)
    changed = app.statement("a3")
    changed["text"] = "青空市の空港を整備します。"
    app.edit(changed, actor=ADMIN, reason="a deletion in the first segment")
    arrays, whoosh = both(app, req)
    assert arrays == whoosh and arrays["total"] == 16
    with app.engine.borrowed() as (searcher, arrays):
        assert searcher.subsearchers, "the import added a segment"
        now = [p for p, _ in arrays.query_arrays(searcher).postings("ja", word)]
    # the first segment's postings were read once and kept across the commits
    assert len(read) == 1 and len(now) == 2 and now[0] is read[0]
    app.close()


def test_the_cache_keeps_to_its_budget(archive: Hatsugen) -> None:
    small = PostingsCache(budget=4096)
    with archive.engine.borrowed() as (searcher, _):
        qa = QueryArrays(searcher, cache=small)
        for text in ("防衛", "予算", "経済", "日本", "国会", "安全保障"):
            qa.evaluate(parse(text, searcher.schema))
    assert small.used <= 4096 or len(small._items) == 1


def test_facet_columns_read_whole_count_as_read_one_by_one(archive: Hatsugen) -> None:
    from collections import Counter

    from hatsugen.index.filters import FACETS, DocArrays

    with archive.engine.borrowed() as (searcher, _):
        fresh = DocArrays(searcher)
        everyone = list(range(fresh.size))
        for name in FACETS:
            codes, values = fresh.codes(searcher, name)
            whole = Counter(values[c] for c in codes)
            one_by_one = Counter(searcher.reader().column_reader(name)[d] for d in everyone)
            assert whole == one_by_one, name


def test_a_first_search_counts_facets_as_later_searches_do(archive: Hatsugen) -> None:
    # A CLI search counts just its matches' bytes; a server's later searches count codes of
    # the whole column. Both must give the same facets, for few matches and for many.
    with archive.engine.borrowed() as (searcher, _):
        size = searcher.reader().doc_count_all()
        for docs in ([3, 17, 40], list(range(0, size, 2)), []):
            counted_as_read(searcher, docs)


def test_a_segment_is_read_in_place_exactly_as_from_a_copy() -> None:
    """index/zerocopy.py: what Whoosh reads through the in-place reader equals BytesIO's."""
    import io
    import pickle

    from hatsugen.index.zerocopy import MemoryReader

    data = b"line one\nline two\n" + pickle.dumps({"a": [1, 2, 3]}, 2) + b"tail"
    mine, copy = MemoryReader(memoryview(data)), io.BytesIO(data)
    assert [mine.readline(), mine.readline(), mine.tell()] == [
        copy.readline(), copy.readline(), copy.tell()]  # fmt: skip
    assert pickle.load(mine) == pickle.load(copy) == {"a": [1, 2, 3]}
    assert mine.read() == copy.read() == b"tail"
    for offset, whence in ((3, 0), (-2, 2), (-1, 1)):
        assert mine.seek(offset, whence) == copy.seek(offset, whence)
        assert mine.read(4) == copy.read(4)
    mine.seek(0)
    assert list(mine) == list(io.BytesIO(data))


def test_kept_results_are_never_served_after_a_commit(tmp_path: Path) -> None:
    app = Hatsugen(tmp_path / "home")
    rows = [statement(id=f"k{i}", text=f"港を整備します。{i}") for i in range(3)]
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", rows))], actor=ADMIN)
    req = SearchRequest(q="港")
    first = app.engine.search(req)
    assert app.engine.search(SearchRequest(q="港")) is first  # the same request: kept
    more = [statement(id="k9", text="港は開いています。")]
    app.import_files([str(write_jsonl(tmp_path / "b.jsonl", more))], actor=ADMIN)
    after = app.engine.search(SearchRequest(q="港"))
    assert after is not first and after.total == first.total + 1
    app.close()


def test_warming_reads_the_common_words_before_anyone_asks(archive: Hatsugen) -> None:
    cache = PostingsCache(budget=64 << 20)
    with archive.engine.borrowed() as (searcher, _):
        qa = QueryArrays(searcher, cache=cache)
        assert qa.warm(("ja",), per_field=20) == 40  # postings, then positions (phrases)
        common = [t for _, t in searcher.reader().most_frequent_terms("ja", 20)]
        common = {t if isinstance(t, bytes) else t.encode() for t in common}
        for kind in ("postings", "positions"):
            assert common <= {k[3] for k in cache._items if k[0] == kind and k[2] == "ja"}


def test_postings_read_from_the_blocks_equal_whoosh_walking_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arrays decode Whoosh's posting blocks themselves (ids, frequencies, positions):
    every term of an archive with terms of several blocks, weights and deletions must read
    as Whoosh's own matcher reads it, posting by posting."""
    import numpy as np

    from hatsugen.index import writer
    from hatsugen.index.arrays import _read_postings, _subs

    monkeypatch.setattr(writer, "BLOCK_POSTINGS", 64)  # several blocks from 300 statements
    app = Hatsugen(tmp_path / "home")
    rows = [
        statement(id=f"p{i}", date="2024-05-01",
                  text="港の整備を進めます。" * (1 + i % 3) + f"第{i}号の港湾計画。",
                  translations=[{"lang": "en", "by": "editor",
                                 "text": f"We improve the harbour. Plan {i}." * (1 + i % 2)}])
        for i in range(300)
    ]  # fmt: skip
    app.import_files([str(write_jsonl(tmp_path / "a.jsonl", rows))], actor=ADMIN)
    gone = app.statement("p7")
    gone["text"] = "青空市の空港を整備します。"
    app.edit(gone, actor=ADMIN, reason="a deletion in the first segment")
    checked = blocks = 0
    with app.engine.borrowed() as (searcher, _):
        for sub, _offset in _subs(searcher):
            reader = sub.reader()
            for field in ("ja", "en"):
                for text in list(reader.lexicon(field)):
                    m = reader.postings(field, text)  # deleted documents left out
                    want = []
                    while m.is_active():
                        want += [(m.id(), m.weight(), p) for p in m.value_as("positions")]
                        m.next()
                    got = _read_postings(sub, field, text, True)  # deletions are the mask's
                    tf = dict(zip(got.ids.tolist(), got.tf.tolist(), strict=True))
                    read = [(k >> 32, tf[k >> 32], k & 0xFFFFFFFF) for k in got.keys.tolist()]
                    assert [r for r in read if not reader.is_deleted(r[0])] == want, (field, text)
                    plain = _read_postings(sub, field, text, False)  # read without positions
                    assert plain.ids.tolist() == got.ids.tolist(), (field, text)
                    assert plain.tf.tolist() == got.tf.tolist(), (field, text)
                    checked += 1
                    blocks += got.ids.size > 64
    assert checked > 50 and blocks >= 2, "terms of more than one block were read"
    assert np.all(np.diff(got.ids) > 0)
    app.close()


@pytest.mark.parametrize("protocol", [2, 4])  # Whoosh's writer, ours (index/writer.py)
@pytest.mark.parametrize(
    "ids, weights, by_numpy",
    [
        ((3, 1, 1, 2, 200), (1.0, 2.0, 1.0, 3.0, 1.0), True),  # small first id, gaps < 256
        ((300, 1, 2, 3), None, True),  # BININT2 first id; every weight 1.0
        ((70000, 5, 5, 5, 5), 2.0, True),  # BININT first id; one weight for the block
        ((4, 1, 300, 2), (1.0, 1.0, 1.0, 2.0), False),  # a gap of 256 or more
        ((4, 1), (1.0, 2.0), False),  # two postings: tuples without MARK
        ((4, 1, 1, 1), (1, 2, 1, 1), False),  # integer weights
    ],
)
def test_ids_and_weights_read_from_the_pickle_as_unpickling_reads_them(
    ids: tuple, weights: object, by_numpy: bool, protocol: int
) -> None:
    """A block's ids and weights taken from its pickle by numpy (a word outside a phrase)
    must be what unpickling the block gives; another layout is left to unpickling."""
    import pickle

    import numpy as np

    from hatsugen.index.arrays import _block_postings, _ids_and_weights

    values = tuple(pickle.dumps([i], 2)[:-1] for i in range(len(ids)))
    raw = pickle.dumps((ids, weights, values), protocol)  # as a writer writes a block's data
    fast = _ids_and_weights(raw, len(ids))
    assert (fast is not None) == by_numpy
    if fast is not None:
        got, whole = _block_postings(fast, False), _block_postings(pickle.loads(raw), False)
        assert np.array_equal(got[0], whole[0]) and np.array_equal(got[1], whole[1])


def test_positions_decode_as_whoosh_decodes_them() -> None:
    """Positions cut out of the values by numpy (every gap under 256) and unpickled one by
    one (any other) give Whoosh's own decoding, in one call over values of both kinds."""
    import numpy as np
    from whoosh.formats import Positions

    from hatsugen.index.arrays import _position_keys

    lists = [[5], [1, 2, 3], [300], [0, 255, 256], [7, 70_000, 70_001], [0], [2, 4] * 1]
    lists += [list(range(0, 2000, 9))]  # a long one, gaps under 256
    fmt = Positions()
    values = [fmt.encode(p) for p in lists]
    values[1] = values[1][:-1]  # the final STOP trimmed, as a codec may store it
    docs = np.arange(10, 10 + len(lists), dtype=np.int64)
    keys = _position_keys(docs, values)
    want = [(int(d) << 32) + p for d, v in zip(docs, values, strict=True)
            for p in fmt.decode_positions(v)]  # fmt: skip
    assert keys.tolist() == want
    assert _position_keys(docs[:0], []).size == 0


def _long_speech(i: int) -> dict:
    """A fictional long statement whose rarer words come only far in, translated twice.
    Every sentence differs (the marking cache keeps a sentence read once)."""
    n = 30 + i
    ja = [f"市の予算について{k}点目を説明します。" for k in range(n)]
    ja += ["半導体の工場を港湾地区に誘致します。"] + [
        f"{k}番目の議論を続けます。" for k in range(40)
    ]
    ja += ["港湾の整備を急ぎます。", "経済の安全と社会の保障を考えます。", "以上です。"]
    ja += ["灯台の修理も急ぎます。"] if i == 2 else []  # one statement's word: inlined postings
    en = [f"I will explain point {k} of the city budget." for k in range(n)]
    en += ["We will bring a chip plant to the harbour district."]
    en += [f"We continue debate number {k}." for k in range(40)]
    en += ["We will hurry the harbour works.", "We think of economic safety and security."]
    ko = [f"예산의 {k}번째 항목을 설명합니다." for k in range(n)]
    ko += ["항만 지구에 반도체 공장을 유치합니다.", "이상입니다."]
    return statement(
        id=f"long-{i}", text="".join(ja), date=f"2024-05-{i + 1:02d}",
        translations=[{"lang": "en", "text": " ".join(en), "by": "editor"},
                      {"lang": "ko", "text": " ".join(ko), "by": "editor"}],
    )  # fmt: skip


def test_long_texts_are_marked_where_the_index_found_the_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long text's fragments are found from the matches' positions and the sentence
    starts stored in the index: the same fragments and marks as reading every sentence
    from the start (as Whoosh's path does), with only the matched sentences analysed."""
    import hatsugen.core as core
    from hatsugen.index import highlight, writer

    monkeypatch.setattr(writer, "BLOCK_POSTINGS", 2)  # a result's block found among several
    app = Hatsugen(tmp_path / "home")
    rows = [_long_speech(i) for i in range(4)]
    rows.append(statement(id="short", text="港湾の整備を進めます。"))
    app.import_files([str(write_jsonl(tmp_path / "long.jsonl", rows))], actor=ADMIN)
    more = [_long_speech(i) for i in range(4, 6)]  # a second segment
    app.import_files([str(write_jsonl(tmp_path / "more.jsonl", more))], actor=ADMIN)
    edited = app.statement("long-1")  # a deletion in the first segment, its new version added
    edited["text"] = "半導体の話をします。" + edited["text"]
    app.edit(edited, actor=ADMIN, reason="a segment with a deletion")
    with app.engine.borrowed() as (searcher, _):
        assert len(_subs(searcher)) > 1 and searcher.reader().has_deletions()
    deep = ["港湾", "半導体", "harbour", "security", '"港湾の整備"', "経済安全保障 OR 港湾",
            "반도체", "chip plant", '"economic safety"', "誘致 harbour", "灯台"]  # fmt: skip
    where_matched = core._where_matched

    def nowhere(record: dict, matched_at: dict) -> dict:
        return {}

    for text in [*deep, "港湾 OR 予算"]:
        shown, analysed = [], []
        for arrays, hints in (("1", True), ("1", False), ("0", False)):
            monkeypatch.setenv("HATSUGEN_ARRAYS", arrays)
            monkeypatch.setattr(core, "_where_matched", where_matched if hints else nowhere)
            highlight._CACHE = highlight._TokenCache(highlight._CACHE.budget)  # nothing read yet
            r = app.search(SearchRequest(q=text))
            shown.append([(x["id"], x["highlights"], x["matched_in"]) for x in r["results"]])
            analysed.append(highlight._CACHE.chars)
        assert shown[0] == shown[1] == shown[2], text
        assert any("<mark>" in str(h) for _, h, _ in shown[0]), text
        # Without the hints, every sentence before the matches is read.
        assert analysed[0] * (5 if text in deep else 1) <= analysed[1], (text, analysed)
    app.close()


def test_positions_of_a_few_documents_from_any_matcher() -> None:
    """A result card's positions come from the blocks that hold its documents, or, from a
    matcher of another kind, by walking to each: the same positions either way."""
    from whoosh.formats import Positions
    from whoosh.matching import ListMatcher

    from hatsugen.index.arrays import _doc_positions, _positions_blockwise

    fmt = Positions()
    lists = {3: [0, 7], 5: [2], 9: [1, 4, 300]}
    m = ListMatcher(sorted(lists), values=[fmt.encode(lists[d]) for d in sorted(lists)],
                    format=fmt)  # fmt: skip
    assert not _positions_blockwise(m)  # not a block codec: walked, no block index
    found = _doc_positions(m, [1, 5, 9, 12], index=None)
    assert {d: p.tolist() for d, p in found.items()} == {5: [2], 9: [1, 4, 300]}


def test_facets_of_a_column_with_more_than_255_values_count_each_value(tmp_path: Path) -> None:
    # Past 255 values a reference column stores two bytes a document (big-endian): a first
    # search and a server's later ones must still count every year as its own.
    app = Hatsugen(tmp_path / "home")
    rows = [
        statement(id=f"y{i}", date=f"{1600 + i}-05-01", text=f"青空市の第{i}回の議会で話しました。")
        for i in range(300)
    ]
    app.import_files([str(write_jsonl(tmp_path / "years.jsonl", rows))], actor=ADMIN)
    with app.engine.borrowed() as (searcher, _):
        raw = searcher.reader().column_reader("year").raw_column()
        assert raw._itemsize == 2, "the test needs a column of two-byte references"
        for docs in ([0, 1, 299], list(range(0, 300, 3)), list(range(300))):
            _, first = counted_as_read(searcher, docs)
        assert len(first["year"]) == 300 and set(first["year"].values()) == {1}
    app.close()


def test_facets_over_segments_count_what_each_statement_holds(tmp_path: Path) -> None:
    """Facets and dates are read segment by segment, and kept across commits: with a second
    segment and a deletion in the first, a first search and a server's later ones count
    exactly the live statements' values, and a commit that adds a segment codes only it."""
    from collections import Counter

    from hatsugen.archive.records import KINDS

    app = Hatsugen(tmp_path / "home")
    speakers = (MIZUHARA, TAKANASHI, SEO)

    def varied(prefix: str, n: int, year: int) -> list[dict]:
        return [
            statement(id=f"{prefix}{i}", speaker=speakers[i % 3], kind=KINDS[i % len(KINDS)],
                      date=f"{year + i % 4}-05-01", lang="ja" if i % 2 else "en",
                      text=f"青空市の港を整備します。第{prefix}{i}期。", translations=[])
            for i in range(n)
        ]  # fmt: skip

    app.import_files(
        [str(write_jsonl(tmp_path / "a.jsonl", varied("a", 60, 2001)))],
        actor=ADMIN,
    )
    app.import_files([str(write_jsonl(tmp_path / "b.jsonl", varied("b", 9, 2011)))], actor=ADMIN)
    changed = app.statement("a3")
    changed["kind"] = "interview" if changed["kind"] != "interview" else "post"
    app.edit(changed, actor=ADMIN, reason="a deletion in the first segment")
    cache = shared_cache()
    with app.engine.borrowed() as (searcher, _):
        assert len(searcher.subsearchers) >= 2 and searcher.reader().has_deletions()
        live = [d for d in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(d)]
        for docs in (live[:3], live[::2], live, []):
            fresh, _ = counted_as_read(searcher, docs)
        for name in ("date_start", "date_end"):  # dates (sorting, filters) are read alike
            column = searcher.reader().column_reader(name)
            assert fresh.numbers(searcher, name).tolist() == list(column), name
        stored = [f"a{n}" for n in range(60)] + [f"b{n}" for n in range(9)]
        kinds = Counter(app.statement(i)["kind"] for i in stored)
        assert fresh.facets(searcher, live)["kind"] == dict(kinds)
        kept = {k: v for k, v in list(cache._items.items()) if k[0] == "codes"}
        old = {sub_key for _, _, sub_key in fresh.query_arrays(searcher).segments}
    app.import_files([str(write_jsonl(tmp_path / "c.jsonl", varied("c", 3, 2021)))], actor=ADMIN)
    with app.engine.borrowed() as (searcher, arrays):
        arrays.codes(searcher, "year")
        segments = {k for _, _, k in arrays.query_arrays(searcher).segments}
        assert segments & old and segments - old, "the import added a segment"
        for segkey in segments & old:
            assert cache.lookup(("codes", segkey, "year")) is kept[("codes", segkey, "year")][0]
    app.close()
