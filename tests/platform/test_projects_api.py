"""Projects, members, invitations and the audit log through the REST API, with bad input."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from fieldmark.projects.models import AuditEntry, Invitation, Membership, Project

pytestmark = pytest.mark.django_db


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error", "detail", "fields"}, body
    return dict(body)


def test_create_project_makes_the_creator_owner(make_user: Any, as_user: Any) -> None:
    alice = make_user("alice")

    response = as_user(alice).post(
        "/api/v1/projects/",
        {"name": "Enggano dictionary", "object_languages": ["eno", "stan1293", "eno"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "enggano-dictionary"
    assert body["object_languages"] == ["eno", "stan1293"]
    assert body["visibility"] == "private"
    assert body["my_role"] == "owner"
    assert body["member_count"] == 1
    project = Project.objects.get(slug="enggano-dictionary")
    assert Membership.objects.get(project=project).user == alice
    assert AuditEntry.objects.get(project=project).action == "project.created"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"name": "Other", "slug": "lezgi"}, "slug", "slug_taken"),
        ({"name": "Bad", "slug": "Not A Slug"}, "slug", "invalid"),
        ({"name": "Bad", "object_languages": ["english"]}, "object_languages.0", "invalid"),
        ({"name": "Bad", "visibility": "secret"}, "visibility", "invalid"),
        ({"slug": "no-name"}, "name", "invalid"),
    ],
)
def test_bad_project_input_names_the_field_and_creates_nothing(
    team: Any, as_user: Any, payload: dict[str, Any], field: str, code: str
) -> None:
    count = Project.objects.count()

    response = as_user(team.owner).post("/api/v1/projects/", payload, format="json")

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == code
    assert field in body["fields"]
    assert Project.objects.count() == count


def test_malformed_json_is_a_400_in_the_error_shape(team: Any, as_user: Any) -> None:
    response = as_user(team.owner).generic(
        "PATCH", "/api/v1/projects/lezgi/", '{"name": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert error(response)["error"] == "parse_error"
    assert Project.objects.get(slug="lezgi").name == "Lezgi corpus"


def test_slug_cannot_be_changed_and_unknown_fields_are_named(team: Any, as_user: Any) -> None:
    client = as_user(team.owner)

    renamed = client.patch("/api/v1/projects/lezgi/", {"slug": "other"}, format="json")
    unknown = client.patch("/api/v1/projects/lezgi/", {"colour": "red"}, format="json")

    assert renamed.status_code == 400 and "slug" in error(renamed)["fields"]
    assert unknown.status_code == 400 and "colour" in error(unknown)["fields"]
    assert Project.objects.filter(slug="lezgi").exists()


def test_settings_change_is_audited_with_old_and_new(team: Any, as_user: Any) -> None:
    response = as_user(team.manager).patch(
        "/api/v1/projects/lezgi/", {"description": "Texts from Dagestan"}, format="json"
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.filter(project=team.project).first()
    assert entry is not None
    assert entry.action == "project.updated"
    assert entry.actor == team.manager
    assert entry.detail == {"changes": {"description": {"old": "", "new": "Texts from Dagestan"}}}


def test_unknown_role_is_refused(team: Any, as_user: Any) -> None:
    response = as_user(team.owner).patch(
        "/api/v1/projects/lezgi/members/viewer/", {"role": "emperor"}, format="json"
    )

    assert response.status_code == 400
    assert "role" in error(response)["fields"]
    assert Membership.objects.get(project=team.project, user=team.viewer).role == "viewer"


def test_last_owner_cannot_be_demoted_removed_or_leave(team: Any, as_user: Any) -> None:
    client = as_user(team.owner)
    before = list(Membership.objects.order_by("pk").values())

    demote = client.patch(
        "/api/v1/projects/lezgi/members/owner/", {"role": "viewer"}, format="json"
    )
    remove = client.delete("/api/v1/projects/lezgi/members/owner/")
    leave = client.post("/api/v1/projects/lezgi/leave/")

    assert [r.status_code for r in (demote, remove, leave)] == [400, 400, 400]
    assert {error(r)["error"] for r in (demote, remove, leave)} == {"last_owner"}
    assert list(Membership.objects.order_by("pk").values()) == before


def test_a_second_owner_lets_the_first_leave(team: Any, as_user: Any) -> None:
    client = as_user(team.owner)
    assert (
        client.patch(
            "/api/v1/projects/lezgi/members/manager/", {"role": "owner"}, format="json"
        ).status_code
        == 200
    )

    assert client.post("/api/v1/projects/lezgi/leave/").status_code == 204
    assert not Membership.objects.filter(project=team.project, user=team.owner).exists()


def test_managers_cannot_grant_or_take_the_owner_role(team: Any, as_user: Any) -> None:
    client = as_user(team.manager)
    before = list(Membership.objects.order_by("pk").values())

    promote = client.patch(
        "/api/v1/projects/lezgi/members/viewer/", {"role": "owner"}, format="json"
    )
    remove_owner = client.delete("/api/v1/projects/lezgi/members/owner/")
    invite_owner = client.post(
        "/api/v1/projects/lezgi/invitations/",
        {"invitee": "outsider", "role": "owner"},
        format="json",
    )

    assert [promote.status_code, remove_owner.status_code, invite_owner.status_code] == [
        403,
        403,
        403,
    ]
    assert list(Membership.objects.order_by("pk").values()) == before
    assert not Invitation.objects.exists()


def test_invitation_by_username_is_accepted_by_the_invitee(team: Any, as_user: Any) -> None:
    invited = as_user(team.manager).post(
        "/api/v1/projects/lezgi/invitations/",
        {"invitee": "outsider", "role": "annotator"},
        format="json",
    )
    assert invited.status_code == 201, invited.content
    invitation_id = invited.json()["id"]
    assert invited.json()["invitee"] == "outsider"

    mine = as_user(team.outsider).get("/api/v1/invitations/").json()
    assert [(i["id"], i["project"]["slug"], i["role"]) for i in mine["results"]] == [
        (invitation_id, "lezgi", "annotator")
    ]
    # Nobody else can accept it.
    assert (
        as_user(team.viewer).post(f"/api/v1/invitations/{invitation_id}/accept/").status_code == 404
    )

    accepted = as_user(team.outsider).post(f"/api/v1/invitations/{invitation_id}/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["my_role"] == "annotator"
    assert Membership.objects.get(project=team.project, user=team.outsider).role == "annotator"
    assert Invitation.objects.get(id=invitation_id).status == "accepted"
    actions = list(AuditEntry.objects.filter(project=team.project).values_list("action", flat=True))
    assert actions[:2] == ["invitation.accepted", "member.invited"]


def test_invitation_by_email_waits_for_the_account(
    team: Any,
    as_user: Any,
    make_user: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(team.owner).post(
            "/api/v1/projects/lezgi/invitations/",
            {"invitee": "Newcomer@Example.org", "role": "viewer"},
            format="json",
        )
    assert response.status_code == 201
    newcomer = make_user("newcomer", email="newcomer@example.org")
    token = unquote(mailoutbox[0].body.split("?token=")[1].split()[0])
    claimed = as_user(newcomer).post("/api/v1/invitations/claim/", {"token": token}, format="json")
    assert claimed.status_code == 200

    pending = as_user(newcomer).get("/api/v1/invitations/").json()["results"]
    declined = as_user(newcomer).post(f"/api/v1/invitations/{pending[0]['id']}/decline/")

    assert declined.status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    assert Invitation.objects.get().status == "declined"


@pytest.mark.parametrize(
    ("invitee", "field_error"),
    [("nobody-by-that-name", "unknown_user"), ("viewer", "already_member"), ("x@", "invalid")],
)
def test_bad_invitations_are_refused(
    team: Any, as_user: Any, invitee: str, field_error: str
) -> None:
    response = as_user(team.owner).post(
        "/api/v1/projects/lezgi/invitations/",
        {"invitee": invitee, "role": "viewer"},
        format="json",
    )

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == field_error
    assert "invitee" in body["fields"]
    assert not Invitation.objects.exists()


def test_duplicate_pending_invitation_is_refused(team: Any, as_user: Any) -> None:
    client = as_user(team.owner)
    payload = {"invitee": "outsider", "role": "viewer"}
    assert (
        client.post("/api/v1/projects/lezgi/invitations/", payload, format="json").status_code
        == 201
    )

    again = client.post("/api/v1/projects/lezgi/invitations/", payload, format="json")

    assert again.status_code == 400
    assert error(again)["error"] == "already_invited"
    assert Invitation.objects.count() == 1


def test_revoked_invitation_can_no_longer_be_accepted(team: Any, as_user: Any) -> None:
    created = (
        as_user(team.owner)
        .post(
            "/api/v1/projects/lezgi/invitations/",
            {"invitee": "outsider", "role": "viewer"},
            format="json",
        )
        .json()
    )
    assert (
        as_user(team.manager)
        .delete(f"/api/v1/projects/lezgi/invitations/{created['id']}/")
        .status_code
        == 204
    )

    response = as_user(team.outsider).post(f"/api/v1/invitations/{created['id']}/accept/")

    assert response.status_code == 404
    assert not Membership.objects.filter(user=team.outsider).exists()


def test_audit_log_lists_membership_changes_newest_first(team: Any, as_user: Any) -> None:
    client = as_user(team.owner)
    client.patch("/api/v1/projects/lezgi/members/viewer/", {"role": "annotator"}, format="json")
    client.delete("/api/v1/projects/lezgi/members/annotator/")

    entries = client.get("/api/v1/projects/lezgi/audit/").json()["results"]

    assert [(e["action"], e["actor"]) for e in entries] == [
        ("member.removed", "owner"),
        ("member.role_changed", "owner"),
        ("project.created", "owner"),
    ]
    assert entries[1]["detail"] == {"username": "viewer", "old": "viewer", "new": "annotator"}


def test_member_list_is_paginated_without_n_plus_one(
    team: Any, as_user: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        Membership.objects.create(project=team.project, user=make_user(f"u{n}"), role="viewer")
    client = as_user(team.viewer)

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/projects/lezgi/members/?page_size=20").json()

    assert body["count"] == 34
    assert len(body["results"]) == 20
    assert body["results"][0] == {
        "username": "owner",
        "email": "owner@example.org",
        "role": "owner",
        "joined_at": body["results"][0]["joined_at"],
    }


def test_project_list_query_count_does_not_grow(
    make_user: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from fieldmark.projects import services

    alice = make_user("alice")
    for n in range(25):
        services.create_project(alice, {"name": f"Corpus {n}"})

    with django_assert_max_num_queries(4):
        body = as_user(alice).get("/api/v1/projects/").json()

    assert body["count"] == 25
    assert {p["my_role"] for p in body["results"]} == {"owner"}


@pytest.mark.django_db(transaction=True)
def test_deleting_a_project_removes_its_documents_everywhere(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    from fieldmark.projects.signals import project_deleted
    from fieldmark.storage import mongo

    mongo.register_indexes("probe_purge", [])
    mongo_db["probe_purge"].insert_many([{"project": team.project.pk}, {"project": 999}])
    heard: list[int] = []

    def listener(sender: Any, project_id: int, **kwargs: Any) -> None:
        heard.append(project_id)

    project_deleted.connect(listener)
    try:
        response = as_user(team.owner).delete("/api/v1/projects/lezgi/")
    finally:
        project_deleted.disconnect(listener)

    assert response.status_code == 204
    assert heard == [team.project.pk]
    assert [d["project"] for d in mongo_db["probe_purge"].find({}, {"_id": 0})] == [999]
    assert not Membership.objects.filter(project_id=team.project.pk).exists()
