"""The rules of assessment and offers (issue 11 points 5 and 6), each judged through its services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from grants import application_states, rules
from grants.models import Decision, Grant, GrantRound, OfferAcceptance, Score
from grants.services import assessment
from portal.evaluation.services import AgreedScore, DeclarationAnswer, ScoreEntry
from portal.exceptions import RuleBroken
from portal.models import Message
from portal.signatures import signed_text
from portal.templatetags.govuk_dates import govuk_date
from tests.grants import factories as f
from tests.grants.award_factories import LONDON

AWARD = {"amount_per_year_pence": 30_000_00, "duration_months": 24, "starts_on": date(2027, 4, 1)}


@pytest.fixture
def closed(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea)
    applications = {a.organisation_id: a for a in assessment.sent_applications(grant_round)}
    return (
        grant_round,
        applications[alice.membership.organisation_id],
        applications[bea.membership.organisation_id],
    )


def _award(carol, application, **changes):
    return assessment.decide(
        user=carol, application=application, award=True, feedback="A strong plan.", **{**AWARD, **changes}
    )


# Assessors ---------------------------------------------------------------------------------------


def test_assessors_are_named_only_after_the_round_closes(carol, ada, alice):
    grant_round = f.open_round(carol)
    with pytest.raises(RuleBroken, match="has not closed"):
        assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)


def test_a_commissioner_of_another_region_can_neither_name_nor_be_named(closed, carol, colin):
    grant_round, _, _ = closed
    with pytest.raises(RuleBroken, match="covers every region"):
        assessment.assessor_name(user=carol, grant_round=grant_round, person=colin)
    with pytest.raises(RuleBroken, match="regions you commission for"):
        assessment.assessor_name(user=colin, grant_round=grant_round, person=colin)


def test_an_assessor_is_named_once(closed, carol, ada):
    grant_round, _, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    with pytest.raises(RuleBroken, match="already an assessor"):
        assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)


# Declarations and scores -------------------------------------------------------------------------


def test_every_applicant_must_be_declared_about_at_once(closed, carol, ada):
    grant_round, mine, theirs = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    with pytest.raises(RuleBroken) as refused:
        assessment.declarations_sign(
            user=ada, grant_round=grant_round, answers=[DeclarationAnswer(mine.pk, True, " ")]
        )
    assert {p.field for p in refused.value.problems} == {f"details_{mine.pk}", f"has_conflict_{theirs.pk}"}


def test_an_assessor_with_a_conflict_cannot_read_or_score_that_application(closed, carol, ada):
    grant_round, mine, theirs = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    assert not assessment.may_read(ada, mine)  # nothing before a declaration
    assessment.declarations_sign(
        user=ada,
        grant_round=grant_round,
        answers=[
            DeclarationAnswer(mine.pk, True, "My sister is a trustee."),
            DeclarationAnswer(theirs.pk, False),
        ],
    )
    assert not assessment.may_read(ada, mine)
    assert assessment.may_read(ada, theirs)
    with pytest.raises(RuleBroken, match="declared no conflict"):
        assessment.scores_save(user=ada, application=mine, entries=[])


def test_a_score_needs_every_criterion_with_a_comment(closed, carol):
    grant_round, mine, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    f.scored(carol, mine)
    need, value = grant_round.criteria.all()
    with pytest.raises(RuleBroken) as refused:
        assessment.scores_save(
            user=carol,
            application=mine,
            entries=[ScoreEntry(need.pk, 9, "Good"), ScoreEntry(value.pk, 2, "")],
        )
    assert {p.field for p in refused.value.problems} == {f"score_{need.pk}", f"comment_{value.pk}"}
    assert set(Score.objects.filter(application=mine).values_list("score", flat=True)) == {3}


def test_moderation_waits_for_every_cleared_assessor(closed, carol, ada):
    grant_round, mine, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    assessment.assessor_name(user=carol, grant_round=grant_round, person=ada)
    f.scored(carol, mine)
    assessment.declarations_sign(
        user=ada, grant_round=grant_round, answers=[DeclarationAnswer(a.pk, False) for a in (mine, closed[2])]
    )
    agreed = [AgreedScore(c.pk, 3, "Agreed.") for c in grant_round.criteria.all()]
    with pytest.raises(RuleBroken, match="Every assessor must score"):
        assessment.moderate(user=carol, application=mine, agreed=agreed)
    f.scored(ada, mine)
    assessment.moderate(user=carol, application=mine, agreed=agreed)
    with pytest.raises(RuleBroken, match="moderated, so its scores are final"):
        f.scored(ada, mine, 1)


def test_only_a_commissioner_of_the_round_moderates(closed, carol, colin):
    grant_round, mine, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    f.scored(carol, mine)
    agreed = [AgreedScore(c.pk, 3, "Agreed.") for c in grant_round.criteria.all()]
    with pytest.raises(RuleBroken, match="regions you commission for"):
        assessment.moderate(user=colin, application=mine, agreed=agreed)


def test_agreed_scores_need_a_rationale(closed, carol):
    grant_round, mine, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    f.scored(carol, mine)
    agreed = [AgreedScore(c.pk, 3, "") for c in grant_round.criteria.all()]
    with pytest.raises(RuleBroken) as refused:
        assessment.moderate(user=carol, application=mine, agreed=agreed)
    assert all(p.field.startswith("rationale_") for p in refused.value.problems)
    assert "Enter why this is the agreed score" in str(refused.value.problems[0])


def test_the_ranking_follows_the_agreed_weighted_totals(closed, carol):
    grant_round, mine, theirs = closed
    f.moderated(carol, mine, 2)
    f.moderated(carol, theirs, 4)
    rows = assessment.round_ranking(grant_round)
    assert [(row.bid_id, row.rank) for row in rows] == [(theirs.pk, 1), (mine.pk, 2)]
    assert rows[0].total == 100


# Decisions ---------------------------------------------------------------------------------------


def test_a_decision_needs_moderation_first(closed, carol):
    grant_round, mine, _ = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    f.scored(carol, mine)
    with pytest.raises(RuleBroken, match="Moderate the application"):
        _award(carol, mine)


def test_an_award_is_at_most_what_was_asked(closed, carol):
    _, mine, _ = closed  # asked £40,000 a year for two years
    f.moderated(carol, mine)
    with pytest.raises(RuleBroken) as refused:
        _award(carol, mine, amount_per_year_pence=40_000_01, duration_months=25)
    assert {p.field for p in refused.value.problems} == {"amount_per_year", "duration_months"}
    decision = _award(carol, mine, amount_per_year_pence=40_000_00, duration_months=24)
    assert decision.total_pence == 80_000_00


def test_a_decline_needs_feedback_and_an_application_is_decided_once(closed, carol):
    _, mine, _ = closed
    f.moderated(carol, mine)
    with pytest.raises(RuleBroken, match="Enter feedback"):
        assessment.decide(user=carol, application=mine, award=False, feedback=" ")
    assessment.decide(user=carol, application=mine, award=False, feedback="Not enough evidence of need.")
    with pytest.raises(RuleBroken, match="already has a decision"):
        _award(carol, mine)


def test_the_total_awarded_cannot_exceed_the_budget(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea, total_budget_pence=100_000_00)
    mine, theirs = assessment.sent_applications(grant_round).order_by("pk")
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    _award(carol, mine, amount_per_year_pence=30_000_00, duration_months=24)  # £60,000 of £100,000
    with pytest.raises(RuleBroken, match="more than is left"):
        _award(carol, theirs, amount_per_year_pence=30_000_00, duration_months=24)
    _award(carol, theirs, amount_per_year_pence=20_000_00, duration_months=24)  # exactly the rest
    assert assessment.committed_pence(grant_round) == 100_000_00


def test_a_declined_offer_frees_its_money(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea, total_budget_pence=100_000_00)
    mine, theirs = assessment.sent_applications(grant_round).order_by("pk")
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    decision = _award(carol, mine, amount_per_year_pence=40_000_00, duration_months=24)
    assessment.offer_decline(user=alice, decision=decision)
    assert assessment.committed_pence(grant_round) == 0
    _award(carol, theirs, amount_per_year_pence=40_000_00, duration_months=24)


@given(
    per_year=st.integers(min_value=1, max_value=250_000_00),
    months=st.integers(min_value=1, max_value=36),
    budget=st.integers(min_value=0, max_value=10_000_000_00),
    committed=st.integers(min_value=0, max_value=10_000_000_00),
)
def test_the_budget_rule_refuses_exactly_what_would_overspend(per_year, months, budget, committed):
    total = rules.award_total(amount_per_year_pence=per_year, duration_months=months)
    assert total <= per_year * months / 12
    problem = rules.budget_cap_problem(
        total_budget_pence=budget, committed_pence=committed, award_pence=total
    )
    assert (problem is None) == (committed + total <= budget)


def test_the_round_is_decided_once_every_application_has_a_decision(
    closed, carol, django_capture_on_commit_callbacks
):
    grant_round, mine, theirs = closed
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    with django_capture_on_commit_callbacks(execute=True):
        _award(carol, mine)
    grant_round.refresh_from_db()
    assert grant_round.status == GrantRound.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        assessment.decide(user=carol, application=theirs, award=False, feedback="Not enough evidence.")
    grant_round.refresh_from_db()
    assert grant_round.status == GrantRound.Status.DECIDED


def test_each_applicant_gets_an_outcome_letter_by_message_email_and_pdf(
    closed, carol, alice, bea, django_capture_on_commit_callbacks
):
    _, mine, theirs = closed
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _award(carol, mine)
        assessment.decide(user=carol, application=theirs, award=False, feedback="Too few women reached.")
    won = Message.objects.get(kind=assessment.OUTCOME_MESSAGE, recipient_organisation=mine.organisation)
    lost = Message.objects.get(kind=assessment.OUTCOME_MESSAGE, recipient_organisation=theirs.organisation)
    assert "successful" in won.subject and "not successful" not in won.subject
    assert "Too few women reached." in lost.body and "Too few women reached." not in won.body
    assert "£30,000 a year" in won.body
    assert {m.to[0] for m in mail.outbox} >= {alice.email, bea.email}
    for decision in Decision.objects.all():
        assert decision.letter_pdf.read().startswith(b"%PDF")


# Offers ------------------------------------------------------------------------------------------


def test_accepting_an_offer_records_the_signature_and_the_grant(closed, carol, alice):
    _, mine, _ = closed
    f.moderated(carol, mine)
    decision = _award(carol, mine)
    with pytest.raises(RuleBroken) as refused:
        assessment.offer_accept(user=alice, decision=decision, signed_name=" ", signed_role="")
    assert {p.field for p in refused.value.problems} == {"signed_name", "signed_role"}
    grant = assessment.offer_accept(
        user=alice, decision=decision, signed_name="Alice Able", signed_role="Director"
    )
    acceptance = OfferAcceptance.objects.get(decision=decision)
    assert (acceptance.signed_name, acceptance.signed_role, acceptance.signed_by) == (
        "Alice Able",
        "Director",
        alice,
    )
    assert (
        acceptance.text_version
        == signed_text(
            assessment.OFFER_TERMS_FORM,
            {"decision": decision, "application": mine, "grant_round": mine.grant_round},
        ).version
    )
    assert (grant.amount_per_year_pence, grant.amount_pence) == (30_000_00, 60_000_00)
    assert (grant.starts_on, grant.ends_on) == (date(2027, 4, 1), date(2029, 3, 31))
    assert grant.region.code == "north-east"
    with pytest.raises(RuleBroken, match="already been answered"):
        assessment.offer_decline(user=alice, decision=decision)


def test_only_the_applicants_people_answer_the_offer(closed, carol, bea):
    _, mine, _ = closed
    f.moderated(carol, mine)
    decision = _award(carol, mine)
    for outsider in (bea, carol):
        with pytest.raises(RuleBroken, match="Only people in the organisation"):
            assessment.offer_accept(user=outsider, decision=decision, signed_name="X", signed_role="Y")
    assert not Grant.objects.exists()


def test_a_declined_application_has_no_offer_to_accept(closed, carol, alice):
    _, mine, _ = closed
    f.moderated(carol, mine)
    decision = assessment.decide(user=carol, application=mine, award=False, feedback="Sorry.")
    with pytest.raises(RuleBroken, match="no offer to answer"):
        assessment.offer_accept(user=alice, decision=decision, signed_name="A", signed_role="B")


def test_an_offer_is_answered_by_its_date_and_no_later(closed, carol, alice):
    _, mine, _ = closed
    f.moderated(carol, mine)
    decision = _award(carol, mine)
    answer_by = rules.offer_answer_by(timezone.localdate(decision.decided_at))
    assert decision.answer_by == answer_by
    last_minute = datetime.combine(answer_by, time(23, 59), tzinfo=LONDON)
    with pytest.raises(RuleBroken, match=f"had to be answered by {govuk_date(answer_by)}"):
        assessment.offer_decline(user=alice, decision=decision, now=last_minute + timedelta(minutes=1))
    with pytest.raises(RuleBroken, match="had to be answered by"):
        assessment.offer_accept(
            user=alice, decision=decision, signed_name="A", signed_role="B", now=last_minute + timedelta(3)
        )
    assert assessment.offer_decline(user=alice, decision=decision, now=last_minute).offer == "declined"


# The application's state in words (issue 19 §5) ----------------------------------------------------

ANSWER_BY = date(2027, 5, 1)
SENT = {"status": "submitted", "round_closed": True}


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"status": "draft", "round_closed": False}, "Not sent"),
        ({"status": "ineligible", "round_closed": False}, "Not eligible"),
        ({"status": "submitted", "round_closed": False}, "Sent"),
        ({"status": "submitted", "round_closed": True}, "Being assessed"),
        (
            {**SENT, "outcome": "award", "offer": "open"},
            "Successful: answer the offer by 1 May 2027",
        ),
        (
            {**SENT, "outcome": "award", "offer": "open", "today": date(2027, 5, 2)},
            "Successful: the offer was not answered by 1 May 2027",
        ),
        ({**SENT, "outcome": "decline"}, "Not successful"),
        ({**SENT, "outcome": "award", "offer": "accepted"}, "Offer accepted"),
        ({**SENT, "outcome": "award", "offer": "declined"}, "Offer declined"),
    ],
)
def test_each_state_of_an_application_in_words(facts, words):
    assert (
        application_states.application_state(**{"answer_by": ANSWER_BY, "today": date(2027, 4, 1), **facts})
        == words
    )
