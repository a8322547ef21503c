"""The project websocket: one JSON consumer per browser tab and project."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from rest_framework import exceptions

from fieldmark.projects import permissions
from fieldmark.projects.models import Project
from fieldmark.projects.permissions import Action
from fieldmark.realtime.events import project_group

# Close codes in the 4000 range carry the HTTP meaning to the browser.
CLOSE_NOT_FOUND = 4404
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403

# Each client message type names the action it needs; unknown types are refused.
MESSAGE_ACTIONS: dict[str, Action] = {
    "ping": Action.SUBSCRIBE,
    "presence": Action.SUBSCRIBE,
}


class ProjectConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    group: str | None = None

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
        self.group = project_group(self.project.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {
                "type": "hello",
                "project": self.project.slug,
                "role": self.role,
                "id": self.channel_name,
            }
        )

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "error": "invalid", "detail": "expected {type}"})
            return
        kind = content["type"]
        action = MESSAGE_ACTIONS.get(kind)
        if action is None:
            await self.send_json(
                {"type": "error", "error": "unknown_type", "detail": f"unknown type {kind!r}"}
            )
            return
        # Roles can change while a socket is open: check on every message, not only at connect.
        user = self.scope.get("user")
        try:
            await database_sync_to_async(self._recheck)(user, action)
        except exceptions.APIException as exc:
            await self.send_json(
                {"type": "error", "error": "permission_denied", "detail": str(exc)}
            )
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "presence" and self.group:
            await self.channel_layer.group_send(
                self.group,
                {
                    "type": "project.event",
                    "event": {
                        "type": "presence",
                        "user": getattr(user, "username", ""),
                        "where": str(content.get("where", ""))[:200],
                    },
                    "origin": self.channel_name,
                },
            )

    def _recheck(self, user: Any, action: Action) -> None:
        permissions.forget_roles(user)
        try:
            self.project.refresh_from_db()
        except Project.DoesNotExist:
            raise exceptions.NotFound("The project was deleted.") from None
        permissions.check(user, self.project, action)

    async def project_event(self, message: dict[str, Any]) -> None:
        if message.get("origin") and message["origin"] == self.channel_name:
            return
        await self.send_json(message["event"])
