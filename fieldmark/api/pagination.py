from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from fieldmark.api.errors import DomainError

_M = TypeVar("_M", bound=Model)
_R = TypeVar("_R")


def _positive(request: Request, name: str) -> int | None:
    """``?name=`` as a positive integer, None when absent; anything else is a 400 naming it
    (DRF would quietly fall back to a default for ``page_size=null`` or ``page_size=-1``)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise DomainError("invalid", f"{name} must be a positive integer, got {raw!r}.", field=name)
    return int(value)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(
        self, queryset: QuerySet[_M, _R], request: Request, view: APIView | None = None
    ) -> list[_R] | None:
        _positive(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        size = _positive(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        return min(size, self.max_page_size)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["count", "next", "previous", "results"]
        return paged
