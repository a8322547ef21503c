"""The one place that decides what each project role may do.

REST views (through :class:`ProjectScopedMixin` and :class:`ProjectPermission`), websocket
consumers and services all call :func:`check`. A caller who may not even see a project gets
404 (its existence is not revealed); one who sees it but lacks the role gets 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from rest_framework import exceptions

from fieldmark.projects.models import Membership, Project, Role, Visibility

if TYPE_CHECKING:
    from rest_framework.request import Request

AnyUser = AbstractBaseUser | AnonymousUser

RANK: dict[str, int] = {Role.VIEWER: 1, Role.ANNOTATOR: 2, Role.MANAGER: 3, Role.OWNER: 4}


class Action(StrEnum):
    VIEW_PROJECT = "project.view"
    UPDATE_PROJECT = "project.update"
    DELETE_PROJECT = "project.delete"
    VIEW_MEMBERS = "members.view"
    MANAGE_MEMBERS = "members.manage"
    GRANT_OWNER = "members.grant_owner"
    LEAVE = "members.leave"
    VIEW_AUDIT = "audit.view"
    VIEW_JOBS = "jobs.view"
    VIEW_DATA = "data.view"
    EXPORT_DATA = "data.export"
    EDIT_DATA = "data.edit"
    IMPORT_DATA = "data.import"
    MANAGE_SCHEMA = "schema.manage"
    SUBSCRIBE = "realtime.subscribe"
    QUERY_LINKED = "linked.query"
    REBUILD_LINKED = "linked.rebuild"
    VIEW_MODELS = "models.view"
    USE_SUGGESTIONS = "models.suggest"
    MANAGE_MODELS = "models.manage"
    # Telling others where one is (presence); strangers in a public project may watch, not announce.
    ANNOUNCE = "realtime.announce"


MIN_ROLE: dict[Action, Role] = {
    Action.VIEW_PROJECT: Role.VIEWER,
    Action.VIEW_MEMBERS: Role.VIEWER,
    Action.LEAVE: Role.VIEWER,
    Action.VIEW_JOBS: Role.VIEWER,
    Action.VIEW_DATA: Role.VIEWER,
    Action.EXPORT_DATA: Role.VIEWER,
    Action.SUBSCRIBE: Role.VIEWER,
    Action.QUERY_LINKED: Role.VIEWER,
    Action.REBUILD_LINKED: Role.MANAGER,
    Action.ANNOUNCE: Role.VIEWER,
    Action.EDIT_DATA: Role.ANNOTATOR,
    Action.VIEW_MODELS: Role.VIEWER,
    Action.USE_SUGGESTIONS: Role.ANNOTATOR,
    Action.MANAGE_MODELS: Role.MANAGER,
    Action.IMPORT_DATA: Role.MANAGER,
    Action.MANAGE_SCHEMA: Role.MANAGER,
    Action.UPDATE_PROJECT: Role.MANAGER,
    Action.MANAGE_MEMBERS: Role.MANAGER,
    Action.VIEW_AUDIT: Role.MANAGER,
    Action.GRANT_OWNER: Role.OWNER,
    Action.DELETE_PROJECT: Role.OWNER,
}

# What anyone, signed in or not, may do in a public project without being a member.
PUBLIC_ACTIONS = frozenset(
    {
        Action.VIEW_PROJECT,
        Action.VIEW_DATA,
        Action.EXPORT_DATA,
        Action.SUBSCRIBE,
        Action.QUERY_LINKED,
    }
)


def role_of(user: AnyUser, project: Project) -> Role | None:
    if not user.is_authenticated:
        return None
    cache: dict[int, Role | None] = user.__dict__.setdefault("_fieldmark_roles", {})
    if project.pk not in cache:
        role = (
            Membership.objects.filter(project=project, user_id=user.pk)
            .values_list("role", flat=True)
            .first()
        )
        cache[project.pk] = Role(role) if role else None
    return cache[project.pk]


def forget_roles(user: AnyUser) -> None:
    """Drop cached roles after a membership change made by this user object."""
    user.__dict__.pop("_fieldmark_roles", None)


def role_allows(role: Role | str | None, action: Action) -> bool:
    return role is not None and RANK[role] >= RANK[MIN_ROLE[action]]


def can(user: AnyUser, project: Project, action: Action) -> bool:
    if role_allows(role_of(user, project), action):
        return True
    return project.visibility == Visibility.PUBLIC and action in PUBLIC_ACTIONS


def can_see(user: AnyUser, project: Project) -> bool:
    return can(user, project, Action.VIEW_PROJECT)


def _not_found(user: AnyUser) -> NoReturn:
    # Anonymous callers get 401 whether or not the project exists, so neither answer leaks it.
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    raise exceptions.NotFound("No project with that slug, or you are not a member.")


def check(user: AnyUser, project: Project, action: Action) -> Role | None:
    """Return the caller's role, or raise 404 (cannot see the project) / 403 (lacks the role)."""
    if not can_see(user, project):
        _not_found(user)
    if not can(user, project, action):
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(
            f"Your role may not do this ({action.value} needs {MIN_ROLE[action].value})."
        )
    return role_of(user, project)


def get_project(user: AnyUser, slug: str, action: Action) -> tuple[Project, Role | None]:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        _not_found(user)
    return project, check(user, project, action)


class ProjectScopedMixin:
    """For views under ``/projects/<slug>/``: resolves the project once and checks the action.

    ``project_actions`` maps an HTTP method to the :class:`Action` it needs.
    """

    project_actions: dict[str, Action] = {}
    project_slug_kwarg = "slug"
    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        action = self.project_actions.get(request.method or "GET")
        if action is None:
            raise exceptions.MethodNotAllowed(request.method or "")
        self.project, self.role = get_project(
            request.user, self.kwargs[self.project_slug_kwarg], action
        )
