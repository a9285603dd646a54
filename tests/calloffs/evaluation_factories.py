"""A closed competition with submitted tenders from qualified organisations, and the evaluation steps
done through the services, for the tests of opening, evaluation and what follows."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from calloffs.models import Competition, Tender, TenderFile
from calloffs.services import competitions, evaluation
from portal.models import Organisation, User
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import past_deadline, submitted_tender
from tests.factories import AdminFactory
from tests.suppliers import factories as sq_factories


def qualify(organisation: Organisation, user: User) -> None:
    """Qualified for accommodation in the North East (the competition's lot), with Cyber Essentials."""
    sq_factories.decide(sq_factories.submitted_application(organisation, user), AdminFactory())


def closed_with_tenders(
    owner: User, bidders: list[tuple[Organisation, User]]
) -> tuple[Competition, list[Tender]]:
    """A competition published 40 days ago whose deadline passed yesterday, with one submitted tender
    per bidder for its one lot (criteria weighted 60 and 40, scored 0 to 4)."""
    competition = f.publishable_competition(owner, minimum_cyber_level="cyber_essentials")
    competitions.competition_publish(
        competition=competition, user=owner, now=timezone.now() - timedelta(days=40)
    )
    lot = competition.lots.get()
    tenders = [submitted_tender(lot, organisation, user) for organisation, user in bidders]
    return past_deadline(competition), tenders


def opened(owner: User, competition: Competition) -> Competition:
    return evaluation.tenders_open(competition=competition, user=owner)


def declare(user: User, competition: Competition, conflicts: dict[int, str] | None = None) -> None:
    """Declare about every opened tender: a conflict (with details) for those in `conflicts`."""
    conflicts = conflicts or {}
    answers = [
        evaluation.DeclarationAnswer(tender.pk, tender.pk in conflicts, conflicts.get(tender.pk, ""))
        for tender in competition.tenders.filter(status=Tender.Status.SUBMITTED, excluded_reason="")
    ]
    evaluation.declarations_sign(competition=competition, user=user, answers=answers)


def score(user: User, tender: Tender, scores: list[int]) -> None:
    criteria = list(tender.competition.criteria.all())
    entries = [
        evaluation.ScoreEntry(criterion.pk, value, f"Scored {value} because of the evidence")
        for criterion, value in zip(criteria, scores, strict=True)
    ]
    evaluation.scores_save(tender=tender, user=user, entries=entries)


def moderate(user: User, tender: Tender, scores: list[int]) -> None:
    criteria = list(tender.competition.criteria.all())
    agreed = [
        evaluation.AgreedScore(criterion.pk, value, "Agreed at the moderation meeting")
        for criterion, value in zip(criteria, scores, strict=True)
    ]
    evaluation.moderate(tender=tender, user=user, agreed=agreed)


def tender_file(tender: Tender) -> TenderFile:
    """A PDF for the tender's first checklist item, stored as an upload would be."""
    tender_file = TenderFile(
        tender=tender,
        checklist_item=tender.competition.checklist.first(),
        original_name="financial-model.pdf",
        content_type="application/pdf",
        size=len(sq_factories.PDF_BYTES),
        sha256=hashlib.sha256(sq_factories.PDF_BYTES).hexdigest(),
        uploaded_by=tender.started_by,
    )
    tender_file.file.save("upload", ContentFile(sq_factories.PDF_BYTES), save=False)
    tender_file.save()
    return tender_file
