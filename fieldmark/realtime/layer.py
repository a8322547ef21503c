"""The Redis channel layer, one channels-redis instance per event loop.

channels-redis lets one event loop at a time receive on a layer instance: its receive lock and
buffers belong to the loop that started receiving, and a second loop's ``receive`` fails ("Two
event loops…", or a lock bound to another loop). A web process runs one server loop, but it also
runs loops of its own — the publisher thread, ``async_to_sync`` calls — and a process that hosts a
test server beside the tests' own loops has several receiving at once. Each loop therefore gets
its own instance here (its own channel-name prefix, buffers and connections); sends and group
sends go through Redis as always, so every instance receives what is addressed to its channels.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

from channels_redis.core import RedisChannelLayer


class LoopLocalRedisChannelLayer:
    """A ``RedisChannelLayer`` per running event loop, behind one object (Channels' alias)."""

    def __init__(self, **config: Any) -> None:
        self._config = config
        self._outside = RedisChannelLayer(**config)  # for calls made outside any loop
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RedisChannelLayer] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()

    @property
    def redis_url(self) -> str:
        """The Redis server's URL (the hub sends group messages by its pub/sub)."""
        host = self._config["hosts"][0]
        return str(host["address"] if isinstance(host, dict) else host)

    def instance(self) -> RedisChannelLayer:
        """The running loop's instance (the shared one outside a loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._outside
        with self._guard:
            found = self._by_loop.get(loop)
            if found is None:
                found = self._by_loop[loop] = RedisChannelLayer(**self._config)
            return found

    def __getattr__(self, name: str) -> Any:
        # Only called for what this class does not define: the layer's own API. Coroutine
        # methods are looked up inside the coroutine that awaits them, so on the right loop.
        return getattr(self.instance(), name)
