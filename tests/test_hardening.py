"""Issue 26: what a security and fault review found, each tried as it was found."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import PASSWORD, Cli, at_once, signed_in, statement, token_of, write_jsonl

SID = "mizuhara-2024-05-01"
NOTE = {"notes": "n", "reason": "r"}
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)",
            "\tindented", "\rreturn", "'quoted already"]  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    run = Cli(home)
    records = [statement(), *(statement(id=f"f{i}", text=t, lang="en", translations=None)
                              for i, t in enumerate(FORMULAS))]  # fmt: skip
    run.ok("import", str(write_jsonl(tmp_path / "s.jsonl", records)))
    run.ok("user", "add", "ed", "--role", "editor", "--password-stdin", input=PASSWORD + "\n")
    return home


@pytest.fixture
def web(home: Path):  # type: ignore[no-untyped-def]
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True})


@pytest.mark.parametrize("value", ["x", "2025-13", "２０２５-１３", "2025-02-30"])
@pytest.mark.parametrize("ui", ["ja", "en"])
def test_a_bad_date_filter_is_a_400_in_either_language(web, value: str, ui: str) -> None:  # type: ignore[no-untyped-def]
    for name in ("since", "until"):
        page = web.test_client().get(f"/?{name}={value}", headers={"Accept-Language": ui})
        assert page.status_code == 400, page.get_data(as_text=True)[:300]


@pytest.mark.parametrize("raw", ["²", "٣", "1²", "%2B1", " 1 1", "99999999999999999999"])
def test_numbers_from_requests_are_ascii_digits_or_a_400(web, home: Path, raw: str) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    _, token = Hatsugen(home).accounts.create_token("ed")
    auth = {"Authorization": f"Bearer {token}", "If-Match": f'"{raw}"'}
    patched = client.patch(f"/api/statements/{SID}", json=NOTE, headers=auth)
    assert patched.status_code in (400, 412), patched.get_data(as_text=True)
    assert client.get(f"/api/speakers/mizuhara-aiko?page={raw}").status_code == 400
    assert client.get(f"/api/search?q=図書館&per_page={raw}").status_code == 400
    assert client.get(f"/s/mizuhara-2024-05-01/diff?a={raw}").status_code == 200


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "//evil.example",
                                    "/\\evil.example", "https://evil.example/", "/\n/evil.example",
                                    "javascript:alert(1)", "\\/evil.example"])  # fmt: skip
def test_sign_in_never_redirects_to_another_site(web, target: str) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    sent = client.post("/login", query_string={"next": target}, data={
        "name": "ed", "password": PASSWORD, "csrf_token": token_of(client)})  # fmt: skip
    assert sent.status_code == 302
    location = sent.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil.example" not in location.split("?")[0].lstrip("/").split("/")[0]


def test_a_local_next_is_kept(web) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    sent = client.post("/login", query_string={"next": "/s/mizuhara-2024-05-01?x=1"}, data={
        "name": "ed", "password": PASSWORD, "csrf_token": token_of(client)})  # fmt: skip
    assert sent.headers["Location"] == "/s/mizuhara-2024-05-01?x=1"


def test_csv_cells_are_never_formulas_and_keep_the_words(web) -> None:  # type: ignore[no-untyped-def]
    from hatsugen.citations import csv_cell_text

    body = web.test_client().get("/api/search?q=&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    texts = {r["id"]: r["text"] for r in rows}
    for i, text in enumerate(FORMULAS):
        cell = texts[f"f{i}"]
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        assert csv_cell_text(cell) == text
    for row in rows:  # no cell of any column starts a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_a_statement_read_through_the_api_carries_its_etag(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    client = web.test_client()
    read = client.get("/api/statements/mizuhara-2024-05-01")
    assert read.headers["ETag"] == '"1"'
    _, token = Hatsugen(home).accounts.create_token("ed")
    patched = client.patch(f"/api/statements/{SID}", json=NOTE,
                           headers={"Authorization": f"Bearer {token}",
                                    "If-Match": read.headers["ETag"]})  # fmt: skip
    assert patched.status_code == 200
    assert client.get("/api/statements/mizuhara-2024-05-01").headers["ETag"] == '"2"'


def test_the_home_and_the_archive_are_private(home: Path) -> None:
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("archive.sqlite3", "archive.sqlite3-wal"):
        if (home / name).exists():
            assert stat.S_IMODE((home / name).stat().st_mode) & 0o077 == 0, name


def test_check_warns_of_a_home_others_can_read(home: Path) -> None:
    os.chmod(home, 0o755)
    result = Cli(home)("check")
    assert "others can read" in result.stderr and "chmod 700" in result.stderr


def test_an_empty_file_where_the_archive_should_be_is_an_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "archive.sqlite3").write_bytes(b"")
    result = Cli(home)("stats")
    assert result.exit_code == 1 and "is empty" in result.stderr
    assert (home / "archive.sqlite3").stat().st_size == 0  # nothing was made of it


def test_signed_in_pages_still_work(web) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(web).get("/add").status_code == 200


def test_import_from_a_slow_pipe_does_not_hold_up_other_writers(home: Path) -> None:
    import json
    import subprocess
    import time

    from conftest import hatsugen_proc

    importing = hatsugen_proc(home, "import", "-", stdin=subprocess.PIPE)
    first = statement(id="piped-1", text="一つ目の行。", translations=None)
    importing.stdin.write(json.dumps(first, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
    importing.stdin.flush()  # type: ignore[union-attr]
    time.sleep(1.5)  # the import has begun and waits for more
    started = time.monotonic()
    added = hatsugen_proc(home, "add", "--speaker", "mizuhara-aiko", "--lang", "ja",
                          "--text", "並行して追加します。")  # fmt: skip
    out, err = added.communicate(timeout=60)
    assert added.returncode == 0, err
    assert time.monotonic() - started < 20  # not the 60 s busy timeout
    second = statement(id="piped-2", text="二つ目の行。", translations=None)
    out, err = importing.communicate(json.dumps(second, ensure_ascii=False) + "\n", timeout=60)
    assert importing.returncode == 0 and "2 added" in out, err


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_a_damaged_index_segment_is_rebuilt_and_said(home: Path, damage: str) -> None:
    run = Cli(home)
    (segment,) = [p for p in (home / "index").glob("*/*.seg")]
    data = segment.read_bytes()
    segment.write_bytes(b"" if damage == "empty" else data[: len(data) // 3])
    found = run("search", "図書館")
    assert found.exit_code == 0, found.output
    assert "cannot be read" in found.stderr and "rebuilding it" in found.stderr
    assert "mizuhara-2024-05-01" in found.stdout and "Traceback" not in found.output
    assert run.ok("check").stdout.strip() == "index and store agree"


def test_a_file_where_the_index_folder_should_be_is_one_clear_message(home: Path) -> None:
    import shutil

    shutil.rmtree(home / "index")
    (home / "index").write_text("my notes\n", encoding="utf-8")
    found = Cli(home)("search", "図書館")
    assert found.exit_code == 1 and "is a file" in found.stderr and "move the file" in found.stderr
    assert "Traceback" not in found.output
    assert (home / "index").read_text(encoding="utf-8") == "my notes\n"  # someone's: kept


def test_a_full_disk_while_indexing_says_what_was_stored(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def full(self: Hatsugen, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Hatsugen, "drain", full)
    rows = [statement(id=f"full-{i}", text=f"発言{i}。", translations=None) for i in range(5)]
    result = Cli(home)("import", str(write_jsonl(tmp_path / "f.jsonl", rows)))
    assert result.exit_code == 1
    assert "5 statements of this command were stored" in result.stderr
    assert "not yet searchable" in result.stderr and "check --repair" in result.stderr
    assert "nothing of this command was stored" not in result.stderr
    monkeypatch.undo()
    assert Cli(home).json("stats")["statements"] == 1 + len(FORMULAS) + 5


# -- signing in ----------------------------------------------------------------------------
def _login(client, name: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    form = {"name": name, "password": password, "csrf_token": token_of(client)}
    return client.post("/login", data=form, headers=headers)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password verification the server runs, by the hash it checks against."""
    from hatsugen.archive import accounts

    seen: list[str] = []
    real = accounts._password_matches

    def counted(stored: str, password: str) -> bool:
        seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_password_matches", counted)
    return seen


