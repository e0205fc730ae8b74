"""`hatsugen serve`'s server: waitress, with its own error responses (a malformed request line,
oversized headers: answered before Flask sees the request) carrying the same security headers
as every page of the app, and logging that can never hold up a request."""

from __future__ import annotations

import logging
import logging.handlers
import queue
import sys
import threading
import time
from typing import IO, Any

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from .app import SECURITY_HEADERS


class _ErrorTask(ErrorTask):
    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS)
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask


def create_server(app: Any, **options: Any) -> Any:
    """waitress.create_server, with the security headers on waitress's own errors too."""
    server = waitress.create_server(app, **options)
    # One listening socket gives one server; several (a host name with two addresses) give a
    # MultiSocketServer, whose sockets are servers in its map.
    for one in [server, *getattr(server, "map", {}).values()]:
        if hasattr(one, "channel_class"):
            one.channel_class = _Channel
    return server


# -- logging that never blocks a request ------------------------------------------------------
# waitress warns "Task queue depth is N" for every request that waits for a thread, and does so
# holding its dispatcher's lock: with stderr on a pipe read too slowly (`serve 2>&1 | less`, a
# stalled log collector) one blocked write stopped every thread. So: log records go into a
# bounded queue that one thread writes out (a full queue drops records and counts them), and
# the queue-depth warnings become one summary a minute.
LOG_QUEUE_RECORDS = 10_000
SUMMARY_EVERY_S = 60.0


class _DroppingQueueHandler(logging.handlers.QueueHandler):
    def __init__(self, records: queue.Queue) -> None:
        super().__init__(records)
        self.dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1  # the writer is stuck: never wait for it


class QueueDepth(logging.Filter):
    """Counts waitress's queue-depth warnings instead of passing each one on."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.waited, self.deepest = 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Task queue depth is %d" and record.args:
            with self.lock:
                self.waited += 1
                self.deepest = max(self.deepest, int(record.args[0]))  # type: ignore[index]
            return False
        return True

    def take(self) -> tuple[int, int]:
        with self.lock:
            taken = (self.waited, self.deepest)
            self.waited, self.deepest = 0, 0
        return taken


def quiet_logging(stream: IO[str] | None = None, every: float = SUMMARY_EVERY_S) -> QueueDepth:
    """Route this process's logging through a bounded queue and one writer thread, and turn
    waitress's per-request queue warnings into a summary every `every` seconds."""
    records: queue.Queue = queue.Queue(LOG_QUEUE_RECORDS)
    handler = _DroppingQueueHandler(records)
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.handlers.QueueListener(records, out).start()  # a daemon thread
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    depth = QueueDepth()
    logging.getLogger("waitress.queue").addFilter(depth)
    summary = logging.getLogger("hatsugen.serve")

    def summarise() -> None:
        while True:
            time.sleep(every)
            waited, deepest = depth.take()
            if waited:
                summary.warning(
                    "%d requests waited for a free thread in the last %.0f s (at most %d"
                    " waiting); normal under load, else add --threads or --workers",
                    waited, every, deepest,
                )  # fmt: skip
            if handler.dropped:
                dropped, handler.dropped = handler.dropped, 0
                summary.warning("%d log records dropped: the log was not read fast enough",
                                dropped)  # fmt: skip

    threading.Thread(target=summarise, name="hatsugen-log-summary", daemon=True).start()
    return depth
