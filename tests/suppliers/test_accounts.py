"""The Selection Questionnaire's turnover comes from the organisation's accounts (issue 21): a draft follows
them, a sent questionnaire keeps what it was sent with, and the page shows where the figure came from."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.financial_profile import financial_profile_update
from portal.models import AuditEvent, FinancialProfile
from portal.questionnaires.engine import VALUES, normalised
from suppliers import accounts, sections, services, standing
from suppliers.models import Application
from tests.factories import MembershipFactory
from tests.suppliers.factories import SECTION_ANSWERS, complete_application, decide

YEAR_END = date(2025, 3, 31)


@pytest.fixture
def member(db):
    return MembershipFactory(is_admin=True)


def record_accounts(membership, income_pence, year_end=YEAR_END):
    organisation = membership.organisation
    return financial_profile_update(
        user=membership.user, organisation=organisation, year_end=year_end, income_pence=income_pence
    )


def financial(application: Application) -> dict:
    application.refresh_from_db()
    return application.answers["financial"]


def test_a_new_draft_starts_from_the_accounts(member):
    profile = record_accounts(member, 410_000_00)
    draft = services.application_start(organisation=member.organisation, user=member.user)
    answers = financial(draft)
    assert (answers["turnover_year_1"], answers["financial_year_end_1"]) == (410_000, "2025-03-31")
    assert normalised(answers, "turnover_year_1") == 410_000
    assert answers[accounts.PROFILE_KEY] == profile.pk


def test_what_is_typed_for_the_latest_year_is_replaced_by_the_accounts(member):
    record_accounts(member, 410_000_00)
    draft = services.application_start(organisation=member.organisation, user=member.user)
    typed = {**SECTION_ANSWERS["financial"], "turnover_year_1": "1", "financial_year_end_1": "2020-03-31"}
    errors = services.section_save(
        application=draft, user=member.user, slug="financial", data=typed, mark_complete=True
    )
    assert errors == {}
    answers = financial(draft)
    assert (answers["turnover_year_1"], answers["turnover_year_2"]) == (410_000, "230,000")


def test_a_change_of_accounts_updates_the_draft_with_an_audit_row(member):
    draft = services.application_start(organisation=member.organisation, user=member.user)
    profile = record_accounts(member, 520_000_00, year_end=date(2025, 12, 31))
    answers = financial(draft)
    assert (answers["turnover_year_1"], answers["financial_year_end_1"]) == (520_000, "2025-12-31")
    assert AuditEvent.objects.filter(
        action="sq.financial_from_accounts", object_id=str(draft.pk), changes__financial_profile=profile.pk
    ).exists()


def test_a_change_of_accounts_never_changes_what_was_sent(member):
    record_accounts(member, 250_000_00, year_end=date(2024, 3, 31))
    application = complete_application(member.organisation, member.user)
    sent = services.application_submit(application=application, user=member.user)
    record_accounts(member, 999_000_00)
    sent.refresh_from_db()
    assert sent.answers["financial"]["turnover_year_1"] == 250_000
    assert sent.snapshot["answers"]["financial"]["turnover_year_1"] == 250_000
    assert sent.snapshot["financial_profile"]["income_pence"] == 250_000_00
    assert not AuditEvent.objects.filter(action="sq.financial_from_accounts", object_id=str(sent.pk)).exists()


def test_the_standing_reads_the_figure_the_questionnaire_was_sent_with(member, ada):
    record_accounts(member, 250_000_00, year_end=date(2024, 3, 31))
    application = complete_application(member.organisation, member.user)
    sent = services.application_submit(application=application, user=member.user)
    record_accounts(member, 999_000_00)
    decide(sent, ada)
    assert standing.standing_facts(sent.snapshot)["turnover"] == 250_000


def test_without_accounts_the_questionnaire_asks_as_before(member):
    draft = services.application_start(organisation=member.organisation, user=member.user)
    services.section_save(
        application=draft,
        user=member.user,
        slug="financial",
        data=SECTION_ANSWERS["financial"],
        mark_complete=True,
    )
    assert accounts.PROFILE_KEY not in financial(draft)


def test_the_financial_page_shows_the_figure_where_it_came_from_and_a_link_to_change_it(client, member):
    record_accounts(member, 410_000_00)
    draft = services.application_start(organisation=member.organisation, user=member.user)
    client.force_login(member.user)
    page = client.get(reverse("suppliers:section_edit", args=[draft.pk, "financial"])).content.decode()
    assert "£410,000" in page
    assert "From your organisation&#x27;s accounts for the year ending 31 March 2025, updated today" in page
    assert reverse("portal:financial_profile_edit", args=[member.organisation_id]) in page
    assert 'name="turnover_year_1"' not in page
    assert 'name="turnover_year_2"' in page


def test_the_financial_page_asks_for_the_figure_when_there_are_no_accounts(client, member):
    draft = services.application_start(organisation=member.organisation, user=member.user)
    client.force_login(member.user)
    page = client.get(reverse("suppliers:section_edit", args=[draft.pk, "financial"])).content.decode()
    assert 'name="turnover_year_1"' in page
    assert reverse("portal:financial_profile_edit", args=[member.organisation_id]) in page


def test_saving_the_page_keeps_the_accounts_figure(client, member):
    record_accounts(member, 410_000_00)
    draft = services.application_start(organisation=member.organisation, user=member.user)
    client.force_login(member.user)
    data = {"turnover_year_2": "230,000", "financial_year_end_2_0": "31", "financial_year_end_2_1": "3"}
    data |= {"financial_year_end_2_2": "2024", "evidence_type": "accounts"}
    response = client.post(reverse("suppliers:section_edit", args=[draft.pk, "financial"]), data)
    assert response.status_code == 302
    assert financial(draft)["turnover_year_1"] == 410_000
    assert "financial" in Application.objects.get(pk=draft.pk).completed_sections


def test_bad_input_on_the_page_keeps_what_was_typed(client, member):
    record_accounts(member, 410_000_00)
    draft = services.application_start(organisation=member.organisation, user=member.user)
    client.force_login(member.user)
    data = {"turnover_year_2": "lots", "evidence_type": "accounts"}
    response = client.post(reverse("suppliers:section_edit", args=[draft.pk, "financial"]), data)
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'value="lots"' in page
    assert financial(draft)["turnover_year_1"] == 410_000


def test_what_is_sent_is_the_accounts_as_they_are_now(member):
    """Accounts made from a grants registration (the data migration) reach a draft when it is sent."""
    application = complete_application(member.organisation, member.user)
    FinancialProfile.objects.create(
        organisation=member.organisation, year_end=date(2025, 3, 31), income_pence=333_000_00
    )
    sent = services.application_submit(application=application, user=member.user)
    assert sent.snapshot["answers"]["financial"]["turnover_year_1"] == 333_000
    assert Application.objects.get(pk=sent.pk).answers["financial"]["turnover_year_1"] == 333_000


def test_check_answers_and_the_sent_version_say_where_the_turnover_came_from(client, member):
    record_accounts(member, 250_000_00, year_end=date(2024, 3, 31))
    application = complete_application(member.organisation, member.user)
    client.force_login(member.user)
    check = client.get(reverse("suppliers:check_answers", args=[application.pk])).content.decode()
    assert "Where that figure came from" in check
    assert "for the year ending 31 March 2024, updated today" in check
    services.application_submit(application=application, user=member.user)
    sent = client.get(reverse("suppliers:application_detail", args=[application.pk])).content.decode()
    assert "for the year ending 31 March 2024, updated the day it was sent" in sent


ANSWER_VALUES = st.one_of(st.none(), st.integers(), st.sampled_from(["", "12,500", "2024-03-31", "lots"]))


@given(
    financial=st.dictionaries(st.sampled_from(sections.section("financial").fields), ANSWER_VALUES),
    income_pence=st.integers(0, 10**13),
    year_end=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_the_accounts_replace_the_latest_year_and_nothing_else(financial, income_pence, year_end):
    profile = FinancialProfile(pk=7, organisation_id=1, year_end=year_end, income_pence=income_pence)
    merged = accounts.with_profile(financial, profile)
    assert merged["turnover_year_1"] == normalised(merged, "turnover_year_1") == (income_pence + 50) // 100
    assert (
        merged["financial_year_end_1"] == normalised(merged, "financial_year_end_1") == year_end.isoformat()
    )
    assert merged[accounts.PROFILE_KEY] == 7
    others = set(financial) - {*accounts.FROM_ACCOUNTS, VALUES}
    assert {key: merged[key] for key in others} == {key: financial[key] for key in others}
    assert accounts.with_profile(financial, None) is financial
