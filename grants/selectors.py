"""Reads of the grants portal, scoped to the person asking."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from grants import application_states, rules
from grants.models import ConflictDeclaration, Grant, GrantApplication, GrantRound, Registration
from grants.sections import REGISTRATION, eligibility_section, round_section
from portal.models import Region, User
from portal.questionnaires.engine import money_text
from portal.staff import regions_covered


def public_rounds(*, region: str = "", kind: str = "") -> QuerySet[GrantRound]:
    """Rounds open now, filtered by region code and by a kind of organisation that may apply."""
    now = timezone.now()
    rounds = GrantRound.objects.open_now(now).prefetch_related("regions")
    if region:
        rounds = rounds.filter(regions__code=region)
    if kind:
        matching = [r for r in rounds.distinct() if not r.organisation_kinds or kind in r.organisation_kinds]
        return GrantRound.objects.filter(pk__in=[r.pk for r in matching]).prefetch_related("regions")
    return rounds.distinct()


def public_round(round_pk: int) -> GrantRound | None:
    """A round the public may read: published (open, closed or decided), from its opening time."""
    return (
        GrantRound.objects.published()
        .filter(pk=round_pk, opens_at__lte=timezone.now())
        .prefetch_related("regions", "criteria")
        .first()
    )


def grants_awarded() -> QuerySet[Grant]:
    return Grant.objects.select_related("application__organisation", "region")


def rounds_for(user: User) -> QuerySet[GrantRound]:
    """The rounds a person manages: all for an MoJ admin; a commissioner's whose regions they all cover."""
    if not (user.is_commissioner or user.is_moj_admin):
        return GrantRound.objects.none()
    covered = regions_covered(user)
    rounds = GrantRound.objects.all()
    if covered is not None:
        outside = Region.objects.exclude(pk__in=covered)
        rounds = rounds.filter(regions__isnull=False).exclude(regions__in=outside).distinct()
    return rounds.prefetch_related("regions")


def registrations_waiting() -> QuerySet[Registration]:
    return (
        Registration.objects.filter(status=Registration.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("decide_by", "submitted_at", "pk")
    )


def applications_for_organisation(user: User) -> QuerySet[GrantApplication]:
    membership = getattr(user, "membership", None)
    if membership is None:
        return GrantApplication.objects.none()
    return GrantApplication.objects.filter(organisation_id=membership.organisation_id).select_related(
        "grant_round", "decision"
    )


def earlier_applications(user: User, application: GrantApplication) -> list[GrantApplication]:
    """The organisation's other applications with answers to copy, newest first."""
    return list(
        applications_for_organisation(user)
        .exclude(pk=application.pk)
        .exclude(answers={})
        .order_by("-created_at", "-pk")
    )


def application_state(application: GrantApplication, now: datetime | None = None) -> str:
    """The application's state in words (`application_states`), from its decision if it has one."""
    now = now or timezone.now()
    decision = getattr(application, "decision", None)
    return application_states.application_state(
        status=application.status,
        round_closed=now >= application.grant_round.closes_at,
        outcome=decision.outcome if decision else None,
        offer=decision.offer if decision else "",
        answer_by=decision.answer_by if decision else None,
        today=timezone.localdate(now),
    )


def registration_summary(registration: Registration) -> list:
    return REGISTRATION.summary(registration.answers)


def application_summary(application: GrantApplication) -> dict[str, Any]:
    """What the applicant sent (or is about to): eligibility, answers, files, budget by year."""
    grant_round = application.grant_round
    section = round_section(grant_round.questions)
    files = {f.question_key: f for f in application.files.all()}
    rows = []
    for question in section.questions:
        value = (
            files[question.key].name if question.key in files else question.value_text(application.answers)
        )
        if question.kind == "file" and question.key not in files:
            value = "Not given"
        rows.append({"key": question.key, "label": question.label, "value": value})
    return {
        "eligibility_rows": eligibility_section(grant_round.eligibility_questions).summary(
            application.eligibility_answers
        ),
        "answer_rows": rows,
        "budget_lines": [{**line, "amount": money_text(line.get("amount"))} for line in application.budget],
        "budget_years": rules.budget_years(application.budget),
    }


def readable_application_ids(user: User, grant_round: GrantRound) -> frozenset[int]:
    """The round's sent applications whose answers the person may read: those they declared no conflict
    with as an assessor (`grants.services.assessment.may_read`, for a whole list in one query)."""
    return frozenset(
        ConflictDeclaration.objects.filter(
            assessor__user=user, assessor__grant_round=grant_round, has_conflict=False
        ).values_list("application_id", flat=True)
    )
