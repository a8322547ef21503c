"""Live collaboration over the project socket, against the real channel layer (the embedded
Redis-protocol server the test session starts, or REDIS_URL): numbered events that skip the
sending tab, catch-up after a reconnect, presence and soft locks, limits, and membership changes
that take effect on open sockets at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from fieldmark.asgi import application
from fieldmark.projects.models import Membership, Project
from tests.platform.test_realtime import cookie_for

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def socket(user: Any | None, tab: str = "", slug: str = "lezgi") -> WebsocketCommunicator:
    headers = cookie_for(user) if user else [(b"origin", b"http://testserver")]
    path = f"/ws/projects/{slug}/" + (f"?tab={tab}" if tab else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def open_(ws: WebsocketCommunicator) -> dict[str, Any]:
    connected, code = await ws.connect()
    assert connected, code
    hello: dict[str, Any] = await ws.receive_json_from(timeout=10)
    assert hello["type"] == "hello"
    return hello


async def until(ws: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (presence can arrive twice when a socket announces
    while a newcomer's query is on its way; the app keys presences by tab)."""
    while True:
        message: dict[str, Any] = await ws.receive_json_from(timeout=10)
        if message["type"] == kind:
            return message


def create_text(client: Any, title: str, tab: str = "") -> dict[str, Any]:
    extra = {"HTTP_X_FIELDMARK_TAB": tab} if tab else {}
    response = client.post(
        "/api/v1/projects/lezgi/texts/", {"title": title}, format="json", **extra
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def test_channel_layer_is_redis_in_the_embedded_default() -> None:
    assert settings.REDIS_URL.startswith("redis://")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == (
        "fieldmark.realtime.layer.LoopLocalRedisChannelLayer"
    )
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert settings.CELERY_RESULT_BACKEND == settings.REDIS_URL


def test_rest_change_is_numbered_carries_the_document_and_skips_its_tab(
    team: Any, mongo_db: Any, as_user: Any
) -> None:
    mine, other = socket(team.annotator, tab="tab-a"), socket(team.viewer, tab="tab-b")
    client = as_user(team.annotator)

    async def scenario() -> tuple[
        dict[str, Any], dict[str, Any], dict[str, Any], bool, dict[str, Any]
    ]:
        hello = await open_(mine)
        await open_(other)
        await database_sync_to_async(create_text)(client, "First", "tab-a")
        seen = await other.receive_json_from(timeout=10)
        own = await mine.receive_json_from(timeout=10)
        own_quiet = await mine.receive_nothing(timeout=0.3)
        await database_sync_to_async(create_text)(client, "Second")  # no tab: everyone
        second = await mine.receive_json_from(timeout=10)
        await mine.disconnect()
        await other.disconnect()
        return hello, seen, own, own_quiet, second

    hello, seen, own, own_quiet, second = async_to_sync(scenario)()

    assert hello["tab"] == "tab-a"
    assert seen["type"] == "linguistic.text.created"
    assert seen["seq"] == hello["seq"] + 1
    assert seen["version"] == 1
    assert seen["data"]["title"] == "First"
    assert seen["data"]["id"] == seen["id"]
    # The tab that made it is told its number only, not the event.
    assert own == {"type": "seen", "seq": seen["seq"]}
    assert own_quiet is True
    assert second["seq"] == hello["seq"] + 2
    assert second["data"]["title"] == "Second"


def test_an_event_sent_by_another_process_reaches_the_socket(team: Any) -> None:
    """What a worker process sends arrives: the layer is shared across processes."""
    ws = socket(team.viewer)
    code = (
        "import django; django.setup()\n"
        "from fieldmark.realtime.events import send_now\n"
        f"send_now({team.project.pk}, 'job.progress', {{'job': 'j1', 'progress': 0.5}})\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fieldmark.settings"}

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        hello = await open_(ws)
        await database_sync_to_async(subprocess.run)(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60
        )
        event = await ws.receive_json_from(timeout=10)
        await ws.disconnect()
        return hello, event

    hello, event = async_to_sync(scenario)()

    committed = event.pop("committed_at")
    assert event == {"type": "job.progress", "job": "j1", "progress": 0.5, "seq": hello["seq"] + 1}
    assert abs(time.time() - committed) < 120


def test_a_worker_jobs_progress_reaches_the_socket(
    team: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    from fieldmark.jobs.services import start_job

    ws = socket(team.viewer)

    async def scenario() -> list[dict[str, Any]]:
        await open_(ws)
        job = await database_sync_to_async(start_job)(
            team.manager, team.project, "linguistic.link", {}
        )
        states: list[dict[str, Any]] = []
        while not states or states[-1].get("state") not in ("succeeded", "failed"):
            event = await ws.receive_json_from(timeout=30)
            if event["type"] == "job.progress" and event["job"] == str(job.id):
                states.append(event)
        await ws.disconnect()
        return states

    states = async_to_sync(scenario)()

    assert states[-1]["state"] == "succeeded"
    assert [event["seq"] for event in states] == sorted({event["seq"] for event in states})


def test_catch_up_sends_what_was_missed_or_says_reload(
    team: Any, mongo_db: Any, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldmark.realtime import consumers

    client = as_user(team.annotator)
    first, again = socket(team.viewer, tab="tab-v"), socket(team.viewer, tab="tab-v")

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        hello = await open_(first)
        await first.disconnect()
        for title in ("a", "b", "c"):
            await database_sync_to_async(create_text)(client, title)
        await open_(again)
        await again.send_json_to({"type": "since", "seq": hello["seq"]})
        caught = await again.receive_json_from(timeout=10)
        monkeypatch.setattr(consumers, "CATCH_UP_LIMIT", 2)
        await again.send_json_to({"type": "since", "seq": hello["seq"]})
        too_many = await again.receive_json_from(timeout=10)
        await again.disconnect()
        return hello, caught, too_many

    hello, caught, too_many = async_to_sync(scenario)()

    start = hello["seq"]
    assert caught["reload"] is False
    assert caught["latest"] == start + 3
    assert [(e["seq"], e["data"]["title"]) for e in caught["events"]] == [
        (start + 1, "a"), (start + 2, "b"), (start + 3, "c"),
    ]  # fmt: skip
    assert "origin" not in caught["events"][0]
    assert (too_many["reload"], too_many["events"], too_many["latest"]) == (True, [], start + 3)


def test_presence_is_shown_to_others_and_to_late_joiners_and_leaves_on_close(team: Any) -> None:
    ana = socket(team.annotator, tab="ana-1")
    late = socket(team.viewer, tab="vi-1")
    where = {"text": "t1", "utterance": "u1", "morpheme": "0.1"}

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], bool]:
        await open_(ana)
        await ana.send_json_to({"type": "presence", "where": where, "lock": "u1/0.1/gloss"})
        assert await ana.receive_nothing(timeout=0.2)  # the sender is not told about itself
        await open_(late)
        shown = await late.receive_json_from(timeout=10)
        await ana.disconnect()
        left = await late.receive_json_from(timeout=10)
        quiet = await late.receive_nothing(timeout=0.2)
        await late.disconnect()
        return shown, left, quiet

    shown, left, quiet = async_to_sync(scenario)()

    assert shown == {
        "type": "presence", "user": "annotator", "tab": "ana-1", "where": where,
        "lock": "u1/0.1/gloss",
    }  # fmt: skip
    assert left == {"type": "presence.left", "user": "annotator", "tab": "ana-1",
                    "reason": "closed"}  # fmt: skip
    assert quiet is True


def test_presence_goes_away_when_the_socket_idles(team: Any, settings: Any) -> None:
    settings.FIELDMARK_PRESENCE_IDLE_S = 1
    ana, watcher = socket(team.annotator, tab="ana"), socket(team.viewer)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        await open_(ana)
        await open_(watcher)
        await ana.send_json_to({"type": "presence", "where": {"entry": "e1"}, "lock": "e1"})
        here = await until(watcher, "presence")
        gone = await until(watcher, "presence.left")
        await ana.disconnect()
        await watcher.disconnect()
        return here, gone

    here, gone = async_to_sync(scenario)()

    assert here["lock"] == "e1"
    assert gone == {"type": "presence.left", "user": "annotator", "tab": "ana", "reason": "idle"}


def test_viewers_cannot_lock_and_strangers_cannot_announce(team: Any) -> None:
    Project.objects.filter(pk=team.project.pk).update(visibility="public")
    viewer, stranger, anonymous = (
        socket(team.viewer), socket(team.outsider), socket(None)
    )  # fmt: skip
    watcher = socket(team.manager)

    async def scenario() -> list[Any]:
        for ws in (viewer, stranger, anonymous, watcher):
            await open_(ws)
        await viewer.send_json_to({"type": "presence", "where": {"text": "t"}, "lock": "u1"})
        refused_lock = await viewer.receive_json_from(timeout=10)
        await stranger.send_json_to({"type": "presence", "where": {"text": "t"}})
        refused_stranger = await stranger.receive_json_from(timeout=10)
        await anonymous.send_json_to({"type": "presence", "where": {"text": "t"}})
        refused_anonymous = await anonymous.receive_json_from(timeout=10)
        watcher_quiet = await watcher.receive_nothing(timeout=0.3)
        await anonymous.send_json_to({"type": "ping"})  # still connected
        pong = await anonymous.receive_json_from(timeout=10)
        for ws in (viewer, stranger, anonymous, watcher):
            await ws.disconnect()
        return [refused_lock, refused_stranger, refused_anonymous, watcher_quiet, pong]

    refused_lock, refused_stranger, refused_anonymous, watcher_quiet, pong = async_to_sync(
        scenario
    )()

    assert (refused_lock["error"], refused_lock["field"]) == ("permission_denied", "lock")
    assert refused_stranger["error"] == "permission_denied"
    assert refused_anonymous["error"] == "permission_denied"
    assert watcher_quiet is True
    assert pong == {"type": "pong"}


@pytest.mark.parametrize(
    ("sent", "error", "field"),
    [
        ("not json", "invalid", None),
        (b"\x00binary", "invalid", None),
        ("[1, 2]", "invalid", None),
        ('{"type": "edit"}', "unknown_type", None),
        ('{"type": "presence", "where": "text 1"}', "invalid", "where"),
        ('{"type": "presence", "where": {"home": "x"}}', "invalid", "where.home"),
        ('{"type": "presence", "where": {"time": -1}}', "invalid", "where.time"),
        ('{"type": "presence", "where": {}, "lock": 7}', "invalid", "lock"),
        ('{"type": "since", "seq": "yesterday"}', "invalid", "seq"),
        ('{"type": "ping", "pad": "' + "x" * 5000 + '"}', "too_large", None),
    ],
)
def test_malformed_messages_get_an_error_and_change_nothing(
    team: Any, sent: str | bytes, error: str, field: str | None
) -> None:
    ws, watcher = socket(team.annotator), socket(team.viewer)

    async def scenario() -> tuple[dict[str, Any], bool, dict[str, Any]]:
        await open_(ws)
        await open_(watcher)
        if isinstance(sent, bytes):
            await ws.send_to(bytes_data=sent)
        else:
            await ws.send_to(text_data=sent)
        reply = await ws.receive_json_from(timeout=10)
        quiet = await watcher.receive_nothing(timeout=0.2)
        await ws.send_json_to({"type": "ping"})
        pong = await ws.receive_json_from(timeout=10)
        await ws.disconnect()
        await watcher.disconnect()
        return reply, quiet, pong

    reply, quiet, pong = async_to_sync(scenario)()

    assert reply["type"] == "error"
    assert reply["error"] == error
    assert reply.get("field") == field
    assert quiet is True
    assert pong == {"type": "pong"}


def test_a_flood_is_rate_limited_on_that_socket_only(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldmark.realtime import consumers

    monkeypatch.setattr(consumers, "RATE", 0.001)  # no refill during the test: exact counts
    flooder, other = socket(team.annotator), socket(team.viewer)

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        await open_(flooder)
        await open_(other)
        for _ in range(40):
            await flooder.send_json_to({"type": "ping"})
        replies = [await flooder.receive_json_from(timeout=10) for _ in range(40)]
        await other.send_json_to({"type": "ping"})
        other_reply = await other.receive_json_from(timeout=10)
        await flooder.disconnect()
        await other.disconnect()
        return replies, other_reply

    replies, other_reply = async_to_sync(scenario)()

    limited = [reply for reply in replies if reply.get("error") == "rate_limited"]
    assert len(limited) == 20  # the burst of 20 passes, the rest is refused
    assert replies[:20] == [{"type": "pong"}] * 20
    assert other_reply == {"type": "pong"}


def test_a_removed_member_stops_receiving_events_at_once(
    team: Any, mongo_db: Any, as_user: Any
) -> None:
    from fieldmark.projects import services

    removed, stays = socket(team.annotator), socket(team.viewer)
    client = as_user(team.manager)

    async def scenario() -> tuple[list[dict[str, Any]], Any, dict[str, Any]]:
        await open_(removed)
        await open_(stays)
        await database_sync_to_async(services.remove_member)(team.owner, team.project, "annotator")
        await database_sync_to_async(create_text)(client, "After removal")
        received = []
        while True:
            output = await removed.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                break
            received.append(__import__("json").loads(output["text"]))
        closed = output
        stays_seen = await stays.receive_json_from(timeout=10)
        await stays.disconnect()
        return received, closed, stays_seen

    received, closed, stays_seen = async_to_sync(scenario)()

    assert [message["type"] for message in received] == ["error"]
    assert received[0]["error"] == "permission_denied"
    assert closed == {"type": "websocket.close", "code": 4403}
    assert stays_seen["type"] == "membership.changed"


def test_a_role_change_is_applied_to_the_open_socket(team: Any) -> None:
    from fieldmark.projects import services

    ana, watcher = socket(team.annotator, tab="ana"), socket(team.manager)

    async def scenario() -> list[dict[str, Any]]:
        await open_(ana)
        await open_(watcher)
        await ana.send_json_to({"type": "presence", "where": {"entry": "e1"}, "lock": "e1"})
        locked = await until(watcher, "presence")
        await database_sync_to_async(services.change_role)(
            team.owner, team.project, "annotator", "viewer"
        )
        role = await ana.receive_json_from(timeout=10)
        changed = await ana.receive_json_from(timeout=10)
        seen = [await until(watcher, "membership.changed")]
        while seen[-1]["type"] != "presence" or seen[-1]["lock"] is not None:
            seen.append(await watcher.receive_json_from(timeout=10))
        await ana.send_json_to({"type": "presence", "where": {"entry": "e1"}, "lock": "e1"})
        refused = await ana.receive_json_from(timeout=10)
        await ana.disconnect()
        await watcher.disconnect()
        return [locked, role, changed, *seen, refused]

    locked, role, changed, *seen, refused = async_to_sync(scenario)()

    assert locked["lock"] == "e1"
    assert role == {"type": "role", "role": "viewer"}
    assert changed == {"type": "membership.changed", "username": "annotator", "role": "viewer",
                       "seq": changed["seq"], "committed_at": changed["committed_at"]}  # fmt: skip
    # The lock is released, and the only presence before that release is a late copy of the
    # announcement (sent before the role change, through the group or as the answer to the
    # watcher's query: those do not keep their order with the membership event).
    *late, unlocked = [event for event in seen if event["type"] == "presence"]
    assert (unlocked["lock"], unlocked["where"]) == (None, {"entry": "e1"})
    assert all(event == locked for event in late)
    assert refused["field"] == "lock"
    assert Membership.objects.get(project=team.project, user=team.annotator).role == "viewer"
