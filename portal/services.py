"""Use cases of the shared core: organisations, colleagues, staff accounts and the inbox.

Every state change happens in one transaction with its audit event; e-mail is queued after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from portal import contributions, emails, tasks
from portal.audit import audit_record, changed_fields
from portal.exceptions import RuleBroken
from portal.models import (
    Delivery,
    Invitation,
    Membership,
    Message,
    MessageRead,
    Organisation,
    Region,
    User,
    source_key,
)
from portal.organisations import organisation_rule_errors, require_member
from portal.queueing import on_commit_robustly

INVITATION_LIFETIME = timedelta(days=14)
# Invitations send e-mail from the service's address: at most this many in any 24 hours, cancelled included.
INVITATION_LIMIT_WINDOW = timedelta(hours=24)
INVITATIONS_PER_ORGANISATION = 10
# An organisation no app has vetted yet (not qualified, not registered for grants) is anyone's to create.
INVITATIONS_PER_UNVETTED_ORGANISATION = 3
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
        # The person as they are now: of two creations at once (a double click), the second is refused.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if Membership.objects.filter(user=user).exists():
            raise RuleBroken("You already belong to an organisation.")
        organisation.save()
        Membership.objects.create(user=user, organisation=organisation, is_admin=True)
        audit_record(
            actor=user, action="organisation.created", obj=organisation, summary=f"Created {organisation}"
        )
    return organisation


def organisation_update(*, user: User, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """An admin of the organisation changes its details."""
    require_member(user, organisation, admin=True, refusal=ADMINS_ONLY)
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


ADMINS_ONLY = "Only an admin of {organisation} can do this."


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
        require_member(invited_by, organisation, admin=True, refusal=ADMINS_ONLY)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise RuleBroken("This person is already a member of your organisation.", field="email")
        if organisation.invitations.pending().filter(email__iexact=email).exists():
            raise RuleBroken(
                "You have already invited this person. The invitation is waiting.", field="email"
            )
        vetted = contributions.organisation_is_vetted(organisation)
        _require_within_invitation_limits(organisation, email, vetted=vetted)
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
        words = emails.worded("invitation", {"invitation": invitation, "link": link, "vetted": vetted})
        email_send(
            kind="invitation",
            address=email,
            subject=words.subject,
            body_text=emails.email_text(text=emails.plain_text(words.html)),
        )
    return invitation


def _require_valid_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError as error:
        raise RuleBroken(
            "Enter an e-mail address in the correct format, like name@example.org", field="email"
        ) from error


def _require_within_invitation_limits(organisation: Organisation, email: str, *, vetted: bool) -> None:
    since = timezone.now() - INVITATION_LIMIT_WINDOW
    hours = int(INVITATION_LIMIT_WINDOW.total_seconds() // 3600)
    recent = Invitation.objects.filter(created_at__gt=since)
    limit = INVITATIONS_PER_ORGANISATION if vetted else INVITATIONS_PER_UNVETTED_ORGANISATION
    if recent.filter(organisation=organisation).count() >= limit:
        until = "" if vetted else " until it is qualified for the framework or registered for grants"
        raise RuleBroken(
            f"Your organisation can send up to {limit} invitations in {hours} hours{until}. "
            "Try again tomorrow.",
            field="email",
        )
    if recent.filter(email__iexact=email).count() >= INVITATIONS_PER_ADDRESS:
        raise RuleBroken(
            f"An address can be sent up to {INVITATIONS_PER_ADDRESS} invitations in {hours} hours. "
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
    require_member(by, invitation.organisation, admin=True, refusal=ADMINS_ONLY)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise RuleBroken(f"{invitation.email} has already accepted the invitation.")
        if invitation.cancelled_at is not None:
            return  # cancelled a moment ago (a second tab): nothing to change
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
        require_member(by, organisation, admin=True, refusal=ADMINS_ONLY)
        current = Membership.objects.filter(pk=membership.pk, organisation=organisation).first()
        if current is None:
            raise RuleBroken(f"{membership.user.email} is no longer a member of {organisation}.")
        membership = current
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
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
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


# Messages and e-mail (docs/adr/0003-message-delivery-outbox.md) ----------------------------------


def _after_commit_dispatch(delivery_ids: list[int]) -> None:
    if delivery_ids:
        # If the broker is down, the change stays committed and the re-queue sends them later.
        on_commit_robustly(lambda: tasks.deliveries_dispatch(delivery_ids), what="queue e-mails")


def _member_addresses(organisation_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each organisation's active members, as (user id, address), in one query."""
    addresses: dict[int, list[tuple[int, str]]] = {}
    members = Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
    for organisation_id, user_id, email in members.values_list("organisation_id", "user_id", "user__email"):
        addresses.setdefault(organisation_id, []).append((user_id, email))
    return addresses


# For each person (by user id): what their e-mail adds (text, or `emails.Personal` with headers too), or
# None for no e-mail now (they asked for a digest, or for none).
PersonalPart = Callable[[int], str | emails.Personal | None]


