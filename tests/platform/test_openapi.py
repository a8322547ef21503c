"""The OpenAPI schema is the contract the frontend and API clients use: it must build cleanly."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_schema_generates_and_validates_without_warnings() -> None:
    out = io.StringIO()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )

    assert '"openapi": "3.0.3"' in out.getvalue()
