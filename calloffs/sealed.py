"""The sealed-tender rule (docs/domain.md §5), written once: every read of a tender goes through here.

Before a competition's tenders are opened, nobody but the bidding organisation's own people can read a
tender, its files, or even learn which organisations have started one: not the commissioner, not an MoJ
admin. Staff see only counts (`tender_counts`). Opening is an explicit, audited action by the
commissioner, possible only at or after the deadline (`calloffs.services.evaluation.tenders_open`).

After opening, a member of staff reads a tender only as a named evaluator of its competition who has
declared no conflict of interest with its bidder (`portal.evaluation.may_see_bid`): the commissioner who
moderates names themselves an evaluator and declares like everyone else. Withdrawn and never-submitted
tenders stay with their organisation, and so does a tender not opened because its organisation was no
longer eligible at the deadline (staff see only its organisation and the reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from calloffs.models import (
    Competition,
    ConflictDeclaration,
    Tender,
    TenderFile,
    TenderPartner,
    TenderResponse,
    TenderSignature,
    TenderVersion,
)
from portal.clock import has_passed
from portal.models import User


def is_sealed(competition: Competition) -> bool:
    """Sealed until the commissioner opens the tenders (never before the deadline)."""
    return competition.opened_at is None


def own_tenders(user: User) -> QuerySet[Tender]:
    """The tenders of the person's organisation, whatever their state: a supplier's own work."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None:
        return Tender.objects.none()
    return Tender.objects.filter(organisation_id=membership.organisation_id)


def opened_tenders() -> QuerySet[Tender]:
    """Every tender that was opened: submitted, in an opened competition, and not excluded at the deadline.
    Their bidders' names (not their content) are what evaluators declare about."""
    return Tender.objects.filter(
        status=Tender.Status.SUBMITTED, competition__opened_at__isnull=False, excluded_reason=""
    )


def opened_tenders_for(user: User) -> QuerySet[Tender]:
    """Opened tenders that a member of staff may read: as an evaluator of the competition who has
    declared no conflict with that bidder."""
    if not user.is_authenticated or not (user.is_commissioner or user.is_moj_admin):
        return Tender.objects.none()
    no_conflict = ConflictDeclaration.objects.filter(
        tender=OuterRef("pk"), evaluator__user=user, has_conflict=False
    )
    return opened_tenders().filter(Exists(no_conflict))


def staff_known_tenders() -> QuerySet[Tender]:
    """Tenders whose existence staff may know of: submitted tenders of opened competitions (those not
    opened at the deadline included, by name and reason). Everything else about tenders (the audit log's
    events of the others, for instance) stays hidden from staff."""
    return Tender.objects.filter(status=Tender.Status.SUBMITTED, competition__opened_at__isnull=False)


TENDER_MODELS = (Tender, TenderVersion, TenderFile, TenderResponse, TenderSignature, TenderPartner)


def hidden_from_staff(type_field: str, id_field: str, *, separator: str | None) -> Q:
    """A condition on records that name a tender model and an id (audit events: `object_type` and
    `object_id`; messages: `source`, "calloffs.tender:12"), true for those about a tender staff may not
    know of yet (`staff_known_tenders`). The record's other fields stay the caller's business."""
    known = staff_known_tenders()
    hidden = Q()
    for model in TENDER_MODELS:
        label = model._meta.label_lower
        lookup: dict[str, QuerySet[Tender, Any]] = (
            {"pk__in": known.values("pk")} if model is Tender else {"tender__in": known}
        )
        rows = model.objects.filter(**lookup)
        if separator is None:
            keys = rows.annotate(key=Cast("pk", CharField())).values("key")
            hidden |= Q(**{type_field: label}) & ~Q(**{f"{id_field}__in": keys})
        else:
            keys = rows.annotate(key=Concat(Value(f"{label}{separator}"), Cast("pk", CharField()))).values(
                "key"
            )
            hidden |= Q(**{f"{type_field}__startswith": f"{label}{separator}"}) & ~Q(
                **{f"{id_field}__in": keys}
            )
    return hidden


def readable_tenders(user: User) -> QuerySet[Tender]:
    """Every tender the person may read: their organisation's, and the opened ones they may evaluate."""
    return Tender.objects.filter(Q(pk__in=own_tenders(user)) | Q(pk__in=opened_tenders_for(user)))


def may_read(user: User, tender: Tender) -> bool:
    return readable_tenders(user).filter(pk=tender.pk).exists()


@dataclass(frozen=True)
class TenderCounts:
    started: int
    submitted: int


def tender_counts(competition: Competition) -> TenderCounts:
    """What staff may know of a sealed competition: how many tenders were started and submitted."""
    counts = Tender.objects.filter(competition=competition).aggregate(
        started=Count("pk"), submitted=Count("pk", filter=Q(status=Tender.Status.SUBMITTED))
    )
    return TenderCounts(**counts)


def may_open(competition: Competition, now: datetime | None = None) -> bool:
    """Tenders can be opened from the deadline, once."""
    now = now or timezone.now()
    return (
        competition.opened_at is None
        and competition.submission_deadline is not None
        and competition.status == Competition.Status.LIVE
        and has_passed(competition.submission_deadline, now)
    )
