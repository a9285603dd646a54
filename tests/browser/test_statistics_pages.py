"""Transparency in Chromium, every page audited with axe-core: a visitor reads the statistics (each
chart an image with a text alternative, its numbers in a table), chooses a year and a region, and
finds the open data; an organisation's admin says what partners it is looking for."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal import statistics
from portal.models import Organisation
from suppliers.models import PartnerSearch
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.calloffs import statistics_factories as awards
from tests.calloffs.tender_factories import submitted_tender
from tests.factories import OrganisationFactory
from tests.grants import award_factories as grant_awards
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_reads_the_statistics_as_charts_and_tables(page, audit, live_server, carol):
    competition = awards.opened(f.closed_competition(carol), carol)
    for size, vcse in (("micro", True), ("small", False), ("large", False)):
        submitted_tender(competition.lots.get(), OrganisationFactory(size_band=size, is_vcse=vcse), carol)

    page.goto(live_server.url + "/opportunities/")
    page.get_by_role("link", name="statistics about the framework and its contracts").click()
    audit("statistics")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statistics about the framework and its contracts"
    )
    expect(page.get_by_role("img", name="Tenders received, and from whom: bar chart")).to_be_visible()
    tenders = page.get_by_role("table", name=re.compile("Tenders received, and from whom"))
    expect(tenders.get_by_role("row", name=re.compile("All tenders"))).to_contain_text("3")
    # One VCSE bidder among three: too few to show.
    expect(tenders.get_by_role("row", name=re.compile("From VCSE"))).to_contain_text("fewer than 3")

    this_year = statistics.financial_year_label(statistics.default_period().year)
    page.get_by_label("Financial year").select_option(label=this_year)
    page.get_by_label("Probation region").select_option(label="North West")
    page.get_by_role("button", name="Show statistics").click()
    audit("statistics, North West")
    expect(page.get_by_role("heading", name=f"{this_year}, North West")).to_be_visible()
    tenders = page.get_by_role("table", name=re.compile("Tenders received, and from whom"))
    expect(tenders.get_by_role("row", name=re.compile("All tenders"))).to_contain_text("0")

    page.get_by_role("link", name="download every competition and every grant awarded as open data").click()
    audit("open data")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data about competitions and grants")


def test_a_visitor_reads_the_grants_figures_and_downloads_the_grants_open_data(
    page, audit, live_server, carol
):
    now = timezone.now()
    grant_round = grant_awards.grant_round(carol, closes_at=now - timedelta(minutes=30))
    for pounds in (10_000, 20_000, 30_000):
        grant_awards.grant(
            grant_round,
            grant_awards.registered_organisation(),
            pounds=pounds,
            accepted_at=now - timedelta(minutes=5),
        )

    page.goto(live_server.url + "/statistics/")
    audit("statistics with grants")
    expect(page.get_by_role("heading", name="Grants", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Grants awarded and their value, by region: bar chart")
    ).to_be_visible()
    by_region = page.get_by_role("table", name=re.compile("Grants awarded and their value, by region"))
    expect(by_region.get_by_role("row", name=re.compile("North East"))).to_contain_text("£60,000")

    page.get_by_role("link", name="download every competition and every grant awarded as open data").click()
    audit("open data with grants")
    expect(page.get_by_role("heading", name="Open data about grants")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Every grant awarded, as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == "grants.csv"
    with page.expect_download() as download:
        page.get_by_role("link", name="Every grant awarded, in JSON").click()
    package = json.loads(Path(download.value.path()).read_text())
    assert len(package["grants"]) == 3


def test_an_admin_says_what_partners_the_organisation_is_looking_for(
    page, context, audit, live_server, alice, ada, organisation_a
):
    sq_factories.decide(sq_factories.submitted_application(organisation_a, alice), ada)
    Organisation.objects.filter(pk=organisation_a.pk).update(show_contact_publicly=True)
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("Find partners")).click()
    audit("find partners")

    page.get_by_role("button", name="Add").click()
    audit("find partners: errors")
    expect(page.get_by_role("alert")).to_contain_text("Choose whether you are looking for a lead partner")

    page.get_by_label("Subcontractors, to bid as lead").check()
    accommodation = sq_factories.category("accommodation")
    page.get_by_label("Service category").select_option(label=str(accommodation))
    page.get_by_label("Probation region").select_option(label="North East")
    page.get_by_role("button", name="Add").click()
    audit("find partners: added")
    expect(page.get_by_text("Added: subcontractors, to bid as lead")).to_be_visible()
    assert PartnerSearch.objects.filter(organisation=organisation_a).count() == 1

    page.get_by_role("button", name=re.compile("Remove")).click()
    audit("find partners: removed")
    expect(page.get_by_text("Nothing yet.")).to_be_visible()
    assert not PartnerSearch.objects.exists()