def _deliveries_for(
    messages: list[Message], body_html: str, personal: PersonalPart | None = None
) -> list[int]:
    """One queued delivery per address for each message: every active member of an organisation (one
    e-mail each, so colleagues' addresses are not shared), or the person. `personal`, if given, says for
    each person (by user id) the text and headers added to their e-mail (an unsubscribe link), or None for
    no e-mail now. Returns the new rows' ids."""
    organisations = _member_addresses(
        m.recipient_organisation_id for m in messages if m.recipient_organisation_id
    )
    people = dict(
        User.objects.filter(
            pk__in=[m.recipient_user_id for m in messages if m.recipient_user_id], is_active=True
        ).values_list("pk", "email")
    )
    text = emails.plain_text(body_html)
    rows = []
    for message in messages:
        if message.recipient_organisation_id:
            recipients = organisations.get(message.recipient_organisation_id, [])
        else:
            recipients = (
                [(message.recipient_user_id, people[message.recipient_user_id])]
                if message.recipient_user_id in people
                else []
            )
        inbox_path = reverse("portal:message_detail", args=[message.pk])
        body_text = emails.email_text(text=text, inbox_path=inbox_path)
        for user_id, address in recipients:
            added = personal(user_id) if personal else ""
            if added is None:
                continue
            if isinstance(added, str):
                added = emails.Personal(text=added)
            rows.append(
                Delivery(
                    message=message,
                    user_id=user_id,
                    kind=message.kind,
                    address=address,
                    subject=message.subject,
                    body_text=emails.email_text(text=text + added.text, inbox_path=inbox_path)
                    if added.text
                    else body_text,
                    headers=added.headers,
                    created_at=message.created_at,
                    due_at=message.created_at,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return list(Delivery.objects.filter(message__in=messages).values_list("pk", flat=True))


def message_send(
    *,
    kind: str,
    source: models.Model | str,
    context: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    user: User | None = None,
    personal: PersonalPart | None = None,
) -> Message:
    """Put a message in an organisation's (or a person's) inbox, worded by `templates/emails/<kind>.html`,
    and queue its e-mails in the same transaction. A message of this kind about this source reaches a
    recipient once: sending it again returns the message already sent, and e-mails nobody."""
    if (organisation is None) == (user is None):
        raise ValueError("A message goes to one organisation or one person.")
    key = source_key(source)
    recipient: dict[str, Organisation | User | None] = (
        {"recipient_organisation": organisation} if organisation else {"recipient_user": user}
    )
    words = emails.worded(kind, context or {})
    with transaction.atomic():
        existing = Message.objects.filter(kind=kind, source=key, **recipient).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    kind=kind, source=key, subject=words.subject, body=words.html, **recipient
                )
        except IntegrityError:  # sent at the same moment by another process
            return Message.objects.get(kind=kind, source=key, **recipient)
        _after_commit_dispatch(_deliveries_for([message], words.html, personal))
    return message


def messages_send_bulk(
    *,
    kind: str,
    source: models.Model | str,
    context: dict[str, Any] | None = None,
    organisations: Iterable[Organisation | int] = (),
    users: Iterable[User | int] = (),
    personal: PersonalPart | None = None,
) -> int:
    """The same message to many organisations and people (an alert's fan-out) in a few queries, whatever
    their number. Recipients who already have it are skipped, so running it twice sends nothing twice.
    Returns how many messages were new."""
    key = source_key(source)
    words = emails.worded(kind, context or {})
    organisation_ids = {o if isinstance(o, int) else o.pk for o in organisations}
    user_ids = {u if isinstance(u, int) else u.pk for u in users}
    now = timezone.now()
    common = {"kind": kind, "source": key, "subject": words.subject, "body": words.html, "created_at": now}
    with transaction.atomic():
        Message.objects.bulk_create(
            [Message(recipient_organisation_id=pk, **common) for pk in sorted(organisation_ids)]
            + [Message(recipient_user_id=pk, **common) for pk in sorted(user_ids)],
            ignore_conflicts=True,
            batch_size=1000,
        )
        # The rows this call made carry its timestamp; rows that were there already keep theirs.
        created = list(Message.objects.filter(kind=kind, source=key, created_at=now))
        _after_commit_dispatch(_deliveries_for(created, words.html, personal))
    return len(created)


def message_mark_read(*, message: Message, user: User) -> None:
    """The person has opened the message. Their colleagues' read state is their own."""
    MessageRead.objects.bulk_create([MessageRead(message=message, user=user)], ignore_conflicts=True)


def email_send(*, kind: str, address: str, subject: str, body_text: str, body_html: str = "") -> Delivery:
    """An e-mail that is not an inbox message (an account e-mail, an invitation): a delivery all the same,
    written now and sent once the change commits."""
    # Built now, inside the change: a header that could never be sent (a line break in the subject, a bad
    # address) undoes the change instead of failing after it is saved.
    emails.email_check(to=[address], subject=subject, body=body_text)
    with transaction.atomic():
        delivery = Delivery.objects.create(
            kind=kind, address=address, subject=subject, body_text=body_text, body_html=body_html
        )
        _after_commit_dispatch([delivery.pk])
    return delivery


def _require_moj_admin(user: User) -> None:
    if not user.is_moj_admin:
        raise RuleBroken("Only MoJ admins can send failed e-mails again.")


def delivery_retry(*, delivery: Delivery, by: User) -> Delivery:
    """An MoJ admin sends a failed e-mail again: it is queued with its attempts counted afresh."""
    _require_moj_admin(by)
    with transaction.atomic():
        queued = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, attempts=0, due_at=timezone.now(), failed_at=None
        )
        if not queued:
            raise RuleBroken("This e-mail has not failed, so there is nothing to send again.")
        audit_record(
            actor=by, action="delivery.retried", obj=delivery, summary=f"Sent again to {delivery.address}"
        )
        _after_commit_dispatch([delivery.pk])
    delivery.refresh_from_db()
    return delivery


def deliveries_retry_failed(*, by: User) -> int:
    """An MoJ admin sends every failed e-mail again. Returns how many."""
    _require_moj_admin(by)
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update()
            .filter(status=Delivery.Status.FAILED)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.QUEUED, attempts=0, due_at=timezone.now(), failed_at=None
        )
        if ids:
            audit_record(
                actor=by,
                action="delivery.retried_all",
                summary=f"Sent {len(ids)} failed e-mails again",
                changes={"deliveries": ids},
            )
        _after_commit_dispatch(ids)
    return len(ids)