def test_every_sign_in_runs_one_verification_whoever_is_named(  # type: ignore[no-untyped-def]
    web, home: Path, verifications: list[str]
) -> None:
    run = Cli(home)
    run.ok("user", "add", "gone", "--role", "editor", "--password-stdin", input=PASSWORD + "\n")
    run.ok("user", "disable", "gone")
    client = web.test_client()
    for name in ("ed", "nobody-here", "gone"):
        assert _login(client, name, "wrong password!!").status_code == 401
    assert len(verifications) == 3
    assert all(h.startswith("$argon2id$") for h in verifications)  # alike for all three
    assert _login(client, "gone", PASSWORD).status_code == 401  # disabled: same answer


def test_concurrent_wrong_passwords_never_overrun_the_limit(home: Path) -> None:
    import sqlite3

    from hatsugen.archive import accounts

    app = Hatsugen(home)

    def guess() -> None:
        for _ in range(2):
            with contextlib.suppress(accounts.SignInRefused):
                app.accounts.sign_in("ed", "wrong password!!", "10.0.0.9")

    at_once(guess, 30)
    conn = sqlite3.connect(home / "archive.sqlite3")
    times = sorted(r[0] for r in conn.execute(
        "SELECT at FROM login_failures WHERE key = 'user:ed'"))  # fmt: skip
    conn.close()
    free = accounts.FREE_FAILURES["user"]
    assert free <= len(times) < 60  # the limit held: not every one of 60 guesses ran
    for n in range(free, len(times)):  # each attempt past the free ones waited its turn
        assert times[n] - times[n - 1] >= accounts.delay_after(n, "user") - 0.01


