"""The shared evaluation steps (`portal.evaluation.services`) bound to call-off tenders: the adapter
`TENDERS` says which rows are evaluated, who owns a competition, when its tenders may be evaluated and
whether a tender's lot has a decision. Apart from `calloffs.services.evaluation` so that selectors can
use it without an import cycle."""

from __future__ import annotations

from calloffs import sealed
from calloffs.models import (
    Award,
    Competition,
    ConflictDeclaration,
    EvaluationCriterion,
    Evaluator,
    ModeratedScore,
    Score,
    Tender,
)
from calloffs.services.ownership import check_owns
from portal.evaluation import rules as evaluation
from portal.evaluation.services import Words
from portal.exceptions import RuleBroken
from portal.models import User

NOT_YET_OPENED = "The tenders have not been opened yet."


def _check_opened(competition: Competition) -> None:
    if sealed.is_sealed(competition):
        raise RuleBroken(NOT_YET_OPENED)


def evaluator_candidates(competition: Competition) -> list[User]:
    """Who may be named: MoJ admins, and commissioners who cover every region of the competition."""
    return evaluation.evaluator_candidates(set(competition.regions.values_list("pk", flat=True)))


class _Tenders:
    words = Words(bid="tender", evaluator="evaluator", container="competition", audit_prefix="")
    container_model = Competition
    bid_model = Tender
    evaluator_model = Evaluator
    declaration_model = ConflictDeclaration
    score_model = Score
    moderated_model = ModeratedScore
    container_field = "competition"
    evaluator_field = "evaluator"
    bid_field = "tender"

    def check_owner(self, user: User, container: Competition) -> None:
        check_owns(user, container)

    def check_evaluable(self, container: Competition) -> None:
        _check_opened(container)

    def bids(self, container: Competition):
        return sealed.opened_tenders().filter(competition=container)

    def criteria(self, container: Competition) -> list[EvaluationCriterion]:
        return list(container.criteria.all())

    def score_max(self, container: Competition) -> int:
        return container.score_max

    def has_decision(self, bid: Tender) -> bool:
        return Award.objects.filter(lot_id=bid.lot_id, withdrawn_at__isnull=True).exists()

    def candidates(self, container: Competition) -> list[User]:
        return evaluator_candidates(container)


TENDERS = _Tenders()
