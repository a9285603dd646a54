"""Outcome letters of awards: what each bidder of a lot is told about a decision (issue 10, point 8).

A letter shows the bidder its own agreed scores and the moderation's rationale per criterion, the
winning tender's scores and the weighted totals, and the standstill's end; it never names or scores any
other bidder. The inbox message and the PDF include the same words
(`emails/parts/tender_outcome_letter.html`), so they cannot differ. The PDF is rendered once by a worker
after the decision commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from calloffs.models import (
    Award,
    EvaluationCriterion,
    ModeratedScore,
    OutcomeLetter,
    Tender,
    tender_file_upload_to,
)
from portal.evaluation.rules import weighted_total
from portal.pdf import pdf_render


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
    }


def outcome_letter_pdf(letter: OutcomeLetter) -> bytes:
    return pdf_render("pdf/tender_outcome_letter.html", outcome_letter_context(letter))


def outcome_letter_prepare(*, letter_id: int) -> bool:
    """Render a letter's PDF and keep it in private storage under a random name, once: does nothing when
    the file exists, and if two runs race the second one's file is deleted. True if this run stored it."""
    letter = OutcomeLetter.objects.select_related(
        "award__lot__competition", "award__tender__organisation", "tender__organisation"
    ).get(pk=letter_id)
    if letter.pdf:
        return False
    name = default_storage.save(tender_file_upload_to(letter, ""), ContentFile(outcome_letter_pdf(letter)))
    stored = OutcomeLetter.objects.filter(pk=letter_id, pdf="").update(pdf=name)
    if not stored:
        default_storage.delete(name)
    return bool(stored)
