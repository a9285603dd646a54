"""Outcome letters of awards: what each bidder of a lot is told about a decision (issue 10, point 8).

A letter shows the bidder its own agreed scores and the moderation's rationale per criterion, the
winning tender's scores and the weighted totals, and the standstill's end; it never names or scores any
other bidder. The inbox message and the PDF include the same words
(`emails/parts/tender_outcome_letter.html`), so they cannot differ. The PDF is a stored PDF
(`portal.stored_pdfs`): rendered once by a task queued when the decision commits, never in a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from calloffs.models import (
    Award,
    EvaluationCriterion,
    Evaluator,
    ModeratedScore,
    OutcomeLetter,
    Score,
    Tender,
)
from portal.evaluation.rules import weighted_total
from portal.pdf import pdf_render
from portal.stored_pdfs import StoredPdfKind

OUTCOME_LETTER = "calloffs.outcome_letter"
OUTCOME_LETTER_TEMPLATE = "pdf/tender_outcome_letter.html"


@dataclass(frozen=True)
class CriterionResult:
    criterion: EvaluationCriterion
    score: int | None
    rationale: str
    winner_score: int | None


def _agreed(tender: Tender | None) -> dict[int, ModeratedScore]:
    if tender is None:
        return {}
    return {row.criterion_id: row for row in ModeratedScore.objects.filter(tender=tender)}


def outcome_letter_context(letter: OutcomeLetter) -> dict[str, Any]:
    award: Award = letter.award
    tender: Tender = letter.tender
    competition = award.lot.competition
    winner = award.tender if award.outcome == Award.Outcome.AWARDED else None
    criteria = list(competition.criteria.order_by("position"))
    weightings = {criterion.pk: criterion.weighting for criterion in criteria}
    own, winners = _agreed(tender), _agreed(winner)

    def total(scores: dict[int, ModeratedScore]) -> Decimal | None:
        agreed = {pk: row.score for pk, row in scores.items()}
        return weighted_total(agreed, weightings, score_max=competition.score_max)

    return {
        "letter": letter,
        "award": award,
        "tender": tender,
        "competition": competition,
        "lot": award.lot,
        "organisation_name": tender.organisation.legal_name,
        "letter_date": timezone.localdate(award.decided_at),
        "successful": winner is not None and winner.pk == tender.pk,
        "no_suitable_bidder": winner is None,
        "winner_name": winner.organisation.legal_name if winner else "",
        "results": [
            CriterionResult(
                criterion,
                own[criterion.pk].score if criterion.pk in own else None,
                own[criterion.pk].rationale if criterion.pk in own else "",
                winners[criterion.pk].score if criterion.pk in winners else None,
            )
            for criterion in criteria
        ],
        "own_total": total(own),
        "winner_total": total(winners) if winner else None,
        "score_max": competition.score_max,
        "evaluator_count": _evaluator_count(tender),
    }


def _evaluator_count(tender: Tender) -> int:
    """How many people scored the tender (the letter says "the evaluator" or "the evaluators"); for a
    tender nobody scored, how many were named to evaluate the competition."""
    scored = Score.objects.filter(tender=tender).values("evaluator").distinct().count()
    return scored or Evaluator.objects.filter(competition_id=tender.competition_id).count()


def outcome_letter_pdf(letter: OutcomeLetter) -> bytes:
    return pdf_render(OUTCOME_LETTER_TEMPLATE, outcome_letter_context(letter))


def outcome_letter_kind() -> StoredPdfKind:
    """Every letter has its PDF (`CalloffsConfig.stored_pdf_kinds`)."""
    return StoredPdfKind(
        name=OUTCOME_LETTER,
        model=OutcomeLetter,
        field="pdf",
        template=OUTCOME_LETTER_TEMPLATE,
        context=outcome_letter_context,
        related=("award__lot__competition", "award__tender__organisation", "tender__organisation"),
    )
