"""The assessment and offer pages: each step from its form, errors keep what was typed, a commissioner of
another region gets 404, and applicants never see each other's applications, scores or outcomes."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from grants.models import Assessor, Decision, Grant, Score
from grants.services import assessment
from portal.templatetags.govuk_dates import govuk_date
from tests.grants import factories as f


@pytest.fixture
def closed(carol, ada, alice, bea):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea)
    mine, theirs = assessment.sent_applications(grant_round).order_by("pk")
    return grant_round, mine, theirs


def test_the_commissioner_names_an_assessor_declares_and_scores_from_the_pages(client, closed, carol):
    grant_round, mine, theirs = closed
    client.force_login(carol)
    response = client.post(reverse("grants:assessment", args=[grant_round.pk]), {"person": carol.pk})
    assert response.status_code == 302
    assert Assessor.objects.filter(grant_round=grant_round, user=carol).exists()
    declare = reverse("grants:assessment_declare", args=[grant_round.pk])
    response = client.post(declare, {f"has_conflict_{mine.pk}": "yes", f"details_{mine.pk}": ""})
    assert response.status_code == 200
    assert "Describe the conflict of interest" in response.content.decode()
    assert re.search(r'value="yes"[^>]*checked', response.content.decode())
    client.post(declare, {f"has_conflict_{mine.pk}": "no", f"has_conflict_{theirs.pk}": "no"})
    need, value = grant_round.criteria.all()
    score = reverse("grants:assessment_score", args=[grant_round.pk, mine.pk])
    response = client.post(
        score, {f"score_{need.pk}": "3", f"comment_{need.pk}": "Strong need.", f"score_{value.pk}": "2"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a comment that explains the score" in body and "Strong need." in body
    client.post(
        score,
        {
            **{f"score_{c.pk}": "3" for c in (need, value)},
            **{f"comment_{c.pk}": "Good." for c in (need, value)},
        },
    )
    assert Score.objects.filter(application=mine, assessor__user=carol).count() == 2


def test_an_award_over_what_was_asked_is_refused_on_the_form(client, closed, carol):
    grant_round, mine, _ = closed
    f.moderated(carol, mine)
    client.force_login(carol)
    response = client.post(
        reverse("grants:assessment_decide", args=[grant_round.pk, mine.pk]),
        {
            "award": "yes",
            "amount_per_year": "90,000",
            "duration_months": "12",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2027",
            "feedback": "Good plan.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "at most what was asked: £40,000" in body and 'value="90,000"' in body
    assert not Decision.objects.exists()


def test_the_applicant_accepts_the_offer_and_the_grant_is_public(client, closed, carol, alice):
    grant_round, mine, _ = closed
    f.moderated(carol, mine)
    assessment.decide(
        user=carol,
        application=mine,
        award=True,
        feedback="A strong plan.",
        amount_per_year_pence=30_000_00,
        duration_months=24,
        starts_on=grant_round.decision_date,
    )
    client.force_login(alice)
    outcome = reverse("grants:application_outcome", args=[mine.pk])
    response = client.get(outcome)
    assert "A strong plan." in response.content.decode() and "I accept the grant" in response.content.decode()
    response = client.post(outcome, {"signed_name": "", "signed_role": "Director", "accept": ""})
    assert (
        "Enter your full name" in response.content.decode()
        and 'value="Director"' in response.content.decode()
    )
    response = client.post(outcome, {"signed_name": "Alice Able", "signed_role": "Director", "accept": ""})
    assert response.status_code == 302
    assert Grant.objects.get().application == mine
    client.logout()
    assert mine.organisation.legal_name in client.get(reverse("grants:grants_awarded")).content.decode()


def test_the_applicant_can_decline_the_offer(client, closed, carol, alice):
    grant_round, mine, _ = closed
    f.moderated(carol, mine)
    decision = assessment.decide(
        user=carol,
        application=mine,
        award=True,
        feedback="Good.",
        amount_per_year_pence=30_000_00,
        duration_months=12,
        starts_on=grant_round.decision_date,
    )
    client.force_login(alice)
    client.post(reverse("grants:application_outcome", args=[mine.pk]), {"decline": ""})
    decision.refresh_from_db()
    assert decision.offer == Decision.Offer.DECLINED
    response = client.post(
        reverse("grants:application_outcome", args=[mine.pk]),
        {"signed_name": "Alice Able", "signed_role": "Director", "accept": ""},
    )
    assert "This offer has already been answered." in response.content.decode()
    assert not Grant.objects.exists()


@pytest.mark.parametrize("name", ["grants:assessment", "grants:assessment_declare"])
def test_a_commissioner_of_another_region_gets_404_on_assessment(client, closed, colin, name):
    grant_round, _, _ = closed
    client.force_login(colin)
    assert client.get(reverse(name, args=[grant_round.pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["grants:assessment_score", "grants:assessment_moderate", "grants:assessment_decide"]
)
def test_an_assessor_with_a_conflict_gets_404_on_that_application(client, closed, carol, colin, name):
    grant_round, mine, theirs = closed
    assessment.assessor_name(user=carol, grant_round=grant_round, person=carol)
    client.force_login(carol)
    client.post(
        reverse("grants:assessment_declare", args=[grant_round.pk]),
        {
            f"has_conflict_{mine.pk}": "yes",
            f"details_{mine.pk}": "I am a trustee.",
            f"has_conflict_{theirs.pk}": "no",
        },
    )
    assert client.get(reverse(name, args=[grant_round.pk, mine.pk])).status_code == 404
    assert client.get(reverse(name, args=[grant_round.pk, theirs.pk])).status_code == 200
    client.force_login(colin)
    assert client.get(reverse(name, args=[grant_round.pk, theirs.pk])).status_code == 404


@pytest.mark.parametrize("name", ["grants:application_outcome", "grants:outcome_letter_pdf"])
def test_applicants_never_see_each_others_outcomes_or_scores(client, closed, carol, bea, name):
    _, mine, theirs = closed
    f.moderated(carol, mine)
    f.moderated(carol, theirs)
    assessment.decide(user=carol, application=mine, award=False, feedback="Secret feedback for A.")
    client.force_login(bea)
    assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    # and no page of B's shows A's scores or feedback
    for url in (reverse("grants:home"), reverse("grants:application_receipt", args=[theirs.pk])):
        body = client.get(url).content.decode()
        assert "Secret feedback" not in body and "Clear evidence of need." not in body


def test_the_grants_home_shows_each_applications_state_from_sent_to_the_answer(client, closed, carol, alice):
    grant_round, mine, _ = closed
    client.force_login(alice)
    home = reverse("grants:home")

    def state() -> str:
        page = html.unescape(client.get(home).content.decode())
        return re.search(rf"{re.escape(grant_round.title)}</a>: ([^<]*)</li>", page).group(1)

    assert state() == "Being assessed"  # the round has closed; no decision yet
    f.moderated(carol, mine)
    decision = assessment.decide(
        user=carol,
        application=mine,
        award=True,
        feedback="Good.",
        amount_per_year_pence=30_000_00,
        duration_months=12,
        starts_on=grant_round.decision_date,
    )
    assert state() == f"Successful: answer the offer by {govuk_date(decision.answer_by)}"
    assert reverse("grants:application_outcome", args=[mine.pk]) in client.get(home).content.decode()
    assessment.offer_decline(user=alice, decision=decision)
    assert state() == "Offer declined"
