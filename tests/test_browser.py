"""What a person sees, in real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_quote_check import RECORDS, SPLICE

from hatsugen.archive.options import ImportOptions
from hatsugen.core import Hatsugen

from conftest import ADMIN, ROOT, serving, write_jsonl

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing; scripts/test installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (scripts/test installs it)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(web_home: Path) -> Iterator[str]:
    with serving(web_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_type_a_query_and_read_original_beside_translation(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Search statements").fill("協力")
    page.get_by_label("Search statements").press("Enter")
    expect(page.locator("#results-title")).to_have_text("2 statements")
    result = page.locator("article.result", has=page.locator("blockquote[lang=ko]"))
    original = result.locator(".text.original")
    translation = result.locator(".text.translation").first
    expect(translation.locator("mark")).to_have_text("協力")
    o, t = original.bounding_box(), translation.bounding_box()
    assert o and t
    assert abs(o["y"] - t["y"]) < 2 and t["x"] >= o["x"] + o["width"]  # side by side


def test_narrow_screens_stack_the_texts(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 380, "height": 800})
    page = context.new_page()
    page.goto(server + "/?q=協力")
    result = page.locator("article.result", has=page.locator("blockquote[lang=ko]"))
    o = result.locator(".text.original").bounding_box()
    t = result.locator(".text.translation").first.bounding_box()
    assert o and t and t["y"] >= o["y"] + o["height"]
    context.close()


def test_apply_and_remove_a_facet(page: Page, server: str) -> None:
    page.goto(server + "/?q=協力")
    page.locator(".facets").get_by_role("link", name="Seo Min-jun").click()
    expect(page.locator("#results-title")).to_have_text("1 statement")
    assert "speaker=seo-minjun" in page.url
    page.locator(".facets").get_by_role("link", name="Seo Min-jun").click()
    expect(page.locator("#results-title")).to_have_text("2 statements")


def test_open_a_statement_and_cite_it(page: Page, server: str) -> None:
    page.goto(server + "/?q=京都")
    page.get_by_role("link", name="Permalink").first.click()
    expect(page).to_have_url(server + "/s/kyoto")
    expect(page.get_by_role("heading", name="Kenji Takanashi (高梨健二)")).to_be_visible()
    expect(page.locator("#citation-en")).to_contain_text("“京都の観光を支援します。”")
    expect(page.locator("#citation-ja")).to_contain_text("「京都の観光を支援します。」")
    expect(page.get_by_role("heading", name="Revision history")).to_be_visible()


def test_switch_interface_language_and_it_is_remembered(page: Page, server: str) -> None:
    page.goto(server + "/?q=京都")
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_label("発言を検索")).to_have_value("京都")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.goto(server + "/speakers")
    expect(page.get_by_role("heading", name="発言者一覧")).to_be_visible()


def test_scripts_never_run_from_archive_text(page: Page, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?q=alert")
    expect(page.locator("#r-xss blockquote").first).to_have_text("<script>alert(1)</script>")
    page.goto(server + "/s/xss")
    assert dialogs == []


def test_keyboard_skip_link_and_labels(page: Page, server: str) -> None:
    page.goto(server + "/?q=協力")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    for label in (
        "Speaker",
        "Language of the text",
        "Kind",
        "Attribution",
        "From",
        "Until",
        "Sort by",
    ):
        expect(page.get_by_label(label, exact=True)).to_be_visible()


def test_screenshot_of_the_demo_search_for_the_readme(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The README's picture, taken into a temporary folder (the test must not rewrite the
    repository); HATSUGEN_README_SCREENSHOT=1 writes it to docs/screenshot.png."""
    from hatsugen.core import Hatsugen

    home = tmp_path_factory.mktemp("demo") / "home"
    Hatsugen(home).load_demo(actor=ADMIN)
    with serving(home) as url:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
        page = context.new_page()
        page.goto(url + "/?q=関係")
        expect(page.locator("article.result").first).to_be_visible()
        readme = os.environ.get("HATSUGEN_README_SCREENSHOT") == "1"
        target = ROOT / "docs" / "screenshot.png" if readme else tmp_path / "screenshot.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000
        context.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from hatsugen.core import Hatsugen

    home = tmp_path_factory.mktemp("demo-trust") / "home"
    Hatsugen(home).load_demo(actor=ADMIN)
    with serving(home) as url:
        yield url


