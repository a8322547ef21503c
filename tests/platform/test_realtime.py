"""The project websocket: permission-checked on connect and on every message; events reach
other subscribers after commit, never the sender."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from fieldmark.asgi import application
from fieldmark.projects.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user: Any) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={session}".encode()), (b"origin", b"http://testserver")]


def communicator(user: Any | None, slug: str = "lezgi") -> WebsocketCommunicator:
    headers = cookie_for(user) if user else [(b"origin", b"http://testserver")]
    return WebsocketCommunicator(application, f"/ws/projects/{slug}/", headers=headers)


@pytest.mark.parametrize(
    ("who", "close_code"), [("outsider", 4404), ("anonymous", 4401), ("nobody-slug", 4404)]
)
def test_connect_is_refused_without_access(team: Any, who: str, close_code: int) -> None:
    user = None if who == "anonymous" else team.outsider if who == "outsider" else team.owner
    ws = communicator(user, "missing" if who == "nobody-slug" else "lezgi")

    async def scenario() -> tuple[bool, Any]:
        connected, code = await ws.connect()
        await ws.disconnect()
        return connected, code

    connected, code = async_to_sync(scenario)()

    assert connected is False
    assert code == close_code


def test_membership_change_reaches_other_members_but_not_outsiders(team: Any) -> None:
    from fieldmark.projects import services

    viewer = communicator(team.viewer)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], bool]:
        assert (await viewer.connect())[0]
        hello = await viewer.receive_json_from()
        from channels.db import database_sync_to_async

        await database_sync_to_async(services.change_role)(
            team.owner, team.project, "annotator", "manager"
        )
        event = await viewer.receive_json_from(timeout=5)
        nothing_more = await viewer.receive_nothing(timeout=0.2)
        await viewer.disconnect()
        return hello, event, nothing_more

    hello, event, nothing_more = async_to_sync(scenario)()

    assert hello["type"] == "hello"
    assert hello["role"] == "viewer"
    assert event == {
        "type": "membership.changed", "username": "annotator", "role": "manager",
        "seq": hello["seq"] + 1, "committed_at": event["committed_at"],
    }  # fmt: skip
    assert isinstance(event["committed_at"], float)
    assert nothing_more is True


def test_presence_goes_to_others_not_the_sender(team: Any) -> None:
    a, b = communicator(team.annotator), communicator(team.viewer)

    async def scenario() -> tuple[dict[str, Any], bool]:
        await a.connect()
        await b.connect()
        await a.receive_json_from()
        await b.receive_json_from()
        await a.send_json_to({"type": "presence", "where": {"text": "1", "utterance": "3"}})
        seen_by_b = await b.receive_json_from(timeout=5)
        a_quiet = await a.receive_nothing(timeout=0.2)
        await a.disconnect()
        await b.disconnect()
        return seen_by_b, a_quiet

    seen_by_b, a_quiet = async_to_sync(scenario)()

    assert seen_by_b == {
        "type": "presence", "user": "annotator", "tab": seen_by_b["tab"],
        "where": {"text": "1", "utterance": "3"}, "lock": None,
    }  # fmt: skip
    assert a_quiet is True


def test_every_message_rechecks_the_role(team: Any) -> None:
    ws = communicator(team.viewer)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], Any]:
        from channels.db import database_sync_to_async

        await ws.connect()
        await ws.receive_json_from()
        await ws.send_json_to({"type": "ping"})
        pong = await ws.receive_json_from()
        await database_sync_to_async(
            Membership.objects.filter(project=team.project, user=team.viewer).delete
        )()
        await ws.send_json_to({"type": "ping"})
        refused = await ws.receive_json_from()
        closed = await ws.receive_output(timeout=2)
        return pong, refused, closed

    pong, refused, closed = async_to_sync(scenario)()

    assert pong == {"type": "pong"}
    assert refused["type"] == "error"
    assert refused["error"] == "permission_denied"
    assert closed == {"type": "websocket.close", "code": 4403}


def test_unknown_and_malformed_messages_get_errors(team: Any) -> None:
    ws = communicator(team.owner)

    async def scenario() -> list[dict[str, Any]]:
        await ws.connect()
        await ws.receive_json_from()
        await ws.send_json_to({"type": "drop_database"})
        unknown = await ws.receive_json_from()
        await ws.send_json_to(["not", "an", "object"])
        malformed = await ws.receive_json_from()
        await ws.disconnect()
        return [unknown, malformed]

    unknown, malformed = async_to_sync(scenario)()

    assert unknown["error"] == "unknown_type"
    assert malformed["error"] == "invalid"
