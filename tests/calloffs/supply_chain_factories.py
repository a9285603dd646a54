"""A recorded contract with key subcontractors, made through the award services, for the tests of the
supply chain after the award (calloffs.services.supply_chain)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from calloffs.models import Contract, TenderPartner
from calloffs.services import awards
from portal.models import Organisation, User
from tests.calloffs.award_factories import decidable_lot
from tests.calloffs.tender_factories import past_deadline

START = date(2026, 4, 1)
END = date(2029, 3, 31)


def recorded_contract(
    commissioner: User,
    lead: Organisation,
    other: Organisation,
    *,
    start: date = START,
    end: date = END,
    value_pence: int = 900_000_00,
) -> Contract:
    """Lot awarded to `lead`'s tender, which named two key subcontractors and one consortium member, and
    its contract recorded after the standstill."""
    decidable = decidable_lot(commissioner, lead, other)
    tender = decidable.best
    TenderPartner.objects.create(
        tender=tender,
        kind="subcontractor",
        name="Northern Mentors CIC",
        role="Mentoring",
        share_percent=20,
        is_vcse=True,
    )
    TenderPartner.objects.create(
        tender=tender,
        kind="subcontractor",
        name="Tyne Housing Ltd",
        role="Housing advice",
        share_percent=10,
        is_vcse=False,
    )
    TenderPartner.objects.create(
        tender=tender,
        kind="consortium_member",
        name="Consortium Partner Ltd",
        role="Everything else",
        share_percent=30,
        is_vcse=False,
    )
    past_deadline(decidable.competition, days_ago=30)
    decided_at = timezone.now() - timedelta(days=20)
    award = awards.award_lot(lot=decidable.lot, tender=tender, user=commissioner, now=decided_at)
    return awards.contract_record(
        award=award, user=commissioner, value_pence=value_pence, start_date=start, end_date=end
    )
