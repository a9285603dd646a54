"""Grants records made through the services, as the pages make them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.models import GrantApplication, GrantRound, Registration
from grants.services import applications, rounds
from grants.services import registration as registration_services
from portal.models import Region, User
from tests.suppliers.factories import PDF_BYTES

ELIGIBILITY_REASON = "This round is only for organisations that work with women on probation."


def accounts() -> SimpleUploadedFile:
    return SimpleUploadedFile("accounts.pdf", PDF_BYTES, content_type="application/pdf")


def registration_answers(regions=("north-east",), income: str = "400,000") -> dict[str, Any]:
    return {
        "legal_form": "cio",
        "charity_number": "1190001",
        "trustees": "6",
        "annual_income": income,
        "year_end": "2026-03-31",
        "policies": ["safeguarding"],
        "people": ["women"],
        "regions": list(regions),
    }


def sent_registration(user: User, **answers: Any) -> Registration:
    registration = registration_services.registration_save(
        user=user,
        organisation=user.membership.organisation,
        answers=registration_answers(**answers),
        accounts=accounts(),
    )
    return registration_services.registration_submit(user=user, registration=registration)


def registered(user: User, admin: User, **answers: Any) -> Registration:
    return registration_services.registration_decide(
        user=admin, registration=sent_registration(user, **answers), accept=True
    )


def round_data(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    closes = now + timedelta(days=30)
    data = {
        "title": "Women's mentoring in the North East",
        "purpose": "Mentoring for women on probation.",
        "fund": "Regional Outcomes and Innovation Fund (ROIF)",
        "regions": [Region.objects.get(code="north-east")],
        "total_budget_pence": 500_000_00,
        "min_award_pence": 8_000_00,
        "max_award_pence": 100_000_00,
        "max_duration_months": 24,
        "organisation_kinds": [],
        "income_multiple": 2,
        "opens_at": now - timedelta(hours=1),
        "closes_at": closes,
        "decision_date": (closes + timedelta(days=40)).date(),
    }
    data.update(changes)
    return data


def publishable_round(commissioner: User, **changes: Any) -> GrantRound:
    grant_round = rounds.round_save(user=commissioner, data=round_data(**changes))
    rounds.round_eligibility_question_add(
        user=commissioner,
        grant_round=grant_round,
        label="Does your organisation work with women on probation?",
        ineligible_answer=False,
        reason=ELIGIBILITY_REASON,
    )
    for label, kind, limit in (
        ("What will the grant pay for?", "long_text", 200),
        ("How many women will you support?", "text", None),
        ("Which area will you work in?", "choice", None),
    ):
        rounds.round_question_add(
            user=commissioner,
            grant_round=grant_round,
            label=label,
            hint="",
            kind=kind,
            required=True,
            word_limit=limit,
            choices=["Tyneside", "Teesside"] if kind == "choice" else [],
        )
    rounds.round_criteria_set(
        user=commissioner, grant_round=grant_round, criteria=[("Need", 60), ("Value for money", 40)]
    )
    return GrantRound.objects.get(pk=grant_round.pk)


def open_round(commissioner: User, *, now: datetime | None = None, **changes: Any) -> GrantRound:
    grant_round = publishable_round(commissioner, **changes)
    return rounds.round_publish(user=commissioner, grant_round=grant_round, now=now or grant_round.opens_at)


def good_answers(grant_round: GrantRound) -> dict[str, Any]:
    keys = [q["key"] for q in grant_round.questions]
    return {keys[0]: "A mentor for each woman.", keys[1]: "40", keys[2]: "c0"}


def ready_application(
    user: User, grant_round: GrantRound, *, now: datetime | None = None
) -> GrantApplication:
    """Eligible, answered and budgeted: ready to sign and send."""
    application = applications.application_start(user=user, grant_round=grant_round, now=now)
    key = grant_round.eligibility_questions[0]["key"]
    applications.application_eligibility_answer(
        user=user, application=application, answers={key: True}, now=now
    )
    applications.application_answers_save(
        user=user, application=application, answers=good_answers(grant_round), now=now
    )
    applications.application_budget_save(
        user=user,
        application=application,
        lines=[
            {"year": 1, "item": "Mentor", "amount": "40,000"},
            {"year": 2, "item": "Mentor", "amount": "40,000"},
        ],
        now=now,
    )
    return GrantApplication.objects.get(pk=application.pk)


def submitted_application(
    user: User, grant_round: GrantRound, *, now: datetime | None = None
) -> GrantApplication:
    application = ready_application(user, grant_round, now=now)
    return applications.application_submit(
        user=user, application=application, signed_name="Alice Able", signed_role="Director", now=now
    )


def closed_round_with_applications(
    commissioner: User, admin: User, *applicants: User, **changes: Any
) -> GrantRound:
    """A round that has closed (by the server's clock) with one sent application from each applicant."""
    grant_round = open_round(commissioner, **changes)
    for applicant in applicants:
        registered(applicant, admin)
        submitted_application(applicant, grant_round)
    return closed_now(grant_round)


def closed_now(grant_round: GrantRound) -> GrantRound:
    """The round, its closing time moved to a minute ago (its applications were sent before)."""
    GrantRound.objects.filter(pk=grant_round.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    return GrantRound.objects.get(pk=grant_round.pk)


def scored(assessor_user: User, application: GrantApplication, score: int = 3) -> None:
    """The person, already an assessor, declares no conflict with every applicant and scores this one."""
    from grants.services import assessment
    from portal.evaluation.services import DeclarationAnswer, ScoreEntry

    grant_round = application.grant_round
    due = assessment.declarations_due(assessment.assessor_for(assessor_user, grant_round))
    answers = [DeclarationAnswer(pk, False) for pk in due.values_list("pk", flat=True)]
    if answers:
        assessment.declarations_sign(user=assessor_user, grant_round=grant_round, answers=answers)
    assessment.scores_save(
        user=assessor_user,
        application=application,
        entries=[ScoreEntry(c.pk, score, "Clear evidence of need.") for c in grant_round.criteria.all()],
    )


def moderated(commissioner: User, application: GrantApplication, score: int = 3) -> None:
    """Named an assessor (if not already), declared, scored and moderated by the commissioner alone."""
    from grants.services import assessment
    from portal.evaluation.services import AgreedScore

    grant_round = application.grant_round
    if assessment.assessor_for(commissioner, grant_round) is None:
        assessment.assessor_name(user=commissioner, grant_round=grant_round, person=commissioner)
    scored(commissioner, application, score)
    assessment.moderate(
        user=commissioner,
        application=application,
        agreed=[AgreedScore(c.pk, score, "Agreed at the panel.") for c in grant_round.criteria.all()],
    )
