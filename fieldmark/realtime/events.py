"""Events follow the data: a change made anywhere is broadcast once, after its transaction
commits, to the project's group; consumers forward it to every subscribed browser except the one
that made it (named by ``origin``).
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


def send_now(project_id: int, event_type: str, payload: dict[str, Any], origin: str = "") -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "project.event", "event": {"type": event_type, **payload}, "origin": origin}
    try:
        async_to_sync(layer.group_send)(project_group(project_id), message)
    except Exception:  # a broken channel layer must not fail the write that already committed
        logger.exception("could not broadcast %s to project %s", event_type, project_id)


def broadcast(project_id: int, event_type: str, payload: dict[str, Any], origin: str = "") -> None:
    """Send ``{"type": event_type, **payload}`` to the project's subscribers after commit."""
    transaction.on_commit(lambda: send_now(project_id, event_type, payload, origin))
