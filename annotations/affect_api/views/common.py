"""What the affect view modules share: binary content negotiation, OpenAPI parts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)
STALE = OpenApiResponse(description="Stale version: the body's `current` is the document now.")


class FirstRenderer(BaseContentNegotiation):
    """Binary endpoints answer whatever the client accepts (a ``<video>`` element sends
    ``video/*``) and leave ``?format=`` to the view; errors still render as JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, str(first.media_type)


def attachment(filename: str) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)
    return f'attachment; filename="{safe}"'
