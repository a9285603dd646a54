"""The organisation's financial profile (issue 21): its rules, who may change or see it, its history and
the one wording of where a figure came from."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from portal.exceptions import Problems, RuleBroken
from portal.financial_profile import (
    INCOME_MISSING,
    YEAR_END_MISSING,
    YEAR_NOT_ENDED,
    current_profile,
    current_profiles,
    financial_profile_update,
    profile_problems,
    source_text,
)
from portal.models import AuditEvent, FinancialProfile
from portal.wording import accounts_source, updated_ago
from tests.factories import AdminFactory, CommissionerFactory, MembershipFactory
from tests.suppliers.factories import PDF_BYTES

TODAY = date(2026, 6, 15)
YEAR_END = date(2026, 3, 31)


def accounts_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("Accounts 2026.pdf", PDF_BYTES, content_type="application/pdf")


def update(membership, **changes):
    arguments = {"year_end": YEAR_END, "income_pence": 125_000_00, "today": TODAY, **changes}
    return financial_profile_update(user=membership.user, organisation=membership.organisation, **arguments)


# Rules --------------------------------------------------------------------------------------------


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 10**12))
def test_accounts_are_for_a_year_that_has_ended(year_end, income):
    problems = profile_problems(year_end=year_end, income_pence=income, today=TODAY)
    assert [p.message for p in problems] == ([YEAR_NOT_ENDED] if year_end > TODAY else [])


def test_every_missing_figure_is_reported_against_its_field():
    problems = profile_problems(year_end=None, income_pence=None, today=TODAY)
    assert [(p.field, p.message) for p in problems] == [
        ("year_end", YEAR_END_MISSING),
        ("income", INCOME_MISSING),
    ]


def test_a_year_ending_today_has_ended():
    assert profile_problems(year_end=TODAY, income_pence=0, today=TODAY) == []


# Where a figure came from -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "words"),
    [
        (datetime(2026, 6, 15, 8, 0), "updated today"),
        (datetime(2026, 6, 14, 23, 30), "updated today"),  # 00:30 on the 15th in London (BST)
        (datetime(2026, 6, 14, 12, 0), "updated yesterday"),
        (datetime(2026, 6, 12, 12, 0), "updated 3 days ago"),
    ],
)
def test_how_old_a_figure_is_is_counted_in_london_days(recorded, words):
    assert updated_ago(recorded.replace(tzinfo=UTC), today=TODAY) == words


def test_where_a_figure_came_from_is_said_once():
    recorded = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)
    assert accounts_source(year_end=YEAR_END, recorded_at=recorded, today=TODAY) == (
        "From your organisation's accounts for the year ending 31 March 2026, updated 3 days ago"
    )


# Changing it --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_records_the_accounts_with_an_audit_row():
    membership = MembershipFactory()
    profile = update(membership, accounts=accounts_file())
    assert current_profile(membership.organisation) == profile
    assert (profile.year_end, profile.income_pence, profile.recorded_by) == (
        YEAR_END,
        125_000_00,
        membership.user,
    )
    assert profile.accounts_name == "Accounts 2026.pdf"
    event = AuditEvent.objects.get(action="organisation.accounts_updated")
    assert event.object_id == str(profile.pk)
    assert "£125,000" in event.summary


@pytest.mark.django_db
def test_a_change_adds_a_row_and_keeps_the_old_one():
    membership = MembershipFactory()
    first = update(membership)
    second = update(membership, income_pence=130_000_00)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.income_pence == 125_000_00  # what pointed at it still reads what it used
    assert current_profile(membership.organisation) == second
    assert current_profiles({membership.organisation_id}) == {membership.organisation_id: second}


@pytest.mark.django_db
def test_the_same_figures_change_nothing():
    membership = MembershipFactory()
    first = update(membership)
    assert update(membership) == first
    assert FinancialProfile.objects.count() == 1
    assert AuditEvent.objects.filter(action="organisation.accounts_updated").count() == 1


@pytest.mark.django_db
def test_a_corrected_figure_keeps_the_years_file_but_a_new_year_does_not():
    membership = MembershipFactory()
    first = update(membership, accounts=accounts_file())
    corrected = update(membership, income_pence=126_000_00)
    assert corrected.accounts.name == first.accounts.name
    next_year = update(membership, year_end=YEAR_END.replace(year=2027), today=date(2027, 5, 1))
    assert not next_year.accounts


@pytest.mark.django_db
def test_bad_figures_are_refused_all_at_once_and_nothing_is_saved():
    membership = MembershipFactory()
    with pytest.raises(Problems) as refused:
        update(membership, year_end=TODAY + timedelta(days=1), income_pence=None)
    assert [p.field for p in refused.value.problems] == ["year_end", "income"]
    assert not FinancialProfile.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_document_is_refused_against_its_field():
    membership = MembershipFactory()
    with pytest.raises(RuleBroken) as refused:
        update(membership, accounts=SimpleUploadedFile("a.pdf", b"not a pdf at all"))
    assert refused.value.field == "accounts"
    assert not FinancialProfile.objects.exists()


@pytest.mark.django_db
def test_another_organisations_member_cannot_change_it():
    membership, outsider = MembershipFactory(), MembershipFactory()
    with pytest.raises(RuleBroken):
        financial_profile_update(
            user=outsider.user,
            organisation=membership.organisation,
            year_end=YEAR_END,
            income_pence=1,
            today=TODAY,
        )
    assert not FinancialProfile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [CommissionerFactory, AdminFactory])
def test_staff_cannot_change_it(staff):
    membership = MembershipFactory()
    with pytest.raises(RuleBroken):
        financial_profile_update(
            user=staff(), organisation=membership.organisation, year_end=YEAR_END, income_pence=1, today=TODAY
        )


@pytest.mark.django_db
def test_its_source_text_names_its_year_and_age():
    membership = MembershipFactory()
    profile = update(membership)
    assert source_text(profile, today=profile.recorded_at.date() + timedelta(days=2)).endswith(
        "for the year ending 31 March 2026, updated 2 days ago"
    )


@pytest.mark.parametrize(
    ("recorded", "sent", "words"),
    [
        (datetime(2026, 6, 15, 8, 0), datetime(2026, 6, 15, 9, 0), "updated the day it was sent"),
        (datetime(2026, 6, 14, 8, 0), datetime(2026, 6, 15, 9, 0), "updated the day before it was sent"),
        (datetime(2026, 6, 1, 8, 0), datetime(2026, 6, 15, 9, 0), "updated 14 days before it was sent"),
    ],
)
def test_a_sent_figure_is_aged_at_sending_never_today(recorded, sent, words):
    source = accounts_source(
        year_end=YEAR_END,
        recorded_at=recorded.replace(tzinfo=UTC),
        today=date(2030, 1, 1),
        sent_at=sent.replace(tzinfo=UTC),
    )
    assert source.endswith(words)
