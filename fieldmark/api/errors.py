"""One error shape for the whole API: ``{"error": code, "detail": message, "fields": {...}}``.

Services raise :class:`DomainError`; DRF raises its own exceptions; both are turned into that
shape here and nowhere else.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from pymongo.errors import PyMongoError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A request that breaks a rule of the domain (not a bug): reported as a 4xx."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        field: str | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.fields: dict[str, list[str]] = {field: [detail]} if field else {}
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}


class Conflict(DomainError):
    """A write named a version that is no longer current; ``extra`` carries the current one."""

    status_code: int = status.HTTP_409_CONFLICT


def error_body(
    code: str, detail: str, fields: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": code, "detail": detail, "fields": fields or {}, **extra}


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested validation errors into ``{"a.b.0.c": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            out[prefix or "non_field_errors"] = [str(item) for item in data]
        else:
            for index, item in enumerate(data):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(data)]
    return out


def invalid(errors: Any) -> DomainError:
    """DRF validation errors as the DomainError naming the first offending field (for checks
    that run outside a view, such as a merged document's)."""
    fields = _flatten(errors)
    field, messages = next(iter(fields.items()), ("non_field_errors", ["invalid"]))
    error = DomainError("invalid", f"{field}: {messages[0]}", field=field)
    error.fields = fields
    return error


_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.ParseError: "parse_error",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.NotAcceptable: "not_acceptable",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.detail, exc.fields, **exc.extra)
        return Response(body, status=exc.status_code)
    outage = store_outage(exc)
    if outage is not None:
        return outage
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", ["invalid input"]))
        detail = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        response.data = error_body("invalid", detail, fields)
        return response
    code = _CODES.get(type(exc)) or str(getattr(exc, "default_code", "error"))
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    response.data = error_body(code, str(detail))
    return response


# A store that is down or too slow is not a bug in the request: a 503 the client may retry.
# The RDF store is reached over HTTP (rdflib's SPARQL store uses urllib).
_RDF_ERRORS: tuple[type[BaseException], ...] = (urllib.error.URLError, http.client.HTTPException)
RETRY_AFTER_S = 5


def store_outage(exc: BaseException) -> Response | None:
    """The 503 for an error of the document store or the RDF store, else None."""
    if isinstance(exc, PyMongoError):
        store, code = "document store (MongoDB)", "store_unavailable"
    elif isinstance(exc, _RDF_ERRORS):
        store, code = "linked-data store", "rdf_store_unavailable"
    elif isinstance(exc, TimeoutError | ConnectionError):
        store, code = "storage service", "store_unavailable"
    else:
        return None
    logger.error("%s error: %s", store, exc, exc_info=exc)
    detail = f"The {store} is not answering; try again in a moment."
    response = Response(error_body(code, detail), status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def json_error(request: HttpRequest, code: str, detail: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status_code)
