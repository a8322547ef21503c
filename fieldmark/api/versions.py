"""The version a write was based on, shared by every API that writes versioned documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rest_framework.request import Request

from fieldmark.api.errors import DomainError
from fieldmark.api.parsers import INT64_MAX

# Longer than any 64-bit number: ``int()`` is not even tried (it refuses 4,300 digits itself).
_MAX_DIGITS: Final = len(str(INT64_MAX))


def _invalid(detail: str) -> DomainError:
    return DomainError("invalid", detail, field="version")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _checked(number: int) -> int:
    if number < 0:
        raise _invalid(f"version must be a non-negative integer, got {number}.")
    if number > INT64_MAX:
        raise _invalid(f"version must be at most {INT64_MAX}.")
    return number


def expected_version(request: Request, body: Mapping[str, Any]) -> int:
    """``version`` in the body, else the If-Match header (``"3"`` or ``W/"3"``).

    A missing, non-integer, negative or beyond-64-bit version is a 400 naming ``version``, never
    a 500.
    """
    value = body.get("version")
    if value is not None:
        if isinstance(value, bool):
            raise _invalid(f"version must be a non-negative integer, got {value!r}.")
        if isinstance(value, int):
            return _checked(value)
        if isinstance(value, str) and _digits(value.strip()):
            if len(value.strip()) > _MAX_DIGITS:
                raise _invalid(f"version must be at most {INT64_MAX}.")
            return _checked(int(value.strip()))
        raise _invalid(f"version must be a non-negative integer, got {value!r}.")
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise _invalid("Say which version you edited: `version` in the body or If-Match.")
    tag = header.strip().removeprefix("W/").strip('"')
    if not _digits(tag):
        raise _invalid(f'If-Match must name a version like "3", got {header.strip()!r}.')
    if len(tag) > _MAX_DIGITS:
        raise _invalid(f"version must be at most {INT64_MAX}.")
    return _checked(int(tag))
