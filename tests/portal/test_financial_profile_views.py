"""The page "Your organisation's accounts": saved through the service, bad input shown as GOV.UK errors
that keep what was typed, another organisation's people kept out, and a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.financial_profile import current_profile, financial_profile_update
from portal.models import AuditEvent, FinancialProfile
from tests.suppliers.factories import PDF_BYTES


def url(organisation) -> str:
    return reverse("portal:financial_profile_edit", args=[organisation.pk])


def typed(day="31", month="3", year="2026", income="125,000", **more):
    return {"year_end_0": day, "year_end_1": month, "year_end_2": year, "income": income, **more}


@pytest.fixture
def signed_in(client, bob):
    client.force_login(bob)
    return client


def test_a_member_saves_the_accounts_with_the_file(signed_in, bob, organisation_a):
    accounts = SimpleUploadedFile("Annual report.pdf", PDF_BYTES, content_type="application/pdf")
    response = signed_in.post(url(organisation_a), typed(accounts=accounts))
    assert response.status_code == 302 and response["Location"] == url(organisation_a)
    profile = current_profile(organisation_a)
    assert (profile.year_end, profile.income_pence, profile.recorded_by) == (
        date(2026, 3, 31),
        125_000_00,
        bob,
    )
    assert profile.accounts_name == "Annual report.pdf"
    page = signed_in.get(url(organisation_a)).content.decode()
    assert "£125,000" in page
    assert "From your organisation&#x27;s accounts for the year ending 31 March 2026, updated today" in page
    download = signed_in.get(reverse("portal:financial_profile_accounts", args=[organisation_a.pk]))
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("data", "errors", "kept"),
    [
        (typed(day="31", month="2"), ["The date your financial year ended must be a real date"], 'value="2"'),
        (typed(income="lots"), ["Enter an amount in whole pounds, like 250,000"], 'value="lots"'),
        (typed(day="", month="", year="", income=""), ["Enter the date your financial year ended"], ""),
        (typed(year=str(timezone.localdate().year + 1)), ["Enter a financial year that has ended"], ""),
    ],
)
def test_bad_input_is_a_govuk_error_that_keeps_what_was_typed(signed_in, organisation_a, data, errors, kept):
    response = signed_in.post(url(organisation_a), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "<title>Error: Your organisation&#x27;s accounts" in page
        or "<title>Error: Your organisation's accounts" in page
    )
    assert "govuk-error-summary" in page
    for message in errors:
        assert message in page
    assert kept in page
    assert not FinancialProfile.objects.exists()


def test_a_missing_figure_and_date_are_both_reported(signed_in, organisation_a):
    page = signed_in.post(url(organisation_a), typed(day="", month="", year="", income="")).content.decode()
    assert "Enter the date your financial year ended" in page
    assert "Enter your turnover or income for that year in whole pounds, like 125,000" in page


def test_another_organisations_member_can_neither_see_nor_change_it(client, bea, organisation_a, alice):
    financial_profile_update(
        user=alice, organisation=organisation_a, year_end=date(2026, 3, 31), income_pence=1_000_00
    )
    client.force_login(bea)
    assert client.get(url(organisation_a)).status_code == 404
    assert client.post(url(organisation_a), typed(income="9")).status_code == 404
    assert current_profile(organisation_a).income_pence == 1_000_00
    assert AuditEvent.objects.filter(action="access.refused").exists()


def test_the_organisation_page_links_to_it(signed_in, organisation_a):
    page = signed_in.get(reverse("portal:organisation_detail", args=[organisation_a.pk])).content.decode()
    assert url(organisation_a) in page


def test_the_page_reads_a_bounded_number_of_queries(
    signed_in, alice, organisation_a, django_assert_max_num_queries
):
    for days in range(5):
        financial_profile_update(
            user=alice,
            organisation=organisation_a,
            year_end=date(2026, 3, 31) - timedelta(days=days),
            income_pence=1_000_00 + days,
        )
    with django_assert_max_num_queries(12):
        assert signed_in.get(url(organisation_a)).status_code == 200
