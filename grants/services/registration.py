"""A grants registration: saved from the organisation's profile, sent, and decided by the MoJ grants team."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from grants import accounts as financial_accounts
from grants.models import (
    Registration,
)
from grants.sections import REGISTRATION, registration_initial
from portal import decision_clocks, decision_reminders, uploads, working_days
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.financial_profile import current_profile
from portal.locking import locked
from portal.models import Organisation, Region, User
from portal.organisations import require_member
from portal.questionnaires.engine import Context
from portal.services import message_send

REGISTRATION_DECIDED = "grants_registration_decided"


# Registration ------------------------------------------------------------------------------------


REGISTRATION_MEMBERS_ONLY = "Only people in the organisation can change its grants registration."


def registration_for(organisation: Organisation) -> Registration:
    """The organisation's registration, or a new one (unsaved) starting from its profile and accounts."""
    registration = Registration.objects.filter(organisation=organisation).first()
    if registration is not None:
        return registration
    initial = registration_initial(organisation)
    return Registration(
        organisation=organisation,
        answers=financial_accounts.with_profile(initial, current_profile(organisation)),
    )


def _set_regions(registration: Registration) -> None:
    codes = registration.answers.get("regions") or []
    registration.regions.set(Region.objects.active().filter(code__in=codes))


def registration_save(
    *,
    user: User,
    organisation: Organisation,
    answers: Mapping[str, Any],
    accounts: UploadedFile | None = None,
) -> Registration:
    """Save the answers as typed (nothing is lost). Any time, except while the grants team is deciding;
    a change of regions counts at once for alerts."""
    require_member(user, organisation, refusal=REGISTRATION_MEMBERS_ONLY)
    checked = uploads.checked_upload(accounts, field="accounts") if accounts is not None else None
    with transaction.atomic():
        # The organisation first: of two first saves at once, the second waits and finds the first's row;
        # a change of the organisation's accounts (which locks it too) is never half seen.
        locked(Organisation, organisation.pk)
        # With the organisation's accounts given once, its income and file are theirs (grants.accounts).
        profile = current_profile(organisation)
        registration = registration_for(organisation)
        if registration.pk:
            registration = locked(Registration, registration.pk)
        if not registration.is_editable:
            raise RuleBroken("Your registration is with the grants team: you can change it once they decide.")
        fields = ["answers"]
        if profile is not None:
            fields = financial_accounts.take_accounts(
                registration, profile, answers=REGISTRATION.stored(answers)
            )
        else:
            registration.answers = REGISTRATION.stored(answers)
        if profile is None and checked is not None:
            registration.accounts.save("accounts", ContentFile(checked.data), save=False)
            registration.accounts_name = checked.name
            registration.accounts_content_type = checked.content_type
            fields += ["accounts", "accounts_name", "accounts_content_type"]
        if registration.pk:
            registration.save(update_fields=fields)
        else:
            registration.save()
        _set_regions(registration)
        audit_record(
            actor=user,
            action="grants.registration_saved",
            summary=f"{organisation} saved its grants registration",
            obj=registration,
        )
    return registration


def registration_problems(registration: Registration) -> list[RuleBroken]:
    problems = [
        RuleBroken(message, field=key)
        for key, message in REGISTRATION.errors(registration.answers, Context()).items()
    ]
    if not registration.accounts:
        if financial_accounts.PROFILE_KEY in registration.answers:
            problems.append(
                RuleBroken(
                    "Upload your latest accounts on your organisation's accounts page", field="accounts"
                )
            )
        else:
            problems.append(RuleBroken("Upload your latest accounts", field="accounts"))
    return problems


