"""Fixtures: throw-away archive homes, a CLI runner, and fictional statements.

Every speaker here is fictional; real people appear only in the shipped demo archive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from hatsugen.cli import cli
from hatsugen.rules import Actor

from opensearch_cluster import Cluster, start_cluster

ROOT = Path(__file__).resolve().parent.parent
ADMIN = Actor("test", "admin")  # what the command line is: the home's owner

# CI runs the property and fuzz tests on a fixed seed, so a red run is reproducible and never
# a coin toss; run locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

MIZUHARA = {
    "id": "mizuhara-aiko",
    "name": {"ja": "水原愛子", "en": "Aiko Mizuhara"},
    "reading": "みずはら あいこ",
    "aliases": ["@aiko_mizuhara"],
}
TAKANASHI = {"id": "takanashi-kenji", "name": {"ja": "高梨健二", "en": "Kenji Takanashi"}}
SEO = {"id": "seo-minjun", "name": {"ko": "서민준", "en": "Seo Min-jun"}}


def statement(**overrides: object) -> dict:
    """A valid fictional statement; override any field."""
    record = {
        "id": "mizuhara-2024-05-01",
        "speaker": MIZUHARA,
        "role": "Mayor of Aozora City",
        "date": "2024-05-01",
        "kind": "remarks",
        "lang": "ja",
        "text": "青空市は新しい図書館を建設します。",
        "translations": [
            {"lang": "en", "text": "Aozora City will build a new library.", "by": "editor"}
        ],
        "source": {"url": "https://example.org/aozora/1", "title": "Aozora Weekly"},
        "event": "City council meeting",
        "place": "Aozora",
        "topics": ["libraries"],
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}


def at_once(work: Callable[[], object], count: int) -> None:
    """Run `work` in `count` threads at the same time, and wait for all of them."""
    import threading

    threads = [threading.Thread(target=work) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


class Cli:
    """Runs `hatsugen --home HOME …` in-process, the way a user would type it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(cli, ["--home", str(self.home), *args], input=input)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.output, result.stderr if result.stderr else "")
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def run(home: Path) -> Cli:
    return Cli(home)


def hatsugen_proc(home: Path, *args: str, **kwargs: object) -> subprocess.Popen:
    """Start the real `hatsugen` in its own process (for concurrency and kill tests)."""
    env = {**os.environ, "HATSUGEN_HOME": str(home), **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.Popen(
        [sys.executable, "-m", "hatsugen", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )


XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with the fictional search corpus and a statement that tries XSS."""
    from hatsugen.core import Hatsugen

    from search_corpus import CORPUS

    home = tmp_path_factory.mktemp("web") / "home"
    records = [
        *CORPUS,
        statement(id="xss", text=XSS, lang="en", translations=[
            {"lang": "ja", "text": f"危険な{XSS}テキスト", "by": "machine"}],
            source={"url": "https://example.org/x", "title": '"><img src=x onerror=alert(1)>'}),
    ]  # fmt: skip
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(home.parent / "web.jsonl", records))], actor=ADMIN)
    app.close()
    return home


@pytest.fixture(scope="session")
def web_app(web_home: Path):  # type: ignore[no-untyped-def]
    from hatsugen.web.app import create_app

    return create_app({"HATSUGEN_HOME": str(web_home), "TESTING": True})


@pytest.fixture
def client(web_app):  # type: ignore[no-untyped-def]
    return web_app.test_client()


@pytest.fixture(scope="session")
def opensearch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One real single-node OpenSearch cluster for the session (skipped, saying why, only
    where Java or Maven is missing)."""
    cluster = start_cluster(tmp_path_factory.mktemp("opensearch"))
    yield cluster
    cluster.stop()


@contextmanager
def serving(home: Path, *args: str) -> Iterator[str]:
    """The real `hatsugen serve` (waitress) on a port it picks itself (`--port 0`: no other
    process can take it between choosing and binding), stopped however the test ends."""
    # The server's output goes to a file: a pipe nobody reads fills up under load (waitress
    # says "Task queue depth is N" for every queued request) and then blocks the server.
    log = Path(tempfile.mkstemp(prefix="serve-", suffix=".log", dir=home.parent)[1])
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hatsugen", "--home", str(home), "serve", "--port", "0", *args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"serving .* at (http://\S+?)/", log.read_text())):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start: " + log.read_text()
            time.sleep(0.05)
        url = found.group(1)
        while True:
            try:
                urllib.request.urlopen(url + "/api/speakers", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "server did not answer"
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def generate(path: Path, count: int, seed: int) -> Path:
    """A generated archive file whose ids (s{seed}-…) differ from other seeds' files."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_archive.py"), str(count),
         "-o", str(path), "--seed", str(seed), "--id-prefix", f"s{seed}"],
        check=True,
    )  # fmt: skip
    return path


# What `Hatsugen.check()` returns when index and store agree.
CLEAN = {
    "missing": [], "stale": [], "extra": [], "unreadable": [], "orphaned": [], "queued": [],
    "outdated": [],
}  # fmt: skip


# -- the web as a signed-in user sees it ----------------------------------------------------
PASSWORD = "correct horse battery staple"


def token_of(client, path: str = "/login") -> str:  # type: ignore[no-untyped-def]
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def signed_in(web, name: str = "ed"):  # type: ignore[no-untyped-def]
    client = web.test_client()
    response = client.post("/login", data={"name": name, "password": PASSWORD,
                                           "csrf_token": token_of(client)})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def form_fields(page: str) -> dict[str, str]:
    """What a browser would send for the page's edit form, as the page fills it."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.values: dict[str, str] = {}
            self.open: tuple[str, str] | None = None  # (tag, name) of a textarea or select

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag == "input" and a.get("name"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return  # a browser sends only the ticked ones
                self.values[a["name"]] = a.get("value") or ""
            elif tag in ("textarea", "select"):
                self.open = (tag, a["name"])
                self.values.setdefault(a["name"], "")
            elif tag == "option" and self.open and "selected" in a:
                self.values[self.open[1]] = a.get("value") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag in ("textarea", "select"):
                self.open = None

        def handle_data(self, data: str) -> None:
            if self.open and self.open[0] == "textarea":
                self.values[self.open[1]] += data

    parser = Fields()
    parser.feed(page)
    return parser.values


# Everything the archive holds, as rows (accounts, sessions and the index's progress marks
# aside, which signing in and searching change): a refused write must leave it identical.
ARCHIVE_TABLES = ("statements", "revisions", "speakers", "speaker_keys", "speaker_merges",
                  "proposals", "text_keys", "index_log")  # fmt: skip


def archive_state(home: Path) -> dict[str, list[tuple]]:
    import sqlite3

    conn = sqlite3.connect(home / "archive.sqlite3")
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ARCHIVE_TABLES}  # fmt: skip
    finally:
        conn.close()
