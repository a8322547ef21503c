"""The shared version parsing of versioned writes: body ``version``, else If-Match."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from fieldmark.api.errors import DomainError
from fieldmark.api.versions import expected_version


def request(if_match: str | None = None) -> Request:
    extra = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    return Request(APIRequestFactory().put("/x", **extra))


@pytest.mark.parametrize(
    ("body", "header", "version"),
    [
        ({"version": 3}, None, 3),
        ({"version": "4"}, None, 4),
        ({"version": 0}, None, 0),
        ({"version": 5}, '"9"', 5),
        ({}, '"3"', 3),
        ({}, 'W/"3"', 3),
        ({}, "7", 7),
        ({"version": None}, ' W/"12" ', 12),
    ],
)
def test_version_from_body_then_if_match(body: dict[str, Any], header: str | None, version: int):
    assert expected_version(request(header), body) == version


@pytest.mark.parametrize(
    ("body", "header", "detail"),
    [
        ({}, None, "Say which version you edited: `version` in the body or If-Match."),
        ({"version": "abc"}, None, "version must be a non-negative integer, got 'abc'."),
        ({"version": -1}, None, "version must be a non-negative integer, got -1."),
        ({"version": "-2"}, None, "version must be a non-negative integer, got '-2'."),
        ({"version": 1.5}, None, "version must be a non-negative integer, got 1.5."),
        ({"version": True}, None, "version must be a non-negative integer, got True."),
        ({}, '"abc"', 'If-Match must name a version like "3", got \'"abc"\'.'),
        ({}, 'W/"-1"', 'If-Match must name a version like "3", got \'W/"-1"\'.'),
    ],
)
def test_bad_version_is_a_400_naming_version(
    body: dict[str, Any], header: str | None, detail: str
) -> None:
    with pytest.raises(DomainError) as info:
        expected_version(request(header), body)
    error = info.value
    assert (error.code, error.status_code, error.detail) == ("invalid", 400, detail)
    assert error.fields == {"version": [detail]}


@pytest.mark.django_db
def test_a_non_integer_version_on_the_wire_is_a_400_not_a_500(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    """The linguistic API shares the parser: a text delete with ``?version=abc``."""
    client = as_user(team.manager)
    response = client.delete("/api/v1/projects/lezgi/texts/nope/?version=abc")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": "version must be a non-negative integer, got 'abc'.",
        "fields": {"version": ["version must be a non-negative integer, got 'abc'."]},
    }
