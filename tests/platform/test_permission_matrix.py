"""Every project endpoint × every role (owner, manager, annotator, viewer, outsider, anonymous).

An allowed call gets its exact success status; a denied one gets 401/403/404 in the one error
shape, and the SQL state of projects, members, invitations, audit log and jobs is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from fieldmark.jobs.models import Job
from fieldmark.projects.models import AuditEntry, Invitation, Membership, Project
from mlworkers.models import ModelVersion, Schedule, SuggestionFeedback, TrainingRun

ALL = ("owner", "manager", "annotator", "viewer", "outsider", "anonymous")


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    allowed: dict[str, int]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def members_ok(status: int) -> dict[str, int]:
    return {role: status for role in ("owner", "manager", "annotator", "viewer")}


def annotators_ok(status: int) -> dict[str, int]:
    return {role: status for role in ("owner", "manager", "annotator")}


def managers_ok(status: int) -> dict[str, int]:
    return {"owner": status, "manager": status}


CASES = [
    Case("get", "/api/v1/projects/lezgi/", members_ok(200)),
    Case("patch", "/api/v1/projects/lezgi/", managers_ok(200), {"description": "changed"}),
    Case("delete", "/api/v1/projects/lezgi/", {"owner": 204}),
    Case("get", "/api/v1/projects/lezgi/members/", members_ok(200)),
    Case(
        "patch", "/api/v1/projects/lezgi/members/viewer/", managers_ok(200), {"role": "annotator"}
    ),
    Case("delete", "/api/v1/projects/lezgi/members/viewer/", managers_ok(204)),
    # The owner is the last owner, so leaving is refused by rule (400), not by role.
    Case("post", "/api/v1/projects/lezgi/leave/", {**members_ok(204), "owner": 400}),
    Case("get", "/api/v1/projects/lezgi/invitations/", managers_ok(200)),
    Case(
        "post",
        "/api/v1/projects/lezgi/invitations/",
        managers_ok(201),
        {"invitee": "newcomer@example.org", "role": "viewer"},
    ),
    Case("delete", "/api/v1/projects/lezgi/invitations/{invitation}/", managers_ok(204)),
    Case("get", "/api/v1/projects/lezgi/audit/", managers_ok(200)),
    Case("get", "/api/v1/projects/lezgi/jobs/", members_ok(200)),
    Case("get", "/api/v1/jobs/{job}/", members_ok(200)),
    # Started by the owner: the owner or a manager may cancel it.
    Case("post", "/api/v1/jobs/{job}/cancel/", managers_ok(200)),
    # Linked data (issue 8): the project graph, its SPARQL endpoint, RDF jobs.
    Case("get", "/api/v1/projects/lezgi/rdf/?format=ntriples", members_ok(200)),
    Case("get", "/api/v1/projects/lezgi/rdf/status/", members_ok(200)),
    Case("get", "/api/v1/projects/lezgi/sparql?query=ASK%7B%7D", members_ok(200)),
    Case("post", "/api/v1/projects/lezgi/rdf/exports/", members_ok(202), {"format": "turtle"}),
    Case("post", "/api/v1/projects/lezgi/rdf/rebuild/", managers_ok(202)),
    # A JSON body is not an upload: the roles that may import get 415, the rest are refused.
    Case("post", "/api/v1/projects/lezgi/rdf/imports/", managers_ok(415), {"format": "turtle"}),
    # Corpus and lexicon exports in every format (issue 9): members may export; an EAF export
    # of a project without a text is refused by rule (400 naming `text`), not by role.
    Case("get", "/api/v1/projects/lezgi/export/?format=mdf", members_ok(200)),
    Case("get", "/api/v1/projects/lezgi/export/?format=eaf", members_ok(400)),
    Case("post", "/api/v1/projects/lezgi/exports/", members_ok(202), {"format": "mdf"}),
    # Models: viewers see them, annotators get and accept suggestions, managers train, import
    # and schedule. The project has no glossed data and no model, hence the 400s and 409s.
    Case("get", "/api/v1/projects/lezgi/models/tasks/", members_ok(200)),
    Case("get", "/api/v1/projects/lezgi/models/runs/", members_ok(200)),
    Case(
        "post",
        "/api/v1/projects/lezgi/models/runs/",
        managers_ok(400),
        {"task": "gloss", "kind": "memory"},
    ),
    Case("get", "/api/v1/projects/lezgi/models/versions/", members_ok(200)),
    Case(
        "post",
        "/api/v1/projects/lezgi/models/versions/rollback/",
        managers_ok(400),
        {"task": "gloss"},
    ),
    Case(
        "post",
        "/api/v1/projects/lezgi/models/versions/external/",
        managers_ok(400),
        {"task": "gloss", "url": "http://127.0.0.1:9/", "timeout": 0.2},
    ),
    Case("get", "/api/v1/projects/lezgi/models/schedules/", members_ok(200)),
    Case(
        "post",
        "/api/v1/projects/lezgi/models/schedules/",
        managers_ok(201),
        {"task": "gloss", "kind": "memory", "trigger": "cron", "cron": "0 3 * * *"},
    ),
    Case("get", "/api/v1/projects/lezgi/models/queue/", members_ok(409)),
    Case(
        "post",
        "/api/v1/projects/lezgi/suggestions/",
        annotators_ok(409),
        {"task": "gloss", "morphemes": ["x"]},
    ),
    Case(
        "post",
        "/api/v1/projects/lezgi/suggestions/preannotate/",
        annotators_ok(409),
        {"task": "gloss"},
    ),
    Case(
        "post",
        "/api/v1/projects/lezgi/suggestions/bulk-accept/",
        annotators_ok(200),
        {"task": "gloss", "threshold": 0.9},
    ),
]


def snapshot() -> dict[str, list[Any]]:
    return {
        "projects": list(Project.objects.order_by("pk").values()),
        "members": list(Membership.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "audit": list(AuditEntry.objects.order_by("pk").values()),
        "jobs": list(Job.objects.order_by("pk").values()),
        "ml": [
            list(model.objects.order_by("pk").values())
            for model in (TrainingRun, ModelVersion, Schedule, SuggestionFeedback)
        ],
    }


@pytest.fixture
def world(team: Any) -> dict[str, Any]:
    invitation = Invitation.objects.create(
        project=team.project, email="pending@example.org", role="viewer", invited_by=team.owner
    )
    # A queued job row, not enqueued: the matrix exercises permissions, not the worker.
    job = Job.objects.create(project=team.project, kind="test.echo", created_by=team.owner)
    return {"team": team, "invitation": invitation.id, "job": job.id}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_role_matrix(case: Case, role: str, world: dict[str, Any], as_user: Any) -> None:
    team = world["team"]
    client = as_user(None if role == "anonymous" else team.users[role])
    path = case.path.format(invitation=world["invitation"], job=world["job"])
    before = snapshot()

    response = getattr(client, case.method)(path, case.body, format="json")

    if role in case.allowed:
        assert response.status_code == case.allowed[role], response.content
        return
    expected = {401} if role == "anonymous" else {404} if role == "outsider" else {403}
    assert response.status_code in expected, response.content
    body = response.json()
    assert set(body) >= {"error", "detail", "fields"}
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "method", "status"),
    [
        ("anonymous", "get", 200),
        ("outsider", "get", 200),
        ("outsider", "patch", 403),
        ("anonymous", "patch", 401),
        ("viewer", "patch", 403),
    ],
)
def test_public_project_is_readable_but_not_writable_by_strangers(
    team: Any, as_user: Any, role: str, method: str, status: int
) -> None:
    team.project.visibility = "public"
    team.project.save()
    client = as_user(None if role == "anonymous" else team.users[role])
    before = snapshot()

    response = getattr(client, method)("/api/v1/projects/lezgi/", {"name": "x"}, format="json")

    assert response.status_code == status, response.content
    if status == 200 and method == "get":
        assert response.json()["slug"] == "lezgi"
        assert response.json()["my_role"] == (None if role in ("anonymous", "outsider") else role)
    assert snapshot() == before


@pytest.mark.django_db
def test_project_list_shows_only_my_projects(team: Any, as_user: Any, make_user: Any) -> None:
    from fieldmark.projects import services

    other = make_user("other")
    services.create_project(other, {"name": "Other", "slug": "other"})

    mine = as_user(team.viewer).get("/api/v1/projects/").json()
    outsider = as_user(team.outsider).get("/api/v1/projects/").json()
    anonymous = as_user(None).get("/api/v1/projects/")

    assert [p["slug"] for p in mine["results"]] == ["lezgi"]
    assert mine["results"][0]["my_role"] == "viewer"
    assert mine["results"][0]["member_count"] == 4
    assert outsider["count"] == 0
    assert anonymous.status_code == 401
