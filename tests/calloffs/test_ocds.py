"""Open data in OCDS 1.1: every package the demo data produces (and the same data carried on to awards
and contracts) validates against the official release package schema, read from tests/schemas; and
nothing of a tender is published before it is opened, nor a bidder named before the outcome."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft4Validator
from referencing.jsonschema import DRAFT4

from calloffs import demo, ocds
from calloffs.models import Amendment, Competition, MarketWarmingNotice
from portal.models import Organisation, User
from tests import open_data
from tests.calloffs import factories as f
from tests.calloffs import statistics_factories as awards
from tests.calloffs.tender_factories import submitted_tender
from tests.factories import OrganisationFactory
from tests.open_data import assert_valid

pytestmark = pytest.mark.django_db


PACKAGE_SCHEMA = "ocds-1.1.5-release-package-schema.json"
RELEASE_SCHEMA = "ocds-1.1.5-release-schema.json"


@pytest.fixture(scope="module")
def package_validator() -> Draft4Validator:
    """The official schema, its `$ref` to the release schema resolved to the local file (no network)."""
    release_id = open_data.schema(RELEASE_SCHEMA)["id"]
    return open_data.package_validator(
        PACKAGE_SCHEMA, resolved={release_id: RELEASE_SCHEMA}, kind=Draft4Validator, specification=DRAFT4
    )


def forget_cached_pages() -> None:
    """The opening and award services forget the cached public pages; here those steps are made by hand."""
    cache.clear()


def demo_world_carried_on() -> dict:
    """The demo data, then its closed competition without tenders opened, bid for, awarded and
    contracted, and its live competition linked to the demo notice and amended. (The demo's competition
    with tenders waiting to be opened stays as it is: the first test validates it as the demo leaves it.)"""
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    commissioner = User.objects.get(email="commissioner@justice.example")
    closed = Competition.objects.closed().exclude(title=demo.TO_EVALUATE).get()
    live = Competition.objects.open().get()
    bidders = [*Organisation.objects.all()[:2], OrganisationFactory(legal_name="Third Sector Homes")]
    awards.opened(closed, commissioner)
    lot = closed.lots.get()
    tenders = [submitted_tender(lot, bidder, commissioner) for bidder in bidders]
    award = awards.award(lot, tenders[0], commissioner)
    awards.contract(award, commissioner, value_pence=900_000_00)
    awards.decided(closed)
    live.notice = MarketWarmingNotice.objects.get()
    live.save(update_fields=["notice"])
    Amendment.objects.create(
        competition=live,
        number=1,
        summary="The deadline moves a week later.",
        previous_deadline=live.submission_deadline,
        new_deadline=live.submission_deadline,
        made_by=commissioner,
    )
    return {"closed": closed, "live": live, "bidders": bidders}


def test_every_package_of_the_demo_data_validates_against_the_official_schema(client, package_validator):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    everything = client.get(reverse("calloffs:ocds_releases")).json()
    assert_valid(package_validator, everything)
    for competition in Competition.objects.published():
        one = client.get(reverse("calloffs:ocds_competition", args=[competition.pk])).json()
        assert_valid(package_validator, one)


def test_every_stage_validates_once_the_demo_competitions_are_awarded(client, package_validator):
    world = demo_world_carried_on()
    everything = client.get(reverse("calloffs:ocds_releases")).json()
    assert_valid(package_validator, everything)
    tags = {tag for release in everything["releases"] for tag in release["tag"]}
    assert tags == {"planning", "tender", "tenderAmendment", "tenderUpdate", "award", "contract"}

    closed = client.get(reverse("calloffs:ocds_competition", args=[world["closed"].pk])).json()
    assert_valid(package_validator, closed)
    by_tag = {release["tag"][0]: release for release in closed["releases"]}
    assert by_tag["tenderUpdate"]["tender"]["numberOfTenderers"] == 3
    tenderers = {t["name"] for t in by_tag["award"]["tender"]["tenderers"]}
    assert tenderers == {b.legal_name for b in world["bidders"]}
    assert by_tag["award"]["awards"][0]["suppliers"][0]["name"] == world["bidders"][0].legal_name
    assert by_tag["contract"]["contracts"][0]["value"] == {"amount": 900_000.0, "currency": "GBP"}
    assert {r["ocid"] for r in closed["releases"]} == {
        f"{settings.OCDS_OCID_PREFIX}-psdf-{world['closed'].pk}"
    }


def test_nothing_of_a_tender_is_published_before_opening_nor_a_bidder_named_before_the_outcome(
    client, carol, package_validator
):
    competition = f.closed_competition(carol)
    bidder = OrganisationFactory(legal_name="Hidden Bidder Trust")
    submitted_tender(competition.lots.get(), bidder, carol)
    address = reverse("calloffs:ocds_competition", args=[competition.pk])

    sealed = client.get(address).content.decode()
    assert "numberOfTenderers" not in sealed and "Hidden Bidder Trust" not in sealed

    awards.opened(competition, carol)
    forget_cached_pages()
    opened = client.get(address).content.decode()
    assert '"numberOfTenderers": 1' in opened
    assert "Hidden Bidder Trust" not in opened

    awards.award(competition.lots.get(), None, carol)
    awards.decided(competition, Competition.Status.NO_SUITABLE_BIDDER)
    forget_cached_pages()
    decided = client.get(address).json()
    assert_valid(package_validator, decided)
    assert "Hidden Bidder Trust" in json.dumps(decided)


def test_drafts_are_never_published(client, carol):
    draft = f.publishable_competition(carol)
    assert client.get(reverse("calloffs:ocds_competition", args=[draft.pk])).status_code == 404
    releases = client.get(reverse("calloffs:ocds_releases")).json()["releases"]
    assert all(not r["ocid"].endswith(f"-{draft.pk}") for r in releases)


def test_the_package_of_everything_is_paginated_with_links(client, carol, monkeypatch):
    monkeypatch.setattr(ocds, "PAGE_SIZE", 1)
    first, second = f.live_competition(carol), f.live_competition(carol)
    page_one = client.get(reverse("calloffs:ocds_releases")).json()
    assert {r["ocid"] for r in page_one["releases"]} == {ocds.ocid(first)}
    assert page_one["links"]["next"].endswith("?page=2")
    page_two = client.get(page_one["links"]["next"].removeprefix(settings.SITE_URL)).json()
    assert {r["ocid"] for r in page_two["releases"]} == {ocds.ocid(second)}
    assert "next" not in page_two["links"]


def test_the_package_of_everything_takes_a_fixed_number_of_queries(client, carol):
    def decided_with_contract() -> None:
        competition = awards.opened(f.closed_competition(carol), carol)
        lot = competition.lots.get()
        award = awards.award(lot, submitted_tender(lot, OrganisationFactory(), carol), carol)
        awards.contract(award, carol, value_pence=100_00)
        awards.decided(competition)

    def queries() -> int:
        forget_cached_pages()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("calloffs:ocds_releases")).status_code == 200
        return len(captured.captured_queries)

    decided_with_contract()
    few = queries()
    for _ in range(3):
        decided_with_contract()
    assert queries() == few <= 10
