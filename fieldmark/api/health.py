"""``/api/health``: each component ok or failing with the reason."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldmark import supervisor
from fieldmark.storage import mongo, rdf


def _sql() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    from fieldmark.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


def _channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("health.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "health.check", "token": token})
        message = await layer.receive(channel)
        if message.get("token") != token:
            raise RuntimeError("the channel layer returned a different message")

    async_to_sync(round_trip)()


# A check raises when its component fails; one may return details for its line (the RDF sync's lag).
CHECKS: dict[str, Callable[[], dict[str, Any] | None]] = {
    "sql": _sql,
    "mongo": mongo.ping,
    "rdf_store": rdf.ping,
    "broker": _broker,
    "channel_layer": _channel_layer,
}


def run_checks() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    checks = dict(CHECKS)
    # Only under `make run`: its children, restarted with backoff when one dies.
    if supervisor.STATUS_ENV in os.environ:
        checks["children"] = supervisor.check_children
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as exc:
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
            if isinstance(exc, supervisor.ChildDown):
                results[name]["children"] = exc.children
        else:
            results[name] = {"ok": True, **(details or {})}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


class HealthView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        responses={
            (200, "application/json"): inline_serializer(
                "Health",
                {"status": serializers.CharField(), "components": serializers.DictField()},
            )
        },
        description="200 when every component answers, 503 otherwise.",
    )
    def get(self, request: Request) -> Response:
        components = run_checks()
        healthy = all(item["ok"] for item in components.values())
        return Response(
            {"status": "ok" if healthy else "failing", "components": components},
            status=200 if healthy else 503,
        )
