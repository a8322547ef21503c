"""Schemathesis over every operation of the OpenAPI schema, against the real WSGI application:
no server errors, no response that breaks the schema, no schema-violating request accepted.

Operations are taken from the schema itself, so endpoints added later are covered without
touching this test. Examples are bounded (``EXAMPLES`` positive and ``NEGATIVE`` schema-violating
ones per operation) to keep the run near two minutes on a busy 2-core machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

# Resumable chunks are raw bytes like any octet stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

EXAMPLES = 2
NEGATIVE = 1
# /api/health asks every service (the broker check alone takes seconds here) and answers from
# their live state; tests/platform/test_health.py covers it.
SKIPPED = {"/api/health"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _run(operation: Any, mode: GenerationMode, count: int, headers: dict[str, str],
         fixed: dict[str, Any], failures: list[str]) -> None:  # fmt: skip
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
    params = {k: v for k, v in fixed.items() if k in _path_names(operation)}
    if operation.method.upper() == "DELETE":
        # Deleting the fixed project or text itself would leave nothing for later operations.
        last = operation.path.rstrip("/").rsplit("/", 1)[-1].strip("{}")
        params.pop(last, None)

    @settings(max_examples=count, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=params or None))
    def one(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    try:
        one()
    except Unsatisfiable:
        return  # nothing of this operation can be made schema-violating (no input)
    except (Exception, BaseExceptionGroup) as exc:  # collected, then reported together
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        failures.append(f"{operation.label} [{mode.value}]: {' | '.join(lines[:8])[:700]}")


def _path_names(operation: Any) -> set[str]:
    return {p.name for p in operation.path_parameters}


@contextmanager
def keep_connection() -> Iterator[None]:
    """Django's WSGI handler closes the database connection after each request, which would
    close the test's transaction; the test client disconnects that handler the same way (and
    connects it again when its request ends, so this wraps only the WSGI calls)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.timeout(1200)
def test_every_operation_conforms(team: Any, as_user: Any, mongo_db: Any) -> None:
    manager = as_user(team.manager)
    text = manager.post("/api/v1/projects/lezgi/texts/", {"title": "T"}, format="json").json()
    token = Token.objects.create(user=team.owner)
    headers = {"Authorization": f"Token {token.key}"}

    with keep_connection():
        failures, operations = _run_all(
            headers,
            {"slug": "lezgi", "text_id": text["id"]},
            lambda: Token.objects.get_or_create(user=team.owner, defaults={"key": token.key}),
        )

    assert operations > 50
    assert not failures, f"{len(failures)} operations fail:\n" + "\n".join(failures)


def _run_all(
    headers: dict[str, str], fixed: dict[str, Any], restore: Any
) -> tuple[list[str], int]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED:
            continue
        operations += 1
        restore()  # an operation may have revoked the token (DELETE auth/token/)
        _run(operation, GenerationMode.POSITIVE, EXAMPLES, headers, fixed, failures)
        _run(operation, GenerationMode.NEGATIVE, NEGATIVE, headers, fixed, failures)
    return failures, operations
