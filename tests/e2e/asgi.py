"""A live ASGI server (daphne, HTTP and websockets) for browser tests of live collaboration.

pytest-django's ``live_server`` speaks WSGI only, so its pages never get a project socket.
Daphne runs here in a thread of the test process, so it shares the test database (SQLite's
shared in-memory test database, or PostgreSQL), the Mongo database and settings; the channel
layer is the session's Redis-protocol server. Twisted's reactor runs once per process, hence
one server for the whole session.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest

from fieldmark.storage.embedded import free_port


@dataclass(frozen=True)
class AsgiServer:
    url: str


_started: AsgiServer | None = None


def _start() -> AsgiServer:
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from fieldmark.asgi import application

    port = free_port()
    server = Server(
        application=ASGIStaticFilesHandler(application),
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return AsgiServer(f"http://127.0.0.1:{port}")
        time.sleep(0.1)
    raise RuntimeError("daphne did not start within 20 s")


@pytest.fixture
def asgi_server(transactional_db: Any, mongo_db: Any) -> AsgiServer:
    """The session's daphne server; each test's data is committed, so it sees it."""
    global _started
    if _started is None:
        _started = _start()
    return _started
