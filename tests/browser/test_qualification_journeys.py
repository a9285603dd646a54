"""Qualification end to end: the questionnaire in the browser, the MoJ admin's review, the outcome, the
public list, and the retry rule. Every page visited is audited (axe-core, then the HTML checker)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from suppliers.models import Application
from suppliers.retry import add_months
from tests.browser.conftest import sign_in_as
from tests.suppliers.factories import PDF_BYTES, complete_application, decide, submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(page) -> None:
    page.locator("main [type=submit]").first.click()


def fill_date(page, name: str, day: date) -> None:
    page.fill(f"input[name={name}_0]", str(day.day))
    page.fill(f"input[name={name}_1]", str(day.month))
    page.fill(f"input[name={name}_2]", str(day.year))


def open_task(page, audit, title: str) -> None:
    page.get_by_role("link", name=title).click()
    audit(title)


def answer_every_section(page, audit) -> None:
    """From the task list, complete every section except categories, agreement and declaration."""
    open_task(page, audit, "About your organisation")
    submit(page)  # prefilled from the organisation's profile

    open_task(page, audit, "Grounds for exclusion")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    submit(page)

    open_task(page, audit, "Financial information")
    page.fill("input[name=turnover_year_1]", "abc")
    submit(page)  # a mistake: the error is shown and what was typed is kept
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.input_value("input[name=turnover_year_1]") == "abc"
    audit("financial information with an error")
    page.fill("input[name=turnover_year_1]", "180000")
    fill_date(page, "financial_year_end_1", date(2026, 3, 31))
    page.check("input[name=evidence_type][value=accounts]")
    submit(page)

    open_task(page, audit, "Cyber security")
    page.check("input[name=level][value=cyber_essentials]")
    page.fill("input[name=certificate_number]", "CE-99")
    fill_date(page, "expiry_date", date(date.today().year + 1, 12, 31))
    submit(page)

    open_task(page, audit, "Insurance")
    for name in ("employers_liability", "public_liability", "professional_indemnity"):
        page.fill(f"input[name={name}]", "1000000")
    submit(page)

    open_task(page, audit, "Regions you want to work in")
    page.check("input[name=coverage][value=some]")
    page.check("input[name=regions][value=north-east]")
    page.check("input[name=regions][value=yorkshire-humber]")
    submit(page)

    open_task(page, audit, "Partnerships, consortia and subcontractors")
    page.check("input[name=bidding_as][value=alone]")
    page.check("input[name=uses_subcontractors][value=False]")
    submit(page)


def add_category(page, audit, name: str, *, document: bool = False) -> None:
    page.get_by_role("link", name=re.compile(f"Complete.*{name}")).click()
    audit(f"category {name}")
    if document:
        page.set_input_files(
            "input[name=file]", files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"hi"}]
        )
        page.get_by_role("button", name="Upload document").click()
        expect(page.locator(".govuk-error-summary").get_by_text("must be a PDF")).to_be_visible()
        audit("an upload refused by its content")
        files = [{"name": "annual-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        page.set_input_files("input[name=file]", files=files)
        page.get_by_role("button", name="Upload document").click()
        expect(page.get_by_role("link", name="annual-report.pdf")).to_be_visible()
        audit("a supporting document uploaded")
    page.fill("textarea[name=descriptor]", f"Our {name.lower()} service for people on probation.")
    for index in range(2):
        prefix = f"case_studies-{index}-"
        page.fill(f"input[name={prefix}title]", f"{name} project {index + 1}")
        page.fill(f"input[name={prefix}who_for]", "People on probation in Leeds")
        fill_date(page, prefix + "start_date", date(2024, 1, 1))
        fill_date(page, prefix + "end_date", date(2024, 12, 31))
        page.fill(f"textarea[name={prefix}what_was_done]", "Weekly one-to-one support.")
        page.fill(f"textarea[name={prefix}outcome]", "Most people stayed in work.")
    submit(page)


def test_a_newcomer_qualifies_in_one_category_of_two(
    page, context, audit, live_server, alice, ada, organisation_a
):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    audit("qualification status")
    page.get_by_role("button", name="Start your Selection Questionnaire").click()
    audit("task list")
    answer_every_section(page, audit)

    open_task(page, audit, "Service categories and case studies")
    page.check("input[name=categories] >> nth=0")  # 1. Accommodation
    page.get_by_label("Women").check()
    page.get_by_role("button", name="Add categories").click()
    audit("two categories chosen")
    add_category(page, audit, "Accommodation", document=True)
    add_category(page, audit, "Women")
    page.get_by_role("button", name="Save and continue").click()

    open_task(page, audit, "Framework agreement")
    page.check("input[name=accept]")
    submit(page)
    open_task(page, audit, "Declaration")
    page.fill("input[name=full_name]", "Alice Example")
    page.fill("input[name=role]", "Director")
    page.check("input[name=confirmed]")
    submit(page)

    page.get_by_role("link", name="Check your answers and send").click()
    audit("check your answers")
    page.get_by_role("button", name="Send questionnaire").click()
    page.wait_for_url(re.compile("/submitted/"))
    audit("sent")
    application = Application.objects.get(organisation=organisation_a)
    assert application.status == Application.Status.SUBMITTED

    # The MoJ admin passes Accommodation and fails Women with feedback.
    page.context.clear_cookies()
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + "/review/")
    audit("review queue")
    page.locator("main").get_by_role("link", name=re.compile("Review")).first.click()
    audit("review page")
    accommodation = page.locator("form", has=page.locator("input[value=pass]")).first
    accommodation.locator("input[value=pass]").check()
    accommodation.locator("[type=submit]").click()
    audit("accommodation passed")
    women = page.locator("form", has=page.locator("input[value=fail]")).nth(1)
    women.locator("input[value=fail]").check()
    women.locator("textarea").fill("Your case studies did not show work with women specifically.")
    women.locator("[type=submit]").click()
    audit("women failed")
    page.get_by_role("button", name=re.compile("Record the outcome")).click()
    audit("outcome recorded")
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.SUCCESSFUL

    # The organisation sees the outcome and the feedback.
    page.context.clear_cookies()
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    audit("qualification status after the outcome")
    expect(page.get_by_text("1. Accommodation")).to_be_visible()
    page.goto(live_server.url + f"/qualification/{application.pk}/")
    audit("the decided version")
    expect(page.get_by_text("did not show work with women specifically")).to_be_visible()

    # The public list shows the organisation under Accommodation only.
    page.context.clear_cookies()
    page.goto(live_server.url + "/providers/")
    audit("public list")
    page.select_option("select[name=category]", label="1. Accommodation")
    page.get_by_role("button", name="Apply filters").click()
    audit("filtered by accommodation")
    expect(page.get_by_text("Alpha Futures CIC").first).to_be_visible()
    page.select_option("select[name=category]", label="9. Women")
    page.get_by_role("button", name="Apply filters").click()
    audit("filtered by women")
    assert page.get_by_text("Alpha Futures CIC").count() == 0


def test_a_third_unsuccessful_outcome_means_a_wait_and_an_early_fourth_is_refused(
    page, context, audit, live_server, alice, ada, organisation_a
):
    for _ in range(2):
        decide(submitted_application(organisation_a, alice), ada, accommodation="fail")
    third = submitted_application(organisation_a, alice)
    fourth = complete_application(organisation_a, alice)  # started while the third was being assessed
    decide(third, ada, accommodation="fail")
    wait_until = add_months(date.today(), 6)

    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    audit("qualification status while waiting")
    expect(page.get_by_text(f"You can apply again from {wait_until:%-d %B %Y}")).to_be_visible()

    page.goto(live_server.url + f"/qualification/{fourth.pk}/check/")
    audit("check answers of the fourth")
    page.get_by_role("button", name="Send questionnaire").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text(f"You can apply again from {wait_until:%-d %B %Y}")).to_be_visible()
    audit("fourth refused")
    fourth.refresh_from_db()
    assert fourth.is_draft
