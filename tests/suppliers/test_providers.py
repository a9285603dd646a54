"""The public list of qualified providers (page and CSV), the framework agreement (page and PDF) and the
daily cyber reminder task."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_init
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import stored_pdfs
from portal.celery import app as celery_app
from portal.models import Organisation, Region, ServiceCategory
from suppliers import tasks
from suppliers.models import Application, FrameworkAgreement, OrganisationRegion, Qualification
from tests.factories import OrganisationFactory, region
from tests.suppliers.factories import (
    ApplicationFactory,
    FrameworkAgreementFactory,
    category,
    decide,
    submitted_application,
)

pytestmark = pytest.mark.django_db

LIST = reverse("suppliers:provider_list")
CSV = reverse("suppliers:provider_csv")


def qualify(
    organisation: Organisation,
    categories: tuple[str, ...] = ("accommodation",),
    regions: tuple[str, ...] = ("north-east",),
) -> Organisation:
    """The rows a decided, successful application leaves behind, without going through the SQ."""
    application = ApplicationFactory(
        organisation=organisation,
        status=Application.Status.DECIDED,
        outcome=Application.Outcome.SUCCESSFUL,
        decided_at=timezone.now(),
    )
    for code in categories:
        Qualification.objects.create(
            organisation=organisation, category=category(code), granted_by=application
        )
    for code in regions:
        OrganisationRegion.objects.create(
            organisation=organisation, region=region(code), recorded_by=application
        )
    return organisation


def page(client, **params) -> str:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def listed(client, **params) -> str:
    """The results part of the page (the filters' options name every category and region)."""
    return page(client, **params).split('id="results"', 1)[1]


def csv_rows(client, **params) -> list[dict[str, str]]:
    response = client.get(CSV, params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


# The list ------------------------------------------------------------------------------------------


def test_a_qualified_organisation_is_listed_under_its_categories_and_regions_only(
    client, organisation_a, alice, ada
):
    decide(
        submitted_application(organisation_a, alice, categories=("accommodation", "women")), ada, women="fail"
    )
    accommodation, women = category("accommodation"), category("women")
    north_east, london = region("north-east"), region("london")

    html = listed(client)
    assert "Alpha Futures CIC" in html
    assert "1. Accommodation" in html
    assert "9. Women" not in html
    assert "North East, Yorkshire and the Humber" in html
    assert "1 qualified provider" in html

    assert "Alpha Futures CIC" in listed(client, category=accommodation.pk, region=north_east.pk)
    assert "Alpha Futures CIC" not in listed(client, category=women.pk)
    assert "Alpha Futures CIC" not in listed(client, region=london.pk)


def test_an_organisation_that_is_not_qualified_is_not_listed(
    client, organisation_a, organisation_b, alice, ada
):
    decide(submitted_application(organisation_a, alice), ada, accommodation="fail")
    qualify(organisation_b)

    html = listed(client)
    assert "Alpha Futures CIC" not in html
    assert "Beta Housing Trust" in html
    assert [row["Organisation"] for row in csv_rows(client)] == ["Beta Housing Trust"]


def test_filters_by_category_region_size_and_name(client):
    qualify(OrganisationFactory(legal_name="Homes First", size_band="micro"), ("accommodation",), ("london",))
    qualify(
        OrganisationFactory(legal_name="Work Ready", trading_name="Jobs North", size_band="large"),
        ("education-training-employment",),
        ("north-east", "london"),
    )

    def names(**params):
        html = listed(client, **params)
        return [name for name in ("Homes First", "Work Ready") if name in html]

    assert names() == ["Homes First", "Work Ready"]
    assert names(category=category("accommodation").pk) == ["Homes First"]
    assert names(region=region("north-east").pk) == ["Work Ready"]
    assert names(size="micro") == ["Homes First"]
    assert names(q="homes") == ["Homes First"]
    assert names(q="jobs north") == ["Work Ready"]
    assert names(category=category("accommodation").pk, region=region("north-east").pk) == []


def test_an_invalid_filter_is_shown_as_an_error_and_not_applied(client):
    qualify(OrganisationFactory(legal_name="Homes First"))

    html = page(client, category="999", size="enormous")

    assert "Select a service category from the list" in html
    assert "Select an organisation size from the list" in html
    assert "Homes First" in html


def test_every_region_reads_all_of_england_and_wales(client):
    codes = tuple(Region.objects.values_list("code", flat=True))
    qualify(OrganisationFactory(legal_name="National Mentors"), regions=codes)

    assert "All of England and Wales" in listed(client)
    assert csv_rows(client)[0]["Regions"] == "All of England and Wales"


def test_contact_details_are_shown_only_when_the_organisation_chose_to(client):
    qualify(
        OrganisationFactory(
            legal_name="Open Doors", contact_email="hello@open.example", contact_name="Jo Open"
        )
    )
    qualify(
        OrganisationFactory(
            legal_name="Quiet Ways",
            contact_email="private@quiet.example",
            contact_name="Kim Quiet",
            show_contact_publicly=False,
        )
    )
    Organisation.objects.filter(legal_name="Open Doors").update(show_contact_publicly=True)

    html = listed(client)
    assert "hello@open.example" in html and "Jo Open" in html
    assert "private@quiet.example" not in html and "Kim Quiet" not in html

    rows = {row["Organisation"]: row for row in csv_rows(client)}
    assert rows["Open Doors"]["Contact e-mail"] == "hello@open.example"
    assert (rows["Quiet Ways"]["Contact name"], rows["Quiet Ways"]["Contact e-mail"]) == ("", "")
    assert rows["Quiet Ways"]["Contact phone"] == ""


def test_the_list_is_paginated_keeping_the_filters(client):
    for number in range(51):
        qualify(OrganisationFactory(legal_name=f"Provider {number:02d}"))
    north_east = region("north-east").pk

    html = listed(client, region=north_east)
    assert "51 qualified providers" in html
    assert "Provider 49" in html and "Provider 50" not in html
    assert f"?region={north_east}&amp;page=2" in html
    assert f"{CSV}?region={north_east}" in html
    assert "Provider 50" in listed(client, region=north_east, page=2)


def test_the_number_of_queries_does_not_grow_with_the_number_of_providers(client):
    def queries() -> int:
        cache.clear()  # the page itself, not the public-page cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"region": region("north-east").pk}).status_code == 200
        return len(captured)

    qualify(OrganisationFactory(), ("accommodation", "women"), ("north-east", "london"))
    one = queries()
    for _ in range(29):
        qualify(OrganisationFactory(), ("accommodation", "women"), ("north-east", "london"))

    assert 0 < one == queries()


# The CSV -------------------------------------------------------------------------------------------


def test_the_csv_is_streamed_without_a_model_object_per_provider(client):
    for number in range(30):
        qualify(OrganisationFactory(legal_name=f"Provider {number:02d}"), ("accommodation", "women"))
    built: list[type] = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count)
    try:
        response = client.get(CSV)
        assert isinstance(response, StreamingHttpResponse)
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    finally:
        post_init.disconnect(count)

    assert len(rows) == 30
    assert rows[0]["Categories"] == "1. Accommodation; 9. Women"
    # Only the reference lists (categories, regions) are read as objects; nothing per provider.
    assert set(built) == {ServiceCategory, Region}


def test_the_csv_has_the_same_rows_and_filters_as_the_list(client):
    qualify(
        OrganisationFactory(legal_name="Homes First", trading_name="HF", is_vcse=True, size_band="micro"),
        ("accommodation", "women"),
        ("london", "north-east"),
    )
    qualify(OrganisationFactory(legal_name="Work Ready", is_vcse=False), ("education-training-employment",))

    response = client.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="qualified-providers-{today}.csv"'

    rows = csv_rows(client)
    assert list(rows[0]) == [
        "Organisation",
        "Trading name",
        "Size",
        "VCSE",
        "Categories",
        "Regions",
        "Contact name",
        "Contact e-mail",
        "Contact phone",
    ]
    assert [row["Organisation"] for row in rows] == ["Homes First", "Work Ready"]
    assert rows[0] | {"Contact name": "", "Contact e-mail": "", "Contact phone": ""} == {
        "Organisation": "Homes First",
        "Trading name": "HF",
        "Size": "Micro",
        "VCSE": "Yes",
        "Categories": "1. Accommodation; 9. Women",
        "Regions": "North East, London",
        "Contact name": "",
        "Contact e-mail": "",
        "Contact phone": "",
    }
    assert rows[1]["VCSE"] == "No"
    assert [row["Organisation"] for row in csv_rows(client, category=category("accommodation").pk)] == [
        "Homes First"
    ]
    assert [row["Organisation"] for row in csv_rows(client, q="work")] == ["Work Ready"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, start):
    legal_name = f'{start}HYPERLINK("https://evil.example","Click")'
    qualify(
        OrganisationFactory(
            legal_name=legal_name, contact_phone="+44 113 496 0000", show_contact_publicly=True
        )
    )

    [row] = csv_rows(client)

    assert row["Organisation"] == f"'{legal_name}"
    assert row["Contact phone"] == "'+44 113 496 0000"


# The framework agreement --------------------------------------------------------------------------


def test_the_migration_publishes_version_one_as_a_summary_that_defers_to_the_signed_documents():
    agreement = FrameworkAgreement.objects.get(is_current=True)

    assert agreement.version == "1.0"
    for words in (
        "Secretary of State for Justice",
        "7 years",
        "Light Touch Regime",
        "UK GDPR",
        "Cyber Essentials",
    ):
        assert words in agreement.body
    assert "the signed documents govern" in agreement.body


def test_the_agreement_page_shows_the_current_version_and_links_its_pdf(client):
    FrameworkAgreementFactory(version="2.0", title="Framework agreement", body="First part.\n\nSecond part.")

    html = client.get(reverse("suppliers:agreement_current")).content.decode()

    assert '<h1 class="govuk-heading-xl">Framework agreement</h1>' in html
    assert '<p class="govuk-body">First part.</p>' in html
    assert '<p class="govuk-body">Second part.</p>' in html
    assert reverse("suppliers:agreement_pdf", args=["2.0"]) in html


def test_the_agreement_page_says_so_when_none_is_published(client):
    FrameworkAgreement.objects.update(is_current=False)

    response = client.get(reverse("suppliers:agreement_current"))

    assert response.status_code == 200
    assert "has not been published yet" in response.content.decode()


def test_the_agreement_pdf_of_each_version_and_404_for_an_unknown_one(client):
    address = reverse("suppliers:agreement_pdf", args=["1.0"])
    preparing = client.get(address)  # version 1.0 comes from a migration: the recheck makes its PDF
    assert preparing.status_code == 200
    assert "framework agreement is being prepared" in preparing.content.decode()

    stored_pdfs.missing_queue()
    response = client.get(address)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="framework-agreement-1.0.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("suppliers:agreement_pdf", args=["9.9"])).status_code == 404


# The daily cyber reminder -------------------------------------------------------------------------


def test_the_beat_schedule_runs_the_reminder_task_daily_at_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["cyber-expiry-reminders"]

    assert entry["task"] == tasks.send_cyber_expiry_reminders.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_the_task_sends_one_reminder_for_a_certificate_thirty_days_from_expiry(
    organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    expiry = timezone.localdate() + timedelta(days=30)
    certificate = {"level": "cyber_essentials", "certificate_number": "CE-1", "expiry_date": expiry}
    decide(submitted_application(organisation_a, alice, cyber=certificate), ada)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_cyber_expiry_reminders.delay()
        tasks.send_cyber_expiry_reminders.delay()

    assert [email.to for email in mail.outbox] == [["alice@alpha.example"]]
    assert "expires" in mail.outbox[0].subject
