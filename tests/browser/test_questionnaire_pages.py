"""What a person sees on the questionnaire's pages: nothing typed is lost by an upload, and an error
summary names each field once, in the page's order (issue 7 §1); an infected file is refused (issue 13)."""

import pytest
from playwright.sync_api import expect

from portal.models import AuditEvent
from suppliers import services
from tests.browser.conftest import sign_in_as
from tests.portal.test_virus_scan import EICAR
from tests.suppliers.factories import PDF_BYTES, category

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def category_page(page, context, live_server, alice, organisation_a):
    application = services.application_start(organisation=organisation_a, user=alice)
    choice = services.category_choice_save(
        application=application, user=alice, category=category("women"), descriptor="", case_studies=[]
    )
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + f"/qualification/{application.pk}/categories/{choice.pk}/")
    return choice


def test_uploading_a_document_keeps_what_was_typed_but_not_saved(page, audit, category_page):
    page.fill("textarea[name=descriptor]", "Mentoring for women leaving prison.")
    page.fill("input[name=case_studies-1-title]", "Women's centre in Hull")
    files = [{"name": "annual-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    page.set_input_files("input[name=file]", files=files)
    page.get_by_role("button", name="Upload document").click()

    expect(page.get_by_role("link", name="annual-report.pdf")).to_be_visible()
    assert page.input_value("textarea[name=descriptor]") == "Mentoring for women leaving prison."
    assert page.input_value("input[name=case_studies-1-title]") == "Women's centre in Hull"
    audit("a document uploaded with typed answers")

    page.fill("textarea[name=descriptor]", "Changed, then a document removed.")
    page.get_by_role("button", name="Remove annual-report.pdf").click()

    assert page.get_by_role("link", name="annual-report.pdf").count() == 0
    assert page.input_value("textarea[name=descriptor]") == "Changed, then a document removed."


def test_a_refused_upload_keeps_what_was_typed(page, audit, category_page):
    page.fill("textarea[name=descriptor]", "Mentoring for women leaving prison.")
    files = [{"name": "note.txt", "mimeType": "text/plain", "buffer": b"hi"}]
    page.set_input_files("input[name=file]", files=files)
    page.get_by_role("button", name="Upload document").click()

    expect(page.locator(".govuk-error-summary").get_by_text("must be a PDF")).to_be_visible()
    assert page.input_value("textarea[name=descriptor]") == "Mentoring for women leaving prison."
    audit("an upload refused, typed answers kept")


def test_an_infected_upload_is_refused_with_a_plain_message(page, audit, category_page):
    """The EICAR test file, caught by the test signatures the `virus_scanner` fixture gives clamd."""
    files = [{"name": "accounts.pdf", "mimeType": "application/pdf", "buffer": EICAR}]
    page.set_input_files("input[name=file]", files=files)
    page.get_by_role("button", name="Upload document").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("This file contains a virus and has not been uploaded.")).to_be_visible()
    assert page.get_by_role("link", name="accounts.pdf").count() == 0
    assert AuditEvent.objects.filter(action="upload.virus_refused").count() == 1
    audit("an infected upload refused")


def test_the_error_summary_names_each_case_study_once_in_page_order(page, audit, category_page):
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary__list a").all_inner_texts()
    assert summary.index("Enter a title for case study 1") < summary.index("Enter a title for case study 2")
    assert len(summary) == len(set(summary)), summary
    audit("category page with errors")


def test_the_insurance_error_summary_names_each_insurance(
    page, audit, context, live_server, alice, organisation_a
):
    application = services.application_start(organisation=organisation_a, user=alice)
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + f"/qualification/{application.pk}/sections/insurance/")
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary__list a").all_inner_texts()
    assert summary == [
        "Enter the employer's liability insurance cover in whole pounds, like 5000000",
        "Enter the public liability insurance cover in whole pounds, like 5000000",
        "Enter the professional indemnity insurance cover in whole pounds, like 1000000",
    ]
    audit("insurance with errors")