@pytest.fixture(scope="module")
def trust_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from trust_corpus import TRUST_CORPUS

    from hatsugen.core import Hatsugen

    from conftest import write_jsonl

    home = tmp_path_factory.mktemp("trust-browser") / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(home.parent / "t.jsonl", TRUST_CORPUS))], actor=ADMIN)
    app.close()
    with serving(home) as url:
        yield url


def test_demo_press_translations_are_labelled_as_such(page: Page, demo_server: str) -> None:
    page.goto(demo_server + "/?q=cooperation")
    for name in ("Shigeru Ishiba", "Lee Jae Myung"):
        card = page.locator("article.result", has=page.get_by_role("link", name=name))
        expect(card.locator(".badge.wording")).to_have_text("Quoted in translation (press)")
        expect(card.locator(".text.original")).to_have_count(0)
        expect(card.locator(".text.recorded .label")).to_contain_text("spoken in")
        expect(card.locator(".not-located")).to_be_visible()
        expect(card.locator(".badge.status")).to_have_text("Unverified")
    page.get_by_role("link", name="日本語").click()
    expect(page.locator(".badge.wording").first).to_have_text("報道機関の翻訳による引用")
    page.goto(demo_server + "/?q=日韓関係")
    post = page.locator("article.result", has=page.locator("blockquote[lang=ja]")).first
    expect(post.locator(".text.original .label")).to_contain_text("原文")


def test_a_japanese_reader_finds_the_demo_by_japanese_metadata(
    browser: Browser, demo_server: str
) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(demo_server + "/")
    page.get_by_role("searchbox").fill("首脳会談")
    page.keyboard.press("Enter")
    cards = page.locator("article.result")
    expect(cards).to_have_count(3)  # the demo has no 首脳会談 in its texts: found by its event
    expect(cards.first.locator(".matched-meta mark")).to_have_text("首脳会談")
    expect(page.locator(".role[lang=ja]").first).to_have_text("内閣総理大臣")
    page.goto(demo_server + "/?topic=外交")
    expect(cards).to_have_count(3)
    page.locator("article.result a.permalink").first.click()
    place = page.locator("dl.details dd", has=page.locator("span[lang=ja]", has_text="東京"))
    expect(place).to_contain_text("(Tokyo)")  # the other language beside it, for translators
    context.close()


@pytest.fixture(scope="module")
def diet_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The relevance set's real Diet paragraphs: many speakers and years, as at scale."""
    from test_relevance import scorer

    home = tmp_path_factory.mktemp("diet-browser") / "home"
    scorer.open_archive(home).close()
    with serving(home) as url:
        yield url


