"""Interface languages: every label in Japanese and English, and which one a visitor gets.

The choice is, in order: `?ui=` on the request (remembered in a cookie), the cookie, the
browser's Accept-Language, English.
"""

from __future__ import annotations

from flask import Request

UI_LANGS = ("en", "ja")
COOKIE = "hatsugen_ui"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "site_tagline": "Who said what, and when — in Japanese and English",
        "search": "Search",
        "query_label": "Search statements",
        "query_placeholder": '関税, "shuttle diplomacy", speaker:石破 …',
        "filters": "Filters",
        "speaker": "Speaker",
        "any_speaker": "Any speaker",
        "original_language": "Original language",
        "any_language": "Any language",
        "kind": "Kind",
        "any_kind": "Any kind",
        "topic": "Topic",
        "since": "From",
        "until": "Until",
        "date_hint": "YYYY, YYYY-MM or YYYY-MM-DD",
        "sort": "Sort by",
        "sort_relevance": "Relevance",
        "sort_date": "Date (newest first)",
        "apply": "Apply",
        "results_count": "{total} statements",
        "results_one": "1 statement",
        "no_results": "No statements found.",
        "try_instead": "Try instead:",
        "without_filter": "without the filter {name} ({count})",
        "word_alone": "only “{word}” ({count})",
        "facets": "Refine",
        "facet_speaker": "Speaker",
        "facet_lang": "Language",
        "facet_kind": "Kind",
        "facet_year": "Year",
        "remove_filter": "remove filter",
        "page": "Page {page} of {pages}",
        "previous": "Previous",
        "next": "Next",
        "original": "Original",
        "translation": "Translation",
        "translated_by": "translated by {by}",
        "source": "Source",
        "permalink": "Permalink",
        "statement": "Statement",
        "event": "Event",
        "place": "Place",
        "topics": "Topics",
        "context": "Context",
        "notes": "Notes",
        "date": "Date",
        "role": "Role",
        "history": "Revision history",
        "version": "Version {version}",
        "created": "created",
        "changed": "changed: {fields}",
        "cite": "Cite this",
        "csl_download": "Download CSL-JSON",
        "speakers": "Speakers",
        "names": "Names",
        "reading": "Reading",
        "aliases": "Aliases and handles",
        "roles": "Roles",
        "statements": "Statements",
        "statement_count": "Statements",
        "not_found": "Not found",
        "not_found_text": "There is no such page in this archive.",
        "bad_request": "That search could not be run",
        "server_error": "Something went wrong on our side",
        "back_to_search": "Back to search",
        "interface_language": "Interface language",
        "undated": "undated",
        "api": "JSON API",
        "extract": "Extract from an article",
        "skip_to_results": "Skip to results",
        "extract_intro": "Paste a news article (text or HTML) in English or Japanese. hatsugen"
        " lists the attributed quotes it finds, each with the sentence it came from. Nothing is"
        " stored: download the list, review it, then `hatsugen import` it.",
        "article_text": "Article text or HTML",
        "source_url": "Article URL",
        "publisher": "Publisher",
        "article_date": "Date for quotes without one",
        "find_quotes": "Find quotes",
        "candidates_found": "{count} candidate statements",
        "download_candidates": "Download as JSON for import",
        "import_hint": "then: hatsugen import candidates.json",
        "by_official": "official",
        "by_press": "press",
        "by_editor": "editor",
        "by_machine": "machine translation",
        "by_other": "other",
        "kind_post": "post",
        "kind_remarks": "remarks",
        "kind_joint_statement": "joint statement",
        "kind_statement": "statement",
        "kind_speech": "speech",
        "kind_interview": "interview",
        "kind_press_conference": "press conference",
        "kind_other": "other",
        "kind_-": "unknown",
        "lang_ja": "Japanese",
        "lang_en": "English",
        "lang_ko": "Korean",
        "lang_zh": "Chinese",
        "year_-": "undated",
    },
    "ja": {
        "site_tagline": "誰が、いつ、何を言ったか — 日本語と英語で",
        "search": "検索",
        "query_label": "発言を検索",
        "query_placeholder": '関税、"shuttle diplomacy"、speaker:石破 …',
        "filters": "絞り込み",
        "speaker": "発言者",
        "any_speaker": "すべての発言者",
        "original_language": "原文の言語",
        "any_language": "すべての言語",
        "kind": "種類",
        "any_kind": "すべての種類",
        "topic": "トピック",
        "since": "開始日",
        "until": "終了日",
        "date_hint": "YYYY、YYYY-MM または YYYY-MM-DD",
        "sort": "並び順",
        "sort_relevance": "関連度",
        "sort_date": "日付（新しい順）",
        "apply": "適用",
        "results_count": "{total}件の発言",
        "results_one": "1件の発言",
        "no_results": "発言は見つかりませんでした。",
        "try_instead": "次をお試しください：",
        "without_filter": "絞り込み「{name}」を外す（{count}件）",
        "word_alone": "「{word}」だけで検索（{count}件）",
        "facets": "さらに絞り込む",
        "facet_speaker": "発言者",
        "facet_lang": "言語",
        "facet_kind": "種類",
        "facet_year": "年",
        "remove_filter": "絞り込みを解除",
        "page": "{page} / {pages} ページ",
        "previous": "前へ",
        "next": "次へ",
        "original": "原文",
        "translation": "翻訳",
        "translated_by": "翻訳：{by}",
        "source": "出典",
        "permalink": "固定リンク",
        "statement": "発言",
        "event": "行事",
        "place": "場所",
        "topics": "トピック",
        "context": "文脈",
        "notes": "注記",
        "date": "日付",
        "role": "肩書き",
        "history": "改訂履歴",
        "version": "第{version}版",
        "created": "作成",
        "changed": "変更：{fields}",
        "cite": "引用する",
        "csl_download": "CSL-JSON をダウンロード",
        "speakers": "発言者一覧",
        "names": "名前",
        "reading": "読み",
        "aliases": "別名・アカウント",
        "roles": "肩書き",
        "statements": "発言",
        "statement_count": "発言数",
        "not_found": "見つかりません",
        "not_found_text": "このアーカイブにそのページはありません。",
        "bad_request": "この検索は実行できませんでした",
        "server_error": "サーバー側で問題が発生しました",
        "back_to_search": "検索に戻る",
        "interface_language": "表示言語",
        "undated": "日付なし",
        "api": "JSON API",
        "extract": "記事から抽出",
        "skip_to_results": "検索結果へ移動",
        "extract_intro": "英語または日本語のニュース記事（テキストまたは HTML）を"
        "貼り付けてください。発言者のわかる引用を、引用元の文とともに一覧にします。"
        "保存はされません。一覧をダウンロードし、確認してから `hatsugen import` で"
        "取り込んでください。",
        "article_text": "記事のテキストまたは HTML",
        "source_url": "記事の URL",
        "publisher": "発行元",
        "article_date": "日付のない引用に使う日付",
        "find_quotes": "引用を探す",
        "candidates_found": "候補 {count} 件",
        "download_candidates": "取り込み用 JSON をダウンロード",
        "import_hint": "次に：hatsugen import candidates.json",
        "by_official": "公式",
        "by_press": "報道機関",
        "by_editor": "編集者",
        "by_machine": "機械翻訳",
        "by_other": "その他",
        "kind_post": "投稿",
        "kind_remarks": "発言",
        "kind_joint_statement": "共同発表",
        "kind_statement": "声明",
        "kind_speech": "演説",
        "kind_interview": "インタビュー",
        "kind_press_conference": "記者会見",
        "kind_other": "その他",
        "kind_-": "不明",
        "lang_ja": "日本語",
        "lang_en": "英語",
        "lang_ko": "韓国語",
        "lang_zh": "中国語",
        "year_-": "日付なし",
    },
}


