"""Opened competitions, awards and contracts built straight in the database, for the tests of what is
published about them (statistics, open data). The award services are tested on their own."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from calloffs.models import Award, Competition, Contract, Lot, Tender
from portal.models import User


def opened(competition: Competition, by: User) -> Competition:
    """Open the tenders of a competition whose deadline has passed, an hour after the deadline."""
    Competition.objects.filter(pk=competition.pk).update(
        opened_at=competition.submission_deadline + timedelta(hours=1), opened_by=by
    )
    competition.refresh_from_db()
    return competition


def decided(competition: Competition, status: str = Competition.Status.AWARDED) -> Competition:
    Competition.objects.filter(pk=competition.pk).update(status=status, ended_at=timezone.now())
    competition.refresh_from_db()
    return competition


def award(lot: Lot, tender: Tender | None, by: User, *, days_after_deadline: float = 1) -> Award:
    """A decision on the lot, some days after its competition's deadline: awarded to `tender`, or no
    suitable bidder when `tender` is None."""
    decided_at = lot.competition.submission_deadline + timedelta(days=days_after_deadline)
    if tender is None:
        return Award.objects.create(
            lot=lot, outcome=Award.Outcome.NO_SUITABLE_BIDDER, decided_by=by, decided_at=decided_at
        )
    return Award.objects.create(
        lot=lot,
        outcome=Award.Outcome.AWARDED,
        tender=tender,
        decided_by=by,
        decided_at=decided_at,
        standstill_ends_at=decided_at + timedelta(days=10),
    )


def contract(award: Award, by: User, *, value_pence: int) -> Contract:
    start = award.lot.contract_start
    return Contract.objects.create(
        award=award,
        organisation=award.tender.organisation,
        value_pence=value_pence,
        start_date=start,
        end_date=start + timedelta(days=365 * award.lot.contract_years),
        recorded_by=by,
        recorded_at=award.standstill_ends_at,
    )


def closed_days_ago(competition: Competition, *, open_for_days: int, closed_days_ago: int) -> Competition:
    """Move a published competition back in time: published, then closed `closed_days_ago` days ago."""
    deadline = timezone.now() - timedelta(days=closed_days_ago)
    Competition.objects.filter(pk=competition.pk).update(
        published_at=deadline - timedelta(days=open_for_days),
        clarification_deadline=deadline - timedelta(days=5),
        submission_deadline=deadline,
    )
    competition.refresh_from_db()
    return competition
