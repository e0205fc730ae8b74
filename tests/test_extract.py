"""Quote extraction from articles: the seed, fictional articles for every pattern, the traps,
speaker matching against an archive, the CLI and the web page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatsugen.archive.errors import RecordError
from hatsugen.archive.records import validate
from hatsugen.extract import extract

from conftest import MIZUHARA, Cli, statement

ARTICLES = Path(__file__).with_name("articles")
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_d394adb5d99a2b33.txt"


def seed_text() -> str:
    if SEED.exists():
        return SEED.read_text(encoding="utf-8")
    pytest.skip("the shared seed article is not beside this checkout")


def test_the_seed_yields_exactly_its_three_statements() -> None:
    found = extract(seed_text())
    assert len(found) == 3
    joint, post, lee = found
    assert joint["speaker"]["name"] == {"en": "Shigeru Ishiba"}
    assert joint["text"].startswith("As the strategic environment surrounding both our countries")
    assert joint["kind"] == "joint_statement" and joint["lang"] == "en"
    assert post["speaker"] == {"name": {"ja": "石破茂"}, "aliases": ["@shigeruishiba"]}
    assert post["kind"] == "post" and post["lang"] == "ja" and post["date"] == "2025-08-23"
    assert post["text"].startswith("大韓民国 李在明大統領をお迎えしました。")
    assert post["text"].endswith("日韓関係を築いていきたいと思います。")  # link removed
    assert lee["speaker"]["name"] == {"en": "Lee Jae Myung"}
    assert lee["text"].startswith("We agreed that unwavering cooperation")
    for record in found:
        validate(record)
        assert record["context"]


def expected_cases() -> list[str]:
    return sorted(p.name.split(".")[0] for p in ARTICLES.glob("*.expected.json"))


@pytest.mark.parametrize("name", expected_cases())
def test_fictional_articles_give_exactly_the_expected_quotes(name: str) -> None:
    article = next(p for p in ARTICLES.iterdir() if p.name.startswith(name + ".") and
                   not p.name.endswith(".expected.json"))  # fmt: skip
    expected = json.loads((ARTICLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    found = extract(article.read_text(encoding="utf-8"))
    assert len(found) == len(expected), [f["text"] for f in found]
    for got, want in zip(found, expected, strict=True):
        if want["speaker"] is None:  # the article does not name who spoke: never a guess
            assert got["speaker"] is None and got["review"]["speaker"]["status"] == "unresolved"
        else:
            assert next(iter(got["speaker"]["name"].values())) == want["speaker"]
        assert got["text"] == want["text"]
        for key in ("role", "kind", "date"):
            if key in want:
                assert got.get(key) == want[key], key
        if "aliases" in want:
            assert got["speaker"]["aliases"] == want["aliases"]
        assert ("partial" in got.get("notes", "")) == want.get("partial", False)
        if want["speaker"] is None:  # import refuses it until a reviewer names the speaker
            with pytest.raises(RecordError, match="unresolved"):
                validate(got)
        else:
            validate(got)


def test_traps_are_not_quotes() -> None:
    text = (
        "Mayor Hana Kirishima spoke on Monday. Kirishima said the city would publish the accounts."
        "\nAccording to Kirishima, the bridge was finished on time."
        "\nThe newspaper called it a “white elephant” last year."
        "\n橋の愛称は「あおぞらブリッジ」に決まった。"
        "\n地元紙はこの事業を「無用の長物」と呼んだ。"
    )
    assert extract(text) == []


def test_quotes_get_the_date_and_source_given() -> None:
    found = extract(
        "“We are ready,” said Aoi Fujimura, a coach.",
        default_date="2024-02",
        source={"url": "https://example.org/n/1", "publisher": "Example Daily"},
    )
    assert found[0]["date"] == "2024-02"
    assert found[0]["source"] == {"url": "https://example.org/n/1", "publisher": "Example Daily"}
    assert found[0]["role"] == "coach"


def test_speakers_are_matched_to_the_archive(run: Cli) -> None:
    run.ok("demo")
    found = json.loads(run.ok("extract", "-", "--json", input=seed_text()).stdout)
    assert [c["speaker"].get("id") for c in found] == [
        "ishiba-shigeru", "ishiba-shigeru", "lee-jae-myung"]  # fmt: skip
    # A surname alone finds the archive's speaker too (a fictional one: no invented quotes
    # for real people).
    run.ok("add", "--from", "-", "--new-speaker", input=json.dumps(statement(speaker=MIZUHARA)))
    surname_only = json.loads(
        run.ok("extract", "-", "--json", input="“We will meet again,” Mizuhara said.").stdout
    )
    assert surname_only[0]["speaker"]["id"] == "mizuhara-aiko"


def test_extract_then_import_round_trip(run: Cli, tmp_path: Path) -> None:
    article = ARTICLES / "harbour_ja.txt"
    out = run.ok(
        "extract",
        str(article),
        "--json",
        "--date",
        "2024-06-01",
        "--source-url",
        "https://example.org/harbour",
        "--publisher",
        "Aozora Shimbun",
    )
    candidates = tmp_path / "c.json"
    candidates.write_text(out.stdout, encoding="utf-8")
    assert "4 added" in run.ok("import", str(candidates)).stdout
    hits = json.loads(run.ok("search", "霧島", "--json").stdout)
    assert hits["total"] == 2
    assert hits["results"][0]["source"]["publisher"] == "Aozora Shimbun"


def test_extract_cli_review_list_and_errors(run: Cli, tmp_path: Path, home: Path) -> None:
    listing = run.ok("extract", str(ARTICLES / "post_en.html")).stdout
    assert "3 candidate statements" in listing and "@ren_asahina" in listing
    assert "from: — Ren Asahina (@ren_asahina) March 3, 2024" in listing
    assert not home.exists()  # extracting never creates an archive
    bad = run("extract", str(tmp_path / "missing.txt"))
    assert bad.exit_code == 2 and "cannot read" in bad.stderr
    bad_date = run("extract", str(ARTICLES / "post_en.html"), "--date", "2024-02-30")
    assert bad_date.exit_code == 2 and "field '--date'" in bad_date.stderr
    none = run.ok("extract", "-", input="Nothing was said here.")
    assert "no attributed quotes found" in none.stdout


def test_extract_page_and_api(client) -> None:
    text = (ARTICLES / "harbour_en.txt").read_text(encoding="utf-8")
    api = client.post("/api/extract", json={"text": text, "date": "2024-06-01"}).get_json()
    assert api["count"] == 6
    page = client.post("/extract", data={"text": text}).get_data(as_text=True)
    assert "6 candidate statements" in page and "Hana Kirishima" in page
    assert "Kirishima said at the ceremony" in page  # the context is shown
    download = client.post("/extract", data={"text": text, "download": "1"})
    assert download.headers["Content-Disposition"] == 'attachment; filename="candidates.json"'
    assert len(json.loads(download.data)) == 6
    assert client.post("/api/extract", json={"text": ""}).status_code == 400
    assert client.post("/api/extract", json={"text": "x", "date": "soon"}).status_code == 400
    escaped = client.post("/extract", data={"text": "“<script>x()</script>,” said Aoi Fujimura."})
    assert "<script>x()" not in escaped.get_data(as_text=True)


def test_according_to_counts_only_with_quotation_marks() -> None:
    quoted = extract("“The budget is balanced,” according to Finance Minister Rika Hoshino.")
    assert [(q["speaker"]["name"]["en"], q["role"], q["text"]) for q in quoted] == [
        ("Rika Hoshino", "Finance Minister", "The budget is balanced.")
    ]
    assert extract("According to Rika Hoshino, the budget is balanced.") == []


# -- issue 27's two regressions: periods inside the attribution, a headline read as a person --
@pytest.mark.parametrize(
    ("article", "speaker"),
    [
        ("“The ferry will run again,” Mr. Rowe said on Monday.", "Rowe"),
        ("“The ferry will run again,” said Mr. Rowe.", "Rowe"),
        ("Daniel Rowe runs the port.\n“The ferry will run again,” Mr. Rowe said.", "Daniel Rowe"),
        ("“The ferry will run again,” Mrs. Ito said.", "Ito"),
        ("“The ferry will run again,” said Dr. Ana Ruiz.", "Ana Ruiz"),
        ("“We will win the seat,” said Sen. Jane Doe (D-Mo.).", "Jane Doe"),
        ("“We will win the seat,” Rep. Tom Hale, R-Ala., said.", "Tom Hale"),
        ("“We will win the seat,” Gov. Dana Vale said on Friday.", "Dana Vale"),
        ("“We will win the seat,” Lt. Gov. Sam Reyes said.", "Sam Reyes"),
        ("“The budget holds,” Charles E. Grant said.", "Charles E. Grant"),
        ("“The budget holds,” said Martin Ochs Jr., the treasurer.", "Martin Ochs Jr."),
        ("“The U.S. will help,” Ana Ruiz said.", "Ana Ruiz"),
    ],
)  # fmt: skip
def test_an_abbreviation_in_the_attribution_does_not_end_it(article: str, speaker: str) -> None:
    (quote,) = extract(article)
    assert quote["speaker"]["name"]["en"] == speaker
    assert "." not in quote["text"][:-1] or "U.S." in quote["text"]  # periods given back
    assert "\u2024" not in json.dumps(quote, ensure_ascii=False)


@pytest.mark.parametrize(
    "headline",
    ["Governor Flies Into Ohio As Party Grows Nervous", "Harbor Chief Warns Of Storm Damage"],
)
def test_a_headline_is_never_a_speaker(headline: str) -> None:
    article = f"{headline}\n“The port will close,” he said on Monday."
    (quote,) = extract(article)
    assert quote["speaker"] is None and quote["review"]["speaker"]["status"] == "unresolved"
    named = extract(f"{headline}\nGov. Dana Vale visited.\n“We hold Ohio,” Vale said.")
    assert [q["speaker"]["name"]["en"] for q in named] == ["Dana Vale"]


@pytest.mark.parametrize("verb", ["gushed", "implored", "advised", "emailed", "reiterated",
                                  "muttered", "quipped"])  # fmt: skip
def test_more_reporting_verbs(verb: str) -> None:
    (quote,) = extract(f"“The ferry will run again,” Ana Ruiz {verb} on Monday.")
    assert quote["speaker"]["name"]["en"] == "Ana Ruiz"


def test_a_noun_that_could_be_a_verb_is_no_attribution() -> None:
    """ "the text of a message" once made "text" a reporting verb and the outlet the speaker
    (a real Wikinews case): the outlet named before it must not take the quote."""
    article = (
        "Tom Hale had his own opinion on the matter. He provided Harbor Weekly with the text of"
        " a message he sent to vice chairman Ken Ota:\n"
        '"Please tell the mayor that I will not run."'
    )
    (quote,) = extract(article)
    assert (quote["speaker"] or {}).get("name", {}).get("en") != "Harbor Weekly"
