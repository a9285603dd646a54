"""Assessment and offers of a grant round (issue 11 points 5 and 6; docs/adr/0014-grants-portal.md).

After the round closes, a commissioner who runs it (covers all its regions) or an MoJ admin names the
assessors; each declares about every applicant before seeing scores, and scores every criterion alone; the
commissioner moderates (the agreed scores) once every cleared assessor has scored, then decides: an award
(so much a year, for so many months, at most what was asked) or a decline with feedback. Awards standing
may not add up to more than the round's budget: the round row is locked while the sum is taken, so two
simultaneous awards cannot both pass. Each decision sends an outcome letter (PDF, rendered once by a
worker) by message and e-mail; an award is an offer the applicant accepts (a signed form) or declines, and
an accepted offer becomes a `Grant`. The generic rules are `portal.evaluation`'s (ADR 0012). Kept apart
from `grants.services`, which holds registration, rounds and applications.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from grants import pdfs, rules
from grants.models import (
    Assessor,
    ConflictDeclaration,
    Decision,
    Grant,
    GrantApplication,
    GrantRound,
    ModeratedScore,
    OfferAcceptance,
    Score,
)
from grants.services.rounds import require_round_owner
from portal import stored_pdfs
from portal.audit import audit_record
from portal.evaluation import rules as evaluation
from portal.evaluation import services as shared
from portal.evaluation.services import AgreedScore, DeclarationAnswer, ScoreEntry, Words
from portal.exceptions import RuleBroken, raise_problems
from portal.models import Region, User
from portal.organisations import require_member
from portal.page_cache import public_pages_changed
from portal.services import message_send
from portal.signatures import SignedText, signature_problems, signed_text
from portal.templatetags.govuk_dates import govuk_date

SCORE_MAX = evaluation.DEFAULT_SCORE_MAX
OUTCOME_MESSAGE = "grant_outcome"
OFFER_TERMS_FORM = "grant_offer_terms"
NOT_CLOSED = "The round has not closed yet: applications are assessed after the closing time."


def _require_owner(user: User, grant_round: GrantRound) -> None:
    require_round_owner(user, grant_round.regions.all())


def _require_assessable(grant_round: GrantRound, now: datetime | None = None) -> None:
    if not grant_round.is_closed(now):
        if grant_round.status == GrantRound.Status.DECIDED:
            raise RuleBroken("Every application in this round has a decision.")
        raise RuleBroken(NOT_CLOSED)


def sent_applications(grant_round: GrantRound):
    return grant_round.applications.filter(status=GrantApplication.Status.SUBMITTED)


# The shared steps, bound to applications ---------------------------------------------------------


class _Applications:
    words = Words(bid="application", evaluator="assessor", container="round", audit_prefix="grants.")
    container_model = GrantRound
    bid_model = GrantApplication
    evaluator_model = Assessor
    declaration_model = ConflictDeclaration
    score_model = Score
    moderated_model = ModeratedScore
    container_field = "grant_round"
    evaluator_field = "assessor"
    bid_field = "application"

    def check_owner(self, user: User, container: GrantRound) -> None:
        _require_owner(user, container)

    def check_evaluable(self, container: GrantRound) -> None:
        _require_assessable(container)

    def bids(self, container: GrantRound):
        return sent_applications(container)

    def criteria(self, container: GrantRound) -> list:
        return list(container.criteria.all())

    def score_max(self, container: GrantRound) -> int:
        return SCORE_MAX

    def has_decision(self, bid: GrantApplication) -> bool:
        return Decision.objects.filter(application=bid).exists()

    def candidates(self, container: GrantRound) -> list[User]:
        return assessor_candidates(container)


APPLICATIONS = _Applications()


# Assessors ---------------------------------------------------------------------------------------


def assessor_candidates(grant_round: GrantRound) -> list[User]:
    return evaluation.evaluator_candidates(set(grant_round.regions.values_list("pk", flat=True)))


def assessor_name(*, user: User, grant_round: GrantRound, person: User) -> Assessor:
    _require_assessable(grant_round)
    return shared.evaluator_name(APPLICATIONS, user=user, container=grant_round, person=person)


def assessor_for(user: User, grant_round: GrantRound) -> Assessor | None:
    return Assessor.objects.filter(grant_round=grant_round, user=user).first()


def _assessor(user: User, grant_round: GrantRound) -> Assessor:
    assessor = assessor_for(user, grant_round)
    if assessor is None:
        raise RuleBroken("Only the round's assessors can do this.")
    return assessor


def may_read(user: User, application: GrantApplication) -> bool:
    """An assessor reads an application (its answers, its scores) only after declaring no conflict."""
    declaration = ConflictDeclaration.objects.filter(
        assessor__user=user, assessor__grant_round_id=application.grant_round_id, application=application
    ).first()
    return evaluation.may_see_bid(
        is_evaluator=declaration is not None,
        declaration_has_conflict=None if declaration is None else declaration.has_conflict,
    )


# Declarations ------------------------------------------------------------------------------------


def declarations_due(assessor: Assessor):
    return sent_applications(assessor.grant_round).exclude(declarations__assessor=assessor)


def declarations_sign(
    *, user: User, grant_round: GrantRound, answers: list[DeclarationAnswer]
) -> list[ConflictDeclaration]:
    """An assessor's declaration about every applicant not yet declared about: one each, never changed."""
    return shared.declarations_sign(APPLICATIONS, user=user, container=grant_round, answers=answers)