def _hiragana(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def test_a_long_facet_filters_as_you_type_and_years_narrow_by_dragging(
    browser: Browser, diet_server: str
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.goto(diet_server + "/?q=防衛")
    facet = page.locator(
        ".facets section", has=page.get_by_role("heading", name="発言者", exact=True)
    )
    items = facet.locator("li")
    names = [items.nth(i).get_attribute("data-names") or "" for i in range(items.count())]
    assert len(names) > 10
    # the family name's reading of a speaker listed under "more…", typed in katakana
    reading = next(n.split()[-2] for n in reversed(names) if re.search(r"[ぁ-ん] [ぁ-ん]", n))
    # compared as the page does: width, case and katakana folded, spaces ignored
    wanted = [i for i, n in enumerate(names) if reading in _hiragana(re.sub(r"\s", "", n))]
    box = facet.get_by_role("searchbox", name="一覧を絞り込む（名前・読み）")
    box.fill(reading.translate({c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}))
    expect(facet.locator("li:visible")).to_have_count(len(wanted))
    for i in wanted:
        expect(items.nth(i)).to_be_visible()
    box.fill("")  # every value again ("more…" stays open, as the filter opened it)
    expect(facet.locator("li:visible")).to_have_count(len(names))

    years = page.locator(".facets li.year")
    listed = [years.nth(i).get_attribute("data-year") for i in range(years.count())]
    assert len(listed) >= 3
    years.nth(2).scroll_into_view_if_needed()
    first, third = years.nth(0).locator("a").bounding_box(), years.nth(2).bounding_box()
    page.mouse.move(first["x"] + 5, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(third["x"] + 5, third["y"] + third["height"] / 2, steps=5)
    expect(years.nth(1)).to_have_class(re.compile("in-span"))
    with page.expect_navigation():
        page.mouse.up()
    assert f"since={listed[2]}" in page.url and f"until={listed[0]}" in page.url
    now = page.locator(".facets li.year")
    shown = {now.nth(i).get_attribute("data-year") for i in range(now.count())}
    assert shown and shown <= set(listed[:3])
    context.close()


def test_status_badges_filter_and_actually_said_by(page: Page, trust_server: str) -> None:
    page.goto(trust_server + "/?q=museum")
    card = page.locator("#r-viral-port")
    badge = card.locator(".badge.status")
    expect(badge).to_have_text("✗ Misattributed")
    red = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert red == "rgb(161, 29, 29)"
    card.get_by_role("link", name="actually said by Seo Min-jun").click()
    expect(page).to_have_url(trust_server + "/speakers/seo-minjun")
    page.goto(trust_server + "/")
    page.locator(".facets").get_by_role("link", name="Verified", exact=True).click()
    expect(page.locator("#results-title")).to_have_text("1 statement")
    verified = page.locator("#r-verified-library")
    expect(verified.get_by_role("link", name="primary source: video")).to_have_attribute(
        "href", "https://example.org/aozora/council-video"
    )
    page.get_by_label("Attribution").select_option("disputed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#results-title")).to_have_text("1 statement")
    expect(page.locator("#r-disputed-bridge .badge.status")).to_have_text("? Disputed")


@pytest.fixture(scope="module")
def editing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from hatsugen.core import Hatsugen

    from conftest import statement, write_jsonl

    home = tmp_path_factory.mktemp("editing") / "home"
    app = Hatsugen(home)
    four = statement(id="four", text="四つの言語に訳されました。", translations=FOUR)
    app.import_files([str(write_jsonl(home.parent / "s.jsonl", [statement(), four]))],
                     actor=ADMIN)  # fmt: skip
    app.accounts.add("ed", "editor", "correct horse battery staple")
    app.accounts.add("cora", "contributor", "correct horse battery staple")
    app.close()
    with serving(home) as url:
        yield url


FOUR = [{"lang": lang, "text": f"translated into {lang}", "by": "editor"}
        for lang in ("en", "ko", "zh", "fr")]  # fmt: skip


def signed_in_page(browser: Browser, server: str, name: str = "ed") -> Page:
    """A page of its own browser context, signed in as `name` (close its context after)."""
    page = browser.new_context(locale="en-US").new_page()
    sign_in(page, server, name)
    return page


def save(page: Page, reason: str, **fields: str) -> None:
    """Fill the edit form's fields (by label), say why, and save."""
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Reason for the change").fill(reason)
    page.get_by_role("button", name="Save").click()


def expect_conflict_page(page: Page) -> None:
    heading = page.get_by_role("heading", name="Someone else saved this statement first")
    expect(heading).to_be_visible()


def sign_in(page: Page, server: str, name: str = "ed") -> None:
    page.goto(server + "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form.signed-in")).to_contain_text(name)


def test_sign_in_correct_a_statement_and_see_the_diff(page: Page, editing_server: str) -> None:
    sign_in(page, editing_server)
    cookie = next(c for c in page.context.cookies() if c["name"] == "hatsugen_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.goto(editing_server + "/s/mizuhara-2024-05-01")
    page.get_by_role("link", name="Edit this statement").click()
    page.get_by_label("Text", exact=True).fill("青空市は新しい公園を建設します。")
    page.get_by_label("Reason for the change").fill("wrong building")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".statement-page blockquote").first).to_have_text(
        "青空市は新しい公園を建設します。"
    )
    expect(page.locator(".history")).to_contain_text("wrong building")
    page.get_by_role("link", name="Compare versions").click()
    expect(page.locator("dl.diff del")).to_have_text("図書館")
    expect(page.locator("dl.diff ins")).to_have_text("公園")
    page.get_by_label("Reason for the change").fill("back to the minutes")
    page.get_by_role("button", name="Revert to version 1").click()
    expect(page.locator(".statement-page blockquote").first).to_have_text(
        "青空市は新しい図書館を建設します。"
    )


