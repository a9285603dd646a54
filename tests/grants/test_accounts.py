"""The grants registration's income and accounts come from the organisation's accounts (issue 21): a
registration follows them unless it is with the grants team, and the income rule of a draft application
reads them."""

from datetime import date

import pytest
from django.urls import reverse

from grants import accounts
from grants.models import Registration
from grants.services import applications
from grants.services import registration as registration_services
from portal.exceptions import RuleBroken
from portal.financial_profile import financial_profile_update
from portal.models import AuditEvent, FinancialProfile
from portal.questionnaires.engine import normalised
from tests.grants import factories as f

YEAR_END = date(2026, 3, 31)


def record_accounts(user, income_pence, *, with_file=True, year_end=YEAR_END):
    return financial_profile_update(
        user=user,
        organisation=user.membership.organisation,
        year_end=year_end,
        income_pence=income_pence,
        accounts=f.accounts() if with_file else None,
    )


def test_a_new_registration_starts_from_the_accounts(alice):
    record_accounts(alice, 300_000_00)
    registration = registration_services.registration_for(alice.membership.organisation)
    assert (registration.answers["annual_income"], registration.answers["year_end"]) == (
        300_000,
        "2026-03-31",
    )


def test_saving_the_registration_takes_the_accounts_figure_and_file(alice):
    profile = record_accounts(alice, 300_000_00)
    registration = registration_services.registration_save(
        user=alice,
        organisation=alice.membership.organisation,
        answers=f.registration_answers(income="1"),
    )
    assert normalised(registration.answers, "annual_income") == 300_000
    assert registration.accounts.name == profile.accounts.name
    assert registration_services.registration_problems(registration) == []


def test_a_draft_or_registered_registration_follows_a_change_of_accounts(alice, ada):
    f.registered(alice, ada, income="60,000")
    profile = record_accounts(alice, 700_000_00)
    registration = Registration.objects.get(organisation=alice.membership.organisation)
    assert normalised(registration.answers, "annual_income") == 700_000
    assert registration.accounts.name == profile.accounts.name
    assert registration.is_registered  # a change of figures keeps it registered (ADR 0014)
    assert AuditEvent.objects.filter(
        action="grants.registration_from_accounts", object_id=str(registration.pk)
    ).exists()


def test_a_registration_with_the_grants_team_keeps_what_it_was_sent_with(alice):
    sent = f.sent_registration(alice, income="60,000")
    record_accounts(alice, 700_000_00)
    sent.refresh_from_db()
    assert sent.status == Registration.Status.SUBMITTED
    assert normalised(sent.answers, "annual_income") == 60_000
    assert sent.accounts_name == "accounts.pdf"
    assert not AuditEvent.objects.filter(action="grants.registration_from_accounts").exists()


def test_accounts_without_their_file_must_be_uploaded_before_the_registration_is_sent(alice):
    record_accounts(alice, 300_000_00, with_file=False)
    registration = registration_services.registration_save(
        user=alice, organisation=alice.membership.organisation, answers=f.registration_answers()
    )
    with pytest.raises(RuleBroken) as refused:
        registration_services.registration_submit(user=alice, registration=registration)
    assert [p.message for p in refused.value.problems] == [
        "Upload your latest accounts on your organisation's accounts page"
    ]


def test_the_income_rule_of_a_draft_application_reads_the_latest_accounts(carol, ada, alice):
    f.registered(alice, ada, income="60,000")  # asks 40,000 a year: needs 80,000
    application = f.ready_application(alice, f.open_round(carol))
    assert any("at least 2 times" in p.message for p in applications.budget_problems(application))
    record_accounts(alice, 90_000_00)
    assert applications.budget_problems(application) == []
    assert accounts.income_pounds(alice.membership.organisation) == 90_000


def test_without_accounts_the_income_rule_reads_the_registration(ada, alice):
    f.registered(alice, ada, income="60,000")
    assert accounts.income_pounds(alice.membership.organisation) == 60_000


def test_the_registration_page_shows_the_figure_and_where_it_came_from(client, alice):
    record_accounts(alice, 300_000_00)
    client.force_login(alice)
    page = client.get(reverse("grants:registration_edit")).content.decode()
    assert "£300,000" in page
    assert "From your organisation&#x27;s accounts for the year ending 31 March 2026, updated today" in page
    assert 'name="annual_income"' not in page
    assert 'name="accounts"' not in page
    assert 'name="trustees"' in page


def test_the_budget_page_says_where_the_income_came_from(client, carol, ada, alice):
    f.registered(alice, ada)
    application = f.ready_application(alice, f.open_round(carol))
    record_accounts(alice, 900_000_00)
    client.force_login(alice)
    page = client.get(reverse("grants:application_budget", args=[application.pk])).content.decode()
    assert "Your annual income is £900,000. From your organisation&#x27;s accounts" in page


def test_a_registration_is_sent_with_the_accounts_as_they_are_now(alice):
    registration = registration_services.registration_save(
        user=alice,
        organisation=alice.membership.organisation,
        answers=f.registration_answers(income="60,000"),
        accounts=f.accounts(),
    )
    next_year = date(2026, 4, 30)  # made without the page (as the data migration does): not yet followed
    FinancialProfile.objects.create(
        organisation=alice.membership.organisation, year_end=next_year, income_pence=80_000_00
    )
    with pytest.raises(RuleBroken):  # these accounts have no file, and the registration's is another year's
        registration_services.registration_submit(user=alice, registration=registration)
    profile = record_accounts(alice, 80_000_00, with_file=True, year_end=next_year)
    sent = registration_services.registration_submit(user=alice, registration=registration)
    sent.refresh_from_db()
    assert normalised(sent.answers, "annual_income") == 80_000
    assert sent.accounts.name == profile.accounts.name


def test_the_check_page_says_where_the_income_came_from(client, alice):
    record_accounts(alice, 300_000_00)
    registration_services.registration_save(
        user=alice, organisation=alice.membership.organisation, answers=f.registration_answers()
    )
    client.force_login(alice)
    page = client.get(reverse("grants:registration_check")).content.decode()
    assert "£300,000" in page
    assert "From your organisation&#x27;s accounts for the year ending 31 March 2026, updated today" in page


def test_a_registrations_file_for_the_same_year_is_kept_when_the_accounts_have_none(alice):
    registration = registration_services.registration_save(
        user=alice,
        organisation=alice.membership.organisation,
        answers=f.registration_answers(),  # the year ending 31 March 2026
        accounts=f.accounts(),
    )
    kept = registration.accounts.name
    record_accounts(alice, 420_000_00, with_file=False)
    registration.refresh_from_db()
    assert (registration.accounts.name, normalised(registration.answers, "annual_income")) == (kept, 420_000)
    answers_without_figures = {
        key: value for key, value in f.registration_answers().items() if key not in accounts.FROM_ACCOUNTS
    }
    registration = registration_services.registration_save(  # the page, which no longer asks for them
        user=alice, organisation=alice.membership.organisation, answers=answers_without_figures
    )
    assert (registration.accounts.name, normalised(registration.answers, "annual_income")) == (kept, 420_000)
    record_accounts(alice, 500_000_00, with_file=False, year_end=date(2026, 4, 30))
    registration.refresh_from_db()
    assert not registration.accounts  # another year's accounts never keep this year's file
