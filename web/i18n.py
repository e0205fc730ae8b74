"""Interface languages: every label in Japanese and English, and which one a visitor gets.

The choice is, in order: `?ui=` on the request (remembered in a cookie), the cookie, the
browser's Accept-Language, English.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import Request

from hatsugen.archive.records import DATE_RE

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
        "original_language": "Language of the text",
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
        "matched_split": "{text} matched in what was said, {speaker} only in who said it, {meta}"
        " only in their role, event, place or topics; listed in that order.",
        "matched_in_meta": "Matched in:",
        "download_list": "Download all {count} (citations with permalinks and today's date):",
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
        "per_page": "Per page",
        "show_whole": "Show the whole text",
        "facet_more": "{count} more…",
        "facet_filter": "Filter this list (name or reading)",
        "view_cards": "Cards",
        "copy": "Copy the citation",
        "copied": "Copied",
        "searched_for": "Searched for",
        "searched_where": "in texts, translations, speakers' names and metadata",
        "view_compact": "Compact list",
        "speaker_filter": "Find a speaker",
        "speaker_filter_hint": "name, reading or part of one",
        "speakers_by_reading": "Reading (あいうえお)",
        "speakers_by_name": "Name",
        "speakers_by_count": "Most statements",
        "speakers_count": "{count} speakers",
        "follow_search": "Follow this search (Atom feed)",
        "follow_speaker": "Follow this speaker (Atom feed)",
        "pages_top": "Result pages",
        "pages_bottom": "Result pages (bottom)",
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
        "check_quote": "Check a quote",
        "check_intro": "Paste a quote as it circulates. hatsugen finds the archived statement it"
        " comes from, in the recorded text or a recorded translation, and says whether it is the"
        " whole statement, one part of it, parts joined together, or altered, and by whom.",
        "quote_to_check": "Quote",
        "claimed_speaker": "Circulating as said by (optional)",
        "check": "Check",
        "not_in_archive": "Not in this archive: no statement shares enough of this quote.",
        "not_matching": "Nearest statements, not matching",
        "verdict_verbatim": "Verbatim: the whole statement",
        "verdict_excerpt": "Excerpt: one part of the statement",
        "verdict_excerpt_marked": "Excerpt with a marked omission (…)",
        "verdict_spliced": "Spliced: parts joined with nothing to show the cut",
        "verdict_altered": "Altered: words added, removed or replaced",
        "via_text": "found in the recorded text",
        "via_translation": "found through a recorded translation ({lang})",
        "speaker_matches": "Attributed to the claimed speaker.",
        "speaker_differs": "Not the claimed speaker: the archive attributes it to {name}.",
        "recorded_misattributed": "The archive records this quote as MISATTRIBUTED.",
        "said_before": "Said just before",
        "said_after": "Said just after",
        "cut_here": "Cut out here, with nothing to show it",
        "cut_marked": "Cut out here (marked …)",
        "piece_added": "added",
        "piece_removed": "removed",
        "piece_replaced": "changed",
        "in_circulation": "circulating",
        "in_archive": "archived",
        "save_as_evidence": "Save this check as evidence on the statement",
        "quote_check_note": "Quote check: {verdict} of “{quote}”",
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
        "wording_original": "Original",
        "wording_official_translation": "Official translation",
        "wording_press_translation": "Quoted in translation (press)",
        "wording_interpretation": "Interpretation",
        "wording_paraphrase": "Paraphrase reported as a quote",
        "wording_quoted": "As quoted by the source",
        "spoken_in": "spoken in {lang}",
        "own_words_not_located": "The speaker's own words are not located.",
        "status": "Attribution",
        "any_status": "Any status",
        "facet_status": "Attribution",
        "facet_house": "House",
        "facet_committee": "Committee or meeting",
        "facet_session": "Diet session",
        "session_n": "Session {n}",
        "event_label": "Event",
        "in_event": "In its event",
        "position_of": "statement {n} of {count}",
        "before": "Before",
        "after": "After",
        "read_in_event": "Read in its event",
        "event_statements": "Statements, in the order they were made",
        "event_record": "Record of the meeting",
        "event_count": "{count} statements archived",
        "play_from": "Play from {time}",
        "media_at": "At {time} in the recording",
        "roles_held": "Roles held (as each statement gave it at the time)",
        "role_span": "{first} – {last}",
        "house": "House",
        "committee": "Committee",
        "issue": "Issue",
        "import_title": "Import",
        "import_intro": "Load statements from a file: hatsugen's JSON, the Diet minutes API's"
        " JSON, a transcript, or subtitles.",
        "import_file": "File",
        "import_format": "Format",
        "import_speakers": "Speaker markers (one MARKER=ID a line)",
        "import_new_speakers": "Markers that name nobody archived are new speakers",
        "import_button": "Import",
        "import_done": "{added} added, {updated} updated, {unchanged} unchanged",
        "import_left_out": "Left out",
        "import_new_speaker": "New speaker",
        "import_duplicate": "Duplicate",
        "media_url": "Recording (URL)",
        "event_id": "Event id",
        "language_code": "Language (ja, en …)",
        "import_source_url": "Source (URL)",
        "order_label": "Order in the event",
        "embed_link_back": "See it in the archive, with its source",
        "embed_title": "Embed",
        "speaker_type": "Type a name or reading",
        "feed_search": "statements for {what}",
        "feed_all": "all statements",
        "feed_words": "words",
        "did_you_mean": "Did you mean “{words}”? ({count})",
        "speakers_named": "No statement has the words “{q}”: these are the statements of {names},"
        " whose name or reading it is.",
        "speaker_more": "Add another speaker",
        "embed_help": "Paste this where the statement should appear (it works without JavaScript):",
        "meeting_label": "Meeting",
        "newer_exists": "This is version {version}, as archived; a newer version exists"
        " (version {current}).",
        "see_current": "See the current version",
        "what_changed": "What changed",
        "is_current": "Version {version}: this is the current version.",
        "archived_at": "archived {at}",
        "hash_title": "Content hash of the text, its translations and source: the same on any"
        " copy of this wording",
        "cite_pinned": "Pinned to version {version} (content hash {hash}): the link and the"
        " hash keep this wording checkable after later edits.",
        "download_citation": "For reference managers:",
        "status_unverified": "Unverified",
        "status_verified": "Verified",
        "status_disputed": "Disputed",
        "status_misattributed": "Misattributed",
        "actually_said_by": "actually said by {name}",
        "origin_unknown": "origin unknown",
        "actually_said_in": "actually said in statement {id}",
        "primary_source": "primary source",
        "attribution": "Attribution",
        "evidence": "Evidence",
        "archived_copy": "archived copy",
        "status_history": "Status history",
        "added_by": "added by {by}, {at}",
        "status_set": "{status} — {by}, {at}",
        "evidence_primary_transcript": "transcript",
        "evidence_video": "video",
        "evidence_audio": "audio",
        "evidence_official_post": "the speaker's own post",
        "evidence_official_record": "official record",
        "evidence_press_report": "press report",
        "evidence_fact_check": "fact-check",
        "evidence_other": "other",
        "not_checked": "Nobody has checked this attribution against a primary source yet.",
        "already_archived": "Already archived as {id}; importing skips it.",
        "speaker_unresolved": "Who spoke? The article does not settle it: {why}. Candidates:"
        " {candidates}. Name the speaker to save this one.",
        "similar_to": "Similar to archived statements: {ids}",
        "reason": "reason: {reason}",
        "extract_failed": "Those quotes could not be found",
        "add_statement": "Add a statement",
        "edit_statement": "Edit this statement",
        "signed_in_as": "{name} ({role})",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "user_name": "Name",
        "password": "Password",
        "role_contributor": "contributor",
        "role_editor": "editor",
        "role_admin": "admin",
        "not_allowed": "Not allowed",
        "speaker_any_name": "Speaker (id, or any name, alias or handle)",
        "new_speaker_hint": "For a speaker not yet in the archive, give their names below.",
        "new_speaker_box": "This is a new speaker, not yet in the archive",
        "text_folded": "A very long text: its first {chars} characters are shown.",
        "show_whole_text": "Show the whole text",
        "speaker_which": "Which speaker do you mean by “{name}”? It is not the exact name of"
        " anyone in the archive, but may be one of these:",
        "speaker_is_new": "None of them: “{name}” is a new speaker",
        "translation_rows_hint": "Empty a row, or tick Remove, to remove a translation.",
        "remove": "Remove",
        "add_translation": "Add a translation",
        "bilingual_hint": "Role, title, event, place and each topic may be given in both"
        " languages, separated by |: 日韓首脳会談 | Japan–South Korea summit."
        " Topics are separated by commas.",
        "name_in": "Name in {lang}",
        "text": "Text",
        "text_language": "Language of the text",
        "what_the_text_is": "What the text is",
        "spoken_language": "Language spoken",
        "translations": "Translations",
        "language": "Language",
        "made_by": "Made by",
        "the_speakers_own_words": "the speaker's own words (original)",
        "title": "Title",
        "edit_summary": "Reason for the change",
        "save": "Save",
        "edit_conflict": "Someone else saved this statement first",
        "their_version": "Saved meanwhile (version {version})",
        "your_version": "Your version (not saved)",
        "your_changes": "What your version changes in the saved one",
        "review_intro": "Check each candidate: who spoke, the exact words, what they are (own"
        " words, a press translation…). Untick what should not be archived; then save.",
        "keep_candidate": "Keep candidate {n}",
        "save_selected": "Save the ticked candidates",
        "saved_title": "Saved to the archive",
        "saved_summary": "{added} added, {updated} updated, {duplicates} duplicates skipped.",
        "skipped_duplicates": "Already archived (skipped)",
        "warnings": "Warnings",
        "merged_into": "This speaker was merged into",
        "undo_merge": "Undo the merge",
        "merge_in": "Merge this other speaker into this one (id or any name)",
        "merge": "Merge",
        "too_large": "That was too large to accept",
        "propose_correction": "Propose a correction",
        "propose_intro": "An editor reviews your correction before it is applied.",
        "proposed_corrections": "Proposed corrections",
        "accept": "Accept",
        "reject": "Reject",
        "edit_again": "Edit the saved version again",
        "compare_versions": "Compare versions",
        "from_version": "From version",
        "to_version": "To version",
        "compare": "Compare",
        "no_differences": "These versions are the same.",
        "revert_to": "Revert to version {version}",
        "retracted": "Retracted",
        "editing": "Editing",
        "evidence_kind": "Kind of evidence",
        "actually_said_by_field": "Actually said by (if misattributed)",
        "save_verification": "Save status and evidence",
        "reason_label": "Reason",
        "retract": "Retract",
        "restore": "Restore",
        "queued_for_indexing": "{count} newly stored statements are being indexed and are not"
        " searchable yet.",
    },
    "ja": {
        "site_tagline": "誰が、いつ、何を言ったか — 日本語と英語で",
        "search": "検索",
        "query_label": "発言を検索",
        "query_placeholder": '関税、"shuttle diplomacy"、speaker:石破 …',
        "filters": "絞り込み",
        "speaker": "発言者",
        "original_language": "テキストの言語",
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
        "matched_split": "発言の本文・翻訳で一致した{text}件、発言者名だけで一致した{speaker}件、"
        "肩書き・行事・場所・トピックだけで一致した{meta}件の順に表示しています。",
        "matched_in_meta": "一致した項目:",
        "download_list": "{count}件すべてをダウンロード（固定リンクと閲覧日つきの出典）:",
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
        "per_page": "表示件数",
        "show_whole": "全文を表示",
        "facet_more": "ほか{count}件…",
        "facet_filter": "一覧を絞り込む（名前・読み）",
        "view_cards": "カード表示",
        "copy": "出典をコピー",
        "copied": "コピーしました",
        "searched_for": "検索条件:",
        "searched_where": "本文・翻訳・発言者名・付記情報を検索",
        "view_compact": "一覧表示（1行ずつ）",
        "speaker_filter": "発言者を探す",
        "speaker_filter_hint": "名前・読み（一部でも）",
        "speakers_by_reading": "読み（あいうえお順）",
        "speakers_by_name": "名前",
        "speakers_by_count": "発言数の多い順",
        "speakers_count": "{count}人",
        "follow_search": "この検索をフィードで追う（Atom）",
        "follow_speaker": "この発言者をフィードで追う（Atom）",
        "pages_top": "結果のページ",
        "pages_bottom": "結果のページ（下）",
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
        "check_quote": "引用を確認",
        "check_intro": "出回っている引用をそのまま貼り付けてください。記録された本文または翻訳から"
        "元の発言を探し、全文か、一部か、離れた部分のつなぎ合わせか、言葉が変えられているか、"
        "そして誰の発言かを示します。",
        "quote_to_check": "引用",
        "claimed_speaker": "誰の発言として出回っているか（任意）",
        "check": "確認",
        "not_in_archive": "このアーカイブにはありません。十分に一致する発言が見つかりません。",
        "not_matching": "近い発言（一致せず）",
        "verdict_verbatim": "全文：発言のすべて",
        "verdict_excerpt": "抜粋：発言の一部",
        "verdict_excerpt_marked": "省略を明示した抜粋（…）",
        "verdict_spliced": "切り貼り：離れた部分が切れ目を示さずにつながれている",
        "verdict_altered": "改変：言葉の追加・削除・置き換え",
        "via_text": "記録された本文で一致",
        "via_translation": "記録された翻訳（{lang}）で一致",
        "speaker_matches": "主張された発言者の発言として記録されています。",
        "speaker_differs": "主張された発言者ではありません。アーカイブでは{name}の発言です。",
        "recorded_misattributed": "この引用は誤った帰属（misattributed）と記録されています。",
        "said_before": "直前の発言",
        "said_after": "直後の発言",
        "cut_here": "ここが切り取られています（明示なし）",
        "cut_marked": "ここが省略されています（…で明示）",
        "piece_added": "追加",
        "piece_removed": "削除",
        "piece_replaced": "変更",
        "in_circulation": "出回っている形",
        "in_archive": "記録",
        "save_as_evidence": "この確認を発言の根拠として保存",
        "quote_check_note": "引用確認：「{quote}」は{verdict}",
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
        "wording_original": "原文",
        "wording_official_translation": "公式翻訳",
        "wording_press_translation": "報道機関の翻訳による引用",
        "wording_interpretation": "通訳による訳",
        "wording_paraphrase": "引用として報じられた要約",
        "wording_quoted": "出典の引用のまま",
        "spoken_in": "{lang}での発言",
        "own_words_not_located": "発言者自身の言葉（原文）は確認されていません。",
        "status": "発言者の確認",
        "any_status": "すべての確認状況",
        "facet_status": "発言者の確認",
        "facet_house": "院",
        "facet_committee": "会議名",
        "facet_session": "国会回次",
        "session_n": "第{n}回国会",
        "event_label": "会議・行事",
        "in_event": "この会議の中で",
        "position_of": "{count}件中{n}件目",
        "before": "前の発言",
        "after": "次の発言",
        "read_in_event": "会議の流れで読む",
        "event_statements": "発言（発言順）",
        "event_record": "会議録",
        "event_count": "{count}件の発言を収録",
        "play_from": "{time}から再生",
        "media_at": "録画の{time}",
        "roles_held": "肩書きの変遷（各発言の当時のもの）",
        "role_span": "{first}〜{last}",
        "house": "院",
        "committee": "会議名",
        "issue": "号",
        "import_title": "取り込み",
        "import_intro": "ファイルから発言を取り込みます。hatsugenのJSON、国会会議録APIのJSON、"
        "書き起こし、字幕に対応しています。",
        "import_file": "ファイル",
        "import_format": "形式",
        "import_speakers": "発言者の表記（1行に1つ、表記=ID）",
        "import_new_speakers": "収録されていない表記は新しい発言者として追加する",
        "import_button": "取り込む",
        "import_done": "追加{added}件、更新{updated}件、変更なし{unchanged}件",
        "import_left_out": "除外",
        "import_new_speaker": "新しい発言者",
        "import_duplicate": "重複",
        "media_url": "録画・録音（URL）",
        "event_id": "会議・行事のID",
        "language_code": "言語（ja、enなど）",
        "import_source_url": "出典（URL）",
        "order_label": "会議での順番",
        "embed_link_back": "出典とともにアーカイブで見る",
        "embed_title": "埋め込み",
        "speaker_type": "名前か読みを入力",
        "feed_search": "{what} の発言",
        "feed_all": "すべての発言",
        "feed_words": "検索語",
        "did_you_mean": "もしかして「{words}」？（{count}件）",
        "speakers_named": "「{q}」という語を含む発言はありません。"
        "{names}（名前・読みが一致）の発言を表示しています。",
        "speaker_more": "発言者を追加",
        "embed_help": "発言を表示したい場所にこれを貼り付けてください（JavaScriptなしで動きます）"
        "：",
        "meeting_label": "会議",
        "newer_exists": "これは第{version}版（収録時のまま）です。"
        "新しい版（第{current}版）があります。",
        "see_current": "最新の版を見る",
        "what_changed": "変更点",
        "is_current": "第{version}版：これが最新の版です。",
        "archived_at": "{at}に収録",
        "hash_title": "本文・翻訳・出典のハッシュ：この文言のどの写しでも同じ値になります",
        "cite_pinned": "第{version}版（ハッシュ {hash}）に固定した引用です。リンクとハッシュで、"
        "後の編集後もこの文言を確かめられます。",
        "download_citation": "文献管理ソフト用：",
        "status_unverified": "未検証",
        "status_verified": "検証済み",
        "status_disputed": "異論あり",
        "status_misattributed": "誤った帰属",
        "actually_said_by": "実際の発言者：{name}",
        "origin_unknown": "出所不明",
        "actually_said_in": "実際の発言：{id}",
        "primary_source": "一次資料",
        "attribution": "発言者の確認",
        "evidence": "根拠",
        "archived_copy": "保存版",
        "status_history": "確認状況の履歴",
        "added_by": "{by}が追加（{at}）",
        "status_set": "{status} — {by}（{at}）",
        "evidence_primary_transcript": "議事録・書き起こし",
        "evidence_video": "動画",
        "evidence_audio": "音声",
        "evidence_official_post": "本人の投稿",
        "evidence_official_record": "公式記録",
        "evidence_press_report": "報道",
        "evidence_fact_check": "ファクトチェック",
        "evidence_other": "その他",
        "not_checked": "この発言者の帰属は、まだ一次資料と照合されていません。",
        "already_archived": "収録済み（{id}）。取り込み時には追加されません。",
        "speaker_unresolved": "発言者を特定できません：{why}。候補：{candidates}。"
        "保存するには発言者を入力してください。",
        "similar_to": "類似の収録済み発言：{ids}",
        "reason": "理由：{reason}",
        "extract_failed": "引用を抽出できませんでした",
        "add_statement": "発言を追加",
        "edit_statement": "この発言を編集",
        "signed_in_as": "{name}（{role}）",
        "sign_in": "ログイン",
        "sign_out": "ログアウト",
        "user_name": "ユーザー名",
        "password": "パスワード",
        "role_contributor": "投稿者",
        "role_editor": "編集者",
        "role_admin": "管理者",
        "not_allowed": "許可されていません",
        "speaker_any_name": "発言者（ID、名前、別名、アカウント）",
        "new_speaker_hint": "アーカイブにまだいない発言者は、下に名前を入力してください。",
        "new_speaker_box": "アーカイブにまだいない新しい発言者です",
        "text_folded": "とても長い文章のため、最初の{chars}文字を表示しています。",
        "show_whole_text": "全文を表示",
        "speaker_which": "「{name}」はどの発言者ですか。アーカイブの誰の正確な名前でも"
        "ありませんが、次のいずれかかもしれません:",
        "speaker_is_new": "どれでもない: 「{name}」は新しい発言者",
        "translation_rows_hint": "翻訳を削除するには、欄を空にするか「削除」を選んでください。",
        "remove": "削除",
        "add_translation": "翻訳を追加",
        "bilingual_hint": "肩書き・題名・行事・場所・各トピックは | で区切って両言語で書けます"
        "（例: 日韓首脳会談 | Japan–South Korea summit）。トピックはカンマで区切ります。",
        "name_in": "{lang}での名前",
        "text": "テキスト",
        "text_language": "テキストの言語",
        "what_the_text_is": "テキストの種類",
        "spoken_language": "発言の言語",
        "translations": "翻訳",
        "language": "言語",
        "made_by": "作成者",
        "the_speakers_own_words": "発言者自身の言葉（原文）",
        "title": "タイトル",
        "edit_summary": "変更の理由",
        "save": "保存",
        "edit_conflict": "他の人が先にこの発言を保存しました",
        "their_version": "その間に保存された版（第{version}版）",
        "your_version": "あなたの版（未保存）",
        "your_changes": "保存された版に対するあなたの変更",
        "review_intro": "各候補を確認してください：発言者、正確な文言、"
        "その種類（本人の言葉、報道機関の翻訳など）。"
        "収録しないものはチェックを外し、保存してください。",
        "keep_candidate": "候補 {n} を収録する",
        "save_selected": "チェックした候補を保存",
        "saved_title": "アーカイブに保存しました",
        "saved_summary": "追加 {added} 件、更新 {updated} 件、重複のため省略 {duplicates} 件。",
        "skipped_duplicates": "収録済み（省略）",
        "warnings": "警告",
        "merged_into": "この発言者は次の発言者に統合されました：",
        "undo_merge": "統合を取り消す",
        "merge_in": "この発言者に統合する別の発言者（ID または名前）",
        "merge": "統合",
        "too_large": "大きすぎるため受け付けられません",
        "propose_correction": "修正を提案",
        "propose_intro": "提案された修正は、編集者が確認してから反映されます。",
        "proposed_corrections": "修正の提案",
        "accept": "承認",
        "reject": "却下",
        "edit_again": "保存された版をもう一度編集する",
        "compare_versions": "版を比較",
        "from_version": "比較元の版",
        "to_version": "比較先の版",
        "compare": "比較",
        "no_differences": "これらの版は同じです。",
        "revert_to": "第{version}版に戻す",
        "retracted": "撤回済み",
        "editing": "編集",
        "evidence_kind": "根拠の種類",
        "actually_said_by_field": "実際の発言者（誤った帰属の場合）",
        "save_verification": "確認状況と根拠を保存",
        "reason_label": "理由",
        "retract": "撤回",
        "restore": "復元",
        "queued_for_indexing": "新しく保存された {count} 件の発言は索引作成中のため、"
        "まだ検索できません。",
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


# Search errors in Japanese: the English messages (index/query.py, the speaker resolver) by
# their shape. One not listed here is shown in English.
ERRORS_JA: list[tuple[str, str]] = [
    (
        r"has an unbalanced quote",
        '引用符（"）が閉じていません。フレーズを閉じるか、引用符を消してください',
    ),
    (r"has a '\)' without its '\('", "「(」のない「)」があります"),
    (r"has a '\(' that is never closed", "「(」が閉じていません"),
    (
        r"uses an unknown field '(?P<f>[^']+)'; fields are: (?P<fields>.*)",
        "「{f}」という項目はありません。使える項目: {fields}",
    ),
    (r"has no value after (?P<f>\w+):", "{f}: の後に値がありません"),
    (
        r"starts a word with \* or \?",
        "* や ? で始まる語は使えません（すべての語を調べることになるため）。"
        "* の前に2文字以上を置いてください（例: secur*）",
    ),
    (r"needs at least two letters before a wildcard", "* の前に2文字以上が必要です（例: secur*）"),
    (r"uses a range", "範囲指定（[a TO z]）は使えません。日付は開始日・終了日で指定してください"),
    (r"uses ~", "~（あいまい検索・近接検索）は使えません"),
    (r"has no words to search for", "検索する語がありません"),
    (r"is longer than (?P<n>[\d,]+) characters", "{n}文字を超えています"),
    (
        r"(?P<v>.+) is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
        "{v} は日付として読めません。2025-08-23、2025/08/23、2025年8月23日、"
        "令和7年8月23日のように入力してください",
    ),
    (r"'(?P<v>.*)' has no month (?P<m>\d+)", "{v}: {m}月はありません"),
    (r"'(?P<v>.*)': (?P<ym>\S+) has no day (?P<d>\d+)", "{v}: {ym} に{d}日はありません"),
    (r"(?P<a>\S+) is after until=(?P<b>\S+)", "開始日 {a} が終了日 {b} より後です"),
    (
        r"'(?P<v>.*)' is no speaker id, name, reading, family name, alias or handle in this"
        r" archive",
        "「{v}」に当たる発言者はこのアーカイブにいません（ID・名前・読み・姓・別名・ハンドルで探しました）",
    ),
    (
        r"'(?P<v>.*)' is ambiguous: it could be (?P<who>.*); give the full name or the id",
        "「{v}」は複数の発言者に当たります: {who}。フルネームかIDで指定してください",
    ),
    (
        r"took longer than (?P<s>\S+) s and was stopped",
        "{s}秒を超えたため中止しました（ほかの検索を待たせないため）。語を増やす、フレーズにする、"
        "発言者や期間で絞るなどしてください",
    ),
    (r"must be a whole number from 1 to (?P<n>\d+)", "1から{n}までの整数で指定してください"),
    (
        r"'(?P<v>.*)' is not one of: (?P<choices>.*)",
        "「{v}」は指定できません。指定できるのは: {choices}",
    ),
    (r"no statement with id '(?P<v>.*)'", "ID「{v}」の発言はありません"),
    (r"no speaker with id '(?P<v>.*)'", "ID「{v}」の発言者はいません"),
    (r"The requested URL was not found", "そのページはありません。アドレスを確かめてください"),
]
# Record errors (imports, the edit form, saving extracted candidates), matched on the message
# alone; the field and the place it came from are put in front by Translator.record_error.
ERRORS_JA += [
    (r"^is required to edit a statement$", "発言を編集するには必要です"),
    (r"^is required \(one of: (?P<choices>.*)\)$", "必須です（{choices} のいずれか）"),
    (r"^is required$", "必須です"),
    (r"^must not be empty$", "空にできません"),
    (r"^must be a string, not (?P<t>\w+)$", "文字列で指定してください（{t} ではなく）"),
    (r"^must be a non-empty string$", "空でない文字列で指定してください"),
    (
        r"^must be a string like 2025, 2025-08 or 2025-08-23$",
        "2025、2025-08、2025-08-23 のような文字列で指定してください",
    ),
    (r"^'(?P<v>.*)' has no valid year$", "{v}: 年が正しくありません"),
    (
        r"^(?P<v>.+) is not a language code such as ja, en or ko$",
        "{v} は言語コードではありません（ja、en、ko など）",
    ),
    (
        r"^unknown field \(expected one of: (?P<fields>.*)\)$",
        "不明な項目です（使える項目: {fields}）",
    ),
    (
        r"^must be a string or an object of language: text",
        '文字列か、{{"ja": "首脳会談", "en": "summit"}} のような言語別の形で指定してください',
    ),
    (
        r"^two versions read as '(?P<lang>[^']+)' \((?P<a>.*) and (?P<b>.*)\); mark one",
        "{a} と {b} がどちらも {lang} と読めます。片方に [fr] のように言語を付けてください",
    ),
    (r"^\[(?P<lang>[^\]]+)\] has no text$", "[{lang}] の後に文字がありません"),
    (r"^(?P<v>.+) is not an http\(s\) URL$", "{v} は http(s) の URL ではありません"),
    (r"^must be an http\(s\) URL$", "http(s) の URL で指定してください"),
    (r"^(?P<v>.+) is not a valid id ", "{v} はIDとして使えません（英数字と . _ ~ -、128文字まで）"),
    (r"^needs an id or at least one name$", "IDか名前が一つ以上必要です"),
    (r"^say briefly why", "変更の理由を短く書いてください"),
    (r"^tick at least one candidate to save$", "保存する候補を一つ以上選んでください"),
    (
        r"^unresolved: extract could not tell who spoke \((?P<why>.*)\); name the speaker",
        "発言者を特定できませんでした（{why}）。保存する前に発言者を入力してください",
    ),
    (r"^must be true or false$", "true か false で指定してください"),
    (
        r"^(?P<v>.+) is not the exact name of a speaker, but may mean (?P<who>.*); give the"
        r" speaker id, or say it is a new speaker$",
        "{v} は発言者の正確な名前ではありません。{who} のことかもしれません。"
        "発言者のIDを指定するか、新しい発言者であることを示してください",
    ),
    (
        r"^(?P<v>.+) is nobody in this archive yet; say it is a new speaker to add them$",
        "{v} はまだ収録されていない発言者です。追加するには新しい発言者であることを示してください",
    ),
    (
        r"^(?P<v>.+) could be any of (?P<ids>.*); give the speaker id$",
        "{v} は {ids} のどれとも取れます。発言者のIDを指定してください",
    ),
    (r"^(?P<v>.+) is not a Wikidata id", "{v} はWikidataのID（Qと数字。例：Q123）ではありません"),
    (
        r"^is (?P<n>[\d,]+) characters long; a text may have at most (?P<m>[\d,]+)",
        "{n}文字あります。本文は{m}文字までです（長い演説は複数の発言に分けて記録してください）",
    ),
    (r"^(?P<e>\S+) is before the start \((?P<s>\S+)\)$", "終了 {e} が開始 {s} より前です"),
    (r"^must be a number of seconds", "録画の開始からの秒数で指定してください（例：754.5）"),
    (r"^must be a whole number from 0 to", "0以上の整数（会議の中での順番）で指定してください"),
    (r"^(?P<v>.+) is not a URL-safe id$", "{v} はIDとして使えません（英数字と . _ ~ -）"),
    (r"^contains invalid Unicode", "不正な文字（対になっていないサロゲート）が含まれています"),
]
# Where a field's error is shown in Japanese: the form's label, then the field as recorded.
RECORD_FIELD_LABELS = {
    "speaker": "speaker", "role": "role", "date": "date", "kind": "kind", "lang": "text_language",
    "spoken_lang": "spoken_language", "wording": "what_the_text_is", "text": "text",
    "translations": "translations", "source": "source", "event": "event", "place": "place",
    "topics": "topics", "context": "context", "notes": "notes", "attribution": "attribution",
    "reason": "edit_summary", "media": "media_url", "order": "order_label",
    "event_id": "event_id", "meeting": "meeting_label",
}  # fmt: skip
# Fields RECORD_FIELD_LABELS does not name, as a revision lists them.
FIELD_LABELS = {"created": "created", "event_id": "event_label", "order": "order_label",
                "meeting": "meeting_label", "media": "media_url", "retracted": "retracted",
                "attribution": "attribution"}  # fmt: skip
JST = timezone(timedelta(hours=9), "JST")
# The label a field's error is shown under (the query box is named for what it searches).
ERROR_FIELDS = {"q": "query_label", "lang": "original_language", "per_page": "per_page"}


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

    def error(self, err: Any) -> str:
        """A search error (QueryError) in the interface language, under its field's label."""
        message = self.message(err.message)
        if not err.field:
            return message
        return f"{self(ERROR_FIELDS.get(err.field, err.field))}: {message}"

    def record_error(self, err: Any) -> str:
        """A bad record (RecordError) as a reader of this interface can act on it: where it
        came from, which field (its label and its path in the record), what is wrong."""
        if self.ui != "ja":
            return str(err)
        where = []
        if err.source:
            where.append({"candidate": "候補"}.get(err.source, err.source))
        if err.line is not None:
            where.append(f"{err.line}行目")
        if err.item is not None:
            where.append(f"配列の{err.item}番目（0から）")
        out = "、".join(where) + "：" if where else ""
        if err.field:
            top = re.split(r"[.\[]", err.field, maxsplit=1)[0]
            label = RECORD_FIELD_LABELS.get(top)
            out += f"{self(label)}（{err.field}）：" if label else f"{err.field}："
        return out + self.message(err.message)

    def message(self, text: str) -> str:
        """An error message in the interface language, where it has a known shape."""
        if self.ui == "ja":
            for pattern, japanese in ERRORS_JA:
                if m := re.search(pattern, text):
                    return japanese.format(**m.groupdict())
        return text

    def date(self, iso: str | None) -> str:
        """A date in the interface's convention: 2025-08-23, or 2025年8月23日 in Japanese."""
        if not iso:
            return self("undated")
        if self.ui != "ja" or not DATE_RE.fullmatch(iso):
            return iso  # as typed: a page that says a date is wrong shows it as it came
        units = ("年", "月", "日")
        return "".join(f"{int(p)}{u}" for p, u in zip(iso.split("-"), units, strict=False))

    def timestamp(self, iso: str | None) -> str:
        """A stored UTC time (2026-12-07T05:17:06Z) as a reader of this interface reads
        times, with its zone named: 2026年12月7日 14:17 JST in Japanese, 2026-12-07 05:17 UTC
        in English. Japan has no daylight saving, so JST is a fixed +9 hours."""
        if not iso:
            return ""
        try:
            at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return iso
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if self.ui == "ja":
            at = at.astimezone(JST)
            return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M} JST"
        return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def field_names(self, fields: list[str]) -> str:
        """Record fields (a revision's changed ones) by their labels: 本文, 出典 …"""
        return (
            "、".join(self.field_name(f) for f in fields)
            if self.ui == "ja"
            else ", ".join(self.field_name(f) for f in fields)
        )

    def field_name(self, field: str) -> str:
        label = RECORD_FIELD_LABELS.get(field) or FIELD_LABELS.get(field)
        return self(label) if label else field

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
