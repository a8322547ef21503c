"""Project, membership and invitation rules. REST views, websocket consumers, management
commands and jobs call these; none of them writes these models directly.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from fieldmark.api.errors import DomainError
from fieldmark.projects import invitation_links, permissions
from fieldmark.projects.models import (
    AuditEntry,
    Invitation,
    InvitationStatus,
    Membership,
    PendingPurge,
    Project,
    Role,
)
from fieldmark.projects.permissions import Action
from fieldmark.projects.signals import project_deleted
from fieldmark.realtime.events import broadcast
from fieldmark.storage import mongo

EDITABLE_FIELDS = ("name", "description", "object_languages", "visibility")


def audit(project: Project, actor: User | None, action: str, **detail: Any) -> None:
    AuditEntry.objects.create(project=project, actor=actor, action=action, detail=detail)


def slugify_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:64].strip("-") or "project"


def _unique_slug(base: str) -> str:
    taken = set(Project.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base[:60]}-{n}" in taken:
        n += 1
    return f"{base[:60]}-{n}"


@transaction.atomic
def create_project(owner: User, data: dict[str, Any]) -> Project:
    slug = data.get("slug") or _unique_slug(slugify_name(data["name"]))
    if Project.objects.filter(slug=slug).exists():
        raise DomainError("slug_taken", "A project with this slug exists already.", field="slug")
    try:
        with transaction.atomic():
            project = Project.objects.create(
                name=data["name"],
                slug=slug,
                description=data.get("description", ""),
                object_languages=data.get("object_languages", []),
                visibility=data.get("visibility", "private"),
                created_by=owner,
            )
    except IntegrityError:
        raise DomainError(
            "slug_taken", "A project with this slug exists already.", field="slug"
        ) from None
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    permissions.forget_roles(owner)
    audit(project, owner, "project.created", name=project.name, slug=project.slug)
    return project


@transaction.atomic
def update_project(actor: User, project: Project, changes: dict[str, Any]) -> Project:
    permissions.check(actor, project, Action.UPDATE_PROJECT)
    diff: dict[str, dict[str, Any]] = {}
    for field in EDITABLE_FIELDS:
        if field in changes and getattr(project, field) != changes[field]:
            diff[field] = {"old": getattr(project, field), "new": changes[field]}
            setattr(project, field, changes[field])
    if diff:
        project.save(update_fields=[*diff, "updated_at"])
        audit(project, actor, "project.updated", changes=diff)
        broadcast(project.pk, "project.updated", {"project": project.slug, "changes": list(diff)})
    return project


LEGACY_PURGES = "project_purges"


@transaction.atomic
def delete_project(actor: User, project: Project) -> None:
    permissions.check(actor, project, Action.DELETE_PROJECT)
    project_id, slug = project.pk, project.slug
    broadcast(project_id, "project.deleted", {"project": slug})
    PendingPurge.objects.create(project_id=project_id, slug=slug)  # ids are never reused
    project.delete()
    # robust: a hook that fails (a broker or store down) is logged, and the row above has the
    # purge resumed by beat; the delete itself has been committed and answers 204.
    transaction.on_commit(lambda: schedule_purge(project_id), robust=True)


def schedule_purge(project_id: int) -> None:
    """Purge a deleted project's documents, files and graph, in the background where a worker
    runs (``FIELDMARK_PURGE_IN_BACKGROUND``): its documents are unreachable the moment its row
    is gone (project ids are never reused), so a 100k-utterance project is deleted for its
    users at once, however long the store takes to remove it. Its :class:`PendingPurge` row
    remembers the purge until it is done, so beat resumes one whose worker died
    (:func:`resume_purges`)."""
    if settings.FIELDMARK_PURGE_IN_BACKGROUND:
        from fieldmark.projects.tasks import purge_project

        purge_project.delay(project_id)
    else:
        purge_project_data(project_id)


def purge_project_data(project_id: int) -> None:
    """Remove a deleted project's annotation documents (every registered collection keys them
    by ``project``) and let apps remove files and graphs through ``project_deleted``.
    Idempotent; the pending row goes last."""
    pending = PendingPurge.objects.filter(project_id=project_id).first()
    mongo.delete_project_documents(project_id)
    project_deleted.send(
        sender=Project, project_id=project_id, slug=pending.slug if pending else ""
    )
    PendingPurge.objects.filter(project_id=project_id).delete()


def resume_purges(older_than: timedelta) -> int:
    """Run again the purges scheduled longer ago than ``older_than`` that never finished."""
    cutoff = timezone.now() - older_than
    pending = list(
        PendingPurge.objects.filter(scheduled_at__lt=cutoff).values_list("project_id", flat=True)
    )
    # Markers of the store's ``project_purges`` collection, where purges were kept before the
    # pending row: resumed the same way, then dropped.
    legacy = mongo.collection(LEGACY_PURGES)
    old = [int(doc["_id"]) for doc in legacy.find({"at": {"$lt": cutoff}}, {"_id": 1})]
    for project_id in pending:
        purge_project_data(int(project_id))
    for project_id in old:
        purge_project_data(project_id)
        legacy.delete_one({"_id": project_id})
    return len(pending) + len(old)


def _owner_count(project: Project) -> int:
    return Membership.objects.filter(project=project, role=Role.OWNER).count()


def _membership(project: Project, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(project=project, user__username=username)
        .first()
    )
    if membership is None:
        raise DomainError(
            "not_a_member", f"{username} is not a member of this project.", status_code=404
        )
    return membership


def _check_owner_rules(actor: User, project: Project, *roles: str) -> None:
    if Role.OWNER in roles:
        permissions.check(actor, project, Action.GRANT_OWNER)


@transaction.atomic
def change_role(actor: User, project: Project, username: str, role: str) -> Membership:
    permissions.check(actor, project, Action.MANAGE_MEMBERS)
    # Lock the project's owner rows so two concurrent demotions cannot remove the last owner.
    list(Membership.objects.select_for_update().filter(project=project, role=Role.OWNER))
    membership = _membership(project, username)
    if membership.role == role:
        return membership
    _check_owner_rules(actor, project, membership.role, role)
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise DomainError(
            "last_owner",
            "A project must keep an owner: make someone else owner first.",
            field="role",
        )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    permissions.forget_roles(membership.user)
    audit(project, actor, "member.role_changed", username=username, old=old, new=role)
    broadcast(project.pk, "membership.changed", {"username": username, "role": role})
    return membership


@transaction.atomic
def remove_member(actor: User, project: Project, username: str) -> None:
    permissions.check(actor, project, Action.MANAGE_MEMBERS)
    list(Membership.objects.select_for_update().filter(project=project, role=Role.OWNER))
    membership = _membership(project, username)
    _check_owner_rules(actor, project, membership.role)
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise DomainError("last_owner", "A project must keep an owner.")
    membership.delete()
    audit(project, actor, "member.removed", username=username, role=membership.role)
    broadcast(project.pk, "membership.changed", {"username": username, "role": None})


@transaction.atomic
def leave(user: User, project: Project) -> None:
    permissions.check(user, project, Action.LEAVE)
    list(Membership.objects.select_for_update().filter(project=project, role=Role.OWNER))
    membership = _membership(project, user.get_username())
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise DomainError(
            "last_owner", "You are the last owner: make someone else owner before leaving."
        )
    membership.delete()
    permissions.forget_roles(user)
    audit(project, user, "member.left", username=user.get_username(), role=membership.role)
    broadcast(project.pk, "membership.changed", {"username": user.get_username(), "role": None})


def _find_invitee(invitee: str) -> tuple[User | None, str]:
    invitee = invitee.strip()
    if "@" in invitee:
        # Never matched against accounts' (unverified) addresses: the invitation waits for
        # whoever opens the link mailed to it (invitation_links).
        return None, invitee.lower()
    user = User.objects.filter(username=invitee).first()
    if user is None:
        raise DomainError(
            "unknown_user",
            f"No user is called {invitee!r}: invite by email address to reach someone "
            "who has no account yet.",
            field="invitee",
        )
    return user, ""


@transaction.atomic
def invite(actor: User, project: Project, invitee: str, role: str) -> Invitation:
    permissions.check(actor, project, Action.MANAGE_MEMBERS)
    _check_owner_rules(actor, project, role)
    user, email = _find_invitee(invitee)
    if user is not None:
        if Membership.objects.filter(project=project, user=user).exists():
            raise DomainError(
                "already_member", f"{user.get_username()} is a member already.", field="invitee"
            )
        pending = Q(user=user) | Q(email__iexact=getattr(user, "email", "") or "-")
    else:
        pending = Q(email__iexact=email)
    if Invitation.objects.filter(
        pending, project=project, status=InvitationStatus.PENDING
    ).exists():
        raise DomainError(
            "already_invited", "There is a pending invitation for them already.", field="invitee"
        )
    invitation = Invitation.objects.create(
        project=project,
        user=user,
        email=email if user is None else "",
        role=role,
        invited_by=actor,
    )
    audit(project, actor, "member.invited", invitee=invitation.invitee, role=role)
    broadcast(project.pk, "membership.changed", {"invitation": str(invitation.id)})
    if invitation.email:
        transaction.on_commit(lambda: invitation_links.send_invitation(invitation))
    return invitation


def pending_invitations_for(user: User) -> QuerySet[Invitation]:
    """Invitations by username, and by email once ``user`` opened the mailed link."""
    return (
        Invitation.objects.filter(user=user, status=InvitationStatus.PENDING)
        .select_related("project", "invited_by", "user")
        .order_by("-created_at")
    )


def _my_invitation(user: User, invitation_id: str) -> Invitation:
    invitation = (
        pending_invitations_for(user)
        .select_for_update(of=("self",))
        .filter(id=invitation_id)
        .first()
    )
    if invitation is None:
        raise DomainError(
            "not_found", "No pending invitation with that id for you.", status_code=404
        )
    return invitation


@transaction.atomic
def accept_invitation(user: User, invitation_id: str) -> Project:
    invitation = _my_invitation(user, invitation_id)
    project = invitation.project
    if not Membership.objects.filter(project=project, user=user).exists():
        Membership.objects.create(project=project, user=user, role=invitation.role)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.user = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "user", "responded_at"])
    permissions.forget_roles(user)
    audit(project, user, "invitation.accepted", username=user.get_username(), role=invitation.role)
    broadcast(project.pk, "membership.changed", {"username": user.get_username()})
    return project


@transaction.atomic
def decline_invitation(user: User, invitation_id: str) -> None:
    invitation = _my_invitation(user, invitation_id)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    audit(invitation.project, user, "invitation.declined", username=user.get_username())
    broadcast(invitation.project.pk, "membership.changed", {"invitation": str(invitation.id)})


@transaction.atomic
def revoke_invitation(actor: User, project: Project, invitation_id: str) -> None:
    permissions.check(actor, project, Action.MANAGE_MEMBERS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(project=project, id=invitation_id, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise DomainError("not_found", "No pending invitation with that id.", status_code=404)
    _check_owner_rules(actor, project, invitation.role)
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    audit(project, actor, "invitation.revoked", invitee=invitation.invitee)
    broadcast(project.pk, "membership.changed", {"invitation": str(invitation.id)})
