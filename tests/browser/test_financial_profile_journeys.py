"""The organisation's accounts in Chromium, every page audited (issue 21): a member gives the accounts once,
is told what is wrong without losing what was typed, and then finds the figure, where it came from and how
old it is, in the Selection Questionnaire and in the grants registration, each with a link back to change
it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_as
from tests.suppliers.factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SOURCE = "From your organisation's accounts for the year ending 31 March 2026, updated today"


def fill_year_end(page, day: str, month: str, year: str) -> None:
    fieldset = page.get_by_role("group", name="The date your financial year ended")
    fieldset.get_by_label("Day").fill(day)
    fieldset.get_by_label("Month").fill(month)
    fieldset.get_by_label("Year").fill(year)


def test_the_accounts_given_once_are_used_by_the_questionnaire_and_the_grants_registration(
    page, context, audit, live_server, alice, organisation_a, tmp_path
):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Organisation details and colleagues").click()
    audit("organisation")
    page.get_by_role("link", name="Your organisation's accounts").click()
    audit("accounts")

    fill_year_end(page, "31", "2", "2026")
    page.get_by_label("Turnover or income for that year (£)").fill("lots")
    page.get_by_role("button", name="Save your accounts").click()
    audit("accounts errors")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="The date your financial year ended must be a real date")
    ).to_be_visible()
    expect(page.get_by_label("Turnover or income for that year (£)")).to_have_value("lots")
    expect(
        page.get_by_role("group", name="The date your financial year ended").get_by_label("Month")
    ).to_have_value("2")

    fill_year_end(page, "31", "3", "2026")
    page.get_by_label("Turnover or income for that year (£)").fill("410,000")
    accounts = tmp_path / "Annual report 2026.pdf"
    accounts.write_bytes(PDF_BYTES)
    page.get_by_label("Upload the accounts (optional)").set_input_files(str(accounts))
    page.get_by_role("button", name="Save your accounts").click()
    audit("accounts saved")
    expect(page.get_by_text("Your organisation's accounts are saved.")).to_be_visible()
    expect(page.get_by_text("Turnover or income: £410,000")).to_be_visible()
    expect(page.get_by_text(SOURCE)).to_be_visible()

    page.goto(live_server.url + "/qualification/")
    page.get_by_role("button", name="Start your Selection Questionnaire").click()
    page.get_by_role("link", name="Financial information").click()
    audit("questionnaire financial section")
    expect(page.get_by_text("Turnover in your most recent financial year: £410,000")).to_be_visible()
    expect(page.get_by_text(SOURCE)).to_be_visible()
    expect(page.get_by_label("Turnover in your most recent financial year (£)")).to_have_count(0)

    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("Grants: register your organisation")).click()
    page.get_by_role("link", name="Register for grants").click()
    audit("grants registration")
    expect(page.get_by_text("Annual income for your last financial year: £410,000")).to_be_visible()
    expect(page.get_by_text(SOURCE)).to_be_visible()
    expect(page.get_by_text("Accounts: Annual report 2026.pdf.")).to_be_visible()
    page.get_by_role("link", name="Change your organisation's accounts").click()
    expect(page.get_by_role("heading", name="Your organisation's accounts")).to_be_visible()
