"""Tenders built straight in the database, for tests of what comes after submission (opening,
evaluation, awards, statistics) that need submitted tenders without walking the bidder's task list.
Tests of the bidder's own steps use the tendering services instead."""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from calloffs.models import Competition, Lot, Tender, TenderVersion
from portal.models import Organisation, User

_receipts = itertools.count(1)


def started_tender(lot: Lot, organisation: Organisation, user: User) -> Tender:
    return Tender.objects.create(
        competition=lot.competition, lot=lot, organisation=organisation, started_by=user
    )


def submitted_tender(
    lot: Lot, organisation: Organisation, user: User, *, at: datetime | None = None
) -> Tender:
    tender = started_tender(lot, organisation, user)
    snapshot = {"organisation": organisation.legal_name, "lot": lot.number}
    version = TenderVersion.objects.create(
        tender=tender,
        number=1,
        receipt_number=f"TEST-{next(_receipts):06d}",
        submitted_by=user,
        submitted_at=at or timezone.now(),
        sha256=hashlib.sha256(repr(snapshot).encode()).hexdigest(),
        snapshot=snapshot,
    )
    tender.status = Tender.Status.SUBMITTED
    tender.current_version = version
    tender.save(update_fields=["status", "current_version"])
    return tender


def past_deadline(competition: Competition, *, days_ago: int = 1) -> Competition:
    """Move a live competition's deadline into the past (tenders already in place stay as they are)."""
    deadline = timezone.now() - timedelta(days=days_ago)
    Competition.objects.filter(pk=competition.pk).update(
        submission_deadline=deadline, clarification_deadline=deadline - timedelta(days=5)
    )
    competition.refresh_from_db()
    return competition
