"""360Giving open data: every package the demo data produces (with a grant made on its closed round's
application, since the demo has none yet) validates against the official 360Giving 1.4.3 package schema,
read from tests/schemas; the CSV carries the standard's column titles; only grants are published."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing.jsonschema import DRAFT202012

from grants import threesixty
from grants.models import Grant, GrantApplication, GrantRound
from tests import open_data
from tests.factories import OrganisationFactory, region
from tests.grants import award_factories as a
from tests.open_data import assert_valid

pytestmark = pytest.mark.django_db

PACKAGE_SCHEMA = "360giving-package-schema.json"
GRANT_SCHEMA = "360giving-schema.json"


@pytest.fixture(scope="module")
def package_validator() -> Draft202012Validator:
    """The official package schema. It refers to the grant schema by its 1.4.2 address while the grant
    schema of 1.4.3 names itself by its own: both resolve to the local file (no network)."""
    package_ref = open_data.schema(PACKAGE_SCHEMA)["properties"]["grants"]["items"]["$ref"]
    grant_id = open_data.schema(GRANT_SCHEMA)["$id"]
    return open_data.package_validator(
        PACKAGE_SCHEMA,
        resolved={package_ref: GRANT_SCHEMA, grant_id: GRANT_SCHEMA},
        kind=Draft202012Validator,
        specification=DRAFT202012,
    )


def demo_with_a_grant() -> Grant:
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    application = GrantApplication.objects.get(status=GrantApplication.Status.SUBMITTED)
    return Grant.objects.create(
        application=application,
        amount_pence=80_000_00,
        region=region("north-east"),
        purpose="Two drop-in centres for women on probation in Durham and Sunderland.",
    )


def test_the_validator_refuses_a_grant_without_an_amount(package_validator):
    """The grant schema is really resolved and applied: a grant missing a required field fails."""
    errors = list(package_validator.iter_errors({"grants": [{"id": "360G-x-1", "title": "A grant"}]}))
    assert errors


def test_before_the_first_grant_the_open_data_answers_an_empty_package_and_a_header_only_csv(
    client, package_validator
):
    """The standard's package schema asks for at least one grant (`minItems: 1`), so an empty package
    breaks that one rule: it must break no other."""
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the demo has no grant yet
    answer = client.get(reverse("threesixty:grants_json"))
    assert answer.status_code == 200
    package = answer.json()
    assert package["grants"] == []
    errors = [(list(e.absolute_path), e.validator) for e in package_validator.iter_errors(package)]
    assert errors == [(["grants"], "minItems")]

    answer = client.get(reverse("threesixty:grants_csv"))
    assert answer.status_code == 200
    assert answer.content.decode().splitlines() == [",".join(title for title, _ in threesixty.CSV_COLUMNS)]


def test_every_package_of_the_demo_data_validates_against_the_official_schema(client, package_validator):
    grant = demo_with_a_grant()
    package = client.get(reverse("threesixty:grants_json")).json()
    assert_valid(package_validator, package)
    [published] = package["grants"]
    organisation = grant.application.organisation
    assert published["id"] == f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-grant-{grant.pk}"
    assert published["amountAwarded"] == 80_000
    assert published["currency"] == "GBP"
    assert published["recipientOrganization"][0]["name"] == organisation.legal_name
    assert published["fundingOrganization"][0]["name"] == "Ministry of Justice"
    assert published["beneficiaryLocation"][0]["name"] == "North East"
    assert grant.application.grant_round.fund in published["grantProgramme"][0]["title"]


def test_recipients_without_a_register_number_and_pence_validate_too(carol, package_validator):
    grant_round = a.grant_round(carol, closes_at=a.middle_of_this_year() - timedelta(days=400))
    unregistered = OrganisationFactory(charity_number="", companies_house_number="", legal_form="other")
    company = OrganisationFactory(charity_number="", companies_house_number="01234567")
    scottish = OrganisationFactory(charity_number="SC012345")
    grants = [
        a.grant(grant_round, unregistered, pounds=9_000, region_code="london"),
        a.grant(grant_round, company, pounds=12_000),
        a.grant(grant_round, scottish, pounds=15_000),
    ]
    Grant.objects.filter(pk=grants[0].pk).update(amount_pence=9_000_50)
    package = threesixty.package(list(threesixty.published_grants()), now=grant_round.closes_at)
    assert_valid(package_validator, package)
    ids = [g["recipientOrganization"][0]["id"] for g in package["grants"]]
    prefix = settings.THREESIXTY_IDENTIFIER_PREFIX
    assert ids == [f"{prefix}-org-{unregistered.pk}", "GB-COH-01234567", "GB-SC-SC012345"]
    assert package["grants"][0]["amountAwarded"] == 9_000.5


def test_a_grant_from_an_accepted_offer_publishes_when_the_work_runs(carol, package_validator):
    grant_round = a.grant_round(carol, closes_at=a.middle_of_this_year() - timedelta(days=400))
    dated = a.grant(grant_round, OrganisationFactory(), pounds=20_000)
    Grant.objects.filter(pk=dated.pk).update(starts_on=date(2027, 4, 1), ends_on=date(2029, 3, 31))
    undated = a.grant(grant_round, OrganisationFactory(), pounds=10_000)
    grants = list(threesixty.published_grants())
    package = threesixty.package(grants, now=grant_round.closes_at)
    assert_valid(package_validator, package)
    by_id = {g["id"]: g for g in package["grants"]}
    assert by_id[threesixty.grant_id(dated)]["plannedDates"] == [
        {"startDate": "2027-04-01", "endDate": "2029-03-31"}
    ]
    assert "plannedDates" not in by_id[threesixty.grant_id(undated)]
    rows = list(csv.DictReader(io.StringIO(threesixty.csv_text(grants))))
    dates = {row["Planned Dates:Start Date"]: row["Planned Dates:End Date"] for row in rows}
    assert dates == {"2027-04-01": "2029-03-31", "": ""}


def test_only_grants_are_published_never_applications(client, carol):
    grant_round = a.grant_round(carol, closes_at=a.middle_of_this_year(), status=GrantRound.Status.DECIDED)
    winner = a.registered_organisation(legal_name="Lantern Women's Project")
    a.grant(grant_round, winner, pounds=40_000)
    a.application(grant_round, a.registered_organisation(legal_name="Unsuccessful Trust"))
    body = client.get(reverse("threesixty:grants_json")).content.decode()
    assert "Lantern Women's Project" in body
    assert "Unsuccessful Trust" not in body


def test_the_csv_has_the_standards_column_titles_and_a_row_per_grant(client, carol):
    grant_round = a.grant_round(carol, closes_at=a.middle_of_this_year(), fund="Women's Fund")
    charity = OrganisationFactory(legal_name="Northern Lights Mentoring", charity_number="1190001")
    grant = a.grant(grant_round, charity, pounds=25_000)
    response = client.get(reverse("threesixty:grants_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="grants.csv"'
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[:6] == ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date"]
    assert "Recipient Org:Identifier" in header and "Funding Org:Name" in header
    published = dict(zip(header, row, strict=True))
    assert published["Identifier"] == f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-grant-{grant.pk}"
    assert published["Amount Awarded"] == "25000"
    assert published["Currency"] == "GBP"
    assert published["Recipient Org:Identifier"] == "GB-CHC-1190001"
    assert published["Recipient Org:Name"] == "Northern Lights Mentoring"
    assert published["Recipient Org:Company Number"] == ""
    assert published["Funding Org:Identifier"] == "GB-GOR-D18"
    assert published["Beneficiary Location:Name"] == "North East"
    assert published["Grant Programme:Title"] == f"Women's Fund: {grant_round.title}"
    assert published["Award Date"] == grant.accepted_at.astimezone(a.LONDON).date().isoformat()


def test_the_open_data_page_links_to_the_grants(client):
    page = client.get(reverse("calloffs:open_data")).content.decode()
    assert reverse("threesixty:grants_json") in page
    assert reverse("threesixty:grants_csv") in page
    assert settings.THREESIXTY_IDENTIFIER_PREFIX in page
