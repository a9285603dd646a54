"""Two people award the same lot at the same instant (PostgreSQL, each thread its own connection): the
lot's row lock and the partial unique constraint let exactly one decision through, and the other is told
plainly."""

import threading

import pytest
from django.db import connection

from calloffs.models import Award, OutcomeLetter
from calloffs.services import awards
from portal.exceptions import RuleBroken
from tests.calloffs.award_factories import cleared, decidable_lot


def run_at_once(*calls) -> list[str]:
    """Run the calls in threads released together; "done", the RuleBroken message, or any other error, for
    each."""
    barrier, results = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("done")
        except RuleBroken as error:
            results.append(error.message)
        except Exception as error:  # shown in the assertion, not lost in the thread
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# Like every transactional test here: the database's contents are restored after it (serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_awards_of_one_lot_make_one_award_and_a_clear_refusal(
    carol, ada, organisation_a, organisation_b, alice, bea
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    cleared(ada, decidable.competition)  # both may decide (issue 17 point 2)

    results = run_at_once(
        lambda: awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol),
        lambda: awards.award_lot(lot=decidable.lot, tender=decidable.second, user=ada),
    )

    assert sorted(results) == [awards.ALREADY_DECIDED, "done"]
    assert awards.ALREADY_DECIDED.startswith("This lot has already been decided.")
    award = Award.objects.get(lot=decidable.lot)
    assert award.withdrawn_at is None
    assert OutcomeLetter.objects.filter(award=award).count() == 3  # the refused decision wrote nothing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_award_and_no_suitable_bidder_at_once_leave_one_decision(
    carol, ada, organisation_a, organisation_b
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    cleared(ada, decidable.competition)  # both may decide (issue 17 point 2)

    results = run_at_once(
        lambda: awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol),
        lambda: awards.no_suitable_bidder(lot=decidable.lot, user=ada),
    )

    assert sorted(results) == [awards.ALREADY_DECIDED, "done"]
    assert Award.objects.filter(lot=decidable.lot).count() == 1
    assert OutcomeLetter.objects.count() == 3
