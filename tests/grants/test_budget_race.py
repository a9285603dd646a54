"""Two awards from one round at the same instant, when the budget allows only one (PostgreSQL, each thread
its own connection): the round's row lock makes the second see the first's award, so exactly one is made
and the other is refused plainly."""

import pytest

from grants.models import Decision
from grants.services import assessment
from tests.calloffs.test_award_race import run_at_once
from tests.grants import factories as f

AWARD = {"amount_per_year_pence": 40_000_00, "duration_months": 24, "feedback": "A strong plan."}


# The database's contents are restored after it (serialized_rollback), like every transactional test here.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_awards_cannot_overspend_the_budget(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea, total_budget_pence=100_000_00)
    mine, theirs = assessment.sent_applications(grant_round).order_by("pk")
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    starts_on = grant_round.decision_date

    results = run_at_once(
        lambda: assessment.decide(user=carol, application=mine, award=True, starts_on=starts_on, **AWARD),
        lambda: assessment.decide(user=carol, application=theirs, award=True, starts_on=starts_on, **AWARD),
    )

    assert sorted(results) == [
        "This award of £80,000 is more than is left in the round's budget (£20,000 of £100,000)",
        "done",
    ]
    assert Decision.objects.filter(application__grant_round=grant_round).count() == 1
    assert assessment.committed_pence(grant_round) == 80_000_00