# Scores ------------------------------------------------------------------------------------------


def _require_readable(user: User, application: GrantApplication) -> GrantRound:
    grant_round = GrantRound.objects.get(pk=application.grant_round_id)
    _require_assessable(grant_round)
    if not may_read(user, application):
        raise RuleBroken("You can only do this for an application you have declared no conflict with.")
    return grant_round


def scores_save(*, user: User, application: GrantApplication, entries: list[ScoreEntry]) -> list[Score]:
    """An assessor's own score and comment for every criterion, changeable until it is moderated."""
    return shared.scores_save(APPLICATIONS, user=user, bid=application, entries=entries)


def scoring_finished(application: GrantApplication) -> bool:
    return shared.scoring_finished(APPLICATIONS, application)


# Moderation --------------------------------------------------------------------------------------


def moderate(*, user: User, application: GrantApplication, agreed: list[AgreedScore]) -> list[ModeratedScore]:
    """The agreed score and rationale for every criterion, once every cleared assessor has scored. The
    commissioner who moderates is an assessor cleared to read the application, like everyone else; once
    the application has a decision, its agreed scores are final."""
    return shared.moderate(APPLICATIONS, user=user, bid=application, agreed=agreed)


def round_ranking(grant_round: GrantRound) -> list[evaluation.Ranked]:
    """The round's sent applications by weighted total of their agreed scores (`portal.evaluation`)."""
    weightings = dict(grant_round.criteria.values_list("pk", "weighting"))
    agreed: dict[int, dict[int, int]] = {
        pk: {} for pk in sent_applications(grant_round).values_list("pk", flat=True)
    }
    for application_id, criterion_id, score in ModeratedScore.objects.filter(
        application__in=agreed
    ).values_list("application_id", "criterion_id", "score"):
        agreed[application_id][criterion_id] = score
    totals = {
        pk: evaluation.weighted_total(scores, weightings, score_max=SCORE_MAX)
        for pk, scores in agreed.items()
    }
    return evaluation.ranking(totals)


# Decisions ---------------------------------------------------------------------------------------


def asked(application: GrantApplication) -> tuple[int, int]:
    """What the application asked for: its largest year's total in pence, and the months budgeted."""
    years = rules.budget_years(application.budget)
    return (max(years.values(), default=0), 12 * max(years, default=0))


def committed_pence(grant_round: GrantRound) -> int:
    """The awards standing against the budget: offered or accepted (a declined offer frees its money)."""
    return (
        Decision.objects.filter(application__grant_round=grant_round, outcome=Decision.Outcome.AWARD)
        .exclude(offer=Decision.Offer.DECLINED)
        .aggregate(total=Sum("total_pence"))["total"]
        or 0
    )


def decide(
    *,
    user: User,
    application: GrantApplication,
    award: bool | None,
    feedback: str,
    amount_per_year_pence: int | None = None,
    duration_months: int | None = None,
    starts_on: date | None = None,
    now: datetime | None = None,
) -> Decision:
    """Award or decline one moderated application, once. The round row is locked while the awards
    standing are summed, so the budget holds under simultaneous decisions. The outcome letter goes by
    message and e-mail; its PDF is rendered once after commit. When every sent application has a
    decision, the round is decided."""
    now = now or timezone.now()
    _require_owner(user, application.grant_round)
    _require_readable(user, application)
    shared.check_may_decide(APPLICATIONS, user, application.grant_round, [application.pk])
    problems = []
    if award is None:
        problems.append(RuleBroken("Select whether to award a grant", field="award"))
    if not feedback.strip():
        problems.append(RuleBroken("Enter feedback for the applicant", field="feedback"))
    total = 0
    if award:
        asked_per_year, asked_months = asked(application)
        problems += rules.award_problems(
            amount_per_year_pence=amount_per_year_pence,
            duration_months=duration_months,
            asked_per_year_pence=asked_per_year,
            asked_months=asked_months,
            max_duration_months=application.grant_round.max_duration_months,
        )
        if starts_on is None:
            problems.append(RuleBroken("Enter the date the grant starts", field="starts_on"))
        if amount_per_year_pence and duration_months:
            total = rules.award_total(
                amount_per_year_pence=amount_per_year_pence, duration_months=duration_months
            )
    raise_problems(problems)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=application.grant_round_id)
        _require_assessable(grant_round, now)
        criteria = set(grant_round.criteria.values_list("pk", flat=True))
        if not criteria <= set(application.moderated_scores.values_list("criterion_id", flat=True)):
            raise RuleBroken("Moderate the application's scores before deciding.")
        if Decision.objects.filter(application=application).exists():
            raise RuleBroken("This application already has a decision.")
        if award:
            problem = rules.budget_cap_problem(
                total_budget_pence=grant_round.total_budget_pence,
                committed_pence=committed_pence(grant_round),
                award_pence=total,
            )
            if problem:
                raise problem
        decision = Decision.objects.create(
            application=application,
            outcome=Decision.Outcome.AWARD if award else Decision.Outcome.DECLINE,
            # An award's amount and duration are required above.
            amount_per_year_pence=cast(int, amount_per_year_pence) if award else 0,
            duration_months=cast(int, duration_months) if award else 0,
            starts_on=starts_on if award else None,
            total_pence=total,
            feedback=feedback.strip(),
            decided_by=user,
            decided_at=now,
            offer=Decision.Offer.OPEN if award else Decision.Offer.NONE,
        )
        audit_record(
            actor=user,
            action="grants.decided",
            summary=f"{decision.get_outcome_display()}" + (f": {rules.pounds(total)}" if award else ""),
            obj=application,
        )
        message_send(
            kind=OUTCOME_MESSAGE,
            source=decision,
            context={"decision": decision, "application": application, "grant_round": grant_round},
            organisation=application.organisation,
        )
        stored_pdfs.queue_on_commit(pdfs.OUTCOME_LETTER, decision.pk)
        if not sent_applications(grant_round).filter(decision__isnull=True).exists():
            grant_round.status = GrantRound.Status.DECIDED
            grant_round.save(update_fields=["status"])
            audit_record(
                actor=user,
                action="grants.round_decided",
                summary="Every application decided",
                obj=grant_round,
            )
            public_pages_changed()
    return decision


