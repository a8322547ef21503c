"""The version a write was based on, shared by every API that writes versioned documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from rest_framework.request import Request

from fieldmark.api.errors import DomainError

_DIGITS: Final = re.compile(r"[0-9]+")


def _invalid(detail: str) -> DomainError:
    return DomainError("invalid", detail, field="version")


def expected_version(request: Request, body: Mapping[str, Any]) -> int:
    """``version`` in the body, else the If-Match header (``"3"`` or ``W/"3"``).

    A missing, non-integer or negative version is a 400 naming ``version``, never a 500.
    """
    value = body.get("version")
    if value is not None:
        if isinstance(value, bool):
            raise _invalid(f"version must be a non-negative integer, got {value!r}.")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            number = int(value.strip())
        else:
            raise _invalid(f"version must be a non-negative integer, got {value!r}.")
        if number < 0:
            raise _invalid(f"version must be a non-negative integer, got {number}.")
        return number
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise _invalid("Say which version you edited: `version` in the body or If-Match.")
    tag = header.strip().removeprefix("W/").strip('"')
    if not _DIGITS.fullmatch(tag):
        raise _invalid(f'If-Match must name a version like "3", got {header.strip()!r}.')
    return int(tag)
