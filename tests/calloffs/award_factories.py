"""An opened competition with moderated tenders, built straight in the database, for the tests of awards
(opening and moderation have their own services and tests)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from calloffs.models import Competition, ConflictDeclaration, Evaluator, Lot, ModeratedScore, Tender
from calloffs.sealed import opened_tenders
from portal.models import Organisation, User
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import past_deadline, submitted_tender
from tests.factories import MembershipFactory, OrganisationFactory


def opened(competition: Competition, user: User) -> Competition:
    Competition.objects.filter(pk=competition.pk).update(opened_at=timezone.now(), opened_by=user)
    competition.refresh_from_db()
    return competition


def cleared(user: User, competition: Competition) -> None:
    """The person named an evaluator who declared no conflict with every opened bidder: who may decide."""
    evaluator, _ = Evaluator.objects.get_or_create(
        competition=competition, user=user, defaults={"named_by": user}
    )
    for tender in opened_tenders().filter(competition=competition):
        ConflictDeclaration.objects.get_or_create(
            evaluator=evaluator, tender=tender, defaults={"has_conflict": False}
        )


def moderate(
    tender: Tender, scores: list[int], user: User, *, rationale: str = "Agreed by the panel"
) -> None:
    """Agreed scores for the competition's criteria, in order, each with its own rationale."""
    criteria = tender.competition.criteria.order_by("position")
    for criterion, score in zip(criteria, scores, strict=True):
        ModeratedScore.objects.create(
            tender=tender,
            criterion=criterion,
            score=score,
            rationale=f"{rationale}: {criterion.name} for {tender.organisation.legal_name}",
            moderated_by=user,
        )


@dataclass
class Decidable:
    competition: Competition
    lot: Lot
    best: Tender  # organisation A's, ranked first
    second: Tender  # organisation B's
    third: Tender  # a third organisation's


def decidable_lot(
    commissioner: User, organisation_a: Organisation, organisation_b: Organisation
) -> Decidable:
    """A closed, opened competition of one lot with three moderated tenders: A scores best, then B, then
    Gamma (a third bidder, so a losing bidder's letter can be checked for another loser's details)."""
    competition = f.live_competition(commissioner)
    lot = competition.lots.get()
    gamma = OrganisationFactory(legal_name="Gamma Resettlement Ltd", is_vcse=False)
    tenders = []
    for organisation in (organisation_a, organisation_b, gamma):
        member = organisation.memberships.first() or MembershipFactory(organisation=organisation)
        tenders.append(submitted_tender(lot, organisation, member.user))
    past_deadline(competition)
    opened(competition, commissioner)
    for tender, scores in zip(tenders, ([4, 3], [3, 2], [1, 1]), strict=True):
        moderate(tender, scores, commissioner)
    cleared(commissioner, competition)
    return Decidable(competition, lot, *tenders)
