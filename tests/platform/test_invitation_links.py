"""An invitation by email is bound to whoever opens the link mailed to that address: an account
that merely claims the address (case or otherwise) neither sees nor accepts it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing

from fieldmark.projects.invitation_links import SALT
from fieldmark.projects.models import AuditEntry, Invitation, Membership

pytestmark = pytest.mark.django_db

INVITE = "/api/v1/projects/lezgi/invitations/"
CLAIM = "/api/v1/invitations/claim/"


@pytest.fixture
def invited(
    team: Any, as_user: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(team.owner).post(
            INVITE, {"invitee": "newcolleague@uni.example", "role": "manager"}, format="json"
        )
    assert response.status_code == 201
    return Invitation.objects.get(id=response.json()["id"])


def _token(mail: Any) -> str:
    url = next(word for word in mail.body.split() if "?token=" in word)
    assert url.startswith("http://127.0.0.1:8000/invitations?")
    return str(parse_qs(urlparse(url).query)["token"][0])


def test_an_account_with_the_address_in_other_case_cannot_take_it(
    team: Any, as_user: Any, make_user: Any, invited: Any
) -> None:
    thief = make_user("thief", email="NewColleague@uni.example")
    client = as_user(thief)

    listed = client.get("/api/v1/invitations/").json()
    accepted = client.post(f"/api/v1/invitations/{invited.id}/accept/")

    assert listed["count"] == 0
    assert accepted.status_code == 404
    assert not Membership.objects.filter(user=thief).exists()
    assert Invitation.objects.get(id=invited.id).status == "pending"


def test_an_existing_account_with_that_address_is_not_bound_either(
    team: Any, as_user: Any, make_user: Any, mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    registered = make_user("registered", email="someone@uni.example")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(team.owner).post(
            INVITE, {"invitee": "Someone@uni.example", "role": "viewer"}, format="json"
        )

    assert Invitation.objects.get().user is None
    assert as_user(registered).get("/api/v1/invitations/").json()["count"] == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["someone@uni.example"]


def test_the_mailed_link_binds_the_invitation_to_who_opens_it(
    team: Any, as_user: Any, make_user: Any, invited: Any, mailoutbox: Any
) -> None:
    colleague = make_user("colleague", email="")
    client = as_user(colleague)
    token = _token(mailoutbox[0])

    claimed = client.post(CLAIM, {"token": token}, format="json")
    again = client.post(CLAIM, {"token": token}, format="json")
    listed = client.get("/api/v1/invitations/").json()["results"]
    accepted = client.post(f"/api/v1/invitations/{invited.id}/accept/")

    assert mailoutbox[0].to == ["newcolleague@uni.example"]
    assert mailoutbox[0].subject == "Invitation to Lezgi corpus on Fieldmark"
    assert claimed.status_code == 200 and again.status_code == 200
    assert claimed.json()["id"] == str(invited.id) and claimed.json()["role"] == "manager"
    assert [item["id"] for item in listed] == [str(invited.id)]
    assert accepted.status_code == 200
    assert Membership.objects.get(project=team.project, user=colleague).role == "manager"
    assert AuditEntry.objects.filter(action="invitation.claimed").count() == 1


def test_a_link_opened_by_someone_else_first_is_a_409(
    team: Any, as_user: Any, make_user: Any, invited: Any, mailoutbox: Any
) -> None:
    token = _token(mailoutbox[0])
    as_user(make_user("first")).post(CLAIM, {"token": token}, format="json")

    second = as_user(make_user("second")).post(CLAIM, {"token": token}, format="json")

    assert second.status_code == 409
    assert second.json()["error"] == "already_claimed"
    assert Invitation.objects.get(id=invited.id).user.username == "first"


@pytest.mark.parametrize("kind", ["tampered", "other-address", "revoked"])
def test_bad_links_change_nothing(
    team: Any, as_user: Any, make_user: Any, invited: Any, mailoutbox: Any, kind: str
) -> None:
    token = _token(mailoutbox[0])
    if kind == "tampered":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif kind == "other-address":
        token = signing.dumps({"i": str(invited.id), "e": "thief@uni.example"}, salt=SALT)
    else:
        as_user(team.owner).delete(f"{INVITE}{invited.id}/")

    response = as_user(make_user("x")).post(CLAIM, {"token": token}, format="json")

    expected = {"tampered": 400, "other-address": 404, "revoked": 404}[kind]
    assert response.status_code == expected
    assert Invitation.objects.get(id=invited.id).user is None
