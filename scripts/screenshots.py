#!/usr/bin/env python3
"""Screenshots for the docs, in real headless Chromium: a Japanese search on the demo, the
page on a phone, a statement page with its pinned citations, the embeddable card, a Diet
meeting's event page (the real fixture), and on a large archive a search with facets and the
compact list.

    .venv/bin/python scripts/screenshots.py --large /tmp/kokkai-home   # writes docs/screenshots/

The "before" pictures in docs/screenshots/before/ were made by this script run with an
installation of an older commit (see docs/web.md) and `--out docs/screenshots/before`.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@contextmanager
def served(home: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "hatsugen", "--home", str(home), "serve",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "/api/speakers?page=1", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers (an older version may not have this page)
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--large", type=Path, help="a large archive's home (e.g. 100k Diet paragraphs)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where the pictures go")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        demo = Path(tmp) / "demo"
        subprocess.run([sys.executable, "-m", "hatsugen", "--home", str(demo), "demo"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        with served(demo) as url:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            page.goto(url + "/?q=日韓関係&ui=ja")
            page.screenshot(path=str(out / "search-ja.png"), full_page=True)
            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="ja-JP",
                                     device_scale_factor=2)  # fmt: skip
            phone.goto(url + "/?q=協力&ui=ja")
            phone.screenshot(path=str(out / "search-mobile.png"), full_page=False)
            page.goto(url + "/s/ishiba-2025-08-23-joint?ui=ja")
            page.screenshot(path=str(out / "statement-ja.png"), full_page=True)
            card = browser.new_page(viewport={"width": 560, "height": 320})
            card.goto(url + "/embed/s/ishiba-2025-08-23-joint")
            card.screenshot(path=str(out / "embed-card.png"))
        diet = Path(tmp) / "diet"
        fixture = ROOT / "tests" / "sources" / "kokkai-speech.json"
        subprocess.run([sys.executable, "-m", "hatsugen", "--home", str(diet), "import", "--from",
                        "kokkai", str(fixture)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        with served(diet) as url:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
            page.goto(url + "/e/kokkai-120814889X02220220614?ui=ja")
            page.screenshot(path=str(out / "event-diet.png"), full_page=False)
        if args.large:
            with served(args.large) as url:
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
                page.goto(url + "/?q=防衛費&ui=ja", timeout=120_000)
                page.screenshot(path=str(out / "search-100k-facets.png"), full_page=False)
                page.goto(url + "/?q=防衛&view=compact&ui=ja", timeout=120_000)
                page.screenshot(path=str(out / "compact-large.png"), full_page=False)
        browser.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))


if __name__ == "__main__":
    main()
