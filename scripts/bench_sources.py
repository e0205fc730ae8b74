#!/usr/bin/env python3
"""`import --from kokkai` against the JSON Lines import of the same 10,000 real Diet speeches.

Rebuilds the speeches of ../shared/data/kokkai-speeches-10k.jsonl.gz as the minutes API gives
them (`/api/speech` responses of 100 `speechRecord`s, the API's page size, with the speaker
heading ○名前君 back at the start of each speech), then imports each format into a fresh home
under scripts/peak_memory.py, and imports the kokkai files a second time (0 changes
expected). Time and peak memory (PSS of the process tree) are printed as a table.

    .venv/bin/python scripts/bench_sources.py [--work /tmp/bench-sources] [--count 10000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "kokkai-speeches-10k.jsonl.gz"
HATSUGEN = [str(ROOT / ".venv" / "bin" / "hatsugen")]
PEAK = [sys.executable, str(ROOT / "scripts" / "peak_memory.py")]
PAGE = 100  # speechRecords per /api/speech response (the API's maximumRecords)
_TITLE = re.compile(r"第(\d+)回国会 (\S+) (.+) (第\d+号)$")
_GROUP = re.compile(r"^(.*?)（([^（）]+)）$")


def speech_record(record: dict) -> dict:
    """One JSONL statement as the minutes API's speechRecord it was made from."""
    speech_id = record["id"].removeprefix("kokkai-")
    issue_id, order = speech_id.split("_")
    session, house, meeting, issue = _TITLE.match(record["source"]["title"]).groups()
    name = record["speaker"]["name"]["ja"]
    role = record.get("role") or ""
    found = _GROUP.match(role)
    title, group = (found.group(1), found.group(2)) if found else (role, None)
    position = None if not title or title.endswith(("委員", "議員")) else title
    heading = f"○{name}{position}" if position else f"○{name}君"
    url = record["source"]["url"]
    return {
        "speechID": speech_id, "issueID": issue_id, "session": int(session),
        "nameOfHouse": house, "nameOfMeeting": meeting, "issue": issue,
        "date": record["date"], "speechOrder": int(order), "speaker": name,
        "speakerYomi": (record["speaker"].get("reading") or "").replace(" ", ""),
        "speakerGroup": group, "speakerPosition": position, "speakerRole": None,
        "speech": f"{heading}\u3000{record['text']}", "speechURL": url,
        "meetingURL": url.rsplit("/", 1)[0],
    }  # fmt: skip


def run(args: list[str]) -> tuple[float, str, str]:
    started = time.perf_counter()
    done = subprocess.run([*PEAK, *HATSUGEN, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:4])} … failed:\n{done.stderr[-3000:]}")
    peak = re.search(r"peak PSS of the process tree (\d+) MB", done.stderr)
    return seconds, peak.group(1) if peak else "?", done.stdout.strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-sources"))
    parser.add_argument("--count", type=int, default=10_000)
    opts = parser.parse_args()
    shutil.rmtree(opts.work, ignore_errors=True)
    (opts.work / "kokkai").mkdir(parents=True)
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(opts.count), f, strict=False)]
    jsonl = opts.work / "speeches.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                     encoding="utf-8")  # fmt: skip
    pages = []
    for n in range(0, len(records), PAGE):
        page = [speech_record(r) for r in records[n : n + PAGE]]
        path = opts.work / "kokkai" / f"speech-{n // PAGE + 1:04d}.json"
        path.write_text(json.dumps({"numberOfRecords": len(records), "numberOfReturn": len(page),
                                    "startRecord": n + 1, "speechRecord": page},
                                   ensure_ascii=False), encoding="utf-8")  # fmt: skip
        pages.append(str(path))
    size = sum(Path(p).stat().st_size for p in pages) / 2**20
    print(f"{len(records):,} speeches: JSONL {jsonl.stat().st_size / 2**20:.1f} MB,"
          f" kokkai {len(pages)} files {size:.1f} MB")  # fmt: skip
    rows = [
        ("JSON Lines import", ["--home", str(opts.work / "h-jsonl"), "import", str(jsonl)]),
        ("import --from kokkai", ["--home", str(opts.work / "h-kokkai"), "import", "--from",
                                  "kokkai", *pages]),
        ("the same kokkai files again", ["--home", str(opts.work / "h-kokkai"), "import",
                                         "--from", "kokkai", *pages]),
    ]  # fmt: skip
    print("| import | time | peak PSS | result |\n|---|---|---|---|")
    times = []
    for label, args in rows:
        seconds, peak, result = run(args)
        times.append(seconds)
        print(f"| {label} | {seconds:.1f} s | {peak} MB | {result} |", flush=True)
    print(f"kokkai / JSONL time: {times[1] / times[0]:.2f}×")


if __name__ == "__main__":
    main()
