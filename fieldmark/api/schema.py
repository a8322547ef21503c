"""OpenAPI postprocessing: every operation documents the error responses the API can give.

Errors come from one place (``fieldmark/api/errors.py``) in one shape, so they are documented in
one place too rather than on each view: 401 and 403 from authentication and the role check, 404
for what the caller may not see, 429 from throttling and the job limit, 503 when a store does not
answer, 400 where the operation takes input, and ``default`` for the rest (409 conflicts carry
the current document; 413 for uploads).
"""

from __future__ import annotations

from typing import Any, Final

ERROR_SCHEMA: Final = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {
        "error": {"type": "string", "description": "A stable code, e.g. `invalid`."},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["error", "detail", "fields"],
    "additionalProperties": True,
}
_DESCRIPTIONS: Final = {
    "400": "Invalid input; `fields` names what is wrong.",
    "401": "Not signed in, or a bad token.",
    "403": "Signed in, but the role does not allow it.",
    "404": "No such resource, or one the caller may not see.",
    "429": "Throttled, or too many jobs running.",
    "503": "A store is not answering; retry after `Retry-After` seconds.",
    "default": "An error, in the one error shape.",
}
_METHODS: Final = ("get", "put", "post", "patch", "delete")


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["401", "403", "404", "429", "503", "default"]
            if operation.get("parameters") or operation.get("requestBody"):
                codes.insert(0, "400")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