def registration_submit(
    *, user: User, registration: Registration, now: datetime | None = None
) -> Registration:
    require_member(user, registration.organisation, refusal=REGISTRATION_MEMBERS_ONLY)
    with transaction.atomic():
        # The organisation first, as a change of accounts locks it and then its drafts (and as saving
        # the registration does): the other order can deadlock with it.
        locked(Organisation, registration.organisation_id)
        registration = locked(Registration, registration.pk)
        if registration.status == Registration.Status.SUBMITTED:
            raise RuleBroken("Your registration has already been sent.")
        if registration.status == Registration.Status.ACCEPTED:
            # Registered stays registered: a change after acceptance is not decided again (ADR 0014).
            raise RuleBroken(
                "Your organisation is already registered for grants, so there is nothing to send."
            )
        profile = current_profile(registration.organisation_id)
        if profile is not None:  # what is sent is the organisation's accounts as they are now
            financial_accounts.take_accounts(registration, profile)
        raise_problems(registration_problems(registration))
        registration.status = Registration.Status.SUBMITTED
        registration.submitted_at = now or timezone.now()
        registration.submitted_by = user
        registration.return_reasons = ""
        registration.decide_by = working_days.decide_by(
            registration.submitted_at, settings.GRANTS_REGISTRATION_DECISION_WORKING_DAYS
        )
        registration.save(
            update_fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "return_reasons",
                "decide_by",
                *(financial_accounts.ACCOUNTS_FIELDS if profile is not None else ()),
            ]
        )
        audit_record(
            actor=user,
            action="grants.registration_submitted",
            summary=f"{registration.organisation} sent its grants registration",
            obj=registration,
        )
    return registration


def registration_decide(
    *, user: User, registration: Registration, accept: bool, reasons: str = "", now: datetime | None = None
) -> Registration:
    """The grants team accepts a sent registration, or returns it with reasons; the organisation is told
    by inbox message and e-mail."""
    if not user.is_moj_admin:
        raise RuleBroken("Only the MoJ grants team decides registrations.")
    if not accept and not reasons.strip():
        raise RuleBroken("Enter the reasons you are returning the registration", field="reasons")
    now = now or timezone.now()
    with transaction.atomic():
        registration = locked(Registration, registration.pk)
        if registration.status != Registration.Status.SUBMITTED:
            raise RuleBroken("This registration is not waiting for a decision.")
        registration.status = Registration.Status.ACCEPTED if accept else Registration.Status.RETURNED
        registration.decided_at = now
        registration.decided_by = user
        registration.return_reasons = "" if accept else reasons.strip()
        if accept and registration.accepted_at is None:
            registration.accepted_at = now
        registration.save(
            update_fields=["status", "decided_at", "decided_by", "return_reasons", "accepted_at"]
        )
        audit_record(
            actor=user,
            action="grants.registration_decided",
            summary=f"{registration.get_status_display()}: grants registration of "
            f"{registration.organisation}",
            obj=registration,
        )
        message_send(
            kind=REGISTRATION_DECIDED,
            source=f"grants.registration:{registration.pk}:{now.isoformat()}",
            context={"registration": registration},
            organisation=registration.organisation,
        )
    return registration


# The decision clock (docs/adr/0020-decision-clocks.md) --------------------------------------------


def decision_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the grants team (MoJ admins) of each registration whose decision is due within the
    reminder's working days, and again once it is overdue: once each, however often or concurrently this
    runs. A registration sent again after it was returned has a new date, reminded of afresh. Returns
    how many messages were new."""
    now = now or timezone.now()
    team = list(User.objects.filter(role=User.Role.MOJ_ADMIN, is_active=True).values_list("pk", flat=True))
    waiting = (
        Registration.objects.filter(
            status=Registration.Status.SUBMITTED, decide_by__lte=decision_clocks.reminders_from(now)
        )
        .select_related("organisation")
        .order_by("decide_by", "pk")
    )
    return decision_reminders.reminders_send(
        cases=waiting,
        due=lambda registration: registration.decide_by,
        recipients=lambda _registration: team,
        kind="grants_registration_decision",
        action="grants.registration_decision",
        context_name="registration",
        described=lambda registration: f"Grants registration of {registration.organisation}: decision",
        now=now,
    )
