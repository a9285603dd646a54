"""The grants pages: what was typed survives an error, outsiders get 404, and one organisation never sees
another's application."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.models import GrantApplication, GrantRound, Registration
from tests.grants import factories as f


def test_a_registration_with_errors_keeps_what_was_typed(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("grants:registration_edit"),
        {"trustees": "six", "annual_income": "lots", "regions": ["north-east"]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="six"' in body and 'value="lots"' in body
    assert "There is a problem" in body
    assert "Annual income must be an amount in whole pounds" in body


def test_a_registration_is_saved_and_sent_from_its_pages(client, alice, organisation_a):
    client.force_login(alice)
    answers = {**f.registration_answers(), "year_end_0": "31", "year_end_1": "3", "year_end_2": "2026"}
    answers.pop("year_end")
    response = client.post(reverse("grants:registration_edit"), {**answers, "accounts": f.accounts()})
    assert response.status_code == 302
    response = client.post(reverse("grants:registration_check"))
    assert response.status_code == 302
    assert Registration.objects.get(organisation=organisation_a).status == Registration.Status.SUBMITTED


def test_a_round_with_errors_keeps_what_was_typed(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("grants:round_create"), {"title": "Mentoring", "min_award": "9,000", "max_award": "abc"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Mentoring"' in body and 'value="9,000"' in body
    assert "Enter an amount in whole pounds" in body
    assert not GrantRound.objects.exists()


def test_a_budget_over_the_limit_is_saved_and_shown_with_its_error(client, carol, ada, alice):
    f.registered(alice, ada)
    application = f.ready_application(alice, f.open_round(carol))
    client.force_login(alice)
    response = client.post(
        reverse("grants:application_budget", args=[application.pk]),
        {"year-0": "1", "item-0": "Staff", "amount-0": "150,000"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="150,000"' in body and "the largest grant a year is £100,000" in body
    application.refresh_from_db()
    assert application.budget == [{"year": 1, "item": "Staff", "amount": "150,000"}]


def test_an_ineligible_answer_shows_the_plain_reason(client, carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.ready_application(alice, grant_round)
    client.force_login(alice)
    key = grant_round.eligibility_questions[0]["key"]
    response = client.post(reverse("grants:application_eligibility", args=[application.pk]), {key: "False"})
    assert response.status_code == 200
    assert f.ELIGIBILITY_REASON in response.content.decode()
    response = client.get(reverse("grants:application_answers", args=[application.pk]))
    assert response.status_code == 302  # back to the eligibility questions


def test_another_regions_commissioner_gets_404_on_a_round_and_its_applications(
    client, carol, colin, ada, alice
):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.submitted_application(alice, grant_round)
    client.force_login(colin)
    for url in (
        reverse("grants:round_manage", args=[grant_round.pk]),
        reverse("grants:round_applications", args=[grant_round.pk]),
        reverse("grants:round_application", args=[grant_round.pk, application.pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(carol)
    assert client.get(reverse("grants:round_applications", args=[grant_round.pk])).status_code == 200


def test_staff_read_an_application_only_as_an_assessor_who_declared_no_conflict(client, carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.submitted_application(alice, grant_round)
    address = reverse("grants:round_application", args=[grant_round.pk, application.pk])
    listing = reverse("grants:round_applications", args=[grant_round.pk])
    client.force_login(carol)
    assert client.get(address).status_code == 404  # the round's own commissioner, not yet an assessor
    assert address not in client.get(listing).content.decode()
    f.closed_now(grant_round)
    application.refresh_from_db()
    f.moderated(carol, application)  # named an assessor, declared no conflict
    assert client.get(address).status_code == 200
    assert address in client.get(listing).content.decode()
    client.force_login(ada)  # an MoJ admin who is not an assessor of the round
    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "application_detail",
        "application_eligibility",
        "application_answers",
        "application_budget",
        "application_check",
    ],
)
def test_applicants_never_see_each_others_applications(client, carol, ada, alice, bea, name):
    f.registered(alice, ada)
    application = f.ready_application(alice, f.open_round(carol))
    client.force_login(bea)
    assert client.get(reverse(f"grants:{name}", args=[application.pk])).status_code == 404


def test_a_draft_application_is_not_shown_to_the_commissioner(client, carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    draft = f.ready_application(alice, grant_round)
    client.force_login(carol)
    assert client.get(reverse("grants:round_application", args=[grant_round.pk, draft.pk])).status_code == 404


def test_the_check_page_signs_and_sends(client, carol, ada, alice, django_capture_on_commit_callbacks):
    f.registered(alice, ada)
    application = f.ready_application(alice, f.open_round(carol))
    client.force_login(alice)
    url = reverse("grants:application_check", args=[application.pk])
    response = client.post(url, {"signed_name": "", "signed_role": "Director"})
    assert (
        'value="Director"' in response.content.decode()
        and "Enter your full name" in response.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"signed_name": "Alice Able", "signed_role": "Director"})
    assert response.status_code == 302
    assert GrantApplication.objects.get(pk=application.pk).is_submitted
    receipt = client.get(response.url)
    assert f"GR-{application.pk}" in receipt.content.decode()


def test_public_pages_filter_open_rounds_by_region_and_kind(client, carol, colin):
    f.open_round(carol, organisation_kinds=["cic"])
    body = client.get(reverse("grants:round_list"), {"region": "london"}).content.decode()
    assert "Women&#x27;s mentoring" not in body
    body = client.get(reverse("grants:round_list"), {"region": "north-east", "kind": "cio"}).content.decode()
    assert "Women&#x27;s mentoring" not in body
    body = client.get(reverse("grants:round_list"), {"region": "north-east", "kind": "cic"}).content.decode()
    assert "Women&#x27;s mentoring" in body


def test_a_draft_round_is_not_public(client, carol):
    grant_round = f.publishable_round(carol)
    assert client.get(reverse("grants:round_detail", args=[grant_round.pk])).status_code == 404


@pytest.mark.django_db
def test_the_criteria_page_links_each_refusal_to_its_row(client, carol):
    from grants.services import rounds as services

    grant_round = services.round_save(user=carol, data=f.round_data())
    client.force_login(carol)
    address = reverse("grants:criteria_edit", args=[grant_round.pk])
    page = client.post(address, {"name-0": "Need", "weighting-0": "60", "weighting-1": "40"}).content.decode()
    assert '<a href="#id_name-1">Enter a name for every criterion</a>' in page
    page = client.post(
        address, {"name-0": "Need", "weighting-0": "60", "name-1": "Reach", "weighting-1": "10"}
    ).content.decode()
    assert '<a href="#id_weighting-0">The weightings must add up to 100%: they add up to 70%</a>' in page
