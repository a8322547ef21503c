"""What the project socket replays: the events a change sent, read back through a real socket's
catch-up (``since``) against the real channel layer and event log, so a test sees exactly what
a browser that was away would be sent, without racing the live delivery."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from fieldmark.asgi import application
from tests.platform.test_realtime import cookie_for


def _socket(user: Any, tab: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, f"/ws/projects/lezgi/?tab={tab}", headers=cookie_for(user)
    )


def mark(user: Any) -> int:
    """The project's latest sequence number now."""

    ws = _socket(user, "mark")

    async def hello() -> int:
        connected, code = await ws.connect()
        assert connected, code
        message = await ws.receive_json_from(timeout=10)
        await ws.disconnect()
        return int(message["seq"])

    return async_to_sync(hello)()


def events_since(user: Any, seq: int) -> list[dict[str, Any]]:
    """Every event numbered after ``seq``, as catch-up sends them (``reload`` fails the test)."""

    ws = _socket(user, "replay")

    async def catch_up() -> dict[str, Any]:
        connected, code = await ws.connect()
        assert connected, code
        await ws.receive_json_from(timeout=10)
        await ws.send_json_to({"type": "since", "seq": seq})
        while True:
            message: dict[str, Any] = await ws.receive_json_from(timeout=10)
            if message["type"] == "catch_up":
                await ws.disconnect()
                return message

    answer = async_to_sync(catch_up)()
    assert answer["reload"] is False, answer
    events: list[dict[str, Any]] = answer["events"]
    return events


def only(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]


def logged_since(project_id: int, seq: int) -> list[dict[str, Any]]:
    """The same events straight from the log, past catch-up's limit (a run of jobs sends
    hundreds of progress events), origin left out as catch-up does."""
    from fieldmark.realtime.eventlog import LOG_SIZE, get_log

    missed = get_log().since(project_id, seq, limit=LOG_SIZE)
    assert missed.reload is False, "the log no longer holds them"
    return [{k: v for k, v in event.items() if k != "origin"} for event in missed.events]
