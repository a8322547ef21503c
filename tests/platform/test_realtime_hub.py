"""The process's hub: one subscription per project group, whose messages every joined socket
gets in order; the last socket to leave ends it; a layer that fails closes the sockets (their
clients reconnect and catch up) instead of leaving them open and deaf."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

from fieldmark.realtime.hub import hub


class Socket:
    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        self.lost = False

    async def group_message(self, message: dict[str, Any]) -> None:
        self.got.append(message)

    async def feed_lost(self) -> None:
        self.lost = True


class BrokenLayer(InMemoryChannelLayer):  # type: ignore[misc]
    """A layer whose connection goes away: every receive fails."""

    async def receive(self, channel: str) -> dict[str, Any]:
        raise ConnectionError("the layer went away")


def test_one_subscription_delivers_in_order_and_ends_with_its_last_socket() -> None:
    layer = InMemoryChannelLayer()
    a, b = Socket(), Socket()

    async def scenario() -> tuple[int, int, int]:
        the_hub = hub(layer)
        await the_hub.join("project.1", a)
        await the_hub.join("project.1", b)
        subscribed = len(layer.groups["project.1"])
        for n in range(3):
            await layer.group_send("project.1", {"type": "project.event", "n": n})
        await asyncio.sleep(0.1)
        await the_hub.leave("project.1", a)
        await layer.group_send("project.1", {"type": "project.event", "n": 3})
        await asyncio.sleep(0.1)
        await the_hub.leave("project.1", b)
        return subscribed, len(layer.groups.get("project.1", {})), len(the_hub.subscriptions)

    subscribed, left, subscriptions = async_to_sync(scenario)()

    assert subscribed == 1  # one channel for the process, not one per socket
    assert [m["n"] for m in a.got] == [0, 1, 2]
    assert [m["n"] for m in b.got] == [0, 1, 2, 3]
    assert (left, subscriptions) == (0, 0)


def test_a_failing_layer_closes_the_sockets_and_a_new_join_subscribes_again() -> None:
    layer = BrokenLayer()
    a = Socket()

    async def scenario() -> int:
        the_hub = hub(layer)
        await the_hub.join("project.1", a)
        await asyncio.sleep(0.1)
        return len(the_hub.subscriptions)

    subscriptions = async_to_sync(scenario)()

    assert a.lost is True
    assert subscriptions == 0


# --- on Redis: group messages by pub/sub, one connection per process --------------------------


def redis_layer(database: int | None = None) -> Any:
    """The real layer on the test session's Redis (``database``: another number on it)."""
    from channels.layers import get_channel_layer
    from django.conf import settings

    from fieldmark.realtime.layer import LoopLocalRedisChannelLayer

    if database is None:
        return get_channel_layer()
    url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{database}"
    return LoopLocalRedisChannelLayer(hosts=[{"address": url, "socket_timeout": None}])


async def until(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def pubsub_clients(client: Any) -> int:
    """Connections of the server that listen to a pub/sub channel (other tests' hubs too)."""
    return sum(1 for c in client.client_list() if int(c.get("sub", 0)) > 0)


def listeners(client: Any, url: str, group: str) -> int:
    from fieldmark.realtime.hub import pubsub_channel

    return int(client.pubsub_numsub(pubsub_channel(url, group))[0][1])


def test_on_redis_one_pubsub_connection_serves_every_group_in_order() -> None:
    import redis
    from django.conf import settings

    from fieldmark.realtime.hub import pubsub_channel

    layer = redis_layer()
    a, b, c = Socket(), Socket(), Socket()
    plain = redis.Redis.from_url(settings.REDIS_URL)

    async def scenario() -> tuple[int, list[int]]:
        the_hub = hub(layer)
        before = pubsub_clients(plain)
        await the_hub.join("project.901", a)
        await the_hub.join("project.901", b)
        await the_hub.join("project.902", c)
        await until(lambda: listeners(plain, settings.REDIS_URL, "project.902") == 1)
        listening = pubsub_clients(plain) - before
        subscribed = [
            n for _, n in plain.pubsub_numsub(
                *(pubsub_channel(settings.REDIS_URL, g) for g in ("project.901", "project.902"))
            )
        ]  # fmt: skip
        for n in range(20):
            await the_hub.publish("project.901", {"type": "project.event", "n": n})
        await the_hub.publish("project.902", {"type": "project.event", "n": 100})
        await until(lambda: len(b.got) == 20 and len(c.got) == 1)
        await the_hub.leave("project.901", a)
        await the_hub.publish("project.901", {"type": "project.event", "n": 20})
        await until(lambda: len(b.got) == 21)
        await the_hub.leave("project.901", b)
        await the_hub.leave("project.902", c)
        await until(lambda: listeners(plain, settings.REDIS_URL, "project.901") == 0)
        return listening, subscribed

    listening, subscribed = async_to_sync(scenario)()

    assert listening == 1  # one more pub/sub connection for the process, whatever the groups
    assert subscribed == [1, 1]
    assert [m["n"] for m in a.got] == list(range(20))
    assert [m["n"] for m in b.got] == list(range(21))
    assert [m["n"] for m in c.got] == [100]


def test_on_redis_a_worker_processs_event_reaches_the_hub_and_another_database_hears_nothing() -> (
    None
):
    """What the publisher thread sends (a worker's or a request's event) arrives; a deployment on
    another database number of the same server is not told."""
    from fieldmark.realtime.events import flush, publish

    here, elsewhere = Socket(), Socket()
    layer, other = redis_layer(), redis_layer(14)

    async def scenario() -> None:
        await hub(layer).join("project.903", here)
        await hub(other).join("project.903", elsewhere)

        def send() -> None:  # as a request's thread or a worker sends, then waits until it left
            publish(layer, "project.903", {"type": "project.event", "n": 1})
            assert flush()

        await asyncio.get_running_loop().run_in_executor(None, send)
        await until(lambda: len(here.got) == 1)
        await asyncio.sleep(0.3)  # time enough for a message that should not come
        await hub(layer).leave("project.903", here)
        await hub(other).leave("project.903", elsewhere)

    async_to_sync(scenario)()

    assert here.got == [{"type": "project.event", "n": 1}]
    assert elsewhere.got == []


def test_on_redis_a_broken_feed_closes_the_sockets_and_a_new_join_listens_again() -> None:
    import redis
    from django.conf import settings

    layer = redis_layer()
    a, b = Socket(), Socket()
    plain = redis.Redis.from_url(settings.REDIS_URL)

    async def scenario() -> int:
        the_hub = hub(layer)
        await the_hub.join("project.904", a)
        await until(lambda: listeners(plain, settings.REDIS_URL, "project.904") == 1)
        # Every pub/sub connection goes (other tests' too), as when Redis restarts.
        plain.client_kill_filter(_type="pubsub")
        await until(lambda: a.lost)
        left = len(the_hub.subscriptions)
        await the_hub.join("project.904", b)
        await until(lambda: listeners(plain, settings.REDIS_URL, "project.904") == 1)
        await the_hub.publish("project.904", {"type": "project.event", "n": 7})
        await until(lambda: len(b.got) == 1)
        await the_hub.leave("project.904", b)
        return left

    left = async_to_sync(scenario)()

    assert a.lost is True and a.got == []
    assert left == 0
    assert b.got == [{"type": "project.event", "n": 7}] and b.lost is False
