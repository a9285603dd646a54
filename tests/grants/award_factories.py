"""Grant rounds, applications and grants written straight with the ORM, for the statistics and the open
data: the offers step that makes grants is another change, and these tests read only what it leaves."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from calloffs.statistics import Period, financial_year_of
from grants.models import Grant, GrantApplication, GrantRound, Registration
from portal.clock import LONDON
from portal.models import Organisation, User
from tests.factories import OrganisationFactory, region


def middle_of_this_year() -> datetime:
    """1 October of the current financial year, at noon: far from the year's edges, whatever today is."""
    year = financial_year_of(timezone.localdate())
    return datetime.combine(date(year, 10, 1), time(12), tzinfo=LONDON)


def period_at(now: datetime, region_code: str | None = None) -> Period:
    return Period(
        financial_year_of(now.astimezone(LONDON).date()), region(region_code) if region_code else None, now
    )


def grant_round(
    commissioner: User,
    *,
    closes_at: datetime,
    regions: tuple[str, ...] = ("north-east",),
    status: str = GrantRound.Status.OPEN,
    **changes: Any,
) -> GrantRound:
    fields = {
        "title": "Women's mentoring",
        "purpose": "Mentoring for women on probation.",
        "total_budget_pence": 500_000_00,
        "opens_at": closes_at - timedelta(days=30),
        "closes_at": closes_at,
        "decision_date": (closes_at + timedelta(days=40)).date(),
        "status": status,
        "published_at": closes_at - timedelta(days=30),
        "created_by": commissioner,
        **changes,
    }
    made = GrantRound.objects.create(**fields)
    made.regions.set([region(code) for code in regions])
    return made


def registered_organisation(*, people: tuple[str, ...] = ("women",), **fields: Any) -> Organisation:
    organisation = OrganisationFactory(**fields)
    Registration.objects.create(
        organisation=organisation,
        answers={"people": list(people)},
        status=Registration.Status.ACCEPTED,
        accepted_at=timezone.now(),
    )
    return organisation


def application(
    round_: GrantRound, organisation: Organisation, *, status: str = GrantApplication.Status.SUBMITTED
) -> GrantApplication:
    return GrantApplication.objects.create(
        grant_round=round_,
        organisation=organisation,
        status=status,
        eligibility_passed=True,
        started_by=round_.created_by,
        submitted_at=round_.closes_at - timedelta(days=1)
        if status == GrantApplication.Status.SUBMITTED
        else None,
    )


def grant(
    round_: GrantRound,
    organisation: Organisation,
    *,
    pounds: int,
    region_code: str = "north-east",
    accepted_at: datetime | None = None,
) -> Grant:
    """A submitted application and its grant, accepted 50 days after the round closed."""
    return Grant.objects.create(
        application=application(round_, organisation),
        amount_pence=pounds * 100,
        region=region(region_code),
        purpose="Mentoring for women leaving prison.",
        accepted_at=accepted_at or round_.closes_at + timedelta(days=50),
    )
