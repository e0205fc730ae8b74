#!/usr/bin/env python3
"""Peak memory of a command and every process it starts, each shared page counted once.

RSS counts a page in every process that maps it (SudachiPy's dictionary, mapped by the index
writer's analysis workers and by every serve worker); PSS divides it among them, so the sum
over a process tree is what the tree costs. Sampled every half second from
/proc/PID/smaps_rollup (Linux).

    .venv/bin/python scripts/peak_memory.py .venv/bin/hatsugen --home H reindex
    .venv/bin/python scripts/peak_memory.py .venv/bin/hatsugen --home H import FILE
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def rollup(pid: int) -> dict[str, int]:
    """The process's memory totals in kB (Pss, Pss_Anon, Pss_File, Rss…); {} once gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    out[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return out


def tree(root: int) -> list[int]:
    pids = [root]
    try:
        for task in os.listdir(f"/proc/{root}/task"):
            with open(f"/proc/{root}/task/{task}/children", encoding="ascii") as f:
                for child in f.read().split():
                    pids += tree(int(child))
    except OSError:
        pass
    return pids


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    started = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:])
    peak, at_peak = 0, []
    while process.poll() is None:
        sample = [(pid, rollup(pid)) for pid in tree(process.pid)]
        total = sum(r.get("Pss", 0) for _, r in sample)
        if total > peak:
            peak, at_peak = total, sample
        time.sleep(0.5)
    mb = 1024
    print(f"exit {process.returncode} after {time.perf_counter() - started:.1f} s;"
          f" peak PSS of the process tree {peak / mb:.0f} MB", file=sys.stderr)  # fmt: skip
    for pid, r in at_peak:
        print(f"  pid {pid}: PSS {r.get('Pss', 0) / mb:.0f} MB = {r.get('Pss_Anon', 0) / mb:.0f}"
              f" anonymous + {r.get('Pss_File', 0) / mb:.0f} mapped files;"
              f" RSS {r.get('Rss', 0) / mb:.0f} MB", file=sys.stderr)  # fmt: skip
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
