"""Demo data for `make run`: a market warming notice, a live competition with a lot open to organisations
of any size and one over the financial threshold, and a closed competition waiting for its outcome.
Made through the same services as the pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from calloffs import services
from calloffs.rules import CriterionTerms
from portal.models import Region, ServiceCategory, User

CRITERIA = [
    CriterionTerms(
        "Quality of the service", 50, "How you will find and keep homes for people leaving prison.", 750
    ),
    CriterionTerms("Social value", 10, "How you will work with local voluntary organisations.", 300),
    CriterionTerms("Price", 40, "The total price over the contract, from the financial model.", None),
]


def _ids(model, *codes: str) -> frozenset[int]:
    return frozenset(model.objects.filter(code__in=codes).values_list("pk", flat=True))


def _competition(commissioner: User, *, title: str, published, deadline_days: int, lots: list[dict]):
    deadline = (published + timedelta(days=deadline_days)).replace(hour=12, minute=0, second=0, microsecond=0)
    competition = services.competition_save(
        user=commissioner,
        now=published,
        data=services.CompetitionData(
            title=title,
            region_ids=_ids(Region, "north-east", "north-west"),
            summary=(
                "Support for people leaving prison to find and keep a safe home: finding tenancies, "
                "furnishing them and a named key worker for the first six months."
            ),
            contact_name="Demo Commissioner",
            contact_email="commissioner@justice.example",
            minimum_cyber_level="cyber_essentials",
            clarification_deadline=deadline - timedelta(days=10),
            submission_deadline=deadline,
            expected_award_date=(deadline + timedelta(days=30)).date(),
        ),
    )
    for lot in lots:
        services.lot_save(
            competition=competition,
            user=commissioner,
            data=services.LotData(
                category_id=ServiceCategory.objects.get(code="accommodation").pk,
                contract_years=len(lot["values"]),
                extension_years=1,
                contract_start=(deadline + timedelta(days=120)).date(),
                people_per_year=lot.get("people"),
                title=lot["title"],
                region_ids=_ids(Region, *lot["regions"]),
                yearly_values_pence=tuple(value * 100 for value in lot["values"]),
                minimum_turnover_pence=lot.get("turnover"),
            ),
        )
    services.criteria_save(competition=competition, user=commissioner, criteria=CRITERIA)
    return services.competition_publish(competition=competition, user=commissioner, now=published)


def load(commissioner: User) -> None:
    now = timezone.now()
    today = timezone.localdate()
    notice = services.notice_save(
        user=commissioner,
        data=services.NoticeData(
            title="Support for women on probation in the North West, from 2027",
            summary=(
                "We plan to buy women-only support services across the North West: drop-in centres, "
                "mentoring and help with housing and benefits. Tell us what you think at the online event."
            ),
            category_ids=_ids(ServiceCategory, "women"),
            region_ids=_ids(Region, "north-west"),
            invitation_date=today + timedelta(days=60),
            expected_deadline=today + timedelta(days=100),
            contract_start=today + timedelta(days=240),
            value_low_pence=300_000_00,
            value_high_pence=800_000_00,
            event_at=now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=21),
            event_place="Online: the joining link is sent to everyone who registers",
        ),
    )
    services.notice_publish(notice=notice, user=commissioner)
    _competition(
        commissioner,
        title="Accommodation support for prison leavers in the North East",
        published=now - timedelta(days=3),
        deadline_days=35,
        lots=[
            {
                "title": "Tyneside",
                "regions": ["north-east"],
                "values": [400_000, 450_000, 500_000],
                "people": 150,
            },
            {
                "title": "The whole North East",
                "regions": ["north-east"],
                "values": [545_000, 1_200_000, 1_500_000, 1_800_000],
                "people": 600,
                "turnover": 2_000_000_00,
            },
        ],
    )
    _competition(
        commissioner,
        title="Move-on accommodation in the North West",
        published=now - timedelta(days=45),
        deadline_days=40,
        lots=[{"title": "Greater Lancashire", "regions": ["north-west"], "values": [300_000, 300_000]}],
    )
