"""Helpers that build competitions and notices through the services, as a commissioner would."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from calloffs.models import Competition, Lot, MarketWarmingNotice
from calloffs.rules import CriterionTerms
from calloffs.services import competitions, notices
from portal.models import Region, ServiceCategory, User


def region_ids(*codes: str) -> frozenset[int]:
    return frozenset(Region.objects.filter(code__in=codes).values_list("pk", flat=True))


def region_id(code: str) -> int:
    return Region.objects.get(code=code).pk


def category_id(code: str) -> int:
    return ServiceCategory.objects.get(code=code).pk


def deadline_in(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=days)


def draft_competition(user: User, regions=("north-east",), *, days: int = 35, **overrides) -> Competition:
    deadline = deadline_in(days).replace(microsecond=0)
    data = {
        "title": "Accommodation for prison leavers",
        "region_ids": region_ids(*regions),
        "summary": "Help people leaving prison find a home.",
        "contact_name": "Carol Commissioner",
        "contact_email": "carol@justice.example",
        "clarification_deadline": deadline - timedelta(days=10),
        "submission_deadline": deadline,
        "expected_award_date": (deadline + timedelta(days=30)).date(),
        **overrides,
    }
    return competitions.competition_save(user=user, data=competitions.CompetitionData(**data))


def add_lot(competition: Competition, user: User, regions=("north-east",), **overrides) -> Lot:
    start = (
        (competition.submission_deadline + timedelta(days=90)).date()
        if competition.submission_deadline
        else date(2030, 1, 1)
    )
    data = {
        "title": "County Durham",
        "category_id": category_id("accommodation"),
        "region_ids": region_ids(*regions),
        "yearly_values_pence": (400_000_00, 500_000_00, 600_000_00),
        "contract_years": 3,
        "extension_years": 1,
        "contract_start": start,
        "people_per_year": 120,
        **overrides,
    }
    return competitions.lot_save(competition=competition, user=user, data=competitions.LotData(**data))


def set_criteria(competition: Competition, user: User, weightings=(60, 40)) -> None:
    names = ["Quality", "Price", "Social value", "Delivery"]
    competitions.criteria_save(
        competition=competition,
        user=user,
        criteria=[
            CriterionTerms(names[i], w, f"How well you meet {names[i]}", 500)
            for i, w in enumerate(weightings)
        ],
    )


def publishable_competition(user: User, regions=("north-east",), **overrides) -> Competition:
    competition = draft_competition(user, regions, **overrides)
    add_lot(competition, user, regions[:1])
    set_criteria(competition, user)
    return competition


def live_competition(user: User, regions=("north-east",), **overrides) -> Competition:
    competition = publishable_competition(user, regions, **overrides)
    return competitions.competition_publish(competition=competition, user=user)


def closed_competition(user: User, regions=("north-east",)) -> Competition:
    """Published 40 days ago with a deadline that passed yesterday."""
    competition = publishable_competition(user, regions)
    published = timezone.now() - timedelta(days=40)
    competitions.competition_publish(competition=competition, user=user, now=published)
    deadline = timezone.now() - timedelta(days=1)
    Competition.objects.filter(pk=competition.pk).update(
        submission_deadline=deadline, clarification_deadline=deadline - timedelta(days=5)
    )
    competition.refresh_from_db()
    return competition


def notice_data(regions=("north-east",), **overrides) -> notices.NoticeData:
    today = timezone.localdate()
    data = {
        "title": "Accommodation services from 2027",
        "summary": "We plan to buy accommodation support for prison leavers.",
        "category_ids": frozenset({category_id("accommodation")}),
        "region_ids": region_ids(*regions),
        "invitation_date": today + timedelta(days=60),
        "expected_deadline": today + timedelta(days=100),
        "contract_start": today + timedelta(days=200),
        "value_low_pence": 500_000_00,
        "value_high_pence": 1_500_000_00,
        **overrides,
    }
    return notices.NoticeData(**data)


def published_notice(user: User, regions=("north-east",), **overrides) -> MarketWarmingNotice:
    notice = notices.notice_save(user=user, data=notice_data(regions, **overrides))
    return notices.notice_publish(notice=notice, user=user)
