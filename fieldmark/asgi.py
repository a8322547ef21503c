"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
django.setup(set_prefix=False)

from django.urls import get_resolver  # noqa: E402

# Import every view now, before the server accepts: otherwise a process's first request does it
# (0.4 s idle, seconds under load) in the request's own thread, beside whatever comes next.
get_resolver().url_patterns  # noqa: B018

from fieldmark.streaming import StreamingASGIHandler  # noqa: E402

# Django's own handler reads a streamed response to the end before sending it (fieldmark.streaming).
django_asgi_app = StreamingASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from fieldmark.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
