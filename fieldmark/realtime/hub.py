"""One subscription per process and project: the project's group messages arrive once in each
web process and are handed to that process's sockets directly.

Why not a group membership per socket, as Channels does it: an event for a project of 50 open
tabs was then 50 messages through the layer, each decoded and dispatched on its own, and
Channels' ``dispatch`` runs ``close_old_connections`` through ``sync_to_async`` for every
message, so each delivery waited its turn on the one thread all consumers share. Here the layer
carries one message per process, the event's JSON text is made once by the sender
(:func:`fieldmark.realtime.events.send_now`), and a delivery is a write of that text to the
socket. Consumers keep their own channel for what is addressed to them alone (presence replies).

Where the layer is Redis, group messages travel by Redis pub/sub (:class:`_RedisFeed`), not
through channels-redis's group lists. A channels-redis ``receive`` takes one message per call:
a cleanup script and a blocking pop, a lock and several turns of the event loop, each of which
waits for the GIL while the process's request threads run. With 50 savers a second that was
fewer messages a second than arrived, and deliveries fell seconds behind their commits (the
publisher's queue stayed empty; the lag was all between Redis and the process). One pub/sub
connection per process reads whatever has arrived in one go and parses it from its buffer.
Pub/sub keeps nothing for a process that is not listening; a feed that breaks closes its
sockets, whose clients reconnect and catch up from the event log, as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from abc import ABC, abstractmethod
from typing import Any, Protocol
from urllib.parse import urlparse

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


def redis_url(layer: Any) -> str:
    """The Redis a layer runs on ("" for any other layer): group messages go by pub/sub there."""
    url = getattr(layer, "redis_url", "")
    return url if isinstance(url, str) else ""


def pubsub_channel(url: str, group: str) -> str:
    """The pub/sub channel of ``group``. Pub/sub is not scoped by database number as keys are,
    so the number is in the name: deployments (or test runs) on one server's other databases
    do not hear each other's groups."""
    database = (urlparse(url).path or "/0").strip("/") or "0"
    return f"fieldmark:{database}:group:{group}"


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


class _Subscription(ABC):
    def __init__(self, hub: Hub, group: str) -> None:
        self.hub, self.group = hub, group
        self.members: set[Member] = set()

    async def deliver(self, message: dict[str, Any]) -> None:
        # In order, one socket after the other: each socket sees the project's events in the
        # order they came, and a write to a socket does not wait for its client.
        for member in list(self.members):
            try:
                await member.group_message(message)
            except Exception:  # one broken socket must not keep the others from the event
                logger.exception("could not deliver %s to a socket", message.get("type"))

    @abstractmethod
    async def start(self) -> None:
        """Listen to the group."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop listening (the last member left)."""

    @abstractmethod
    def abandon(self) -> None:
        """Let go after a failure, without a word to the layer."""


class _LayerSubscription(_Subscription):
    """A channel of the process in the group, read with the layer's ``receive`` (the in-memory
    layer, and any layer that is not Redis)."""

    def __init__(self, hub: Hub, group: str) -> None:
        super().__init__(hub, group)
        self.channel = ""
        self.tasks: list[asyncio.Future[None]] = []

    async def start(self) -> None:
        self.channel = await self.hub.layer.new_channel()
        await self.hub.layer.group_add(self.group, self.channel)
        self.tasks = [asyncio.ensure_future(self._pump()), asyncio.ensure_future(self._renew())]

    async def _pump(self) -> None:
        while True:
            try:
                message = await self.hub.layer.receive(self.channel)
            except Exception:
                # What was sent meanwhile is lost to this subscription: its sockets close, their
                # clients reconnect (a new subscription) and catch up from the event log.
                logger.exception("group %s: the layer failed; closing its sockets", self.group)
                await self.hub.drop(self)
                return
            await self.deliver(message)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_S)
            await self.hub.layer.group_add(self.group, self.channel)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.hub.layer.group_discard(self.group, self.channel)

    def abandon(self) -> None:
        for task in self.tasks:
            task.cancel()


class _RedisSubscription(_Subscription):
    async def start(self) -> None:
        await self.hub.feed().subscribe(self)

    async def stop(self) -> None:
        feed = self.hub.current_feed
        if feed is not None:
            await feed.unsubscribe(self)

    def abandon(self) -> None:
        """Nothing to let go of: the feed that failed held the listening."""