def test_two_editors_at_once_get_the_conflict_page(browser: Browser, editing_server: str) -> None:
    pages = []
    for _ in range(2):
        context = browser.new_context(locale="en-US")
        p = context.new_page()
        sign_in(p, editing_server)
        p.goto(editing_server + "/s/mizuhara-2024-05-01/edit")
        pages.append(p)
    first, second = pages
    save(first, "one", Notes="first editor")
    expect(first.locator(".statement-page")).to_contain_text("first editor")
    save(second, "two", Notes="second editor")
    expect_conflict_page(second)
    expect(second.locator("dl.diff del")).to_have_text("first")  # word by word
    expect(second.locator("dl.diff ins")).to_have_text("second")
    for p in pages:
        p.context.close()


def test_a_contributor_cannot_edit_and_retract_needs_a_reason(
    browser: Browser, editing_server: str
) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, editing_server, "cora")
    response = page.goto(editing_server + "/s/mizuhara-2024-05-01/edit")
    assert response is not None and response.status == 403
    expect(page.get_by_role("link", name="Add a statement")).to_be_visible()
    context.close()


def test_add_with_a_new_speaker_then_retract_and_restore(
    browser: Browser, editing_server: str
) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, editing_server)
    page.get_by_role("link", name="Add a statement").click()
    page.get_by_label("Name in Japanese").fill("北条結衣")
    page.get_by_label("Name in English").fill("Yui Hojo")
    page.get_by_label("This is a new speaker, not yet in the archive").check()
    page.get_by_label("Text", exact=True).fill("<img src=x onerror=alert(1)>橋を架けます。")
    page.get_by_label("Language of the text").fill("ja")
    page.get_by_label("Kind").select_option("speech")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Yui Hojo (北条結衣)")).to_be_visible()
    expect(page.locator(".statement-page blockquote").first).to_have_text(
        "<img src=x onerror=alert(1)>橋を架けます。"  # shown as text, never run
    )
    statement_url = page.url
    page.get_by_label("Reason", exact=True).fill("speaker not confirmed")
    page.get_by_role("button", name="Retract").click()
    expect(page.locator(".retracted")).to_contain_text("speaker not confirmed")
    page.goto(editing_server + "/?q=橋")
    expect(page.locator("#results-title")).to_have_text("No statements found.")
    page.goto(statement_url)
    page.get_by_label("Reason", exact=True).fill("confirmed by the minutes")
    page.get_by_role("button", name="Restore").click()
    page.goto(editing_server + "/?q=橋")
    expect(page.locator("#results-title")).to_have_text("1 statement")
    context.close()


def test_review_and_save_extracted_candidates(browser: Browser, editing_server: str) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, editing_server, "cora")
    page.goto(editing_server + "/extract")
    page.get_by_label("Article text or HTML").fill(
        "“The ferry will run every hour,” Ren Morikawa said on Tuesday."
    )
    page.get_by_role("button", name="Find quotes").click()
    page.get_by_label("What the text is").select_option("press_translation")
    page.get_by_label("This is a new speaker, not yet in the archive").check()
    page.get_by_role("button", name="Save the ticked candidates").click()
    expect(page.get_by_role("status")).to_contain_text("1 added")
    page.locator("main li a").first.click()
    expect(page.locator(".badge.wording")).to_have_text("Quoted in translation (press)")
    context.close()


