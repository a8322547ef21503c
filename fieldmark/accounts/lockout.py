"""Sign-in throttling with django-axes: who the client is, and what a locked-out client sees.

Failed sign-ins are counted per client address in SQL (``axes.handlers.database``), so every web
process of a deployment shares the count; the API sign-in, the API token and ``/admin/login/``
all authenticate through ``AxesStandaloneBackend`` and so share it too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fieldmark.api.errors import error_body


def client_ip(request: HttpRequest) -> str:
    """The address of the client as the outermost of ``FIELDMARK_NUM_PROXIES`` trusted proxies
    saw it: the entry that proxy appended to X-Forwarded-For, counted from the right.

    Entries further left were written by the client and can be anything, so rotating them
    changes nothing; with no trusted proxy the header is ignored altogether.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.FIELDMARK_NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any) -> HttpResponse:
    """429 in the API's error shape, with the cool-off in Retry-After."""
    minutes = settings.FIELDMARK_LOGIN_COOLOFF_MINUTES
    detail = f"Too many failed sign-ins from this address; try again in {minutes} minutes."
    response = JsonResponse(error_body("throttled", detail), status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
