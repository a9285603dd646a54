"""Competitions that run their course, built in the database, for the tests of red flags."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from calloffs.models import Competition
from tests.calloffs import factories as f
from tests.calloffs.award_factories import opened
from tests.calloffs.tender_factories import submitted_tender
from tests.factories import MembershipFactory, OrganisationFactory


def closed(competition: Competition) -> Competition:
    """Published 40 days before a deadline that passed yesterday, as if it had run its course."""
    deadline = timezone.now() - timedelta(days=1)
    Competition.objects.filter(pk=competition.pk).update(
        published_at=deadline - timedelta(days=40),
        submission_deadline=deadline,
        clarification_deadline=deadline - timedelta(days=5),
    )
    competition.refresh_from_db()
    return competition


def bidders(count: int) -> list:
    return [MembershipFactory(organisation=OrganisationFactory()) for _ in range(count)]


def competition_with_bids(commissioner, count: int) -> Competition:
    """Closed and opened, with `count` tenders submitted two days before the deadline."""
    competition = closed(f.live_competition(commissioner))
    lot = competition.lots.get()
    for member in bidders(count):
        submitted_tender(
            lot, member.organisation, member.user, at=competition.submission_deadline - timedelta(days=2)
        )
    return opened(competition, commissioner)