def test_an_unresolved_speaker_must_be_named_before_saving(
    browser: Browser, editing_server: str
) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, editing_server, "cora")
    page.goto(editing_server + "/extract")
    page.get_by_label("Article text or HTML").fill(
        "Councillor Daichi Morimoto and Mayor Kenji Kirishima met on Monday.\n"
        "Later, in a statement, he said: “We will not wait another year.”"
    )
    page.get_by_role("button", name="Find quotes").click()
    expect(page.locator(".review.unresolved")).to_contain_text("could be")
    speaker = page.get_by_label("Speaker", exact=True)
    expect(speaker).to_have_value("")
    page.get_by_role("button", name="Save the ticked candidates").click()
    # The browser refuses the empty required field: nothing was sent, the page is the same.
    assert speaker.evaluate("el => el.validity.valueMissing")
    expect(page.get_by_role("status")).not_to_contain_text("added")
    speaker.fill("Daichi Morimoto")
    page.get_by_label("This is a new speaker, not yet in the archive").check()
    page.get_by_role("button", name="Save the ticked candidates").click()
    expect(page.get_by_role("status")).to_contain_text("1 added")
    context.close()


def test_a_cross_site_form_post_is_refused(browser: Browser, editing_server: str) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, editing_server)
    # Another site posting to the archive with the signed-in user's cookie (no token).
    response = page.request.post(
        editing_server + "/s/mizuhara-2024-05-01/retract",
        form={"reason": "forged"}, headers={"Origin": "https://attacker.example"},
    )  # fmt: skip
    assert response.status == 403
    page.goto(editing_server + "/s/mizuhara-2024-05-01")
    expect(page.locator(".retracted")).to_have_count(0)
    context.close()


