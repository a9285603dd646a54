"""Use cases of the shared core: organisations, colleagues, staff accounts and the inbox.

Every state change happens in one transaction with its audit event; e-mail is queued after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal import emails, tasks
from portal.audit import audit_record, changed_fields
from portal.exceptions import RuleBroken
from portal.models import Invitation, Membership, Message, Organisation, Region, User
from portal.organisations import organisation_rule_errors

INVITATION_LIFETIME = timedelta(days=14)
# Fixed text: no organisation name or other user text in a subject line (issue 7, ADR 0006).
INVITATION_SUBJECT = "You are invited to join a team on the Probation Services Dynamic Framework"
# Invitations send e-mail from the service's address: at most this many in any 24 hours, cancelled included.
INVITATION_LIMIT_WINDOW = timedelta(hours=24)
INVITATIONS_PER_ORGANISATION = 10
INVITATIONS_PER_ADDRESS = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _validated(organisation: Organisation) -> Organisation:
    """The model's own checks (required fields, formats) and the organisation's rules, whichever path
    the data came by."""
    try:
        organisation.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise RuleBroken(messages[0], field=field) from error
    details = {name: getattr(organisation, name) for name in Organisation.PROFILE_FIELDS}
    for field, message in organisation_rule_errors(details).items():
        raise RuleBroken(message, field=field)
    return organisation


def organisation_create(*, user: User, data: dict[str, Any]) -> Organisation:
    """A supplier user creates their organisation and becomes its first admin."""
    if not user.is_supplier:
        raise RuleBroken("Only supplier accounts can create an organisation.")
    if hasattr(user, "membership"):
        raise RuleBroken("You already belong to an organisation.")
    organisation = _validated(Organisation(**data))
    with transaction.atomic():
        organisation.save()
        Membership.objects.create(user=user, organisation=organisation, is_admin=True)
        audit_record(
            actor=user, action="organisation.created", obj=organisation, summary=f"Created {organisation}"
        )
    return organisation


def organisation_update(*, user: User, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """An admin of the organisation changes its details."""
    _require_organisation_admin(user, organisation)
    changes = changed_fields(organisation, data)
    if not changes:
        return organisation
    for field, value in data.items():
        setattr(organisation, field, value)
    _validated(organisation)
    with transaction.atomic():
        organisation.save(update_fields=list(changes))
        audit_record(
            actor=user,
            action="organisation.updated",
            obj=organisation,
            summary=f"Changed {', '.join(changes)}",
            changes=changes,
        )
    return organisation


def _require_organisation_admin(user: User, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation, is_admin=True).exists():
        raise RuleBroken(f"Only an admin of {organisation} can do this.")


def invitation_create(
    *, organisation: Organisation, invited_by: User, email: str, as_admin: bool
) -> Invitation:
    """Invite a colleague by e-mail. The link carries a secret token; only its hash is stored.

    Whether the address already uses the portal is never told: an invitation to someone who belongs to
    another organisation is sent like any other (accepting it then explains). Invitations are limited
    per organisation and per address, cancelled ones included, so the portal cannot be used to mail
    anyone again and again.
    """
    email = email.strip().lower()
    _require_valid_email(email)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # One invitation at a time per organisation: simultaneous ones cannot both pass the checks below.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_organisation_admin(invited_by, organisation)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise RuleBroken("This person is already a member of your organisation.", field="email")
        if organisation.invitations.pending().filter(email__iexact=email).exists():
            raise RuleBroken(
                "You have already invited this person. The invitation is waiting.", field="email"
            )
        _require_within_invitation_limits(organisation, email)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            as_admin=as_admin,
            token_hash=_token_hash(token),
            invited_by=invited_by,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit_record(
            actor=invited_by, action="invitation.created", obj=invitation, summary=f"Invited {email}"
        )
        link = settings.SITE_URL + reverse("portal:invitation_accept", args=[token])
        body = render_to_string("emails/invitation.txt", {"invitation": invitation, "link": link})
        emails.email_check(to=[email], subject=INVITATION_SUBJECT, body=body)
        tasks.send_email.delay_on_commit(to=[email], subject=INVITATION_SUBJECT, body=body)
    return invitation


def _require_valid_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError as error:
        raise RuleBroken(
            "Enter an e-mail address in the correct format, like name@example.org", field="email"
        ) from error


def _require_within_invitation_limits(organisation: Organisation, email: str) -> None:
    since = timezone.now() - INVITATION_LIMIT_WINDOW
    recent = Invitation.objects.filter(created_at__gt=since)
    if recent.filter(organisation=organisation).count() >= INVITATIONS_PER_ORGANISATION:
        raise RuleBroken(
            f"Your organisation can send up to {INVITATIONS_PER_ORGANISATION} invitations in 24 hours. "
            "Try again tomorrow.",
            field="email",
        )
    if recent.filter(email__iexact=email).count() >= INVITATIONS_PER_ADDRESS:
        raise RuleBroken(
            f"An address can be sent up to {INVITATIONS_PER_ADDRESS} invitations in 24 hours. "
            "Try again tomorrow.",
            field="email",
        )


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.pending()
        .select_related("organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_accept(*, token: str, user: User) -> Membership:
    """The invited person, signed in with the invited address, joins the organisation."""
    with transaction.atomic():
        # Lock the person: accepting two invitations at once joins one organisation and refuses the other.
        User.objects.select_for_update().filter(pk=user.pk).first()
        invitation = (
            Invitation.objects.pending().select_for_update().filter(token_hash=_token_hash(token)).first()
        )
        if invitation is None:
            raise RuleBroken("This invitation link has expired or has already been used.")
        if invitation.email.lower() != user.email.lower():
            raise RuleBroken(
                f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
            )
        if not user.is_supplier or Membership.objects.filter(user=user).exists():
            raise RuleBroken("Your account already belongs to an organisation.")
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, is_admin=invitation.as_admin
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            actor=user,
            action="membership.joined",
            obj=invitation.organisation,
            summary=f"{user.email} joined by invitation",
        )
    return membership


def invitation_cancel(*, invitation: Invitation, by: User) -> None:
    _require_organisation_admin(by, invitation.organisation)
    with transaction.atomic():
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit_record(
            actor=by, action="invitation.cancelled", obj=invitation, summary=f"Cancelled {invitation}"
        )


def membership_remove(*, membership: Membership, by: User) -> None:
    """An organisation admin removes a colleague. The last admin cannot be removed."""
    organisation = membership.organisation
    with transaction.atomic():
        # Lock the organisation so that two admins removing each other at once cannot both succeed.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_organisation_admin(by, organisation)
        admins = Membership.objects.filter(organisation=organisation, is_admin=True)
        if membership.is_admin and admins.count() <= 1:
            raise RuleBroken("You cannot remove the only admin. Make someone else an admin first.")
        membership.delete()
        audit_record(
            actor=by,
            action="membership.removed",
            obj=organisation,
            summary=f"Removed {membership.user.email} from {organisation}",
        )


def staff_account_create(
    *, created_by: User, email: str, full_name: str, role: str, regions: list[Region] | None = None
) -> User:
    """An MoJ admin creates a commissioner or admin account. Staff never sign themselves up."""
    if not created_by.is_moj_admin:
        raise RuleBroken("Only MoJ admins can create staff accounts.")
    if role not in {User.Role.COMMISSIONER, User.Role.MOJ_ADMIN}:
        raise RuleBroken("Staff accounts are for commissioners and MoJ admins.")
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            full_name=full_name,
            role=role,
            is_staff=role == User.Role.MOJ_ADMIN,
            is_superuser=role == User.Role.MOJ_ADMIN,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.emailaddress_set.create(email=user.email, verified=True, primary=True)
        if regions:
            user.regions.set(regions)
        audit_record(
            actor=created_by,
            action="staff.created",
            obj=user,
            summary=f"Created {user.get_role_display()} account for {email}",
            changes={"regions": [region.code for region in regions or []]},
        )
    return user


def message_send(
    *, subject: str, body: str, organisation: Organisation | None = None, user: User | None = None
) -> Message:
    """Put a message in an organisation's (or a person's) inbox and e-mail it once the change commits."""
    with transaction.atomic():
        message = Message.objects.create(
            recipient_organisation=organisation, recipient_user=user, subject=subject, body=body
        )
        tasks.send_message_email.delay_on_commit(message.pk)
    return message


def message_mark_read(*, message: Message) -> None:
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
