"""What a new user tripped over (issue 7, section 1), each seen in the browser as a person would see it.
Every page visited is audited (axe-core, then the HTML checker)."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from portal.models import Message
from suppliers.models import Application
from suppliers.rules import ATTEMPTS, WAIT_MONTHS
from tests.browser.conftest import sign_in_as
from tests.browser.test_journeys import current_totp_code, sign_up
from tests.factories import PASSWORD, UserFactory
from tests.suppliers.factories import decide, submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(page) -> None:
    page.locator("main [type=submit]").last.click()


def sign_out_from_the_menu(page, audit) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    audit("signed out")
    assert "Your form could not be sent" not in page.content()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")).to_be_visible()


def test_a_supplier_signs_out_from_the_menu(page, context, audit, live_server, alice):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    audit("dashboard")
    sign_out_from_the_menu(page, audit)
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_url(re.compile("/accounts/login/"))


def test_a_commissioner_signs_in_with_a_code_and_signs_out_from_the_menu(page, audit, live_server, carol):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", carol.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    page.wait_for_url(re.compile("/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", current_totp_code(carol))
    submit(page)
    page.wait_for_url(re.compile("/dashboard/"))
    sign_out_from_the_menu(page, audit)
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_url(re.compile("/accounts/login/"))


def test_setting_up_an_organisation_offers_no_blank_choice_and_links_to_the_questionnaire(
    page, context, audit, live_server
):
    sign_in_as(context, live_server, UserFactory(email="maya@harbour.example"))
    page.goto(live_server.url + "/organisations/new/")
    audit("organisation form")
    questions = (
        "What kind of organisation is it?",
        "How big is it?",
        "What does your organisation want to do?",
    )
    for legend in questions:
        radios = page.get_by_role("group", name=legend).get_by_role("radio")
        assert radios.count() > 1
        assert "---------" not in page.get_by_role("group", name=legend).inner_text()
    assert page.locator("input[name=legal_form][value='']").count() == 0
    assert page.locator("input[name=size_band][value='']").count() == 0
    assert page.locator("input[name=intent]:checked").count() == 0  # asked, not pre-answered

    assert page.title().startswith("Set up your organisation")
    submit(page)  # nothing filled in
    audit("organisation form with errors")
    assert page.title().startswith("Error: Set up your organisation ")

    page.fill("input[name=legal_name]", "Harbour Mentoring CIO")
    page.check("input[name=legal_form][value=cio]")
    page.fill("input[name=charity_number]", "1190000")
    page.check("input[name=is_vcse][value=True]")
    page.check("input[name=size_band][value=micro]")
    page.check("input[name=intent][value=both]")
    page.fill("input[name=address_line_1]", "1 Harbour Road")
    page.fill("input[name=town]", "Plymouth")
    page.fill("input[name=postcode]", "PL1 2AA")
    page.fill("input[name=contact_name]", "Maya Jones")
    page.fill("input[name=contact_phone]", "01752 000000")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    audit("organisation page")
    companies_house = page.locator(".govuk-summary-list__row", has_text="Companies House number")
    assert companies_house.locator(".govuk-summary-list__value").inner_text() == "Not given"

    page.get_by_role("link", name="Fill in the Selection Questionnaire").click()
    page.wait_for_url(re.compile("/qualification/"))
    audit("qualification")


def test_an_error_summary_link_for_a_date_puts_the_cursor_in_the_day_field(
    page, context, audit, live_server, alice, organisation_a
):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    page.get_by_role("button", name=re.compile("Start")).click()
    application = Application.objects.get(organisation=organisation_a)
    page.goto(live_server.url + f"/qualification/{application.pk}/sections/financial/")
    page.fill("input[name=turnover_year_1]", "180000")
    page.locator("main [type=submit]").first.click()  # "Save and continue", with no year end
    audit("financial information with an error")

    page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the date the financial year ended"
    ).click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_financial_year_end_1_0"
    assert page.locator("#id_financial_year_end_1_0").get_attribute("name") == "financial_year_end_1_0"


def test_the_qualification_page_explains_the_retry_rule_and_shows_what_failed(
    page, context, audit, live_server, alice, ada, organisation_a
):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    audit("qualification before applying")
    main = page.locator("main")
    assert "0 of 3" not in main.inner_text()
    expect(
        main.get_by_text(
            f"If {ATTEMPTS} applications in a row are unsuccessful, you must wait {WAIT_MONTHS} months"
        )
    ).to_be_visible()

    decide(
        submitted_application(organisation_a, alice, categories=("accommodation", "women")), ada, women="fail"
    )
    page.goto(live_server.url + "/qualification/")
    audit("qualification after an outcome with a failed category")
    failed = main.locator("section", has=page.get_by_role("heading", name=re.compile("not passed")))
    expect(failed.get_by_text("9. Women")).to_be_visible()
    expect(failed.get_by_text("Not enough evidence.")).to_be_visible()
    assert "Accommodation" not in failed.inner_text()

    decide(submitted_application(organisation_a, alice, categories=("women",)), ada, women="fail")
    page.goto(live_server.url + "/qualification/")
    audit("qualification after an unsuccessful application")
    expect(main.get_by_text("Your last application was unsuccessful.")).to_be_visible()
    expect(
        main.get_by_text(
            f"You can apply {ATTEMPTS - 1} more times. "
            f"If those are all unsuccessful, you must wait {WAIT_MONTHS} months"
        )
    ).to_be_visible()


def test_message_times_read_as_gov_uk_writes_them(page, context, audit, live_server, alice, organisation_a):
    Message.objects.create(
        recipient_organisation=organisation_a,
        subject="The outcome of your Selection Questionnaire",
        body="Read the letter.",
        created_at=datetime(2026, 11, 25, 12, 26, tzinfo=UTC),
    )
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/messages/")
    audit("inbox")
    expect(page.locator("main").get_by_text("25 November 2026 at 12:26pm")).to_be_visible()
    assert "p.m." not in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("The outcome of your Selection Questionnaire")).click()
    audit("message")
    expect(page.locator("main").get_by_text("Received 25 November 2026 at 12:26pm")).to_be_visible()


def test_confirming_an_e_mail_address_shows_one_success_banner(page, audit, live_server, settings):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + "/accounts/signup/")
    sign_up(page, audit, "maya@harbour.example")
    page.wait_for_url(re.compile("/organisations/new/"))
    audit("signed in after confirming")
    banners = page.locator(".govuk-notification-banner--success")
    assert banners.count() == 1
    assert "You have confirmed maya@harbour.example" in banners.inner_text()
