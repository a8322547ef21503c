"""Invitations by email are bound to whoever can read that mailbox, not to an account's claim.

An account's email address is not verified, so matching an invitation against it let anyone who
registered ``NewColleague@uni.example`` take the role meant for ``newcolleague@uni.example``.
Instead an invitation by email stays unattached until someone presents the signed link that was
mailed to that address (Django's email backend: the console in the embedded default, SMTP in
production); presenting it attaches the invitation to the presenter's account, after which it
is listed, accepted or declined like an invitation by username.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Final
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction

from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Invitation, InvitationStatus

SALT: Final = "fieldmark.invitation-link"
logger = logging.getLogger(__name__)


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": str(invitation.id), "e": invitation.email.lower()}, salt=SALT)


def link(invitation: Invitation) -> str:
    base = settings.FIELDMARK_PUBLIC_URL.rstrip("/")
    return f"{base}/invitations?{urlencode({'token': make_token(invitation)})}"


def send_invitation(invitation: Invitation) -> None:
    """Mail the link to the invited address (after the invitation is committed). A mail server
    that refuses is logged, not raised: the invitation stands and can be revoked and sent anew."""
    try:
        _send(invitation)
    except (OSError, smtplib.SMTPException):
        logger.exception("could not mail the invitation %s to %s", invitation.id, invitation.email)


def _send(invitation: Invitation) -> None:
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "A manager"
    project = invitation.project.name
    send_mail(
        subject=f"Invitation to {project} on Fieldmark",
        message=(
            f"{inviter} invites you to join {project} on Fieldmark as {invitation.role}.\n\n"
            f"Open this link, signed in or after creating an account, to see the invitation:\n"
            f"{link(invitation)}\n\n"
            f"The link works for {settings.FIELDMARK_INVITATION_LINK_DAYS} days. If you did not "
            "expect it, ignore this message.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _bad_link(detail: str) -> DomainError:
    return DomainError("invalid_token", detail, field="token")


@transaction.atomic
def claim(user: User, token: str) -> Invitation:
    """Attach the invitation named by a mailed link to ``user``; idempotent for that user."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.FIELDMARK_INVITATION_LINK_DAYS * 86_400
        )
    except signing.SignatureExpired:
        raise _bad_link("This invitation link has expired: ask for a new one.") from None
    except signing.BadSignature:
        raise _bad_link("This is not a valid invitation link.") from None
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("project", "invited_by")
        .filter(id=data["i"], email__iexact=data["e"], status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise DomainError(
            "not_found", "This invitation was answered or withdrawn.", status_code=404
        )
    if invitation.user_id is not None and invitation.user_id != user.pk:
        raise DomainError(
            "already_claimed",
            "Someone else has opened this invitation link already.",
            status_code=409,
        )
    if invitation.user_id is None:
        invitation.user = user
        invitation.save(update_fields=["user"])
        # Imported here: services imports this module to send the links.
        from fieldmark.projects.services import audit

        audit(
            invitation.project, user, "invitation.claimed",
            email=invitation.email, username=user.get_username(),
        )  # fmt: skip
    return invitation
