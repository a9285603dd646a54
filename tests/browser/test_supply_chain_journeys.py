"""Supply-chain journeys in Chromium, every page audited: a lead provider asks to switch a key
subcontractor and the commissioner, told by e-mail, approves it; the lead sends its yearly supply-chain
report, adding a row without JavaScript, and the commissioner reads it."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from calloffs.models import SubcontractorChange, SupplyChainReport
from calloffs.services import supply_chain
from tests.browser.conftest import sign_in_as
from tests.calloffs.supply_chain_factories import recorded_contract

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_contract(page, live_server, audit) -> None:
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("^Your contracts")).click()
    audit("your contracts")
    page.get_by_role("link", name=re.compile("lot 1, County Durham")).click()
    audit("the contract's supply chain")


def test_a_lead_asks_to_switch_a_subcontractor_and_the_commissioner_approves_it(
    page, context, audit, live_server, carol, alice, bob, bea, organisation_a, organisation_b
):
    contract = recorded_contract(carol, organisation_a, organisation_b)
    sign_in_as(context, live_server, bob)
    open_contract(page, live_server, audit)
    page.get_by_role("link", name="Ask to change a subcontractor").click()
    audit("change request form")

    page.get_by_label("Switch a subcontractor for another").check()
    page.get_by_label(re.compile("^Tyne Housing Ltd")).check()
    page.get_by_label("Name of the new subcontractor").fill("Wear Recovery CIC")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you want to make this change")
    expect(page.get_by_label("Name of the new subcontractor")).to_have_value("Wear Recovery CIC")
    audit("change request with errors")
    page.get_by_label("What it will deliver").fill("Housing advice in Sunderland")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label(re.compile("^Micro")).check()
    page.get_by_label("Why do you want to make this change?").fill(
        "Tyne Housing no longer covers Sunderland."
    )
    page.get_by_role("button", name="Send the request").click()
    audit("request sent")
    expect(page.get_by_text("Your request has been sent to the commissioner")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Waiting for a decision")

    # The commissioner is told by e-mail, and decides from the contract's page.
    email = next(message for message in mail.outbox if carol.email in message.to)
    assert "Subcontractor change to decide" in email.subject
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()
    page.get_by_role("link", name=contract.award.lot.competition.title).first.click()
    page.get_by_role("link", name=re.compile("The decision on lot 1")).click()
    page.get_by_role("link", name="The contract's supply chain").click()
    audit("the commissioner's supply chain page")
    expect(
        page.get_by_text("1 request to change a subcontractor is waiting for your decision.")
    ).to_be_visible()
    page.get_by_role("link", name=re.compile("Decide this request")).click()
    audit("decision form")
    page.get_by_role("button", name="Send your decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether you approve the change")
    audit("decision form with errors")
    page.get_by_label("Yes, approve it").check()
    page.get_by_label("The reason for your decision").fill("Sunderland must be covered.")
    page.get_by_role("button", name="Send your decision").click()
    audit("approved")
    expect(page.get_by_text("Request approved. The lead provider has been told")).to_be_visible()

    change = SubcontractorChange.objects.get()
    assert change.status == "approved"
    assert [row.name for row in supply_chain.current_subcontractors(contract)] == [
        "Northern Mentors CIC",
        "Wear Recovery CIC",
    ]
    # The lead reads the decision, and the history shows both.
    assert any(
        "Subcontractor change approved" in message.subject and bob.email in message.to
        for message in mail.outbox
    )
    sign_in_as(context, live_server, bob)
    open_contract(page, live_server, audit)
    history = page.get_by_role("table", name="Every key subcontractor of the contract")
    expect(history).to_contain_text("Tyne Housing Ltd")
    expect(history).to_contain_text("Wear Recovery CIC")


def test_the_lead_sends_its_yearly_report_and_the_commissioner_reads_it(
    page, context, audit, live_server, carol, alice, bob, bea, organisation_a, organisation_b
):
    contract = recorded_contract(carol, organisation_a, organisation_b)
    supply_chain.reports_request_and_remind(now=datetime(2027, 4, 1, 9, tzinfo=UTC))
    report = SupplyChainReport.objects.get()
    assert any("Send your supply chain report" in message.subject for message in mail.outbox)

    sign_in_as(context, live_server, alice)
    open_contract(page, live_server, audit)
    page.get_by_role("link", name="Send your year 1 report").click()
    audit("report form")
    rows = [
        ("Northern Mentors CIC", "Mentoring", "40,000", "yes", "micro"),
        ("Tyne Housing Ltd", "Housing advice", "25,000", "no", "large"),
        ("Durham Families", "Family support", "12,000", "yes", "small"),
        ("Wear Recovery CIC", "Recovery groups", "8,000", "yes", "micro"),
    ]
    for index, (name, delivers, paid, vcse, size) in enumerate(rows[:3]):
        page.get_by_label(f"Subcontractor {index + 1}: Subcontractor's name").fill(name)
        page.get_by_label(f"Subcontractor {index + 1}: What it delivered").fill(delivers)
        page.get_by_label(f"Subcontractor {index + 1}: Amount paid in the year, in pounds").fill(paid)
        page.locator(f'input[name="lines-{index}-is_vcse"][value="{vcse}"]').check()
        page.locator(f'input[name="lines-{index}-size_band"][value="{size}"]').check()
    page.get_by_role("button", name="Add another subcontractor").click()
    audit("report form with a fourth row")
    expect(page.get_by_label("Subcontractor 1: Subcontractor's name")).to_have_value("Northern Mentors CIC")
    name, delivers, paid, vcse, size = rows[3]
    page.get_by_label("Subcontractor 4: Subcontractor's name").fill(name)
    page.get_by_label("Subcontractor 4: Amount paid in the year, in pounds").fill(paid)
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what subcontractor 4 delivered")
    audit("report form with errors")
    page.get_by_label("Subcontractor 4: What it delivered").fill(delivers)
    page.locator(f'input[name="lines-3-is_vcse"][value="{vcse}"]').check()
    page.locator(f'input[name="lines-3-size_band"][value="{size}"]').check()
    page.get_by_role("button", name="Send the report").click()
    audit("report sent")
    expect(page.get_by_text("Your supply chain report for year 1 has been sent")).to_be_visible()
    report.refresh_from_db()
    assert report.submitted_by == alice and report.lines.count() == 4

    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + f"/commissioning/contracts/{contract.pk}/")
    audit("the commissioner's supply chain page with a report")
    page.get_by_role("link", name="Year 1 report").click()
    audit("the report")
    expect(page.locator("main")).to_contain_text("£40,000")
    expect(page.locator("main")).to_contain_text("Wear Recovery CIC")