# Offers ------------------------------------------------------------------------------------------


def offer_terms(decision: Decision) -> SignedText:
    application = decision.application
    return signed_text(
        OFFER_TERMS_FORM,
        {"decision": decision, "application": application, "grant_round": application.grant_round},
    )


def ends_on(decision: Decision) -> date:
    return decision.starts_on + relativedelta(months=decision.duration_months, days=-1)


def _open_offer(user: User, decision: Decision, now: datetime) -> Decision:
    require_member(
        user,
        decision.application.organisation_id,
        refusal="Only people in the organisation can answer its grant offer.",
    )
    decision = (
        Decision.objects.select_for_update().select_related("application__grant_round").get(pk=decision.pk)
    )
    if decision.offer == Decision.Offer.NONE:
        raise RuleBroken("Your application was not successful, so there is no offer to answer.")
    if decision.offer != Decision.Offer.OPEN:
        raise RuleBroken("This offer has already been answered.")
    answer_by = decision.answer_by
    assert answer_by is not None  # an open offer is an award's
    if timezone.localdate(now) > answer_by:
        raise RuleBroken(
            f"The offer had to be answered by {govuk_date(decision.answer_by)}. Contact the grants team."
        )
    return decision


def offer_accept(
    *, user: User, decision: Decision, signed_name: str, signed_role: str, now: datetime | None = None
) -> Grant:
    """Accept the offer by signing its terms (name, role, time, the version of the terms read); the
    accepted offer becomes the grant record shown on the public grants-awarded page."""
    now = now or timezone.now()
    raise_problems(signature_problems(name=signed_name, role=signed_role))
    with transaction.atomic():
        decision = _open_offer(user, decision, now)
        application = decision.application
        OfferAcceptance.objects.create(
            decision=decision,
            signed_name=signed_name.strip(),
            signed_role=signed_role.strip(),
            signed_by=user,
            signed_at=now,
            text_version=offer_terms(decision).version,
        )
        decision.offer = Decision.Offer.ACCEPTED
        decision.offer_answered_at = now
        decision.offer_answered_by = user
        decision.save(update_fields=["offer", "offer_answered_at", "offer_answered_by"])
        grant = Grant.objects.create(
            application=application,
            amount_pence=decision.total_pence,
            amount_per_year_pence=decision.amount_per_year_pence,
            starts_on=decision.starts_on,
            ends_on=ends_on(decision),
            # A round has at least one region.
            region=cast(Region, application.grant_round.regions.order_by("name").first()),
            purpose=application.grant_round.purpose,
            accepted_at=now,
        )
        audit_record(
            actor=user, action="grants.offer_accepted", summary=f"Accepted: {grant}", obj=application
        )
        public_pages_changed()
    return grant


def offer_decline(*, user: User, decision: Decision, now: datetime | None = None) -> Decision:
    """Decline the offer: its money returns to the round's budget."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = _open_offer(user, decision, now)
        decision.offer = Decision.Offer.DECLINED
        decision.offer_answered_at = now
        decision.offer_answered_by = user
        decision.save(update_fields=["offer", "offer_answered_at", "offer_answered_by"])
        audit_record(
            actor=user, action="grants.offer_declined", summary="Declined the offer", obj=decision.application
        )
    return decision
