"""The grants' public pages and the 360Giving downloads are served from the shared public-page cache to
anonymous visitors, and the changes they show (publishing, cancelling, accepting an offer) forget them."""

from datetime import date

import pytest
from django.urls import reverse

from grants.services import assessment, rounds
from tests.grants import factories as f

pytestmark = pytest.mark.django_db

ROUNDS = reverse("grants:round_list")
CSV = reverse("threesixty:grants_csv")
JSON = reverse("threesixty:grants_json")


@pytest.mark.parametrize("address", [ROUNDS, reverse("grants:grants_awarded"), CSV, JSON])
def test_the_public_grants_pages_and_downloads_are_served_from_the_cache(client, address):
    first = client.get(address)
    second = client.get(address)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_cached_csv_keeps_its_file_name(client):
    client.get(CSV)
    response = client.get(CSV)

    assert response["X-Page-Cache"] == "hit"
    assert response["Content-Disposition"] == 'attachment; filename="grants.csv"'


def test_publishing_and_cancelling_a_round_forget_the_cached_round_pages(
    client, carol, django_capture_on_commit_callbacks
):
    grant_round = f.publishable_round(carol, title="Support for women leaving custody")
    assert "Support for women leaving custody" not in client.get(ROUNDS).content.decode()
    assert client.get(ROUNDS)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        rounds.round_publish(user=carol, grant_round=grant_round, now=grant_round.opens_at)
    assert "Support for women leaving custody" in client.get(ROUNDS).content.decode()
    detail = reverse("grants:round_detail", args=[grant_round.pk])
    assert client.get(detail).status_code == 200
    assert client.get(detail)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        rounds.round_cancel(user=carol, grant_round=grant_round, reason="The fund was withdrawn")
    assert "Support for women leaving custody" not in client.get(ROUNDS).content.decode()
    assert client.get(detail).status_code == 404


def test_accepting_an_offer_forgets_the_cached_open_data(
    client, carol, ada, alice, bea, django_capture_on_commit_callbacks
):
    grant_round = f.closed_round_with_applications(carol, ada, alice, bea)
    application = next(
        a
        for a in assessment.sent_applications(grant_round)
        if a.organisation_id == alice.membership.organisation_id
    )
    f.moderated(carol, application)
    decision = assessment.decide(
        user=carol,
        application=application,
        award=True,
        feedback="A strong plan.",
        amount_per_year_pence=30_000_00,
        duration_months=24,
        starts_on=date(2027, 4, 1),
    )
    before = client.get(CSV).content.decode()
    assert client.get(CSV)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        assessment.offer_accept(
            user=alice, decision=decision, signed_name="Alice Able", signed_role="Director"
        )

    after = client.get(CSV)
    assert after["X-Page-Cache"] == "miss"
    assert len(after.content.decode().splitlines()) == len(before.splitlines()) + 1