def test_a_guesser_cannot_lock_the_owner_out(web, verifications: list[str]) -> None:  # type: ignore[no-untyped-def]
    from hatsugen.archive import accounts

    owner = web.test_client()
    assert _login(owner, "ed", PASSWORD).status_code == 302  # the owner's browser, known
    guesser = web.test_client()
    for i in range(40):  # the account guessed at, and other names, from the same address
        _login(guesser, "ed" if i % 2 else f"someone{i}", "wrong password!!")
    refused = _login(guesser, "ed", PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= accounts.MAX_DELAY_S
    ran = len(verifications)
    assert _login(guesser, "ed", PASSWORD).status_code == 429 and len(verifications) == ran
    assert _login(owner, "ed", PASSWORD).status_code == 302  # its device token gets it in


def test_behind_a_trusted_proxy_each_client_address_counts_alone(home: Path) -> None:
    from hatsugen.archive import accounts

    web = create_app({"HATSUGEN_HOME": str(home), "TESTING": True, "TRUSTED_PROXIES": 1})
    client = web.test_client()
    for i in range(accounts.FREE_FAILURES["addr"] + 3):
        _login(client, f"someone{i}", "wrong password!!", **{"X-Forwarded-For": "203.0.113.7"})
    assert _login(client, "ed", PASSWORD, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert _login(client, "ed", PASSWORD, **{"X-Forwarded-For": "198.51.100.4"}).status_code == 302


def test_an_old_scrypt_password_hash_is_replaced_at_sign_in(web, home: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from werkzeug.security import generate_password_hash

    conn = sqlite3.connect(home / "archive.sqlite3")
    with conn:
        conn.execute("UPDATE users SET password = ? WHERE name = 'ed'",
                     (generate_password_hash(PASSWORD, "scrypt"),))  # fmt: skip
    assert _login(web.test_client(), "ed", PASSWORD).status_code == 302
    (stored,) = conn.execute("SELECT password FROM users WHERE name = 'ed'").fetchone()
    conn.close()
    assert stored.startswith("$argon2id$")
    assert _login(web.test_client(), "ed", PASSWORD).status_code == 302


def test_a_text_over_the_size_limit_is_refused_with_its_size(home: Path, tmp_path: Path) -> None:
    from hatsugen.archive.records import MAX_TEXT_CHARS

    huge = statement(id="huge", text="長" * (MAX_TEXT_CHARS + 1), translations=None)
    result = Cli(home)("import", str(write_jsonl(tmp_path / "h.jsonl", [huge])))
    assert result.exit_code == 2
    assert f"is {MAX_TEXT_CHARS + 1:,} characters long" in result.stderr
    assert f"at most {MAX_TEXT_CHARS:,}" in result.stderr


def test_a_very_long_text_is_folded_on_its_page_until_asked(  # type: ignore[no-untyped-def]
    web, home: Path, tmp_path: Path
) -> None:
    from hatsugen.web.views import FOLD_CHARS

    speech = "".join(f"第{i}文です。" for i in range(20_000))  # ~130,000 characters
    assert len(speech) > 5 * FOLD_CHARS
    long = statement(id="long", text=speech, translations=None)
    Cli(home).ok("import", str(write_jsonl(tmp_path / "l.jsonl", [long])))
    client = web.test_client()
    page = client.get("/s/long").get_data(as_text=True)
    assert len(page) < 2 * FOLD_CHARS * 3 and "Show the whole text" in page
    assert "第0文です。" in page and "第19999文です。" not in page
    whole = client.get("/s/long?full=1").get_data(as_text=True)
    assert "第19999文です。" in whole and "Show the whole text" not in whole


@pytest.mark.parametrize("raw", ["²", "٣", "1²"])
def test_a_setting_in_other_digits_is_a_clear_error(home: Path, raw: str) -> None:
    from click.testing import CliRunner

    from hatsugen.cli import cli

    for name in ("HATSUGEN_SEARCHERS", "HATSUGEN_INDEX_WAIT"):
        result = CliRunner().invoke(cli, ["--home", str(home), "stats"], env={name: raw})
        assert result.exit_code == 1 and name in result.output, (name, result.output)
        assert "Traceback" not in result.output
