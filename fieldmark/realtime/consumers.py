"""The project websocket: one JSON consumer per browser tab and project.

Server → client: ``hello`` (role, tab, the project's latest ``seq``), every change event (with
``seq``) except those the tab made itself, of which it gets ``seen`` ``{seq}`` only (so a gap in
the numbers is an event lost, which the tab asks for), ``presence``/``presence.left`` of others,
``catch_up`` (answering ``since``), ``role`` when one's own role changes, and ``error``.

Client → server: ``ping``; ``presence`` ``{where, lock}`` (members only; a lock, the courtesy
"I am editing this element", needs the edit role); ``since`` ``{seq}`` after a reconnect or a gap.

Presence lives in the consumers themselves: a new socket asks the group who is there
(``presence.query``) and each socket with a presence answers it directly. So nothing has to be
cleaned up when a socket goes: its consumer says ``presence.left`` on close, on idling, or when its
user loses access. A person's tabs are told apart by ``tab``; the app shows one presence per user.

Group messages come through the process's hub (:mod:`fieldmark.realtime.hub`), which calls
:meth:`ProjectConsumer.group_message`; only replies addressed to this socket alone arrive on its
own channel.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from rest_framework import exceptions

from fieldmark.projects import permissions
from fieldmark.projects.models import Project
from fieldmark.projects.permissions import Action
from fieldmark.realtime.eventlog import CATCH_UP_LIMIT, get_log
from fieldmark.realtime.events import _TAB_ID, project_group
from fieldmark.realtime.hub import hub
from fieldmark.realtime.presence import InvalidMessage, TokenBucket, parse_lock, parse_where

# Close codes in the 4000 range carry the HTTP meaning to the browser.
CLOSE_NOT_FOUND = 4404
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# The server lost the project's feed (the channel layer failed): reconnect and catch up.
CLOSE_FEED_LOST = 1011

# Each client message type names the action it needs; unknown types are refused.
MESSAGE_ACTIONS: dict[str, Action] = {
    "ping": Action.SUBSCRIBE,
    "since": Action.SUBSCRIBE,
    "presence": Action.ANNOUNCE,
}

# The group message types a socket takes, and the method that takes each.
GROUP_HANDLERS = {
    "project.event": "project_event",
    "project.presence": "project_presence",
    "presence.query": "presence_query",
}

MAX_MESSAGE_BYTES = 4096
# Per socket: a steady 10 messages a second with bursts of 20 is far above what typing and
# moving the caret send (the app throttles presence to a few a second).
RATE, BURST = 10.0, 20.0


class ProjectConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    group: str | None = None
    early: list[dict[str, Any]] | None = None

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        user = self.scope.get("user")
        try:
            self.project, self.role = await database_sync_to_async(permissions.get_project)(
                user, slug, Action.SUBSCRIBE
            )
        except exceptions.NotFound:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except exceptions.NotAuthenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        except exceptions.PermissionDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.username = getattr(user, "username", "") or ""
        self.tab = self._tab_from_query() or self.channel_name
        self.where: dict[str, Any] | None = None
        self.lock: str | None = None
        self.closed = False
        self.bucket = TokenBucket(RATE, BURST)
        self.idle_after = float(settings.FIELDMARK_PRESENCE_IDLE_S)
        self.last_active = time.monotonic()
        self.group = project_group(self.project.pk)
        # Group messages that come before the hello wait for it (see group_message).
        self.early: list[dict[str, Any]] | None = []
        await hub(self.channel_layer).join(self.group, self)
        await self.accept()
        # Read after joining the group: an event numbered later is delivered live, so a client
        # that asks ``since`` this number misses nothing.
        latest = await database_sync_to_async(get_log().latest)(self.project.pk)
        await self.send_json(
            {
                "type": "hello",
                "project": self.project.slug,
                "role": self.role,
                "user": self.username,
                "id": self.channel_name,
                "tab": self.tab,
                "seq": latest,
            }
        )
        early, self.early = self.early or [], None
        for message in early:
            await self.group_message(message)
        await self._group({"type": "presence.query", "reply_to": self.channel_name})
        self.idle_task = asyncio.ensure_future(self._watch_idle())

    def _tab_from_query(self) -> str:
        query = str(self.scope.get("query_string", b"").decode("latin-1"))
        for part in query.split("&"):
            key, _, value = part.partition("=")
            if key == "tab" and _TAB_ID.match(value):
                return str(value)
        return ""

    async def disconnect(self, code: int) -> None:
        self.closed = True
        if getattr(self, "idle_task", None) is not None:
            self.idle_task.cancel()
        if self.group:
            await self._withdraw("closed")
            await hub(self.channel_layer).leave(self.group, self)

    async def _group(self, message: dict[str, Any]) -> None:
        assert self.group is not None
        await hub(self.channel_layer).publish(self.group, {**message, "sender": self.channel_name})

    async def _error(self, error: str, detail: str, field: str | None = None) -> None:
        body: dict[str, Any] = {"type": "error", "error": error, "detail": detail}
        if field:
            body["field"] = field
        await self.send_json(body)

    # --- from the browser ------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Every refusal is an error message on this socket and changes nothing anywhere.
        if not self.bucket.take():
            await self._error("rate_limited", f"At most {RATE:.0f} messages a second.")
            return
        if text_data is None:
            await self._error("invalid", "Messages are JSON text, not binary.")
            return
        if len(text_data) > MAX_MESSAGE_BYTES:
            await self._error("too_large", f"Messages have at most {MAX_MESSAGE_BYTES} bytes.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("invalid", "Not JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._error("invalid", "expected {type}")
            return
        kind = content["type"]
        action = MESSAGE_ACTIONS.get(kind)
        if action is None:
            await self._error("unknown_type", f"unknown type {kind!r}")
            return
        # Roles can change while a socket is open: check on every message, not only at connect.
        # Losing access to the project closes the socket; lacking the role for one message type
        # (a stranger in a public project announcing presence) only refuses that message.
        user = self.scope.get("user")
        try:
            self.role, allowed = await database_sync_to_async(self._recheck)(user, action)
        except exceptions.APIException as exc:
            await self._lost_access(str(exc))
            return
        if not allowed:
            await self._error(
                "permission_denied",
                f"Your role may not do this ({action.value} needs a member's role).",
            )
            return
        self.last_active = time.monotonic()
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "since":
            await self._catch_up(content.get("seq"))
        elif kind == "presence":
            await self._announce(content)

    def _recheck(self, user: Any, action: Action) -> tuple[Any, bool]:
        """The caller's role now (raising when they may no longer subscribe at all) and
        whether it allows ``action``."""
        permissions.forget_roles(user)
        try:
            self.project.refresh_from_db()
        except Project.DoesNotExist:
            raise exceptions.NotFound("The project was deleted.") from None
        role = permissions.check(user, self.project, Action.SUBSCRIBE)
        return role, permissions.can(user, self.project, action)

    async def _lost_access(self, detail: str) -> None:
        await self._error("permission_denied", detail)
        await self._withdraw("left")
        await self.close(code=CLOSE_FORBIDDEN)
        self.closed = True

    async def _catch_up(self, raw: Any) -> None:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            await self._error("invalid", "seq must be a non-negative integer", "seq")
            return
        missed = await database_sync_to_async(get_log().since)(self.project.pk, raw, CATCH_UP_LIMIT)
        events = [
            {key: value for key, value in event.items() if key != "origin"}
            for event in missed.events
            if event.get("origin") != self.tab
        ]
        await self.send_json(
            {
                "type": "catch_up",
                "since": raw,
                "latest": missed.latest,
                "reload": missed.reload,
                "events": events,
            }
        )

    async def _announce(self, content: dict[str, Any]) -> None:
        try:
            where = parse_where(content.get("where", {}))
            lock = parse_lock(content.get("lock"))
        except InvalidMessage as exc:
            await self._error("invalid", str(exc), exc.field)
            return
        if lock is not None and not permissions.role_allows(self.role, Action.EDIT_DATA):
            await self._error(
                "permission_denied", "Your role may not edit, so it cannot hold a lock.", "lock"
            )
            return
        self.where, self.lock = where, lock
        await self._group({"type": "project.presence", "event": self._presence()})

    def _presence(self) -> dict[str, Any]:
        return {
            "type": "presence",
            "user": self.username,
            "tab": self.tab,
            "where": self.where or {},
            "lock": self.lock,
        }

    async def _withdraw(self, reason: str) -> None:
        """Take this tab's presence and lock away from everyone else's view."""
        if self.where is None or not self.group:
            return
        self.where, self.lock = None, None
        await self._group(
            {
                "type": "project.presence",
                "event": {
                    "type": "presence.left",
                    "user": self.username,
                    "tab": self.tab,
                    "reason": reason,
                },
            }
        )

    async def _watch_idle(self) -> None:
        step = min(5.0, self.idle_after / 2)
        while not self.closed:
            await asyncio.sleep(step)
            if self.where is not None and time.monotonic() - self.last_active > self.idle_after:
                await self._withdraw("idle")

    # --- from the group --------------------------------------------------------------------

    async def feed_lost(self) -> None:
        if not self.closed:
            self.closed = True
            await self.close(code=CLOSE_FEED_LOST)

    async def group_message(self, message: dict[str, Any]) -> None:
        """What the process's hub hands over from the project's group (not through Channels'
        dispatch: no database hop per delivery)."""
        if self.early is not None:
            self.early.append(message)
            return
        handler = GROUP_HANDLERS.get(str(message.get("type")))
        if handler is not None:
            await getattr(self, handler)(message)

    async def project_event(self, message: dict[str, Any]) -> None:
        """An event as the sender wrote it (``text``, the same for every socket), with what
        deciding needs beside it: ``kind``, ``origin`` and, for a membership, ``member``."""
        if self.closed:
            return
        if message.get("origin") and message["origin"] in (self.tab, self.channel_name):
            # The tab made it and has it: it is told only the number, so that a number it
            # never hears of is one it lost (and asks for) rather than one of its own.
            if isinstance(message.get("seq"), int):
                await self.send(text_data=f'{{"type":"seen","seq":{message["seq"]}}}')
            return
        kind = message.get("kind")
        # Our own membership changed: decide before forwarding anything more.
        if (
            kind == "membership.changed"
            and message.get("member") == self.username
            and not await self._still_allowed()
        ):
            return
        await self.send(text_data=message["text"])
        if kind == "project.deleted":
            await self.close(code=CLOSE_NOT_FOUND)
            self.closed = True

    async def _still_allowed(self) -> bool:
        user = self.scope.get("user")
        try:
            role, _ = await database_sync_to_async(self._recheck)(user, Action.SUBSCRIBE)
        except exceptions.APIException as exc:
            await self._lost_access(str(exc))
            return False
        if role != self.role:
            self.role = role
            await self.send_json({"type": "role", "role": role})
            if not permissions.role_allows(role, Action.ANNOUNCE):
                await self._withdraw("left")
            elif self.lock and not permissions.role_allows(role, Action.EDIT_DATA):
                self.lock = None
                await self._group({"type": "project.presence", "event": self._presence()})
        return True

    async def project_presence(self, message: dict[str, Any]) -> None:
        if not self.closed and message.get("sender") != self.channel_name:
            await self.send_json(message["event"])

    async def presence_query(self, message: dict[str, Any]) -> None:
        if self.closed or message.get("sender") == self.channel_name or self.where is None:
            return
        await self.channel_layer.send(
            message["reply_to"], {"type": "project.presence", "event": self._presence()}
        )
