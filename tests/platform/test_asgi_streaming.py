"""Exports and downloads stream over ASGI: the application (``fieldmark.asgi``, what daphne
serves) is called with a real ASGI scope, and the body messages it sends are watched."""

from __future__ import annotations

import asyncio
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from annotations.linguistic_api import services
from fieldmark.jobs.models import Job, JobState

BASE = "/api/v1/projects/lezgi"
UTTERANCES = 3000


def _toolbox(n: int) -> bytes:
    return "".join(
        f"\\t w{i} sad\n\\m w{i}-ar sad\n\\p N-PL NUM\n\\g house-PL one\n\\l house number {i}\n\n"
        for i in range(n)
    ).encode()


def _call(path: str, token: str, on_body: Any = None) -> tuple[int, list[bytes], list[str]]:
    """GET ``path`` through the ASGI application; (status, body messages, warnings)."""
    from fieldmark.asgi import application

    query = b""
    if "?" in path:
        path, raw = path.split("?", 1)
        query = raw.encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Token {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status: list[int] = []
    bodies: list[bytes] = []

    async def run() -> None:
        done = asyncio.Event()
        requested: list[bool] = []

        async def receive() -> dict[str, Any]:
            if not requested:
                requested.append(True)
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                if message.get("body"):
                    bodies.append(message["body"])
                    if on_body is not None:
                        on_body(len(bodies))
                if not message.get("more_body"):
                    done.set()

        await application(scope, receive, send)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(run())
    return status[0], bodies, [str(w.message) for w in caught]


@pytest.fixture
def loaded(team: Any, mongo_db: Any) -> str:
    data = _toolbox(UTTERANCES)
    services.import_file(
        team.project, lambda: io.BytesIO(data), "toolbox", "long.txt", "job-1", "manager"
    )
    return str(Token.objects.create(user=team.viewer).key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_first_block_of_a_large_export_leaves_before_the_last_is_made(
    team: Any, loaded: str, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    produced = {"chunks": 0, "finished": False}
    real = services.export_chunks

    def watched(project: Any, name: str, text: str | None = None) -> Iterator[str]:
        for chunk in real(project, name, text):
            produced["chunks"] += 1
            yield chunk
        produced["finished"] = True

    monkeypatch.setattr(services, "export_chunks", watched)
    seen_at_first: dict[str, Any] = {}

    def on_body(n: int) -> None:
        if n == 1:
            seen_at_first.update(produced)

    code, bodies, caught = _call(f"{BASE}/export/?format={fmt}", loaded, on_body)
    expected = b"".join(chunk.encode() for chunk in real(team.project, fmt))

    assert code == 200
    assert b"".join(bodies) == expected
    assert len(expected) > 8 * 64 * 1024
    assert seen_at_first["finished"] is False
    assert 0 < seen_at_first["chunks"] < produced["chunks"] / 4
    assert len(bodies) >= 8
    assert max(len(body) for body in bodies) < 2 * 64 * 1024
    assert not [w for w in caught if "synchronous iterators" in w]


@pytest.mark.django_db(transaction=True)
def test_a_finished_export_file_downloads_in_blocks_without_buffering(
    team: Any, mongo_db: Any
) -> None:
    token = Token.objects.create(user=team.viewer).key
    payload = b"".join(b"%08d line of an export file\n" % i for i in range(40_000))
    relative = "exports/asgi-download.jsonl"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    job = Job.objects.create(
        project=team.project,
        kind="linguistic.export",
        state=JobState.SUCCEEDED,
        result={"path": relative, "format": "json"},
    )

    code, bodies, caught = _call(f"{BASE}/exports/{job.id}/download", token)

    assert code == 200
    assert b"".join(bodies) == payload
    assert len(bodies) == -(-len(payload) // (64 * 1024))
    assert not [w for w in caught if "synchronous iterators" in w]
