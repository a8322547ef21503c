"""What the linguistic view modules share: validation, ETags, paging, file answers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from fieldmark.api.errors import DomainError
from fieldmark.api.pagination import Pagination
from fieldmark.projects.permissions import ProjectScopedMixin

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)


STALE = OpenApiResponse(description="Stale version: the body's `current` is the document now.")


# The bound fields of one instance per (shape, partial), which every request's serializer of that
# shape validates with: a serializer deep-copies its declared fields (and the nested serializers'
# fields) when it first needs them, which was the largest part of a save's validation (a rich
# utterance's words and morphemes). Validation keeps no state on the fields, and these shapes
# have no context and no dynamic ``get_fields``.
_BOUND: dict[tuple[type[Any], bool], Any] = {}


def valid(serializer: Serializer[Any]) -> dict[str, Any]:
    if serializer.instance is None and not serializer._context and "fields" not in vars(serializer):
        key = (type(serializer), bool(serializer.partial))
        template = _BOUND.get(key)
        if template is None:
            template = _BOUND[key] = type(serializer)(partial=serializer.partial)
        vars(serializer)["fields"] = template.fields
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def with_etag(data: Any, doc: dict[str, Any], code: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=code)
    response["ETag"] = f'"{doc["version"]}"'
    return response


class PagedView(ProjectScopedMixin, APIView):
    # Declared so that the schema describes these lists as the pages they are.
    pagination_class = Pagination

    def paged(self, request: Request, items: Any, serializer: type[Serializer[Any]]) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


class AnyRenderer(BaseContentNegotiation):
    """Leave ``?format=`` to the view (it names the export format, not a DRF renderer)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, str(first.media_type)


def file_response(job: Any, content_type: str, filename: str) -> FileResponse:
    path = Path(settings.MEDIA_ROOT) / str(job.result["path"])
    if not path.is_file():
        raise DomainError("not_found", "The job's file is gone.", status_code=404)
    return FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
