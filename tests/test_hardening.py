"""Issue 26: what a security and fault review found, each tried as it was found."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest

from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import PASSWORD, Cli, signed_in, statement, token_of, write_jsonl

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
