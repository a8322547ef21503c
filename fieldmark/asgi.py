"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
django.setup(set_prefix=False)

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
