"""Demo data for `make run`: Northern Lights Recovery CIO registered for grants in the North East and
North West, Fresh Start Employment Services Ltd registered for grants only (it never sent a Selection
Questionnaire), an open North East round, and a closed round with applications sent. Made through the same
services as the pages (a closed round is made by giving the services a past clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.models import GrantRound
from grants.services import applications, rounds
from grants.services import registration as registration_services
from portal.models import Organisation, Region, User

# The smallest valid PDF: the demo's "latest accounts".
DEMO_ACCOUNTS = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def register(*, user: User, admin: User, regions: list[str], income: int = 400_000) -> None:
    organisation = user.membership.organisation
    answers = {
        "legal_form": organisation.legal_form,
        "charity_number": organisation.charity_number or "1190001",
        "companies_house_number": organisation.companies_house_number,
        "trustees": "6",
        "annual_income": f"{income:,}",
        "year_end": f"{timezone.localdate().year - 1}-03-31",
        "policies": ["safeguarding", "equality", "data_protection"],
        "people": ["women", "young_adults"],
        "regions": regions,
    }
    accounts = SimpleUploadedFile("accounts.pdf", DEMO_ACCOUNTS, content_type="application/pdf")
    registration = registration_services.registration_save(
        user=user, organisation=organisation, answers=answers, accounts=accounts
    )
    registration_services.registration_submit(user=user, registration=registration)
    registration_services.registration_decide(user=admin, registration=registration, accept=True)


def grant_round(
    *, commissioner: User, title: str, opens_at: datetime, closes_at: datetime, region: str = "north-east"
) -> GrantRound:
    made = rounds.round_save(
        user=commissioner,
        data={
            "title": title,
            "purpose": (
                "Support for women on probation: mentoring, drop-in sessions, "
                "and help with housing and benefits."
            ),
            "fund": "Regional Outcomes and Innovation Fund (ROIF)",
            "regions": list(Region.objects.filter(code=region)),
            "total_budget_pence": 600_000_00,
            "min_award_pence": 8_000_00,
            "max_award_pence": 100_000_00,
            "max_duration_months": 24,
            "organisation_kinds": [],
            "income_multiple": 2,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "decision_date": (closes_at + timedelta(days=42)).date(),
        },
    )
    rounds.round_eligibility_question_add(
        user=commissioner,
        grant_round=made,
        label="Does your organisation work with women on probation?",
        ineligible_answer=False,
        reason="This round is only for organisations that work with women on probation.",
    )
    rounds.round_question_add(
        user=commissioner,
        grant_round=made,
        label="What will the grant pay for?",
        hint="",
        kind="long_text",
        required=True,
        word_limit=300,
        choices=[],
    )
    rounds.round_question_add(
        user=commissioner,
        grant_round=made,
        label="When would the work start?",
        hint="",
        kind="date",
        required=True,
        word_limit=None,
        choices=[],
    )
    rounds.round_criteria_set(
        user=commissioner, grant_round=made, criteria=[("Need and outcomes", 60), ("Value for money", 40)]
    )
    return rounds.round_publish(user=commissioner, grant_round=made, now=opens_at)


def apply(*, user: User, grant_round: GrantRound, now: datetime) -> None:
    application = applications.application_start(user=user, grant_round=grant_round, now=now)
    eligibility_key = grant_round.eligibility_questions[0]["key"]
    applications.application_eligibility_answer(
        user=user, application=application, answers={eligibility_key: True}, now=now
    )
    first, second = (q["key"] for q in grant_round.questions)
    applications.application_answers_save(
        user=user,
        application=application,
        answers={first: "A mentor for every woman leaving custody.", second: now.date().isoformat()},
        now=now,
    )
    applications.application_budget_save(
        user=user,
        application=application,
        lines=[
            {"year": 1, "item": "Mentor salary", "amount": "40,000"},
            {"year": 2, "item": "Mentor salary", "amount": "41,000"},
        ],
        now=now,
    )
    applications.application_submit(
        user=user,
        application=application,
        signed_name=user.full_name or user.email,
        signed_role="Director",
        now=now,
    )


def load(*, commissioner: User, admin: User, supplier: User, grants_only: User | None = None) -> str:
    """`grants_only` is a person whose organisation registers for grants and never qualifies onto the
    framework (never sends a Selection Questionnaire): grants are open to organisations off it."""
    now = timezone.now()
    register(user=supplier, admin=admin, regions=["north-east", "north-west"])
    if grants_only is not None:
        register(user=grants_only, admin=admin, regions=["london"], income=900_000)
    grant_round(
        commissioner=commissioner,
        title="Women's mentoring in the North East, 2027 to 2029",
        opens_at=now - timedelta(hours=1),
        closes_at=(now + timedelta(days=30)).replace(hour=12, minute=0, second=0, microsecond=0),
    )
    closed = grant_round(
        commissioner=commissioner,
        title="Women's drop-in centres in the North East, 2026 to 2028",
        opens_at=now - timedelta(days=40),
        closes_at=(now - timedelta(days=5)).replace(hour=12, minute=0, second=0, microsecond=0),
    )
    apply(user=supplier, grant_round=closed, now=now - timedelta(days=10))
    organisation = Organisation.objects.get(pk=supplier.membership.organisation_id)
    return (
        f"{organisation} is registered for grants; a grant round is open, and one closed with an application."
    )
