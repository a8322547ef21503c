"""One subscription per process and project: the project's group messages arrive once in each
web process and are handed to that process's sockets directly.

Why not a group membership per socket, as Channels does it: an event for a project of 50 open
tabs was then 50 messages through the layer, each decoded and dispatched on its own, and
Channels' ``dispatch`` runs ``close_old_connections`` through ``sync_to_async`` for every
message, so each delivery waited its turn on the one thread all consumers share. Here the layer
carries one message per process, the event's JSON text is made once by the sender
(:func:`fieldmark.realtime.events.send_now`), and a delivery is a write of that text to the
socket. Consumers keep their own channel for what is addressed to them alone (presence replies).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

from channels.layers import BaseChannelLayer

logger = logging.getLogger(__name__)

# Channels forgets a group membership after its ``group_expiry`` (a day by default); a hub that
# lives longer renews its membership well before that.
RENEW_S = 3600.0


class Member(Protocol):
    async def group_message(self, message: dict[str, Any]) -> None: ...

    async def feed_lost(self) -> None:
        """The subscription broke (the layer failed): close, so the client reconnects and
        catches up on what it missed."""
        ...


class _Subscription:
    def __init__(self, hub: Hub, group: str, channel: str) -> None:
        self.hub, self.group, self.channel = hub, group, channel
        self.members: set[Member] = set()
        self.task = asyncio.ensure_future(self._pump(hub.layer))
        self.renew = asyncio.ensure_future(self._renew(hub.layer))

    async def _pump(self, layer: BaseChannelLayer) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except Exception:
                # What was sent meanwhile is lost to this subscription: its sockets close, their
                # clients reconnect (a new subscription) and catch up from the event log.
                logger.exception("group %s: the layer failed; closing its sockets", self.group)
                await self.hub.drop(self)
                return
            # In order, one socket after the other: each socket sees the project's events in the
            # order they came, and a write to a socket does not wait for its client.
            for member in list(self.members):
                try:
                    await member.group_message(message)
                except Exception:  # one broken socket must not keep the others from the event
                    logger.exception("could not deliver %s to a socket", message.get("type"))

    async def _renew(self, layer: BaseChannelLayer) -> None:
        while True:
            await asyncio.sleep(RENEW_S)
            await layer.group_add(self.group, self.channel)

    def stop(self) -> None:
        self.task.cancel()
        self.renew.cancel()


class Hub:
    """The subscriptions of one event loop (a process's server loop; each test its own)."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.lock = asyncio.Lock()
        self.subscriptions: dict[str, _Subscription] = {}

    async def join(self, group: str, member: Member) -> None:
        async with self.lock:
            subscription = self.subscriptions.get(group)
            if subscription is None:
                # The default prefix: channels-redis receives every process-local channel
                # through one list, which another prefix would be outside of.
                channel = await self.layer.new_channel()
                await self.layer.group_add(group, channel)
                subscription = self.subscriptions[group] = _Subscription(self, group, channel)
            subscription.members.add(member)

    async def drop(self, subscription: _Subscription) -> None:
        async with self.lock:
            if self.subscriptions.get(subscription.group) is subscription:
                del self.subscriptions[subscription.group]
        subscription.renew.cancel()
        for member in list(subscription.members):
            try:
                await member.feed_lost()
            except Exception:
                logger.exception("could not close a socket of %s", subscription.group)

    async def leave(self, group: str, member: Member) -> None:
        async with self.lock:
            subscription = self.subscriptions.get(group)
            if subscription is None:  # never joined, or dropped after a failure
                return
            subscription.members.discard(member)
            if not subscription.members:
                del self.subscriptions[group]
                subscription.stop()
                await self.layer.group_discard(group, subscription.channel)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub(layer: BaseChannelLayer) -> Hub:
    """This event loop's hub on ``layer``."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.layer is not layer:
        found = _hubs[loop] = Hub(layer)
    return found