def test_keyboard_reaches_the_query_and_the_first_result_at_once(page: Page, server: str) -> None:
    page.goto(server + "/")
    # The query box has focus on arrival: type at once.
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("協力")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=*")
    # On a page of results, one Tab to the skip link, Enter: the first result, not the top.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    first = page.locator("article.result").first
    assert page.evaluate("document.activeElement.id") == first.get_attribute("id")
    # Every form control has a label, and every name says its language.
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
             .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length)
                          && !e.getAttribute('aria-label'))
             .map(e => e.name)"""
    )
    assert unlabelled == []
    names = page.locator("a.speaker span").evaluate_all("els => els.map(e => e.lang)")
    assert names and all(names)


def test_on_a_phone_the_filters_fold_above_the_results(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    phone = context.new_page()
    phone.goto(server + "/?q=協力")
    expect(phone.locator("details.filters-box")).not_to_have_attribute("open", "")
    first = phone.locator("article.result").first.bounding_box()
    assert first and first["y"] < 844  # a result is on the first screen
    phone.locator("details.filters-box > summary").click()
    expect(phone.get_by_label("Speaker", exact=True)).to_be_visible()
    filtered = phone.goto(server + "/?q=協力&kind=speech")
    assert filtered and filtered.ok
    expect(phone.locator("details.filters-box")).to_have_attribute("open", "")  # in use: shown
    context.close()


def test_a_citation_is_copied_with_one_click(browser: Browser, server: str) -> None:
    context = browser.new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server + "/s/korea")
    page.locator("#citation-en + button").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#citation-en").text_content()
    assert "/s/korea/v/1 (accessed " in copied
    context.close()


def test_a_short_name_on_add_asks_which_speaker_is_meant(
    browser: Browser, editing_server: str
) -> None:
    page = signed_in_page(browser, editing_server, "cora")
    page.goto(editing_server + "/add")
    page.get_by_label("Speaker (id, or any name, alias or handle)").fill("水原")
    page.get_by_label("Text", exact=True).fill("図書館は来年開館します。")
    page.get_by_label("Language of the text").fill("ja")
    page.get_by_role("button", name="Save").click()
    question = page.get_by_role("group", name="Which speaker do you mean by “水原”?")
    expect(question).to_contain_text("水原愛子")
    page.get_by_label("水原愛子 (mizuhara-aiko)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Aiko Mizuhara (水原愛子)")).to_be_visible()
    speakers = page.request.get(editing_server + "/api/speakers").json()["speakers"]
    names = [n for s in speakers for n in s.get("name", {}).values()]
    assert "水原" not in names and names.count("水原愛子") == 1  # no second, short-named one
    page.context.close()


def test_editing_keeps_all_four_translations_and_adds_a_fifth(
    browser: Browser, editing_server: str
) -> None:
    page = signed_in_page(browser, editing_server)
    page.goto(editing_server + "/s/four/edit")
    page.get_by_label("Notes").fill("only the notes")
    page.get_by_label("Reason for the change").fill("a note")
    page.get_by_role("button", name="Save").click()
    for t in FOUR:
        expect(page.locator(".statement-page")).to_contain_text(t["text"])
    page.goto(editing_server + "/s/four/edit")
    page.get_by_role("button", name="Add a translation").click()
    page.get_by_label("Translation 7").fill("ins Deutsche übersetzt")
    page.locator("[name=translation_6_lang]").fill("de")
    page.get_by_label("Reason for the change").fill("German")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".statement-page")).to_contain_text("ins Deutsche übersetzt")
    for t in FOUR:
        expect(page.locator(".statement-page")).to_contain_text(t["text"])
    page.context.close()


def test_a_stale_proposal_ends_on_the_conflict_page(browser: Browser, editing_server: str) -> None:
    cora = signed_in_page(browser, editing_server, "cora")
    ed = signed_in_page(browser, editing_server)
    cora.goto(editing_server + "/s/four/propose")
    ed.goto(editing_server + "/s/four/edit")
    save(ed, "place", Place="Aozora harbour")
    expect(ed.locator(".statement-page")).to_contain_text("Aozora harbour")
    save(cora, "the minutes say the station", Place="Aozora station")
    expect_conflict_page(cora)
    ed.goto(editing_server + "/s/four")
    expect(ed.locator("main")).not_to_contain_text("Proposed corrections")
    for p in (cora, ed):
        p.context.close()


def test_check_a_spliced_quote_and_see_both_parts_and_the_cut(page: Page, tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(tmp_path / "r.jsonl", RECORDS))], actor=ADMIN,
                     options=ImportOptions(create_unknown_speakers=True))  # fmt: skip
    app.close()
    with serving(home) as url:
        page.goto(url + "/")
        page.get_by_role("link", name="Check a quote").click()
        page.get_by_label("Quote").fill(SPLICE)
        page.get_by_role("button", name="Check").click()
        match = page.locator("#match-1")
        expect(match.locator("h3")).to_have_text(
            "Spliced: parts joined with nothing to show the cut"
        )
        same = match.locator(".aligned .same")
        expect(same.first).to_contain_text("We will not raise the harbour fee this year")
        expect(same.last).to_contain_text("we will publish what we find")
        expect(match.locator(".cut")).to_contain_text("The council has heard the fishermen")
        expect(match.locator(".cut")).to_contain_text("Cut out here")


@contextmanager
def another_site(folder: Path) -> Iterator[str]:
    """`folder` served by another local web server, on a port of its own (another origin)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A recording on another local server (the media a time code points into)."""
    folder = tmp_path_factory.mktemp("media")
    (folder / "townhall.mp4").write_bytes(b"\0\0\0\x18ftypmp42")  # a stub: only the URL counts
    with another_site(folder) as url:
        yield url + "/townhall.mp4"


@pytest.fixture(scope="module")
def sources_server(tmp_path_factory: pytest.TempPathFactory, recording: str) -> Iterator[str]:
    """Real Diet minutes and a time-coded town hall, imported with `import --from`."""
    from hatsugen.sources import SourceOptions

    folder = tmp_path_factory.mktemp("sources-browser")
    sources = Path(__file__).parent / "sources"
    app = Hatsugen(folder / "home")
    seed = [
        {
            "id": "seed-m",
            "speaker": {"id": "mizuhara-aiko", "name": {"ja": "水原愛子", "en": "Aiko Mizuhara"}},
            "lang": "ja",
            "text": "種まきの話です。",
        },
        {
            "id": "seed-t",
            "speaker": {
                "id": "takanashi-kenji",
                "name": {"ja": "高梨健二", "en": "Kenji Takanashi"},
            },
            "lang": "ja",
            "text": "議会の話です。",
        },
    ]
    app.import_files([str(write_jsonl(folder / "seed.jsonl", seed))], actor=ADMIN)
    app.import_files([str(sources / "kokkai-speech.json")], actor=ADMIN, fmt="kokkai")
    app.import_files([str(sources / "talk-voices.vtt")], actor=ADMIN, fmt="vtt",
                     source=SourceOptions(event="Town hall", event_id="townhall",
                                          date="2025-05-03", media_url=recording))  # fmt: skip
    app.close()
    with serving(folder / "home") as url:
        yield url


def test_from_a_result_to_its_event_before_and_after_and_a_time_code(
    page: Page, sources_server: str, recording: str
) -> None:
    page.goto(sources_server + "/?q=" + "こども家庭庁設置法案 維新")
    result = page.locator("article.result").first
    expect(result).to_contain_text("柴田巧")
    result.get_by_role("link", name="Read in its event").click()
    expect(page).to_have_url(re.compile(r"/e/kokkai-120814889X02220220614#s-.*_048$"))
    speakers = page.locator("ol.event-statements > li .who")
    expect(speakers).to_have_text(["石川大我", "礒崎哲史", "柴田巧", "田村智子"])  # speech order
    target = page.locator("ol.event-statements > li:target")
    expect(target).to_contain_text("日本維新の会の柴田巧です")
    target.get_by_role("link", name="Permalink").click()
    nav = page.get_by_role("navigation", name=re.compile("In its event"))
    expect(nav).to_contain_text("statement 3 of 4")
    nav.get_by_role("link", name=re.compile("Before: 礒崎哲史")).click()
    expect(page.locator("h1")).to_have_text("礒崎哲史")
    page.get_by_role("link", name=re.compile("After: 柴田巧")).click()
    expect(page.locator("h1")).to_have_text("柴田巧")
    # a statement from a recording: its time code opens the recording at that moment
    page.goto(sources_server + "/e/townhall")
    first = page.locator("ol.event-statements > li").first
    expect(first).to_contain_text("Good morning. Today I am announcing")
    first.get_by_role("link", name="Play from 0:01").click()
    page.wait_for_url(recording + "#t=1,7.5")


@pytest.fixture(scope="module")
def travel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fictional statement whose speaker has a Wikidata id (the Wikidata sandbox item)."""
    from conftest import MIZUHARA, statement

    home = tmp_path_factory.mktemp("travel") / "home"
    app = Hatsugen(home)
    mizuhara = dict(MIZUHARA, wikidata="Q4115189")
    app.import_files([str(write_jsonl(home.parent / "s.jsonl", [statement(speaker=mizuhara)]))],
                     actor=ADMIN)  # fmt: skip
    app.accounts.add("ed", "editor", "correct horse battery staple")
    app.close()
    with serving(home) as url:
        yield url


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory, travel_server: str) -> Iterator[str]:
    """Another site, on another port: an article that embeds the statement through oEmbed,
    and tries to frame the statement page itself."""
    import json
    import urllib.parse
    import urllib.request

    statement_url = travel_server + "/s/mizuhara-2024-05-01"
    asked = travel_server + "/oembed?url=" + urllib.parse.quote(statement_url, safe="")
    card = json.loads(urllib.request.urlopen(asked, timeout=10).read())["html"]
    folder = tmp_path_factory.mktemp("third-party")
    (folder / "article.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>An article</title></head>"
        f"<body><h1>What the mayor said</h1><div id='embedded'>{card}</div>"
        f"<iframe id='framed' src='{statement_url}' width='600' height='300'></iframe>"
        "</body></html>", encoding="utf-8",
    )  # fmt: skip
    with another_site(folder) as url:
        yield url + "/article.html"


