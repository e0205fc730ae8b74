"""`hatsugen serve`'s server: waitress, with its own error responses (a malformed request line,
oversized headers: answered before Flask sees the request) carrying the same security headers
as every page of the app."""

from __future__ import annotations

from typing import Any

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
