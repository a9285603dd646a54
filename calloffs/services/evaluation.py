"""Opening and evaluating a competition's tenders (DOMAIN.md §5; issue 10 points 4, 6 and 10).

The commissioner who runs the competition (one who covers all its regions) or an MoJ admin opens the
tenders once the deadline has passed, names the evaluators, moderates and marks tenders non-compliant.
Evaluators are people who could run the competition themselves (commissioners of all its regions, MoJ
admins): a commissioner of another region cannot be named. Each evaluator declares about every opened
bidder before seeing any tender, and scores alone. The rules are `portal.evaluation`'s and
`calloffs.sealed`'s; every step here is audited in the transaction that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from calloffs import rules, sealed, selectors
from calloffs.models import Competition, ConflictDeclaration, Evaluator, ModeratedScore, Score, Tender
from calloffs.services.ownership import check_owns
from portal import evaluation
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import User
from portal.services import message_send

NOT_YET_OPENED = "The tenders have not been opened yet."


def _check_opened(competition: Competition) -> None:
    if sealed.is_sealed(competition):
        raise RuleBroken(NOT_YET_OPENED)


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
    lots = {lot.pk: lot for lot in detail.lots.all()}
    deadline = rules.london(competition.submission_deadline).date()
    tenders = list(
        Tender.objects.filter(competition=competition, status=Tender.Status.SUBMITTED).select_related(
            "organisation"
        )
    )
    facts = selectors.organisations_facts(tender.organisation_id for tender in tenders)
    requirements = {pk: selectors.lot_requirements(lot, detail) for pk, lot in lots.items()}
    excluded = 0
    for tender in tenders:
        result = rules.eligibility(
            facts[tender.organisation_id], requirements[tender.lot_id], deadline=deadline
        )
        if result.can_bid:
            continue
        excluded += 1
        tender.excluded_reason = " ".join(result.sentences)
        tender.save(update_fields=["excluded_reason"])
        audit_record(
            actor=None,
            action="tender.excluded",
            summary=f"Not opened: {tender.excluded_reason}",
            obj=tender,
        )
        message_send(
            kind="tender_excluded",
            source=tender,
            context={"competition": competition, "lot": lots[tender.lot_id], "reasons": result.sentences},
            organisation=tender.organisation,
        )
    return excluded


# Evaluators --------------------------------------------------------------------------------------


def evaluator_candidates(competition: Competition) -> list[User]:
    """Who may be named: MoJ admins, and commissioners who cover every region of the competition."""
    return evaluation.evaluator_candidates(set(competition.regions.values_list("pk", flat=True)))


def evaluator_name(*, competition: Competition, user: User, person: User) -> Evaluator:
    check_owns(user, competition)
    if person not in evaluator_candidates(competition):
        raise RuleBroken(
            "Choose an MoJ admin or a commissioner who covers every region of the competition", field="person"
        )
    with transaction.atomic():
        locked(Competition, competition.pk)
        if Evaluator.objects.filter(competition=competition, user=person).exists():
            raise RuleBroken(f"{person.email} is already an evaluator", field="person")
        evaluator = Evaluator.objects.create(competition=competition, user=person, named_by=user)
        audit_record(
            actor=user,
            action="evaluator.named",
            summary=f"Named {person.email} an evaluator",
            obj=competition,
        )
    return evaluator


def evaluator_remove(*, evaluator: Evaluator, user: User) -> None:
    competition = evaluator.competition
    check_owns(user, competition)
    with transaction.atomic():
        if evaluator.scores.exists():
            raise RuleBroken(f"{evaluator.user.email} has scored tenders, so they cannot be removed.")
        email = evaluator.user.email
        evaluator.delete()
        audit_record(
            actor=user, action="evaluator.removed", summary=f"Removed evaluator {email}", obj=competition
        )


def _evaluator(user: User, competition: Competition) -> Evaluator:
    evaluator = Evaluator.objects.filter(competition=competition, user=user).first()
    if evaluator is None:
        raise RuleBroken("Only the competition's evaluators can do this.")
    return evaluator


# Declarations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationAnswer:
    tender_id: int
    has_conflict: bool | None
    details: str = ""


def declarations_sign(
    *, competition: Competition, user: User, answers: list[DeclarationAnswer]
) -> list[ConflictDeclaration]:
    """An evaluator's signed declaration about each bidder not yet declared about: one per evaluator per
    tender, never changed once signed. Every missing answer is reported at once; the fields are named
    `has_conflict_<tender id>` and `details_<tender id>`."""
    competition = Competition.objects.get(pk=competition.pk)
    _check_opened(competition)
    evaluator = _evaluator(user, competition)
    due = set(
        sealed.opened_tenders()
        .filter(competition=competition)
        .exclude(declarations__evaluator=evaluator)
        .values_list("pk", flat=True)
    )
    given = {answer.tender_id: answer for answer in answers if answer.tender_id in due}
    raise_problems(
        evaluation.declarations_problems(
            due, {tender_id: (answer.has_conflict, answer.details) for tender_id, answer in given.items()}
        )
    )
    declarations = []
    tenders = Tender.objects.in_bulk(due)
    with transaction.atomic():
        for tender_id in sorted(due):
            answer = given[tender_id]
            declaration = ConflictDeclaration.objects.create(
                evaluator=evaluator,
                tender=tenders[tender_id],
                has_conflict=bool(answer.has_conflict),
                details=answer.details.strip() if answer.has_conflict else "",
            )
            audit_record(
                actor=user,
                action="declaration.signed",
                summary="Declared a conflict of interest" if answer.has_conflict else "Declared no conflict",
                obj=declaration.tender,
            )
            declarations.append(declaration)
    return declarations


# Scores ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    criterion_id: int
    score: int | None
    comment: str


def _readable(user: User, tender: Tender) -> Competition:
    """The tender's competition, read afresh, if the person may read the tender (`calloffs.sealed`)."""
    competition = Competition.objects.get(pk=tender.competition_id)
    _check_opened(competition)
    if not sealed.may_read(user, tender):
        raise RuleBroken("You can only do this for a tender you have declared no conflict with.")
    return competition