def test_the_embed_card_shows_in_another_site_and_other_pages_refuse_framing(
    page: Page, third_party: str
) -> None:
    page.goto(third_party)
    card = page.frame_locator("#embedded iframe")
    expect(card.locator("blockquote").first).to_have_text("青空市は新しい図書館を建設します。")
    expect(card.locator("blockquote.translation")).to_have_text(
        "Aozora City will build a new library."
    )
    expect(card.locator(".who")).to_have_text("Aiko Mizuhara")
    expect(card.locator(".badge")).to_have_text("Unverified")
    link = card.get_by_role("link", name="See it in the archive, with its source")
    assert link.get_attribute("href").endswith("/s/mizuhara-2024-05-01")
    box = page.locator("#embedded iframe").bounding_box()
    assert box and box["width"] == 560
    framed = page.frame_locator("#framed")
    expect(framed.locator("body")).not_to_contain_text("青空市は新しい図書館", timeout=3000)


def test_json_ld_is_in_the_rendered_page(page: Page, travel_server: str) -> None:
    import json

    page.goto(travel_server + "/s/mizuhara-2024-05-01")
    raw = page.locator('script[type="application/ld+json"]').text_content()
    data = json.loads(raw or "")
    quote = data if isinstance(data, dict) else data[0]
    assert quote["@type"] == "Quotation" and quote["text"] == "青空市は新しい図書館を建設します。"
    assert quote["spokenByCharacter"]["sameAs"] == "https://www.wikidata.org/wiki/Q4115189"
    oembed = page.locator('link[rel="alternate"][type="application/json+oembed"]')
    assert "/oembed?url=" in (oembed.get_attribute("href") or "")


