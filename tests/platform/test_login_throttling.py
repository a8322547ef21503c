"""Failed sign-ins are counted per real client address (only trusted proxies' X-Forwarded-For
entries count), in SQL shared by every process, for the API sign-in, the API token and the
admin login alike; a locked-out client gets a 429 in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"
LOGIN = "/api/v1/auth/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.FIELDMARK_NUM_PROXIES = 1


def _api(forwarded: str) -> APIClient:
    return APIClient(HTTP_X_FORWARDED_FOR=forwarded)


def test_rotating_x_forwarded_for_does_not_escape_the_count(make_user: Any) -> None:
    make_user("alice")
    bad = {"username": "alice", "password": "wrong"}
    failures = [
        _api(f"10.0.0.{i}, {CLIENT}").post(LOGIN, bad, format="json").status_code
        for i in range(3)
    ]

    locked = _api(f"10.9.9.9, {CLIENT}").post(
        LOGIN, {"username": "alice", "password": "correct horse battery"}, format="json"
    )

    assert failures == [400, 400, 429]  # the third failure reaches the limit
    assert locked.status_code == 429
    assert locked.json() == {
        "error": "throttled",
        "detail": "Too many failed sign-ins from this address; try again in 15 minutes.",
        "fields": {},
    }
    assert locked["Retry-After"] == "900"
    assert "sessionid" not in locked.cookies
    attempt = AccessAttempt.objects.get()
    assert (attempt.ip_address, attempt.failures_since_start) == (CLIENT, 4)  # the locked one too


def test_the_token_endpoint_shares_the_count_and_other_clients_are_not_locked(
    make_user: Any,
) -> None:
    make_user("alice")
    for _ in range(3):
        _api(CLIENT).post(LOGIN, {"username": "alice", "password": "x"}, format="json")
    good = {"username": "alice", "password": "correct horse battery"}

    locked = _api(CLIENT).post(TOKEN, good, format="json")
    other = _api("198.51.100.2").post(TOKEN, good, format="json")

    assert locked.status_code == 429
    assert other.status_code == 200 and len(other.json()["token"]) == 40


def test_admin_login_is_throttled_too(make_user: Any) -> None:
    make_user("root", is_staff=True, is_superuser=True)
    browser = Client(HTTP_X_FORWARDED_FOR=CLIENT)
    pages = [
        browser.post("/admin/login/", {"username": "root", "password": "x"}).status_code
        for _ in range(3)
    ]

    locked = browser.post(
        "/admin/login/", {"username": "root", "password": "correct horse battery"}
    )

    assert pages == [200, 200, 429]  # the form again with its error, then locked
    assert locked.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_without_trusted_proxies_the_header_is_ignored(settings: Any, make_user: Any) -> None:
    settings.FIELDMARK_NUM_PROXIES = 0
    make_user("alice")
    for i in range(3):
        _api(f"10.0.0.{i}").post(LOGIN, {"username": "alice", "password": "x"}, format="json")

    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
