"""Award journeys in Chromium, every page audited: a commissioner awards a lot, withdraws the award during
the standstill with a reason, awards it again, and (the clock moved on in the database) records the
contract; the public page shows the award notice; the winning bidder reads its outcome in the portal's
inbox and downloads its letter. Another lot is closed with no suitable bidder."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calloffs.models import Award, Competition, Contract
from tests.browser.conftest import sign_in_as
from tests.calloffs.award_factories import decidable_lot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_lot(page, live_server, audit, competition: Competition) -> None:
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()
    page.get_by_role("link", name=competition.title).first.click()
    audit("the closed, opened competition")
    page.get_by_role("link", name="Decide lot 1: County Durham").click()
    audit("the lot's ranked tenders")


def test_a_commissioner_awards_a_lot_and_records_the_contract_and_the_winner_reads_its_letter(
    page, context, audit, live_server, carol, alice, bea, organisation_a, organisation_b
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    sign_in_as(context, live_server, carol)
    open_lot(page, live_server, audit, decidable.competition)

    # Nothing chosen: the error summary links to the choice.
    page.get_by_role("button", name="Award the lot").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the tender you award this lot to")
    audit("award form with an error")

    # Awarded to the second-ranked tender by mistake, then withdrawn during the standstill.
    page.get_by_label(re.compile("^Beta Housing Trust")).check()
    page.get_by_role("button", name="Award the lot").click()
    audit("awarded")
    expect(page.get_by_role("heading", name="Awarded to Beta Housing Trust")).to_be_visible()
    expect(page.get_by_text(re.compile("The standstill ends at midnight at the end of"))).to_be_visible()
    page.get_by_role("link", name="Withdraw the award").click()
    audit("withdraw form")
    page.get_by_role("button", name="Withdraw the award").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are withdrawing the award")
    audit("withdraw form with an error")
    page.get_by_label("Why are you withdrawing the award?").fill("We added up the scores wrongly.")
    page.get_by_role("button", name="Withdraw the award").click()
    audit("award withdrawn")

    page.get_by_label(re.compile("^Alpha Futures CIC")).check()
    page.get_by_role("button", name="Award the lot").click()
    expect(page.get_by_role("heading", name="Awarded to Alpha Futures CIC")).to_be_visible()

    # Too early for the contract: refused, and what was typed stays.
    page.get_by_role("link", name="Record the contract").click()
    audit("contract form")
    page.get_by_label("Contract value").fill("1,250,000")
    for name, (day, month, year) in {"start_date": (1, 4, 2031), "end_date": (31, 3, 2034)}.items():
        page.fill(f"input[name={name}_0]", str(day))
        page.fill(f"input[name={name}_1]", str(month))
        page.fill(f"input[name={name}_2]", str(year))
    page.get_by_role("button", name="Record the contract").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("once the standstill ends")
    expect(page.get_by_label("Contract value")).to_have_value("1,250,000")
    audit("contract refused during the standstill")

    # The standstill ends (the clock moved on, in the database).
    Award.objects.filter(withdrawn_at__isnull=True).update(
        standstill_ends_at=timezone.now() - timedelta(minutes=1)
    )
    page.get_by_role("button", name="Record the contract").click()
    audit("contract recorded")
    expect(page.get_by_role("heading", name="Contract recorded")).to_be_visible()
    assert Contract.objects.get().value_pence == 1_250_000_00
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.AWARDED

    page.get_by_role("link", name="competition's public page").click()
    audit("public page with the award notice")
    notice = page.locator("main")
    expect(notice.get_by_role("heading", name="Award notice")).to_be_visible()
    expect(notice).to_contain_text("Alpha Futures CIC")
    expect(notice).to_contain_text("£1,250,000")
    expect(notice).to_contain_text("1 April 2031 to 31 March 2034")

    # The winner reads the outcome in the portal's inbox and downloads its letter.
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Messages", exact=True).click()
    audit("inbox with the outcome")
    page.get_by_role("link", name=re.compile("Your tender was successful")).click()
    audit("the outcome message")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="outcome letter (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_commissioner_records_no_suitable_bidder(
    page, context, audit, live_server, carol, organisation_a, organisation_b, alice, bea
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    sign_in_as(context, live_server, carol)
    open_lot(page, live_server, audit, decidable.competition)
    page.get_by_role("link", name="No bidder is suitable for this lot").click()
    audit("no suitable bidder")
    page.get_by_role("button", name="Record no suitable bidder").click()
    audit("no suitable bidder recorded")
    expect(page.get_by_text("You recorded that no bidder was suitable")).to_be_visible()
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.NO_SUITABLE_BIDDER
