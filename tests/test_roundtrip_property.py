"""Property: whatever valid statement goes in comes back out of show and export unchanged."""

from __future__ import annotations

import io
import json
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatsugen.archive.records import KINDS, TRANSLATORS
from hatsugen.core import Hatsugen, ImportOptions

from conftest import ADMIN

NEW = ImportOptions(new_speaker=True)  # the records name people new to the archive

PIECES = st.sampled_from(
    ["日韓関係", "경제 협력", "😀🇯🇵", "\n", "<script>alert(1)</script>", "&amp;", " ", "ｶﾞ", "\t"]
)
ANY_CHAR = st.characters(exclude_categories=("Cs",))
TEXT = (
    st.lists(st.one_of(PIECES, st.text(ANY_CHAR, min_size=1, max_size=30)), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: s.strip())
)
LONG = st.integers(5_000, 30_000).map(lambda n: ("長い発言です。" * n)[:n])
LANG = st.sampled_from(["ja", "en", "ko", "zh-Hant"])
DATE = st.one_of(
    st.none(),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),
    st.integers(1000, 2999).map(str),
)

RECORD = st.fixed_dictionaries(
    {
        "speaker": st.fixed_dictionaries(
            {"id": st.sampled_from(["sp-a", "sp-b"]), "name": st.fixed_dictionaries({"ja": TEXT})}
        ),
        "lang": LANG,
        "text": st.one_of(TEXT, LONG),
    },
    optional={
        "date": DATE.filter(bool),
        "kind": st.sampled_from(KINDS),
        "role": TEXT,
        "translations": st.lists(
            st.fixed_dictionaries(
                {"lang": LANG, "text": TEXT}, optional={"by": st.sampled_from(TRANSLATORS)}
            ),
            min_size=1,
            max_size=3,
        ),
        "event": TEXT,
        "topics": st.lists(TEXT, min_size=1, max_size=3, unique=True),
        "context": TEXT,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORD)
def test_any_valid_record_round_trips(record: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = Hatsugen(tmp)
        try:
            statement_id = app.add(record, actor=ADMIN, options=NEW)
            shown = app.statement(statement_id)
            for key, value in record.items():
                if key != "speaker":
                    assert shown[key] == value, key
            assert shown["speaker"]["id"] == record["speaker"]["id"]
            out = io.StringIO()
            app.export(out)
            doc = json.loads(out.getvalue())
            assert doc["statements"] == [{**shown, "version": 1}]  # the version it is at
            other = Hatsugen(tmp + "/other")
            other.import_files([_write(tmp, out.getvalue())], actor=ADMIN)
            again = io.StringIO()
            other.export(again)
            doc2 = json.loads(again.getvalue())
            assert doc2["statements"] == doc["statements"]
            assert doc2["speakers"] == doc["speakers"]
            other.close()
        finally:
            app.close()


def _write(folder: str, text: str) -> str:
    path = folder + "/export.json"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
