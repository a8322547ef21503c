"""Events follow the data: a change made anywhere is broadcast once, after its transaction
commits, to the project's group; consumers forward it to every subscribed browser except the tab
that made it (named by ``origin``).

Every event gets the project's next sequence number (``seq``, from :mod:`eventlog`, atomic across
processes) and is kept in a bounded log, so a client that reconnects asks for what it missed.
The origin is the browser tab's id, sent by the app as the ``X-Fieldmark-Tab`` header on its API
requests; :class:`OriginMiddleware` puts it in a context variable so that no service needs to
pass it along.

An event is serialized once, here; every socket is sent that text. Where the layer is shared
(Redis), a publisher thread per process sends it, so a write never waits for the layer.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from fieldmark.realtime.eventlog import get_log, to_json
from fieldmark.realtime.hub import encode, pubsub_channel, redis_url

logger = logging.getLogger(__name__)

ORIGIN_HEADER = "HTTP_X_FIELDMARK_TAB"
_TAB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The most messages the publisher sends in one round trip.
PUBLISH_BATCH = 200
_origin: contextvars.ContextVar[str] = contextvars.ContextVar("fieldmark_origin", default="")


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


def current_origin() -> str:
    return _origin.get()


def set_origin(tab: str) -> contextvars.Token[str]:
    return _origin.set(tab if _TAB_ID.match(tab or "") else "")


def reset_origin(token: contextvars.Token[str]) -> None:
    _origin.reset(token)


class OriginMiddleware:
    """Remember which tab made this request, for the events its writes send."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_origin(request.META.get(ORIGIN_HEADER, ""))
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


def send_now(project_id: int, event_type: str, payload: dict[str, Any], origin: str = "") -> None:
    """Number the event, keep it for catch-up and hand it to the layer (without waiting for the
    layer where it is shared: see :class:`_Publisher`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # Serialized once, here (dates as ISO strings, as the REST API writes them): every socket
        # is sent this very text, and the log keeps it with the origin for catch-up.
        # ``committed_at``: this host's clock (epoch seconds) once the change committed, which
        # tells a client how old an event is (and the bench, commit-to-delivery delays).
        body = to_json({"type": event_type, **payload, "committed_at": round(time.time(), 6)})
        seq = get_log().append(project_id, _with(body, origin=origin))
        message: dict[str, Any] = {"type": "project.event", "text": _with(body, seq=seq),
                                   "kind": event_type, "origin": origin, "seq": seq}  # fmt: skip
        if event_type == "membership.changed":
            message["member"] = payload.get("username")
        publish(layer, project_group(project_id), message)
    except Exception:  # a broken channel layer must not fail the write that already committed
        logger.exception("could not broadcast %s to project %s", event_type, project_id)


def _with(body: str, **fields: Any) -> str:
    """A JSON object's text with more keys at its end (``body`` is a non-empty object)."""
    extra = "".join(f",{json.dumps(key)}:{json.dumps(value)}" for key, value in fields.items())
    return body[:-1] + extra + "}"


def publish(layer: Any, group: str, message: dict[str, Any]) -> None:
    if isinstance(layer, InMemoryChannelLayer):
        # Per process and bound to the loop of its consumers: sent from here, synchronously.
        _run(layer.group_send, group, message)
    else:
        _publisher(layer).put(group, message)


def flush(timeout: float = 10.0) -> bool:
    """Wait until what this process published has reached the layer (a worker calls it after
    each task, so that a process that ends next loses nothing)."""
    return _current is None or _current.flush(timeout)


class _Publisher:
    """Sends group messages from a thread of its own, one after the other in the order they
    came. A write never waits for the layer: in the web process a send through the server's
    event loop (``async_to_sync``) waited for that loop's turn, which under load took longer
    than the rest of the request. On Redis the messages go by pub/sub (see
    :mod:`fieldmark.realtime.hub`), those that queued up meanwhile in one pipelined round trip."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.url = redis_url(layer)
        self.pid = os.getpid()
        self.queue: queue.SimpleQueue[tuple[str, dict[str, Any]] | threading.Event | None] = (
            queue.SimpleQueue()
        )
        self.thread = threading.Thread(target=self._serve, name="fieldmark-events", daemon=True)
        self.thread.start()
        atexit.register(self.close)

    def put(self, group: str, message: dict[str, Any]) -> None:
        self.queue.put((group, message))

    def flush(self, timeout: float) -> bool:
        done = threading.Event()
        self.queue.put(done)
        return done.wait(timeout)

    def close(self) -> None:
        if self.thread.is_alive():
            self.flush(10.0)
            self.queue.put(None)
            self.thread.join(5.0)

    def _serve(self) -> None:
        if self.url:
            self._serve_pubsub()
            return
        loop = asyncio.new_event_loop()
        try:
            while (item := self.queue.get()) is not None:
                if isinstance(item, threading.Event):
                    item.set()
                    continue
                try:
                    loop.run_until_complete(self.layer.group_send(*item))
                except Exception:
                    logger.exception("could not send an event to %s", item[0])
        finally:
            loop.close()

    def _serve_pubsub(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=2)
        while True:
            batch = [self.queue.get()]
            while len(batch) < PUBLISH_BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            pipe = client.pipeline(transaction=False)
            waiting: list[threading.Event] = []
            for item in batch:
                if item is None:
                    break
                if isinstance(item, threading.Event):
                    waiting.append(item)  # set once what came before it was sent
                else:
                    pipe.publish(pubsub_channel(self.url, item[0]), encode(item[1]))
            try:
                pipe.execute()
            except Exception:
                logger.exception("could not send %d events", len(batch) - len(waiting))
            for done in waiting:
                done.set()
            if None in batch:
                client.close()
                return


_current: _Publisher | None = None
_current_lock = threading.Lock()


def _publisher(layer: Any) -> _Publisher:
    """The process's publisher for ``layer`` (a new one after a fork: threads do not follow)."""
    global _current
    with _current_lock:
        if _current is None or _current.layer is not layer or _current.pid != os.getpid():
            _current = _Publisher(layer)
        return _current


def _run(function: Callable[..., Any], *args: Any) -> None:
    """Run an async layer call from sync code, also where this thread already runs an event
    loop (a browser test driving Playwright's sync API calls services that way)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(function)(*args)
        return
    errors: list[BaseException] = []

    def target() -> None:
        try:
            async_to_sync(function)(*args)
        except BaseException as exc:  # handed to the caller's thread below
            errors.append(exc)

    worker = threading.Thread(target=target, name="broadcast")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def broadcast(project_id: int, event_type: str, payload: dict[str, Any], origin: str = "") -> None:
    """Send ``{"type": event_type, "seq": n, **payload}`` to the project's subscribers after
    commit. The origin is the requesting tab when there is one (``origin`` otherwise)."""
    sender = current_origin() or origin
    transaction.on_commit(lambda: send_now(project_id, event_type, payload, sender))
