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