def choose_ui(request: Request) -> tuple[str, bool]:
    """(interface language, whether it was chosen explicitly and should be remembered)."""
    asked = request.args.get("ui")
    if asked in UI_LANGS:
        return asked, True
    remembered = request.cookies.get(COOKIE)
    if remembered in UI_LANGS:
        return remembered, False
    return request.accept_languages.best_match(UI_LANGS, default="en") or "en", False


class Translator:
    """Label lookup for one interface language; unknown keys show the English label."""

    def __init__(self, ui: str) -> None:
        self.ui = ui
        self.labels = LABELS[ui]

    def __call__(self, key: str, **values: object) -> str:
        text = self.labels.get(key) or LABELS["en"].get(key) or key
        return text.format(**values) if values else text

    def lang_name(self, code: str) -> str:
        return self.labels.get("lang_" + code.split("-")[0], code)

    def kind_name(self, kind: str | None) -> str:
        return self("kind_" + (kind or "-"))

    def speaker_names(self, speaker: dict) -> tuple[str, str | None]:
        """The name in the interface language, and the original-script name beside it."""
        names = speaker.get("name", {})
        primary = names.get(self.ui) or next(iter(names.values()), speaker.get("id", "?"))
        beside = next(
            (n for lang, n in names.items() if n != primary and lang not in (self.ui, "en")),
            None,
        )
        if beside is None:
            beside = next((n for n in names.values() if n != primary), None)
        return primary, beside
