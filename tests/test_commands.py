"""add, show, history, stats, demo and where the archive lives."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from hatsugen.cli import cli

from conftest import MIZUHARA, ROOT, TAKANASHI, Cli, statement, write_jsonl


def test_add_from_options_prints_the_id_and_show_displays_it(run: Cli) -> None:
    add_args = (
        "add", "--speaker", "Kenji Takanashi", "--new-speaker", "--lang", "en",
        "--text", "Our port will reopen in <b>spring</b>.", "--date", "2023-03",
        "--kind", "press_conference", "--source-url", "https://example.org/port",
        "--topic", "ports", "--topic", "economy",
        "--translation", "ja", "港は春に再開します。",
    )  # fmt: skip
    result = run.ok(*add_args)
    new_id = result.stdout.strip()
    record = run.json("show", new_id)
    assert record["speaker"]["name"] == {"en": "Kenji Takanashi"}
    assert record["date"] == "2023-03" and record["topics"] == ["ports", "economy"]
    assert record["translations"] == [
        {"lang": "ja", "text": "港は春に再開します。", "by": "editor"}
    ]
    shown = run.ok("show", new_id).stdout
    assert "Our port will reopen in <b>spring</b>." in shown
    assert "港は春に再開します。" in shown and "[translation, ja, by editor]" in shown
    # Adding the same statement again finds the same id instead of duplicating it.
    again = run.ok(*add_args)
    assert again.stdout.strip() == new_id
    assert run.json("stats")["statements"] == 1


def test_add_from_stdin_and_errors(run: Cli) -> None:
    record = statement(id="from-stdin")
    assert (
        run.ok("add", "--from", "-", "--new-speaker", input=json.dumps(record)).stdout.strip()
        == "from-stdin"
    )
    missing = run("add", "--lang", "en")
    assert missing.exit_code == 2 and "--speaker" in missing.stderr and "--text" in missing.stderr
    bad = run("add", "--speaker", "X", "--lang", "en", "--text", "t", "--date", "2025-13-45")
    assert bad.exit_code == 2 and "field 'date'" in bad.stderr
    assert run.json("stats")["statements"] == 1


def test_show_unknown_id_is_a_clear_error(run: Cli) -> None:
    run.ok("demo")
    result = run("show", "no-such-id")
    assert result.exit_code == 2
    assert "no statement with id 'no-such-id'" in result.stderr
    assert run("history", "no-such-id").exit_code == 2


def test_stats_counts_by_speaker_language_kind_and_year(run: Cli, tmp_path: Path) -> None:
    records = [
        statement(id="a"),
        statement(id="b", date="2023", text="二つ目。", kind="speech"),
        statement(id="c", speaker=TAKANASHI, lang="en", text="Third.", date=None, kind=None),
    ]
    run.ok("import", str(write_jsonl(tmp_path / "s.jsonl", records)))
    stats = run.json("stats")
    assert stats["statements"] == 3 and stats["speakers"] == 2
    assert stats["by_speaker"] == {"mizuhara-aiko": 2, "takanashi-kenji": 1}
    assert stats["by_lang"] == {"ja": 2, "en": 1}
    assert stats["by_kind"] == {"remarks": 1, "speech": 1, "unknown": 1}
    assert stats["by_year"] == {"2023": 1, "2024": 1, "undated": 1}
    assert stats["by_status"] == {"unverified": 3}
    human = run.ok("stats").stdout
    assert "3 statements by 2 speakers" in human and "Aiko Mizuhara (水原愛子)" in human


def test_speaker_names_and_aliases_merge_and_are_found(run: Cli, tmp_path: Path) -> None:
    first = statement(speaker={"id": "mizuhara-aiko", "name": {"ja": "水原愛子"}})
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [first])))
    more = statement(
        id="second",
        text="もう一つの発言。",
        speaker={
            "id": "mizuhara-aiko",
            "name": {"en": "Aiko Mizuhara"},
            "aliases": ["@aiko_mizuhara"],
        },
    )
    run.ok("import", str(write_jsonl(tmp_path / "2.jsonl", [more])))
    speaker = run.json("show", "second")["speaker"]
    assert speaker["name"] == {"ja": "水原愛子", "en": "Aiko Mizuhara"}
    assert speaker["aliases"] == ["@aiko_mizuhara"]
    # A plain string finds her by any script, handle or spacing, never making a new speaker.
    for i, name in enumerate(["水原 愛子", "aiko mizuhara", "@aiko_mizuhara", "mizuhara-aiko"]):
        run.ok("add", "--speaker", name, "--lang", "ja", "--text", f"発言{i}。")
    assert run.json("stats")["by_speaker"] == {"mizuhara-aiko": 6}
    # A renamed English name keeps the old one as an alias: nothing is dropped.
    renamed = statement(
        id="third",
        text="三つ目の発言。",
        speaker={"id": "mizuhara-aiko", "name": {"en": "Aiko M."}},
    )
    path = write_jsonl(tmp_path / "3.jsonl", [renamed])
    refused = run("import", str(path))  # renaming someone everywhere is never silent
    assert refused.exit_code == 2 and "would rename speaker mizuhara-aiko" in refused.stderr
    result = run.ok("import", str(path), "--rename-speakers")
    assert "renamed: speaker mizuhara-aiko renamed in en: 'Aiko Mizuhara' → 'Aiko M.'" in (
        result.stderr
    )
    speaker = run.json("show", "third")["speaker"]
    assert speaker["name"]["en"] == "Aiko M." and "Aiko Mizuhara" in speaker["aliases"]


def test_speaker_object_without_id_merges_by_name(run: Cli, tmp_path: Path) -> None:
    run.ok("import", str(write_jsonl(tmp_path / "1.jsonl", [statement(speaker=MIZUHARA)])))
    by_name = statement(
        id="x",
        text="別の発言。",
        speaker={"name": {"en": "Aiko Mizuhara", "ko": "미즈하라 아이코"}},
    )
    run.ok("import", str(write_jsonl(tmp_path / "2.jsonl", [by_name])))
    speaker = run.json("show", "x")["speaker"]
    assert speaker["id"] == "mizuhara-aiko" and speaker["name"]["ko"] == "미즈하라 아이코"


def test_home_option_env_and_default(tmp_path: Path, monkeypatch) -> None:
    runner = CliRunner()
    env_home = tmp_path / "from-env"
    result = runner.invoke(cli, ["demo"], env={"HATSUGEN_HOME": str(env_home)})
    assert result.exit_code == 0 and (env_home / "archive.sqlite3").exists()
    opt_home = tmp_path / "from-option"
    result = runner.invoke(
        cli, ["--home", str(opt_home), "demo"], env={"HATSUGEN_HOME": str(env_home)}
    )
    assert result.exit_code == 0 and (opt_home / "archive.sqlite3").exists()
    monkeypatch.delenv("HATSUGEN_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert (tmp_path / "xdg" / "hatsugen" / "archive.sqlite3").exists()


def test_demo_loads_the_seed_statements_once(run: Cli) -> None:
    assert "3 statements" in run.ok("demo").stdout
    post = run.json("show", "ishiba-2025-08-23-post")
    assert post["speaker"]["name"]["ja"] == "石破茂"
    assert "@shigeruishiba" in post["speaker"]["aliases"]
    assert post["kind"] == "post" and post["lang"] == "ja" and post["date"] == "2025-08-23"
    assert "pic.twitter.com" not in post["text"]
    assert all(t["by"] == "editor" for t in post["translations"])
    assert "already holds" in run.ok("demo").stdout
    assert run.json("stats")["statements"] == 3


def test_a_newer_schema_is_refused_clearly(run: Cli, home: Path) -> None:
    run.ok("demo")
    with sqlite3.connect(home / "archive.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    result = run("stats")
    assert result.exit_code == 1
    assert "newer hatsugen" in result.stderr and "Traceback" not in result.output


def test_commands_that_need_an_archive_never_create_one_and_say_which_one(tmp_path: Path) -> None:
    nowhere = Cli(tmp_path / "no-such-home")
    for args in (["search", "協力"], ["show", "x"], ["stats"], ["export"], ["check"],
                 ["token", "create", "ed"], ["token", "list"], ["user", "list"],
                 ["user", "role", "ed", "editor"], ["verify", "x", "--status", "disputed"],
                 ["reindex"], ["speaker", "merge", "a", "b", "--reason", "r"]):  # fmt: skip
        result = nowhere(*args)
        assert result.exit_code == 1, args
        assert f"there is no archive at {tmp_path / 'no-such-home'}" in result.output, args
    assert not (tmp_path / "no-such-home").exists()
    from hatsugen.core import Hatsugen

    Hatsugen(tmp_path / "empty").close()  # an archive made, with nothing in it yet
    result = Cli(tmp_path / "empty").ok("search", "協力")
    assert f"the archive at {tmp_path / 'empty'} holds no statements yet" in result.stderr


def test_search_output_speaks_in_words(run: Cli, tmp_path: Path) -> None:
    from search_corpus import CORPUS

    run.ok("import", str(write_jsonl(tmp_path / "c.jsonl", CORPUS)))
    out = run.ok("search", "--limit", "2").stdout
    assert "speaker: Aiko Mizuhara (水原愛子)" in out  # names, even of speakers not on the page
    assert "kind: " in out and "press_conference" not in out and "joint statement" in out
    assert "lang: Japanese" in out
    too_many = run("search", "協力", "--limit", "500")
    assert too_many.exit_code == 2 and "bad --limit:" in too_many.output
    assert "per-page" not in too_many.output


def test_scripts_run_ends_with_the_address_and_the_sign_in_line(tmp_path: Path) -> None:
    """The main job's output: set-up quiet, then the address and the password last."""
    import os
    import signal
    import subprocess
    import urllib.request

    env = {**os.environ, "HATSUGEN_HOME": str(tmp_path / "demo"), "PORT": "0"}
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run")], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        lines: list[str] = []
        while not lines or "Ctrl-C stops it" not in lines[-1]:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line, "".join(lines)
            lines.append(line)
        address, signin = lines[-3], lines[-2]
        assert "installing" not in "".join(lines)  # already installed: nothing to say
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", address)
        assert url and "the demo archive" in address
        assert re.search(r"sign in as editor with password \S{12,}", signin)
        page = urllib.request.urlopen(url[1], timeout=10).read().decode("utf-8")
        assert "hatsugen" in page
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