class _RedisFeed:
    """The hub's one pub/sub connection: every group it listens to, read by one task."""

    def __init__(self, hub: Hub, url: str) -> None:
        from redis import asyncio as aioredis

        self.hub, self.url = hub, url
        self.client = aioredis.Redis.from_url(url, socket_timeout=None, socket_connect_timeout=5)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.by_channel: dict[str, _Subscription] = {}
        self.reader: asyncio.Future[None] | None = None
        self.broken = False

    async def subscribe(self, subscription: _Subscription) -> None:
        channel = pubsub_channel(self.url, subscription.group)
        self.by_channel[channel] = subscription
        await self.pubsub.subscribe(channel)
        if self.reader is None:
            self.reader = asyncio.ensure_future(self._read())

    async def unsubscribe(self, subscription: _Subscription) -> None:
        channel = pubsub_channel(self.url, subscription.group)
        if self.by_channel.get(channel) is subscription:
            del self.by_channel[channel]
            if not self.broken:
                await self.pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        try:
            while True:
                item = await self.pubsub.get_message(timeout=None)
                if item is None or item.get("type") != "message":
                    continue
                channel = item["channel"]
                name = channel.decode() if isinstance(channel, bytes) else str(channel)
                subscription = self.by_channel.get(name)
                if subscription is not None:
                    await subscription.deliver(json.loads(item["data"]))
        except asyncio.CancelledError:
            raise
        except Exception:
            # Pub/sub keeps nothing for a listener that is gone: close every socket of this
            # process's groups, so that their clients reconnect and catch up from the log.
            logger.exception("the Redis feed failed; closing its sockets")
            self.broken = True
            await self.hub.drop_feed(self)

    async def publish(self, group: str, message: dict[str, Any]) -> None:
        await self.client.publish(pubsub_channel(self.url, group), encode(message))

    async def close(self) -> None:
        if self.reader is not None and self.reader is not asyncio.current_task():
            self.reader.cancel()
        try:
            await self.pubsub.aclose()  # type: ignore[no-untyped-call]
            await self.client.aclose()
        except Exception:  # a connection already gone has nothing left to close
            logger.debug("closing a broken Redis feed", exc_info=True)


class Hub:
    """The subscriptions of one event loop (a process's server loop; each test its own)."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.url = redis_url(layer)
        self.lock = asyncio.Lock()
        self.subscriptions: dict[str, _Subscription] = {}
        self.current_feed: _RedisFeed | None = None

    def feed(self) -> _RedisFeed:
        if self.current_feed is None:
            self.current_feed = _RedisFeed(self, self.url)
        return self.current_feed

    async def join(self, group: str, member: Member) -> None:
        async with self.lock:
            subscription = self.subscriptions.get(group)
            if subscription is None:
                kind = _RedisSubscription if self.url else _LayerSubscription
                subscription = kind(self, group)
                await subscription.start()
                self.subscriptions[group] = subscription
            subscription.members.add(member)

    async def publish(self, group: str, message: dict[str, Any]) -> None:
        """Send ``message`` to every process's subscription of ``group``."""
        if self.url:
            await self.feed().publish(group, message)
        else:
            await self.layer.group_send(group, message)

    async def drop(self, subscription: _Subscription) -> None:
        async with self.lock:
            if self.subscriptions.get(subscription.group) is subscription:
                del self.subscriptions[subscription.group]
        subscription.abandon()
        for member in list(subscription.members):
            try:
                await member.feed_lost()
            except Exception:
                logger.exception("could not close a socket of %s", subscription.group)

    async def drop_feed(self, feed: _RedisFeed) -> None:
        async with self.lock:
            if self.current_feed is feed:
                self.current_feed = None
            lost = [s for s in self.subscriptions.values() if s in feed.by_channel.values()]
            for subscription in lost:
                del self.subscriptions[subscription.group]
        await feed.close()
        for subscription in lost:
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
                await subscription.stop()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, Hub]] = (
    weakref.WeakKeyDictionary()
)


def hub(layer: BaseChannelLayer) -> Hub:
    """This event loop's hub on ``layer`` (one per layer: a process has one, a test may have
    two)."""
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    found = hubs.get(id(layer))
    if found is None or found.layer is not layer:
        found = hubs[id(layer)] = Hub(layer)
    return found
