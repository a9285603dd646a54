"""Evaluation integrity in grants (issue 17 point 2), the same rule as call-offs: only an assessor who
declared no conflict decides, agreed scores are final after the decision, and a conflicted assessor sees
no total or rank of that applicant. With the query counts of the shared steps at 3 and 30 applicants
(issue 20 point 3)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import ConflictDeclaration, Decision, ModeratedScore
from grants.services import assessment
from portal.evaluation.rules import CONFLICT_NOTE
from portal.evaluation.services import AgreedScore, DeclarationAnswer, ScoreEntry
from portal.exceptions import RuleBroken
from tests.factories import MembershipFactory
from tests.glossary_check import without_glossary_links
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea)
    mine, theirs = assessment.sent_applications(grant_round).order_by("pk")
    return grant_round, mine, theirs


def _decline(user, application):
    return assessment.decide(user=user, application=application, award=False, feedback="Not enough evidence.")


def test_an_moj_admin_who_is_not_an_assessor_cannot_decide(closed, carol, ada):
    _, mine, _ = closed
    f.moderated(carol, mine)
    with pytest.raises(RuleBroken) as refused:
        _decline(ada, mine)
    assert refused.value.message.count(".") == 1  # one plain sentence
    assert not Decision.objects.exists()


def test_an_assessor_who_declared_a_conflict_cannot_decide(closed, carol, ada):
    grant_round, mine, _ = closed
    f.moderated(carol, mine)
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    assessment.declarations_sign(
        user=ada,
        grant_round=grant_round,
        answers=[DeclarationAnswer(a.pk, True, "My sister is a trustee.") for a in closed[1:]],
    )
    with pytest.raises(RuleBroken):
        _decline(ada, mine)
    assert not Decision.objects.exists()


def test_agreed_scores_are_final_once_the_application_has_a_decision(closed, carol):
    grant_round, mine, _ = closed
    f.moderated(carol, mine)
    _decline(carol, mine)
    before = sorted(ModeratedScore.objects.filter(application=mine).values_list("criterion_id", "score"))
    grant_round.refresh_from_db()
    # the round stays assessable while another application waits for its decision
    with pytest.raises(RuleBroken) as refused:
        assessment.moderate(
            user=carol,
            application=mine,
            agreed=[AgreedScore(c.pk, 0, "Changed after.") for c in grant_round.criteria.all()],
        )
    assert refused.value.message == "This application has a decision, so its agreed scores are final."
    assert (
        sorted(ModeratedScore.objects.filter(application=mine).values_list("criterion_id", "score")) == before
    )


def test_a_conflicted_assessor_sees_no_total_or_rank_of_that_applicant(client, closed, carol, ada):
    grant_round, mine, theirs = closed
    f.moderated(carol, mine, 2)
    f.moderated(carol, theirs, 4)
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    assessment.declarations_sign(
        user=ada,
        grant_round=grant_round,
        answers=[
            DeclarationAnswer(mine.pk, True, "My sister is a trustee."),
            DeclarationAnswer(theirs.pk, False),
        ],
    )
    client.force_login(ada)
    html = without_glossary_links(
        client.get(reverse("grants:assessment", args=[grant_round.pk])).content.decode()
    )
    row = html[html.index(f"GR-{mine.pk}") :].split("</tr>")[0]
    assert CONFLICT_NOTE in row and "rank" not in row and "50.00" not in row
    assert "100.00 (rank 1)" in html  # the applicant ada is cleared for


# Bulk writes ------------------------------------------------------------------------------------


def _count(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _costs(count: int, carol, ada) -> dict[str, int]:
    applicants = [MembershipFactory(is_admin=True).user for _ in range(count)]
    grant_round = f.closed_round_with_applications(carol, ada, *applicants)
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    bids = list(assessment.sent_applications(grant_round).order_by("pk"))
    answers = [DeclarationAnswer(bid.pk, False) for bid in bids]
    counts = {
        "declaring": _count(
            lambda: assessment.declarations_sign(user=carol, grant_round=grant_round, answers=answers)
        )
    }
    assert ConflictDeclaration.objects.filter(application__grant_round=grant_round).count() == count
    criteria = list(grant_round.criteria.all())
    sheet = [ScoreEntry(c.pk, 3, "Clear evidence.") for c in criteria]
    counts["scoring"] = _count(lambda: assessment.scores_save(user=carol, application=bids[0], entries=sheet))
    agreed = [AgreedScore(c.pk, 3, "Agreed.") for c in criteria]
    counts["moderating"] = _count(lambda: assessment.moderate(user=carol, application=bids[0], agreed=agreed))
    return counts


def test_declaring_scoring_and_moderating_cost_the_same_for_3_and_30_applicants(carol, ada):
    assert _costs(3, carol, ada) == _costs(30, carol, ada)
