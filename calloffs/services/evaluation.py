"""Opening and evaluating a competition's tenders (docs/domain.md §5; issue 10 points 4, 6 and 10).

The commissioner who runs the competition (one who covers all its regions) or an MoJ admin opens the
tenders once the deadline has passed, names the evaluators, moderates and marks tenders non-compliant.
Evaluators are people who could run the competition themselves (commissioners of all its regions, MoJ
admins): a commissioner of another region cannot be named. Each evaluator declares about every opened
bidder before seeing any tender, and scores alone. The steps are `portal.evaluation.services`', bound to
tenders by `TENDERS` below; the rules are `portal.evaluation.rules`' and `calloffs.sealed`'s.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from calloffs import rules, sealed, selectors
from calloffs.models import (
    Competition,
    ConflictDeclaration,
    Evaluator,
    ModeratedScore,
    Score,
    Tender,
)
from calloffs.services.evaluation_adapter import (
    NOT_YET_OPENED,  # noqa: F401 (used by callers)
    TENDERS,
    _check_opened,
    evaluator_candidates,  # noqa: F401 (used by views)
)
from calloffs.services.ownership import check_owns
from portal.audit import audit_record, audit_records
from portal.evaluation import services as shared
from portal.evaluation.services import AgreedScore, DeclarationAnswer, ScoreEntry
from portal.exceptions import RuleBroken
from portal.locking import locked
from portal.models import User
from portal.services import message_send

# Opening -----------------------------------------------------------------------------------------


def tenders_open(*, competition: Competition, user: User, now: datetime | None = None) -> Competition:
    """Open every submitted tender at once, from the deadline, once. Eligibility is judged again: a tender
    from an organisation no longer eligible is not opened, and its organisation is told why."""
    check_owns(user, competition)
    now = now or timezone.now()
    with transaction.atomic():
        competition = locked(Competition, competition.pk)
        if competition.opened_at is not None:
            raise RuleBroken("The tenders have already been opened.")
        if not sealed.may_open(competition, now):
            raise RuleBroken("Tenders can only be opened once the deadline has passed.")
        competition.opened_at = now
        competition.opened_by = user
        competition.save(update_fields=["opened_at", "opened_by"])
        excluded = _exclude_ineligible(competition)
        submitted = Tender.objects.filter(competition=competition, status=Tender.Status.SUBMITTED).count()
        audit_record(
            actor=user,
            action="tenders.opened",
            summary=f"Opened {submitted - excluded} of {submitted} submitted tenders",
            obj=competition,
        )
    return competition


def _exclude_ineligible(competition: Competition) -> int:
    detail = selectors.competition_detail(competition.pk)
    assert detail is not None and competition.submission_deadline is not None  # closed, so published
    lots = {lot.pk: lot for lot in detail.lots.all()}
    deadline = rules.london(competition.submission_deadline).date()
    tenders = list(
        Tender.objects.filter(competition=competition, status=Tender.Status.SUBMITTED).select_related(
            "organisation"
        )
    )
    facts = selectors.organisations_facts(tender.organisation_id for tender in tenders)
    requirements = {pk: selectors.lot_requirements(lot, detail) for pk, lot in lots.items()}
    excluded = []
    for tender in tenders:
        result = rules.eligibility(
            facts[tender.organisation_id], requirements[tender.lot_id], deadline=deadline
        )
        if result.can_bid:
            continue
        tender.excluded_reason = " ".join(result.sentences)
        excluded.append((tender, result.sentences))
    Tender.objects.bulk_update([tender for tender, _ in excluded], ["excluded_reason"])
    audit_records(
        actor=None,
        action="tender.excluded",
        events=[(tender, f"Not opened: {tender.excluded_reason}") for tender, _ in excluded],
    )
    for tender, sentences in excluded:  # each organisation's own message (the outbox's rows)
        message_send(
            kind="tender_excluded",
            source=tender,
            context={"competition": competition, "lot": lots[tender.lot_id], "reasons": sentences},
            organisation=tender.organisation,
        )
    return len(excluded)


# Evaluators --------------------------------------------------------------------------------------


def evaluator_name(*, competition: Competition, user: User, person: User) -> Evaluator:
    return shared.evaluator_name(TENDERS, user=user, container=competition, person=person)


def evaluator_remove(*, evaluator: Evaluator, user: User) -> None:
    competition = evaluator.competition
    check_owns(user, competition)
    with transaction.atomic():
        locked(Competition, competition.pk)
        current = Evaluator.objects.select_related("user").filter(pk=evaluator.pk).first()
        if current is None:
            raise RuleBroken("This evaluator has already been removed.")
        evaluator = current
        if evaluator.scores.exists():
            raise RuleBroken(f"{evaluator.user.email} has scored tenders, so they cannot be removed.")
        email = evaluator.user.email
        evaluator.delete()
        audit_record(
            actor=user, action="evaluator.removed", summary=f"Removed evaluator {email}", obj=competition
        )


# Declarations, scores and moderation (portal.evaluation.services) ---------------------------------


def declarations_sign(
    *, competition: Competition, user: User, answers: list[DeclarationAnswer]
) -> list[ConflictDeclaration]:
    """An evaluator's signed declaration about each opened bidder not yet declared about."""
    return shared.declarations_sign(TENDERS, user=user, container=competition, answers=answers)


def scores_save(*, tender: Tender, user: User, entries: list[ScoreEntry]) -> list[Score]:
    return shared.scores_save(TENDERS, user=user, bid=tender, entries=entries)


def scoring_finished(tender: Tender) -> bool:
    return shared.scoring_finished(TENDERS, tender)


def moderate(*, tender: Tender, user: User, agreed: list[AgreedScore]) -> list[ModeratedScore]:
    return shared.moderate(TENDERS, user=user, bid=tender, agreed=agreed)


def _readable(user: User, tender: Tender) -> Competition:
    """The tender's competition, read afresh, if the person may read the tender (`calloffs.sealed`)."""
    competition = Competition.objects.get(pk=tender.competition_id)
    _check_opened(competition)
    if not sealed.may_read(user, tender):
        raise RuleBroken("You can only do this for a tender you have declared no conflict with.")
    return competition


def mark_non_compliant(*, tender: Tender, user: User, reason: str) -> Tender:
    """A tender that does not meet the invitation's requirements is left out of the ranking, with why."""
    check_owns(user, tender.competition)
    _readable(user, tender)
    if not reason.strip():
        raise RuleBroken("Enter why the tender does not comply", field="reason")
    with transaction.atomic():
        tender = locked(Tender, tender.pk)
        if tender.non_compliant_reason:
            raise RuleBroken("This tender has already been marked non-compliant.")
        tender.non_compliant_reason = reason.strip()
        tender.save(update_fields=["non_compliant_reason"])
        audit_record(
            actor=user,
            action="tender.non_compliant",
            summary=f"Non-compliant: {tender.non_compliant_reason}",
            obj=tender,
        )
    return tender
