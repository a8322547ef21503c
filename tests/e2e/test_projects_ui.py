"""The projects screens end to end: a real browser against the live Django server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()


def test_owner_creates_project_and_invites_annotator(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    from fieldmark.projects.models import Invitation, Project

    # Given an owner-to-be and a second registered user
    owner = django_user_model.objects.create_user("olga", "olga@example.org", PASSWORD)
    anna = django_user_model.objects.create_user("anna", "anna@example.org", PASSWORD)

    # When the owner logs in through the form and creates a project
    log_in(page, live_server.url, "olga")
    page.get_by_label("Name").fill("Ainu texts")
    page.get_by_label("Slug (optional)").fill("ainu-texts")
    page.get_by_label("Description").fill("Glossed folk tales.")
    page.get_by_label("Object languages").fill("ain, jpn")
    page.get_by_role("button", name="Create project").click()

    # Then the overview shows it, with the creator as owner
    page.wait_for_url(f"{live_server.url}/projects/ainu-texts")
    expect(page.get_by_test_id("project-name")).to_have_text("Ainu texts")
    expect(page.get_by_test_id("my-role")).to_have_text("Owner")
    project = Project.objects.get(slug="ainu-texts")
    assert project.name == "Ainu texts"
    assert project.description == "Glossed folk tales."
    assert list(project.object_languages) == ["ain", "jpn"]

    # When the owner invites the second user by username as annotator
    page.get_by_role("link", name="Members").click()
    page.wait_for_url(f"{live_server.url}/projects/ainu-texts/members")
    expect(page.get_by_test_id("member-row-olga")).to_contain_text("olga@example.org")
    page.get_by_label("Username or email").fill("anna")
    page.get_by_label("Role", exact=True).select_option("annotator")
    page.get_by_role("button", name="Invite").click()

    # Then the invitation is listed as pending and stored
    pending = page.get_by_test_id("pending-invitations")
    expect(pending.get_by_role("listitem")).to_have_count(1)
    expect(pending.get_by_role("listitem")).to_contain_text("anna as Annotator")
    expect(page.get_by_label("Username or email")).to_have_value("")
    invitation = Invitation.objects.get(project=project)
    assert invitation.user == anna
    assert invitation.role == "annotator"
    assert invitation.status == "pending"
    assert invitation.invited_by == owner


def test_duplicate_slug_shows_field_error(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    from fieldmark.projects.models import Project

    # Given a user who already owns a project with slug "lezgi"
    django_user_model.objects.create_user("olga", "olga@example.org", PASSWORD)
    log_in(page, live_server.url, "olga")
    page.get_by_label("Name").fill("Lezgi corpus")
    page.get_by_label("Slug (optional)").fill("lezgi")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(f"{live_server.url}/projects/lezgi")

    # When they try to create another project with the same slug
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_label("Name").fill("Lezgi again")
    page.get_by_label("Slug (optional)").fill("lezgi")
    page.get_by_role("button", name="Create project").click()

    # Then the error shows under the slug input and nothing new is stored
    expect(page.get_by_test_id("field-errors-slug")).not_to_be_empty()
    expect(page.get_by_label("Slug (optional)")).to_have_attribute("aria-invalid", "true")
    assert Project.objects.filter(slug="lezgi").count() == 1
    assert not Project.objects.filter(name="Lezgi again").exists()


def test_wrong_password_shows_error_and_stays_on_login(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user("olga", "olga@example.org", PASSWORD)

    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_test_id("error-banner")).to_be_visible()
    assert page.url == f"{live_server.url}/login"
