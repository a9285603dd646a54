"""Two front doors, one portal (issue 19 §4), in Chromium, every page audited: a charity that wants grants
only comes in by the grants start page, creates an account, sets up its organisation, registers for
grants and sends an application, and reads the word "framework" on no page except in the one sentence
that says grants are separate from it."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from playwright.sync_api import expect

from grants.models import GrantApplication, Registration
from grants.services import registration as grants_registration
from portal.models import Organisation
from tests.browser.test_grants_journeys import answer_the_round_questions, fill_date
from tests.browser.test_journeys import sign_up, submit
from tests.grants import factories as f
from tests.suppliers.factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def words(text: str) -> str:
    return " ".join(text.split())


GRANTS_ARE_SEPARATE = words(strip_tags(render_to_string("includes/grants_separate.html")))


def test_the_sentence_that_says_grants_are_separate_names_the_framework():
    assert "framework" in GRANTS_ARE_SEPARATE and "separate" in GRANTS_ARE_SEPARATE


def test_a_grants_only_charity_goes_from_the_grants_start_page_to_a_sent_application_without_the_framework(
    page, audit, live_server, settings, carol, ada, tmp_path
):
    settings.SITE_URL = live_server.url
    pages_read = []

    def read(label: str) -> None:
        """Audit the page, and check what it shows: "framework" only where grants are said to be separate."""
        audit(label)
        shown = words(page.locator("body").inner_text())
        assert "Probation grants" in page.locator(".govuk-service-navigation__service-name").inner_text()
        assert "framework" not in shown.replace(GRANTS_ARE_SEPARATE, "").lower(), f"{label}: {page.url}"
        pages_read.append(label)

    grant_round = f.open_round(carol)
    page.goto(live_server.url + "/grants/start/")
    read("grants start page")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url(re.compile("/accounts/signup/"))
    read("create an account")
    sign_up(page, read, "sam@riverside-women.example")

    page.wait_for_url(re.compile("/organisations/new/"))
    read("set up your organisation")
    assert page.locator("input[name=show_contact_publicly]").count() == 0
    assert page.locator("input[name=intent]").count() == 0
    page.fill("input[name=legal_name]", "Riverside Women's Project")
    page.check("input[name=legal_form][value=cio]")
    page.fill("input[name=charity_number]", "1190002")
    page.check("input[name=is_vcse][value=True]")
    page.check("input[name=size_band][value=micro]")
    page.fill("input[name=address_line_1]", "3 River Street")
    page.fill("input[name=town]", "Sunderland")
    page.fill("input[name=postcode]", "SR1 1AA")
    page.fill("input[name=contact_name]", "Sam Reed")
    page.fill("input[name=contact_phone]", "0191 000 0000")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    read("your organisation")
    organisation = Organisation.objects.get(legal_name="Riverside Women's Project")
    assert organisation.intent == Organisation.Intent.GRANTS
    profile_use = "We use these details for your organisation's contracts and grants."
    expect(page.get_by_text(profile_use)).to_be_visible()

    page.get_by_role("link", name="Register for grants").click()
    read("grants home")
    page.get_by_role("link", name="Register for grants").click()
    read("grants registration")
    page.get_by_label("How many trustees or directors").fill("5")
    page.get_by_label("Annual income for your last financial year").fill("300,000")
    fill_date(page, "When did that financial year end?", "31", "3", "2026")
    page.get_by_label("Safeguarding").check()
    page.get_by_label("Women", exact=True).check()
    page.get_by_label("North East").check()
    accounts = tmp_path / "accounts.pdf"
    accounts.write_bytes(PDF_BYTES)
    page.get_by_label("Your latest accounts").set_input_files(str(accounts))
    page.get_by_role("button", name="Save and continue").click()
    read("check the registration")
    page.get_by_role("button", name="Send your registration").click()
    read("registration sent")

    registration = Registration.objects.get(organisation=organisation)
    grants_registration.registration_decide(user=ada, registration=registration, accept=True)

    page.goto(live_server.url + f"/grants/rounds/{grant_round.pk}/")
    read("round page")
    page.get_by_role("button", name="Apply for this grant").click()
    read("eligibility")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    read("task list")
    answer_the_round_questions(page, women="30", look=read)
    page.get_by_role("link", name="Your budget", exact=True).click()
    read("budget")
    page.get_by_label("Cost line 1: year").select_option("1")
    page.get_by_label("Cost line 1: what it is for").fill("Mentor")
    page.get_by_label("Cost line 1: amount (£)").fill("30,000")
    page.get_by_role("button", name="Save and continue").click()
    read("budget saved")
    page.get_by_role("link", name="Check your answers and send").click()
    read("check your answers")
    page.get_by_label("Your full name").fill("Sam Reed")
    page.get_by_label("Your role in the organisation").fill("Chair")
    page.get_by_role("button", name="Sign and send the application").click()
    read("receipt")
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    assert GrantApplication.objects.get(organisation=organisation).is_submitted
    page.get_by_role("link", name="Grants", exact=True).click()
    read("grants home with the application")
    expect(page.get_by_text(f"{grant_round.title}: Sent")).to_be_visible()
    assert len(pages_read) >= 20
