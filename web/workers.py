"""`hatsugen serve --workers N`: N waitress processes sharing one listening socket.

A search is CPU work in Python, so one process serves one core however many threads it has.
Rather than add gunicorn, the parent binds the socket, forks N workers that each build their
own app (their own SQLite connections, searchers and postings arrays: nothing is shared across
the fork but the socket) and run waitress on it; the kernel spreads connections over them. The
parent only supervises: a worker that dies is started again, SIGTERM or Ctrl+C stops them all.
The SudachiPy dictionary and the index files are memory-mapped by each worker, so the
operating system keeps one copy of their pages for all of them. Only the first worker runs the
background indexer. Linux and other Unixes only (fork); elsewhere use --threads.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from .serving import create_server

RESTART_PAUSE_S = 1.0  # between restarts of a worker that keeps dying at once
M_ARENA_MAX = -8  # glibc's mallopt() parameter number


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Few malloc arenas (glibc makes up to eight per core, one per busy thread): memory freed
    by one waitress thread sits in its own arena, of no use to the others. After the web
    benchmark a worker held 648–685 MB RSS with glibc's default and 548–595 MB with two, at
    the same speed. Call before any thread starts; MALLOC_ARENA_MAX, if set, wins. Nothing
    happens where the C library is not glibc."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return hasattr(os, "fork")


def listen(host: str, port: int) -> socket.socket:
    """The one listening socket every worker accepts on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def run_workers(
    make_app: Callable[[int], Any],
    sock: socket.socket,
    workers: int,
    threads: int,
    say: Callable[[str], None],
) -> None:
    """Fork `workers` servers on `sock` and keep them running until told to stop."""
    children: dict[int, int] = {}  # pid -> worker number
    started: dict[int, float] = {}
    stopping = False

    def spawn(number: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
                app = make_app(number)
                server = create_server(app, sockets=[sock], threads=threads, ident="hatsugen")
                server.run()
            except BaseException as err:  # a worker must never return into click
                print(f"hatsugen worker {number} stopped: {err}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        children[pid] = number
        started[number] = time.monotonic()

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(workers):
        spawn(number)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        number = children.pop(pid, None)
        if number is None or stopping:
            continue
        say(f"worker {number} (pid {pid}) ended with status {status}; starting it again")
        if time.monotonic() - started[number] < RESTART_PAUSE_S:
            time.sleep(RESTART_PAUSE_S)
        spawn(number)
