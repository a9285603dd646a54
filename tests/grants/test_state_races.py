"""Two requests on one grants row at the same instant (PostgreSQL, each thread its own connection), both
holding the instance their page loaded: the row lock makes the second see the first's change, so no
state moves backwards whichever runs first."""

import pytest

from grants.models import GrantApplication, GrantRound
from grants.services import applications, rounds
from tests.calloffs.test_award_race import run_at_once
from tests.grants import factories as f


# The database's contents are restored after it (serialized_rollback), like every transactional test here.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saving_a_draft_while_it_is_published_leaves_it_published(carol):
    draft = f.publishable_round(carol)
    saving_tab, publishing_tab = GrantRound.objects.get(pk=draft.pk), GrantRound.objects.get(pk=draft.pk)

    results = run_at_once(
        lambda: rounds.round_save(user=carol, data=f.round_data(title="Renamed"), grant_round=saving_tab),
        lambda: rounds.round_publish(user=carol, grant_round=publishing_tab, now=draft.opens_at),
    )

    assert "done" in results
    assert not [result for result in results if "Error(" in result]  # a refusal, if any, is a sentence
    assert GrantRound.objects.get(pk=draft.pk).status == GrantRound.Status.OPEN


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_answering_eligibility_while_a_colleague_sends_leaves_it_sent(carol, ada, alice, bob):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    ready = f.ready_application(alice, grant_round)
    key = grant_round.eligibility_questions[0]["key"]
    answering_tab, sending_tab = (
        GrantApplication.objects.get(pk=ready.pk),
        GrantApplication.objects.get(pk=ready.pk),
    )

    results = run_at_once(
        lambda: applications.application_eligibility_answer(
            user=alice, application=answering_tab, answers={key: False}
        ),
        lambda: applications.application_submit(
            user=bob, application=sending_tab, signed_name="Bob Baker", signed_role="Chair"
        ),
    )

    application = GrantApplication.objects.get(pk=ready.pk)
    if application.status == GrantApplication.Status.SUBMITTED:  # sent first: the answer is refused
        assert sorted(results) == sorted(
            ["done", "This application has been sent and can no longer be changed."]
        )
    else:  # answered first (not eligible): the sending is refused
        assert application.status == GrantApplication.Status.INELIGIBLE
        assert results.count("done") == 1
