"""Session sign-in for the browser, tokens for API clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fieldmark.projects.models import Project

pytestmark = pytest.mark.django_db


def test_login_me_logout_with_csrf_enforced(make_user: Any) -> None:
    make_user("alice", password="correct horse battery")
    client = APIClient(enforce_csrf_checks=True)
    assert client.get("/api/v1/auth/csrf/").status_code == 204
    csrf = client.cookies["csrftoken"].value

    credentials = {"username": "alice", "password": "correct horse battery"}

    no_csrf = client.post("/api/v1/auth/login/", credentials, format="json")
    with_csrf = client.post(
        "/api/v1/auth/login/", credentials, format="json", HTTP_X_CSRFTOKEN=csrf
    )

    assert no_csrf.status_code == 403
    assert with_csrf.status_code == 200
    assert client.get("/api/v1/auth/me/").json()["username"] == "alice"

    write_without_token = client.post("/api/v1/projects/", {"name": "X"}, format="json")
    csrf = client.cookies["csrftoken"].value
    write_with_token = client.post(
        "/api/v1/projects/", {"name": "X"}, format="json", HTTP_X_CSRFTOKEN=csrf
    )

    assert write_without_token.status_code == 403
    assert write_with_token.status_code == 201
    assert Project.objects.count() == 1
    assert client.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_wrong_password_is_a_400_on_the_password_field(make_user: Any, api: Any) -> None:
    make_user("alice")

    response = api.post(
        "/api/v1/auth/login/", {"username": "alice", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_credentials"
    assert list(response.json()["fields"]) == ["password"]


def test_token_auth_and_a_token_of_another_user(make_user: Any, api: Any) -> None:
    from fieldmark.projects import services

    alice, bob = make_user("alice"), make_user("bob")
    services.create_project(alice, {"name": "Alice's", "slug": "alices"})
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "bob", "password": "correct horse battery"},
        format="json",
    ).json()["token"]
    assert Token.objects.get(user=bob).key == token

    as_bob = APIClient()
    as_bob.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    read = as_bob.get("/api/v1/projects/alices/")
    write = as_bob.patch("/api/v1/projects/alices/", {"name": "Bob's now"}, format="json")
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert read.status_code == 404
    assert write.status_code == 404
    assert forged.get("/api/v1/projects/").status_code == 401
    assert forged.get("/api/v1/projects/").json()["error"] == "authentication_failed"
    assert Project.objects.get(slug="alices").name == "Alice's"


def test_register_validates_and_signs_in(api: Any, make_user: Any) -> None:
    make_user("taken", email="taken@example.org")

    weak = api.post(
        "/api/v1/auth/register/",
        {"username": "new", "email": "n@example.org", "password": "123"},
        format="json",
    )
    duplicate = api.post(
        "/api/v1/auth/register/",
        {"username": "Taken", "email": "TAKEN@example.org", "password": "a long passphrase"},
        format="json",
    )
    good = api.post(
        "/api/v1/auth/register/",
        {"username": "newbie", "email": "Newbie@Example.org", "password": "a long passphrase"},
        format="json",
    )

    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    assert duplicate.status_code == 400
    assert set(duplicate.json()["fields"]) == {"username", "email"}
    assert good.status_code == 201
    assert api.get("/api/v1/auth/me/").json()["email"] == "newbie@example.org"
    assert get_user_model().objects.count() == 2


def test_openapi_schema_describes_every_endpoint(api: Any) -> None:
    response = api.get("/api/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{slug}/",
        "/api/v1/projects/{slug}/members/",
        "/api/v1/projects/{slug}/members/{username}/",
        "/api/v1/projects/{slug}/invitations/",
        "/api/v1/invitations/{invitation_id}/accept/",
        "/api/v1/projects/{slug}/audit/",
        "/api/v1/jobs/{job_id}/",
        "/api/health",
        "/api/v1/auth/login/",
    ):
        assert path in paths, path


def test_unknown_api_path_is_json_404(api: Any) -> None:
    response = api.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
