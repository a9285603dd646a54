"""A bidder's journey in Chromium, every page audited: a qualified supplier starts a tender from the
public competition page, fills some tasks, sees what is missing, is refused when incomplete, completes
everything (typed responses, uploads, the three signed forms, the supply chain), names a colleague who
may submit, submits, reads the receipt and its e-mail, downloads the receipt PDF, then withdraws and
submits again."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from calloffs.models import TenderVersion
from tests.browser.conftest import sign_in_as
from tests.browser.tendering_steps import PDF_FILE, TEXT_FILE, open_task, sign, upload
from tests.calloffs.tender_helpers import biddable_competition, qualify

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_supplier_tenders_from_the_competition_page_to_the_receipt(
    page, context, audit, live_server, carol, alice, bob, organisation_a
):
    qualify(organisation_a, alice)
    competition = biddable_competition(carol)
    sign_in_as(context, live_server, alice)
    page.goto(f"{live_server.url}/opportunities/competitions/{competition.pk}/")
    audit("the competition")
    page.get_by_role("button", name="Start your tender for lot 1").click()
    expect(page.get_by_role("heading", name="Your tender")).to_be_visible()
    expect(page.get_by_text("You have completed 0 of 8 tasks")).to_be_visible()
    audit("the task list")

    # A typed response: over the limit, refused with what was typed kept; then saved.
    open_task(page, audit, "Quality")
    page.fill("textarea[name=text]", "word " * 501)
    page.get_by_role("button", name="Save your response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Use 500 words or fewer (you used 501)")
    expect(page.get_by_text("You have 1 word too many")).to_be_visible()
    audit("a response over the limit")
    page.fill("textarea[name=text]", "We house people on the day they leave prison.")
    page.get_by_role("button", name="Save your response").click()
    expect(page.get_by_text("You have completed 1 of 8 tasks")).to_be_visible()

    # What is missing, with links; submitting now is refused.
    page.get_by_role("link", name="Check and submit your tender").click()
    expect(page.locator("#missing").get_by_role("link", name="Complete: Price")).to_be_visible()
    audit("what is missing")
    page.get_by_role("button", name="Submit your tender").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Complete: Signed and completed Form of Tender"
    )
    audit("submit refused")
    page.locator("#missing").get_by_role("link", name="Complete: Price").click()
    page.fill("textarea[name=text]", "Our prices are in the financial model.")
    page.get_by_role("button", name="Save your response").click()

    # Documents: a wrong file is refused by its content; a PDF is kept; one is removed and uploaded again.
    open_task(page, audit, "Completed Financial Model Template")
    page.set_input_files("input[name=file]", files=[TEXT_FILE])
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The file must be a PDF")
    audit("an upload refused")
    page.set_input_files("input[name=file]", files=[PDF_FILE])
    page.get_by_role("button", name="Upload", exact=True).click()
    open_task(page, audit, "Completed Financial Model Template")
    page.get_by_role("button", name="Remove model.pdf").click()
    expect(page.get_by_text("model.pdf removed")).to_be_visible()
    upload(page, audit, "Completed Financial Model Template")
    upload(page, audit, "Completed Call-Off Contract Information Template")

    # The three forms, signed in the portal.
    sign(page, audit, "Signed and completed Conflicts of Interest Declaration")
    sign(page, audit, "Signed and completed Form of Tender")
    sign(page, audit, "Signed and completed Submission Checklist")

    # The supply chain.
    open_task(page, audit, "Key subcontractors and consortium members")
    page.check("input[name=has_subcontractors][value=yes]")
    page.check("input[name=as_consortium_lead][value=no]")
    page.fill("input[name=partner-0-name]", "Gamma Homes")
    page.fill("input[name=partner-0-role]", "Move-on housing")
    page.fill("input[name=partner-0-share_percent]", "20")
    page.select_option("select[name=partner-0-is_vcse]", "yes")
    page.get_by_role("button", name="Save your supply chain").click()
    expect(page.get_by_text("You have completed 8 of 8 tasks")).to_be_visible()

    # Bob may submit too.
    page.get_by_role("link", name="Change who may submit").click()
    audit("who may submit")
    page.get_by_label(f"{bob} ({bob.email})").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"and {bob}")).to_be_visible()

    # Submitted: the receipt, its PDF and its e-mail.
    page.get_by_role("link", name="Check and submit your tender").click()
    expect(page.get_by_text("Every required task is complete.")).to_be_visible()
    audit("ready to submit")
    page.get_by_role("button", name="Submit your tender").click()
    version = TenderVersion.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(version.receipt_number)
    audit("the receipt")
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your receipt (PDF)").click()
    with open(download_info.value.path(), "rb") as receipt:
        assert receipt.read(5) == b"%PDF-"
    email = next(
        message
        for message in mail.outbox
        if version.receipt_number in message.subject and message.to == [alice.email]
    )
    assert version.sha256 in email.body

    # Withdrawn, and submitted again: both versions are kept.
    page.get_by_role("link", name="Back to your tender").first.click()
    page.get_by_role("link", name="Withdraw it").click()
    audit("withdraw")
    page.get_by_role("button", name="Withdraw your tender").click()
    expect(page.get_by_text("Your tender has been withdrawn")).to_be_visible()
    page.get_by_role("link", name="Check and submit your tender").click()
    page.get_by_role("button", name="Submit your tender").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert list(TenderVersion.objects.values_list("number", flat=True)) == [1, 2]