def test_a_pinned_citation_still_shows_what_was_cited_after_an_edit(
    browser: Browser, travel_server: str
) -> None:
    page = signed_in_page(browser, travel_server)
    page.goto(travel_server + "/s/mizuhara-2024-05-01")
    cited = page.locator("#citation-en").text_content() or ""
    pinned = re.search(r"(http://\S+/s/mizuhara-2024-05-01/v/1)", cited)
    assert pinned and ", version 1, " in cited
    page.get_by_role("link", name="Edit this statement").click()
    page.get_by_label("Text", exact=True).fill("青空市は新しい公園を建設します。")
    page.get_by_label("Reason for the change").fill("the minutes say park")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#citation-en")).to_contain_text("/v/2")
    page.goto(pinned[1])
    expect(page.locator(".statement-page blockquote").first).to_have_text(
        "青空市は新しい図書館を建設します。"
    )
    expect(page.locator(".newer")).to_contain_text("a newer version exists (version 2)")
    page.get_by_role("link", name="What changed").click()
    expect(page.locator("dl.diff ins")).to_have_text("公園")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_compact_list_of_real_speeches_fits_the_window(
    browser: Browser, sources_server: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="en-US")
    page = context.new_page()
    page.goto(sources_server + "/?q=法案&view=compact&per_page=2")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    rows = page.locator("ol.compact li")
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box and box["x"] + box["width"] <= width
    box = page.locator("nav.pages-bottom").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    if width == 390:  # on a phone the first result is above the fold
        first = rows.first.bounding_box()
        assert first and first["y"] < 844
    context.close()


def test_the_speaker_field_finds_a_speaker_by_reading(page: Page, sources_server: str) -> None:
    page.goto(sources_server + "/")
    field = page.locator("#f-speaker")
    options = page.locator("#speaker-list option")
    assert "いそざき てつじ" in " ".join(options.evaluate_all("os => os.map(o => o.label)"))
    field.fill("いそざき")
    field.press("Enter")
    expect(page.locator(".chip")).to_contain_text("いそざき")
    expect(page.locator("#results-title")).to_have_text("2 statements")
    whos = page.locator("article.result h3.who")
    expect(whos).to_have_text(["礒崎哲史", "礒崎哲史"])
    page.locator("#f-speaker").fill("柴田巧")
    page.locator("#f-speaker").press("Enter")
    expect(page.locator(".chip")).to_have_count(2)
    expect(page.locator("#results-title")).to_have_text("3 statements")
