"""The rules of awards (calloffs.services.awards): who may decide, when, which tenders, one standing
decision per lot, the standstill, the contract, the competition's status, and the audit rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from calloffs import rules, selectors
from calloffs.models import (
    Award,
    Competition,
    ConflictDeclaration,
    Contract,
    Evaluator,
    Lot,
    OutcomeLetter,
    Score,
)
from calloffs.services import awards
from portal.exceptions import Problems, RuleBroken
from portal.models import AuditEvent
from tests.calloffs import factories as f
from tests.calloffs.award_factories import cleared, decidable_lot, opened
from tests.calloffs.tender_factories import past_deadline, submitted_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def decidable(carol, organisation_a, organisation_b, alice, bea):
    return decidable_lot(carol, organisation_a, organisation_b)


def audited(action: str, competition) -> list[str]:
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(competition.pk)).values_list(
            "summary", flat=True
        )
    )


CONTRACT = {"value_pence": 1_200_000_00, "start_date": date(2031, 4, 1), "end_date": date(2034, 3, 31)}


# The standstill ---------------------------------------------------------------------------------


def _standstill_end(decided):
    return rules.standstill_end(decided, days=settings.CALLOFF_STANDSTILL_DAYS)


def test_the_standstill_ends_at_midnight_at_the_end_of_the_tenth_calendar_day_in_london():
    decided = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)  # 11:30pm GMT on 1 March
    ends = _standstill_end(decided)
    assert timezone.localtime(ends).isoformat() == "2027-03-12T00:00:00+00:00"
    assert awards.standstill_end_words(ends) == "midnight at the end of 11 March 2027"


def test_the_standstill_is_counted_in_london_days_across_the_clocks_going_forward():
    decided = datetime(2027, 3, 20, 23, 30, tzinfo=UTC)  # 11:30pm GMT on 20 March; clocks go forward 28 March
    ends = timezone.localtime(_standstill_end(decided))
    assert ends.isoformat() == "2027-03-31T00:00:00+01:00"


def test_a_decision_after_midnight_british_summer_time_counts_from_the_london_day():
    decided = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)  # 12:30am on 1 July in London
    assert timezone.localtime(_standstill_end(decided)).date() == date(2027, 7, 12)


@override_settings(CALLOFF_STANDSTILL_DAYS=15)
def test_the_standstill_length_is_a_setting():
    decided = datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert timezone.localtime(_standstill_end(decided)).date() == date(2027, 3, 17)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)))
def test_the_standstill_always_leaves_ten_whole_london_days_after_the_decision_day(decided):
    ends = timezone.localtime(_standstill_end(decided))
    assert ends.time().hour == 0 and ends.time().minute == 0
    assert (ends.date() - timezone.localdate(decided)).days == 11


# Awarding ---------------------------------------------------------------------------------------


def test_awarding_a_lot_starts_the_standstill_writes_letters_and_an_audit_row(decidable, carol):
    now = timezone.now()
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol, now=now)
    assert award.outcome == Award.Outcome.AWARDED and award.tender == decidable.best
    assert award.standstill_ends_at == _standstill_end(now)
    assert OutcomeLetter.objects.filter(award=award).count() == 3
    [summary] = audited("award.made", decidable.competition)
    assert "Alpha Futures CIC" in summary and "midnight at the end of" in summary
    decidable.competition.refresh_from_db()
    assert decidable.competition.state() == Competition.CLOSED  # not decided until the contract


def test_a_lot_cannot_be_awarded_before_the_tenders_are_opened(carol, organisation_a, alice):
    competition = f.live_competition(carol)
    tender = submitted_tender(competition.lots.get(), organisation_a, alice)
    past_deadline(competition)
    with pytest.raises(RuleBroken, match="Open the tenders"):
        awards.award_lot(lot=tender.lot, tender=tender, user=carol)
    with pytest.raises(RuleBroken, match="Open the tenders"):
        awards.no_suitable_bidder(lot=tender.lot, user=carol)
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "withdrawn"}, "only award a lot to a submitted tender"),
        ({"status": "draft"}, "only award a lot to a submitted tender"),
        ({"excluded_reason": "No longer qualified"}, "excluded at the deadline"),
        ({"non_compliant_reason": "Financial model missing"}, "not compliant"),
    ],
)
def test_only_a_submitted_compliant_tender_not_excluded_can_be_awarded(decidable, carol, change, message):
    tender = decidable.best
    type(tender).objects.filter(pk=tender.pk).update(**change)
    tender.refresh_from_db()
    with pytest.raises(RuleBroken, match=message):
        awards.award_lot(lot=decidable.lot, tender=tender, user=carol)
    assert not Award.objects.exists()


def test_a_tender_of_another_lot_cannot_be_awarded(decidable, carol, organisation_a, alice):
    other = opened(past_deadline(f.live_competition(carol)), carol)
    with pytest.raises(RuleBroken, match="Choose a tender for this lot"):
        awards.award_lot(lot=other.lots.get(), tender=decidable.best, user=carol)


def test_a_lot_has_one_standing_decision(decidable, carol):
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken, match="already been decided"):
        awards.award_lot(lot=decidable.lot, tender=decidable.second, user=carol)
    with pytest.raises(RuleBroken, match="already been decided"):
        awards.no_suitable_bidder(lot=decidable.lot, user=carol)
    assert Award.objects.filter(lot=decidable.lot).count() == 1


def test_the_database_refuses_a_second_standing_decision_even_without_the_service(decidable, carol):
    from django.db import IntegrityError, transaction

    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(lot=decidable.lot, outcome=Award.Outcome.NO_SUITABLE_BIDDER, decided_by=carol)


@pytest.mark.parametrize("who", ["colin", "bob"])
def test_only_the_owner_commissioner_or_an_moj_admin_may_decide(decidable, who, request):
    person = request.getfixturevalue(who)
    with pytest.raises(RuleBroken):
        awards.award_lot(lot=decidable.lot, tender=decidable.best, user=person)
    with pytest.raises(RuleBroken):
        awards.no_suitable_bidder(lot=decidable.lot, user=person)
    assert not Award.objects.exists()


def test_an_moj_admin_may_award_once_named_an_evaluator_who_declared_no_conflict(decidable, ada):
    with pytest.raises(RuleBroken, match="declared no conflict with every bidder"):
        awards.award_lot(lot=decidable.lot, tender=decidable.best, user=ada)
    cleared(ada, decidable.competition)
    assert awards.award_lot(lot=decidable.lot, tender=decidable.best, user=ada).decided_by == ada


# Who may decide: a cleared evaluator (issue 17 point 2) -----------------------------------------------


def _declare_conflict_with(user, tender) -> None:
    ConflictDeclaration.objects.filter(evaluator__user=user, tender=tender).update(
        has_conflict=True, details="My sister chairs its board"
    )


DECISIONS = {
    "award": lambda d, user: awards.award_lot(lot=d.lot, tender=d.best, user=user),
    "no suitable bidder": lambda d, user: awards.no_suitable_bidder(lot=d.lot, user=user),
}


@pytest.mark.parametrize("decision", DECISIONS)
def test_an_owner_who_declared_a_conflict_with_any_bidder_of_the_lot_cannot_decide_it(
    decidable, carol, decision
):
    _declare_conflict_with(carol, decidable.third)
    with pytest.raises(RuleBroken) as refused:
        DECISIONS[decision](decidable, carol)
    assert refused.value.message == (
        "You can only decide once you are one of the competition's evaluators and have declared no conflict "
        "with every bidder."
    )
    assert not Award.objects.exists()


@pytest.mark.parametrize("decision", DECISIONS)
def test_an_owner_who_is_not_an_evaluator_cannot_decide(decidable, carol, decision):
    Evaluator.objects.filter(user=carol).delete()
    with pytest.raises(RuleBroken, match="one of the competition's evaluators"):
        DECISIONS[decision](decidable, carol)
    assert not Award.objects.exists()


def test_an_owner_who_has_not_declared_about_every_bidder_cannot_decide(decidable, carol):
    ConflictDeclaration.objects.filter(evaluator__user=carol, tender=decidable.second).delete()
    with pytest.raises(RuleBroken, match="declared no conflict with every bidder"):
        awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)


def test_an_award_is_withdrawn_only_by_a_cleared_evaluator(decidable, carol, ada):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken, match="declared no conflict with every bidder"):
        awards.award_withdraw(award=award, user=ada, reason="Scoring error found")
    _declare_conflict_with(carol, decidable.second)
    with pytest.raises(RuleBroken, match="declared no conflict with every bidder"):
        awards.award_withdraw(award=award, user=carol, reason="Scoring error found")
    award.refresh_from_db()
    assert award.withdrawn_at is None


def test_agreed_scores_are_final_once_the_lot_has_a_decision(decidable, carol):
    from calloffs.services import evaluation

    tender = decidable.best
    for criterion in tender.competition.criteria.all():  # carol's own scores, so moderation may open
        Score.objects.create(
            evaluator=Evaluator.objects.get(user=carol),
            tender=tender,
            criterion=criterion,
            score=4,
            comment="ok",
        )
    before = sorted(tender.moderated_scores.values_list("criterion_id", "score"))
    awards.award_lot(lot=decidable.lot, tender=tender, user=carol)
    agreed = [evaluation.AgreedScore(pk, 0, "Changed after") for pk, _ in before]
    with pytest.raises(RuleBroken) as refused:
        evaluation.moderate(tender=tender, user=carol, agreed=agreed)
    assert refused.value.message == "This tender has a decision, so its agreed scores are final."
    assert sorted(tender.moderated_scores.values_list("criterion_id", "score")) == before


# Withdrawing ------------------------------------------------------------------------------------


def test_an_award_can_be_withdrawn_during_the_standstill_with_a_reason_then_decided_again(decidable, carol):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken, match="Enter why"):
        awards.award_withdraw(award=award, user=carol, reason="  ")
    just_before = award.standstill_ends_at - timedelta(seconds=1)
    withdrawn = awards.award_withdraw(award=award, user=carol, reason="Scoring error found", now=just_before)
    assert withdrawn.withdrawn_reason == "Scoring error found" and withdrawn.withdrawn_by == carol
    assert audited("award.withdrawn", decidable.competition) == [
        "Lot 1: award withdrawn: Scoring error found"
    ]
    again = awards.award_lot(lot=decidable.lot, tender=decidable.second, user=carol)
    assert selectors.standing_award(decidable.lot) == again
    with pytest.raises(RuleBroken, match="already been withdrawn"):
        awards.award_withdraw(award=award, user=carol, reason="Twice")


def test_an_award_cannot_be_withdrawn_once_the_standstill_has_ended(decidable, carol):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken, match="standstill has ended"):
        awards.award_withdraw(award=award, user=carol, reason="Too late", now=award.standstill_ends_at)
    award.refresh_from_db()
    assert award.withdrawn_at is None


def test_no_suitable_bidder_cannot_be_withdrawn(decidable, carol):
    award = awards.no_suitable_bidder(lot=decidable.lot, user=carol)
    with pytest.raises(RuleBroken, match="Only an award"):
        awards.award_withdraw(award=award, user=carol, reason="Changed our mind")


def test_another_regions_commissioner_cannot_withdraw(decidable, carol, colin):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken):
        awards.award_withdraw(award=award, user=colin, reason="Not mine")


# The contract -----------------------------------------------------------------------------------


def test_the_contract_can_be_recorded_from_the_instant_the_standstill_ends(decidable, carol):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(RuleBroken, match="once the standstill ends, at midnight at the end of"):
        awards.contract_record(
            award=award, user=carol, now=award.standstill_ends_at - timedelta(microseconds=1), **CONTRACT
        )
    contract = awards.contract_record(award=award, user=carol, now=award.standstill_ends_at, **CONTRACT)
    assert contract.organisation == decidable.best.organisation and contract.value_pence == 1_200_000_00
    assert audited("award.contract_recorded", decidable.competition)
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.AWARDED
    assert decidable.competition.ended_at == award.standstill_ends_at
    assert audited("competition.decided", decidable.competition) == ["Outcome: Awarded"]
    with pytest.raises(RuleBroken):
        awards.contract_record(award=award, user=carol, now=award.standstill_ends_at, **CONTRACT)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"value_pence": 0}, "more than £0"),
        ({"value_pence": None}, "more than £0"),
        ({"end_date": date(2031, 4, 1)}, "end date must be after the start date"),
        ({"end_date": date(2030, 1, 1)}, "end date must be after the start date"),
        ({"start_date": None}, "Enter the start date"),
    ],
)
def test_a_contract_needs_a_positive_value_and_dates_in_order(decidable, carol, terms, message):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    with pytest.raises(Problems, match=message):
        awards.contract_record(award=award, user=carol, now=award.standstill_ends_at, **{**CONTRACT, **terms})
    assert not Contract.objects.exists()


def test_no_contract_for_a_withdrawn_award(decidable, carol):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    awards.award_withdraw(award=award, user=carol, reason="Error")
    with pytest.raises(RuleBroken, match="no standing award"):
        awards.contract_record(award=award, user=carol, now=award.standstill_ends_at, **CONTRACT)


# The competition's status -----------------------------------------------------------------------


def test_no_suitable_bidder_on_every_lot_decides_the_competition_at_once(decidable, carol):
    awards.no_suitable_bidder(lot=decidable.lot, user=carol)
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.NO_SUITABLE_BIDDER
    assert audited("award.no_suitable_bidder", decidable.competition) == ["Lot 1: no suitable bidder"]
    assert audited("competition.decided", decidable.competition) == ["Outcome: No suitable bidder"]
    with pytest.raises(RuleBroken, match="already been decided or has ended"):
        awards.no_suitable_bidder(lot=decidable.lot, user=carol)


def test_a_competition_is_awarded_when_its_last_lot_is_settled_and_any_lot_has_a_contract(decidable, carol):
    second_lot = Lot.objects.get(pk=decidable.lot.pk)
    second_lot.pk, second_lot.number, second_lot.title = None, 2, "Tees Valley"
    second_lot.save()  # a copy of lot 1, made straight in the database: the competition is no longer a draft
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    awards.contract_record(award=award, user=carol, now=award.standstill_ends_at, **CONTRACT)
    decidable.competition.refresh_from_db()
    assert decidable.competition.state() == Competition.CLOSED  # lot 2 still to decide
    awards.no_suitable_bidder(lot=second_lot, user=carol, now=award.standstill_ends_at)
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.AWARDED
