"""Store outages answer a fast 503 in the one error shape, and a child of `make run` that dies
is restarted with backoff and reported by /api/health instead of stopping the platform."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldmark.api.errors import exception_handler
from fieldmark.launcher import Platform
from fieldmark.storage import mongo
from fieldmark.supervisor import STATUS_ENV, Supervisor

BASE = "/api/v1/projects/lezgi"


@pytest.fixture
def hung_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers (a hung mongod)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"mongodb://127.0.0.1:{listener.getsockname()[1]}/?directConnection=true"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _with_mongo_at(url: str, monkeypatch: pytest.MonkeyPatch, settings: Any, call: Any) -> Any:
    names = ("MONGO_TIMEOUT_MS", "MONGO_CONNECT_TIMEOUT_MS", "MONGO_SOCKET_TIMEOUT_MS")
    saved = {name: getattr(settings, name) for name in names}
    for name in names:
        setattr(settings, name, 300)
    monkeypatch.setenv("MONGO_URL", url)
    mongo.reset_client()
    try:
        return call()
    finally:
        # The timeouts go back before the client is dropped: a client made by anything after
        # this (a fixture's teardown, a worker thread) must not keep 300 ms for the session.
        monkeypatch.undo()
        for name, value in saved.items():
            setattr(settings, name, value)
        mongo.reset_client()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["unreachable", "hung"])
def test_a_store_outage_is_a_fast_503_in_the_error_shape(
    team: Any, as_user: Any, mongo_db: Any, monkeypatch: pytest.MonkeyPatch, settings: Any,
    hung_server: str, kind: str,
) -> None:  # fmt: skip
    url = "mongodb://127.0.0.1:1/?directConnection=true" if kind == "unreachable" else hung_server
    client = as_user(team.viewer)
    client.get(f"{BASE}/texts/")  # the first request imports every view: not part of the wait
    started = time.perf_counter()

    response = _with_mongo_at(url, monkeypatch, settings, lambda: client.get(f"{BASE}/texts/"))

    assert time.perf_counter() - started < 2.0
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": "store_unavailable",
        "detail": "The document store (MongoDB) is not answering; try again in a moment.",
        "fields": {},
    }


def test_rdf_store_errors_are_a_503() -> None:
    response = exception_handler(urllib.error.URLError(ConnectionRefusedError(111, "refused")), {})

    assert response is not None and response.status_code == 503
    assert response.data["error"] == "rdf_store_unavailable"


def test_the_launcher_restarts_a_dead_child_with_backoff(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    platform = Platform("127.0.0.1", 0, tmp_path)
    platform.supervisor.base_delay = 0.05
    marker = tmp_path / "starts"
    script = f"open({str(marker)!r}, 'a').write('x'); import sys; sys.exit(3)"
    platform.spawn("flaky", [sys.executable, "-c", script])
    try:
        first = platform.processes["flaky"]
        first.wait(30)
        platform.check_children()  # notices the exit: restart scheduled, not SystemExit
        down = json.loads(platform.supervisor.status_path.read_text())["children"]["flaky"]
        time.sleep(0.1)
        platform.check_children()  # backoff over: started again
        platform.processes["flaky"].wait(30)
        up = platform.supervisor.status()["children"]["flaky"]
    finally:
        platform.stop()

    assert (down["running"], down["last_exit"], down["restarts"]) == (False, 3, 0)
    assert platform.processes["flaky"] is not first
    assert (up["running"], up["restarts"]) == (True, 1)
    assert marker.read_text() == "xx"
    assert not platform.supervisor.status_path.exists()  # removed on stop


def test_backoff_doubles_up_to_the_cap(tmp_path: Path) -> None:
    now = [0.0]
    supervisor = Supervisor(tmp_path / "s.json", base_delay=1, max_delay=4, clock=lambda: now[0],
                            say=lambda _: None)  # fmt: skip
    supervisor.add("w", lambda: None, lambda: 1)  # dies at once, every time
    delays = []
    for _ in range(4):
        supervisor.poll()
        child = supervisor.children["w"]
        assert child.restart_at is not None
        delays.append(child.restart_at - now[0])
        now[0] = child.restart_at
        supervisor.poll()  # restarts it

    assert delays == [1, 2, 4, 4]


@pytest.mark.django_db
def test_health_reports_a_child_that_is_down(
    api: Any, mongo_db: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    supervisor = Supervisor(tmp_path / "children.json", say=lambda _: None)
    supervisor.add("celery", lambda: None, lambda: 1)
    supervisor.add("mongo", lambda: None, lambda: None)
    supervisor.poll()
    monkeypatch.setenv(STATUS_ENV, str(supervisor.status_path))

    body = api.get("/api/health").json()

    children = body["components"]["children"]
    assert body["status"] == "failing"
    assert children["ok"] is False
    assert children["error"].startswith("ChildDown: celery is down (exit code 1; restart in")
    assert children["children"]["mongo"] == {
        "running": True, "restarts": 0, "last_exit": None, "restart_in_s": None
    }  # fmt: skip
