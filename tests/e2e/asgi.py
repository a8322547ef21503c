"""A live ASGI server (uvicorn, HTTP and websockets, configured as production's web processes)
for browser tests.

pytest-django's ``live_server`` speaks WSGI only, so its pages never get a project socket.
uvicorn runs here in a thread of the test process, so it shares the test database (SQLite's
shared in-memory test database, or PostgreSQL), the Mongo database and settings; the channel
layer is the session's Redis-protocol server. One server serves the whole session.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from fieldmark.storage.embedded import free_port


@dataclass(frozen=True)
class AsgiServer:
    url: str


_started: AsgiServer | None = None


def _start() -> AsgiServer:
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from fieldmark.asgi import application
    from fieldmark.webserver import WS_MAX_BYTES

    port = free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws_max_size=WS_MAX_BYTES,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        proxy_headers=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)  # in a thread that is not the main one: no signal handlers
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        raise RuntimeError("the web server did not start within 20 s")
    url = f"http://127.0.0.1:{port}"
    # The first page pays for every lazy import and the static file index: warm it up here, so
    # the browser's first navigation does not spend its timeout on them.
    with urllib.request.urlopen(f"{url}/login", timeout=120) as response:
        response.read()
    return AsgiServer(url)


@pytest.fixture
def asgi_server(transactional_db: Any, mongo_db: Any) -> AsgiServer:
    """The session's web server; each test's data is committed, so it sees it."""
    global _started
    if _started is None:
        _started = _start()
    return _started