def scores_save(*, tender: Tender, user: User, entries: list[ScoreEntry]) -> list[Score]:
    """An evaluator's own score and comment for every criterion of one tender. Each can be changed until
    the criterion is moderated. Field names: `score_<criterion id>`, `comment_<criterion id>`."""
    competition = _readable(user, tender)
    evaluator = _evaluator(user, competition)
    criteria = {criterion.pk: criterion for criterion in competition.criteria.all()}
    given = {entry.criterion_id: entry for entry in entries if entry.criterion_id in criteria}
    raise_problems(
        evaluation.score_sheet_problems(
            criteria,
            {criterion_id: (entry.score, entry.comment) for criterion_id, entry in given.items()},
            score_max=competition.score_max,
        )
    )
    saved = []
    with transaction.atomic():
        locked(Tender, tender.pk)
        moderated = set(tender.moderated_scores.values_list("criterion_id", flat=True))
        for criterion_id, entry in given.items():
            if criterion_id in moderated:
                raise RuleBroken(
                    f"{criteria[criterion_id].name} has been moderated, so its scores are final."
                )
            score, _ = Score.objects.update_or_create(
                evaluator=evaluator,
                tender=tender,
                criterion_id=criterion_id,
                defaults={
                    "score": entry.score,
                    "comment": entry.comment.strip(),
                    "scored_at": timezone.now(),
                },
            )
            audit_record(
                actor=user,
                action="score.saved",
                summary=f"Scored {criteria[criterion_id].name}: {entry.score} of {competition.score_max}",
                obj=tender,
            )
            saved.append(score)
    return saved


def scoring_finished(tender: Tender) -> bool:
    """Every evaluator cleared to read the tender has scored every criterion, and there is at least one:
    until then nobody sees anyone else's scores."""
    cleared = list(
        ConflictDeclaration.objects.filter(tender=tender, has_conflict=False).values_list(
            "evaluator_id", flat=True
        )
    )
    criteria = list(tender.competition.criteria.values_list("pk", flat=True))
    scored = Score.objects.filter(tender=tender).values_list("evaluator_id", "criterion_id")
    return evaluation.scoring_finished(cleared_evaluators=cleared, criteria=criteria, scored=scored)


# Moderation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreedScore:
    criterion_id: int
    score: int | None
    rationale: str


def moderate(*, tender: Tender, user: User, agreed: list[AgreedScore]) -> list[ModeratedScore]:
    """The agreed score and its rationale for every criterion of one tender, once every cleared evaluator
    has scored it. Field names: `score_<criterion id>`, `rationale_<criterion id>`."""
    check_owns(user, tender.competition)
    competition = _readable(user, tender)
    if not scoring_finished(tender):
        raise RuleBroken("Every evaluator must score this tender before it can be moderated.")
    criteria = {criterion.pk: criterion for criterion in competition.criteria.all()}
    given = {entry.criterion_id: entry for entry in agreed if entry.criterion_id in criteria}
    raise_problems(
        evaluation.score_sheet_problems(
            criteria,
            {criterion_id: (entry.score, entry.rationale) for criterion_id, entry in given.items()},
            score_max=competition.score_max,
            moderated=True,
        )
    )
    saved = []
    with transaction.atomic():
        locked(Tender, tender.pk)
        for criterion_id, entry in given.items():
            moderated, _ = ModeratedScore.objects.update_or_create(
                tender=tender,
                criterion_id=criterion_id,
                defaults={
                    "score": entry.score,
                    "rationale": entry.rationale.strip(),
                    "moderated_by": user,
                    "moderated_at": timezone.now(),
                },
            )
            audit_record(
                actor=user,
                action="score.moderated",
                summary=f"Agreed {criteria[criterion_id].name}: {entry.score} of {competition.score_max}",
                obj=tender,
            )
            saved.append(moderated)
    return saved


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
