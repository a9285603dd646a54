"""Call-off journeys in Chromium, every page audited: a commissioner publishes a market warming notice
and a competition with two lots (one over the financial threshold); a qualified supplier gets the alert
in the portal's inbox and by e-mail, follows each to the competition, finds it in the finder too, and
reads, per lot, whether it can bid; a visitor asks "Can I bid?"."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from calloffs.models import Competition, MarketWarmingNotice
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.factories import AdminFactory
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(page) -> None:
    page.locator("main form [type=submit]").last.click()


def fill_date(page, name: str, days: int) -> None:
    day = timezone.localdate() + timedelta(days=days)
    page.fill(f"input[name={name}_0]", str(day.day))
    page.fill(f"input[name={name}_1]", str(day.month))
    page.fill(f"input[name={name}_2]", str(day.year))


def add_lot(page, audit, *, title: str, values: list[str], turnover: str = "") -> None:
    page.get_by_role("link", name="Add a lot").click()
    audit("add a lot")
    page.fill("input[name=title]", title)
    page.select_option("select[name=category]", label="1. Accommodation")
    page.check(f"input[name=regions][value='{f.region_id('north-east')}']")
    page.select_option("select[name=contract_years]", str(len(values)))
    for year, value in enumerate(values, start=1):
        page.fill(f"input[name=year_{year}]", value)
    fill_date(page, "contract_start", 150)
    page.fill("input[name=minimum_turnover]", turnover)
    submit(page)


def test_a_commissioner_publishes_and_a_supplier_reads_whether_it_can_bid(
    page, context, audit, live_server, carol, alice, organisation_a
):
    sq_factories.decide(sq_factories.submitted_application(organisation_a, alice), AdminFactory())
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()
    audit("the commissioner's competitions")

    # A market warming notice.
    page.get_by_role("link", name="Draft a market warming notice").click()
    audit("notice form")
    page.fill("input[name=title]", "Accommodation in the North East from 2027")
    page.fill("textarea[name=summary]", "We plan to buy accommodation support for prison leavers.")
    page.check(f"input[name=categories][value='{f.category_id('accommodation')}']")
    page.check(f"input[name=regions][value='{f.region_id('north-east')}']")
    fill_date(page, "invitation_date", 40)
    fill_date(page, "expected_deadline", 80)
    fill_date(page, "contract_start", 200)
    page.fill("input[name=value_low]", "400,000")
    page.fill("input[name=value_high]", "1,500,000")
    submit(page)
    audit("draft notice")
    page.get_by_role("button", name="Publish the notice").click()
    audit("published notice")
    assert MarketWarmingNotice.objects.get().status == MarketWarmingNotice.Status.PUBLISHED

    # A competition: a deadline too soon is refused, and what was typed stays.
    page.get_by_role("link", name="Back to your competitions").click()
    page.get_by_role("link", name="Draft a competition").click()
    page.fill("input[name=title]", "Accommodation support for prison leavers")
    page.fill("textarea[name=summary]", "Find and keep homes for people leaving prison.")
    page.check(f"input[name=regions][value='{f.region_id('north-east')}']")
    page.fill("input[name=contact_name]", "Carol Commissioner")
    page.fill("input[name=contact_email]", "carol@justice.example")
    page.check("input[name=minimum_cyber_level][value=cyber_essentials]")
    fill_date(page, "clarification_deadline", 5)
    fill_date(page, "submission_deadline", 10)
    fill_date(page, "expected_award_date", 70)
    submit(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "at least 28 days after publication" in page.locator(".govuk-error-summary").inner_text()
    audit("competition form with errors")
    assert page.input_value("input[name=title]") == "Accommodation support for prison leavers"
    fill_date(page, "clarification_deadline", 25)
    fill_date(page, "submission_deadline", 35)
    submit(page)
    audit("draft competition")

    # Publishing an incomplete draft lists every problem at once.
    page.get_by_role("button", name="Publish the competition").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Add at least one lot" in summary and "Add at least one criterion" in summary
    audit("publish refused")

    add_lot(page, audit, title="Tyneside", values=["400,000", "450,000", "500,000"])
    audit("one lot")
    add_lot(page, audit, title="The whole North East", values=["1,500,000"] * 3, turnover="2,000,000")
    audit("two lots")
    page.get_by_role("link", name="Add the criteria").click()
    audit("criteria form")
    page.fill("input[name=criteria-0-name]", "Quality")
    page.fill("input[name=criteria-0-weighting]", "60")
    page.fill("textarea[name=criteria-0-assessed]", "How you will find and keep homes")
    page.fill("input[name=criteria-0-max_words]", "750")
    page.fill("input[name=criteria-1-name]", "Price")
    page.fill("input[name=criteria-1-weighting]", "40")
    page.fill("textarea[name=criteria-1-assessed]", "The total price over the contract")
    submit(page)
    # Documents: a file that is not a document is refused; the specification is added.
    page.get_by_role("link", name="Add or remove documents").click()
    audit("documents")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"plain text"}],
    )
    submit(page)
    assert "must be a PDF" in page.locator(".govuk-error-summary").inner_text()
    audit("documents with an error")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "Specification.pdf", "mimeType": "application/pdf", "buffer": sq_factories.PDF_BYTES}
        ],
    )
    submit(page)
    expect(page.get_by_role("link", name="Specification.pdf")).to_be_visible()
    page.get_by_role("link", name="Back to the competition").click()
    page.get_by_role("link", name="Preview it as bidders will see it").click()
    expect(page.get_by_text("This is how bidders will see the competition")).to_be_visible()
    expect(page.get_by_role("link", name="Specification.pdf")).to_be_visible()
    audit("preview")
    page.get_by_role("link", name="Back to the competition").click()
    page.get_by_role("button", name="Publish the competition").click()
    audit("published competition")
    assert Competition.objects.get().status == Competition.Status.LIVE

    # The qualified supplier's alert (the fan-out ran in-process once the publication committed): in the
    # portal's inbox, from the menu, with a link to the competition ...
    title = "Accommodation support for prison leavers"
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Messages", exact=True).click()
    audit("inbox with the alert")
    page.get_by_role("link", name=f"New opportunity you can bid for: {title}").click()
    audit("the alert")
    page.locator("main").get_by_role("link", name=title, exact=True).click()
    audit("competition from the alert")
    assert page.locator("#eligibility-1").inner_text().strip().endswith("You can bid for this lot.")

    # ... and in her e-mail, whose link leads to the same page.
    email = next(message for message in mail.outbox if alice.email in message.to and title in message.subject)
    link = re.search(r"https?://\S*/opportunities/competitions/\d+/", email.body).group(0)
    page.goto(live_server.url + urlsplit(link).path)  # the e-mail's link, on the test server
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert page.locator("#eligibility-1").inner_text().strip().endswith("You can bid for this lot.")

    # She also finds it in the finder and reads, for each lot, whether she can bid.
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Find an opportunity", exact=True).click()
    audit("finder")
    page.get_by_role("link", name="Accommodation support for prison leavers").click()
    audit("competition for a supplier")
    assert page.locator("#eligibility-1").inner_text().strip().endswith("You can bid for this lot.")
    assert page.locator("#eligibility-2").inner_text().strip() == (
        "You cannot bid: this lot needs an annual turnover of at least £2,000,000; "
        "your questionnaire says £250,000."
    )
    page.get_by_role("link", name="Back to find an opportunity").click()
    page.get_by_role("link", name="Accommodation in the North East from 2027").click()
    audit("notice for a qualified supplier")
    expect(page.get_by_text("Your organisation is qualified for these categories")).to_be_visible()


def test_a_visitor_asks_can_i_bid(page, audit, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Find an opportunity", exact=True).click()
    audit("empty finder")
    page.get_by_role("link", name="Check what your organisation would need").click()
    audit("can I bid")
    page.fill("input[name=value]", "a lot")
    page.get_by_role("button", name="Show what is needed").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("can I bid with errors")
    page.select_option("select[name=category]", label="1. Accommodation")
    page.select_option("select[name=region]", label="Wales")
    page.fill("input[name=value]", "1,500,000")
    page.get_by_role("button", name="Show what is needed").click()
    audit("what is needed")
    needs = page.locator("main").inner_text()
    assert "Qualify on the framework for Accommodation" in needs
    assert "Choose Wales" in needs
    assert re.search(r"at most £3,000,000", needs)
