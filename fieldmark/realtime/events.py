"""Events follow the data: a change made anywhere is broadcast once, after its transaction
commits, to the project's group; consumers forward it to every subscribed browser except the tab
that made it (named by ``origin``).

Every event gets the project's next sequence number (``seq``, from :mod:`eventlog`, atomic across
processes) and is kept in a bounded log, so a client that reconnects asks for what it missed.
The origin is the browser tab's id, sent by the app as the ``X-Fieldmark-Tab`` header on its API
requests; :class:`OriginMiddleware` puts it in a context variable so that no service needs to
pass it along.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from fieldmark.realtime.eventlog import get_log, to_json

logger = logging.getLogger(__name__)

ORIGIN_HEADER = "HTTP_X_FIELDMARK_TAB"
_TAB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
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
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # JSON-safe (dates as ISO strings, as the REST API writes them) for the layer's msgpack.
        event: dict[str, Any] = json.loads(to_json({"type": event_type, **payload}))
        event["seq"] = get_log().append(project_id, {**event, "origin": origin})
        message = {"type": "project.event", "event": event, "origin": origin}
        _run(layer.group_send, project_group(project_id), message)
    except Exception:  # a broken channel layer must not fail the write that already committed
        logger.exception("could not broadcast %s to project %s", event_type, project_id)


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
