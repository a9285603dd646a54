"""Forms no other browser journey submits, each clicked as a person would in Chromium, every page audited:
the MoJ admin sends failed e-mails again; a commissioner amends, withdraws and tidies her call-offs."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calloffs.models import Competition, MarketWarmingNotice
from calloffs.services import documents
from portal.models import Delivery
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def failed_delivery(address: str) -> Delivery:
    return Delivery.objects.create(
        kind="test",
        address=address,
        subject=f"A message for {address}",
        body_text="Hello.",
        status=Delivery.Status.FAILED,
        attempts=5,
        last_error="550 Mailbox unavailable",
        failed_at=timezone.now(),
    )


def test_the_moj_admin_sends_failed_e_mails_again(page, context, audit, live_server, ada):
    one = failed_delivery("one@example.com")
    failed_delivery("two@example.com")
    failed_delivery("three@example.com")
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("Failed e-mails")).click()
    audit("failed e-mails")
    assert page.get_by_text("550 Mailbox unavailable").count() == 3

    page.get_by_role("button", name="Send again to one@example.com").click()
    audit("one sent again")
    expect(page.get_by_text("The e-mail to one@example.com is queued to be sent again.")).to_be_visible()
    assert not page.get_by_role("cell", name="one@example.com").count()
    one.refresh_from_db()
    assert one.status != Delivery.Status.FAILED

    page.get_by_role("button", name="Send all 2 again").click()
    audit("all sent again")
    expect(page.get_by_text("2 e-mails queued to be sent again.")).to_be_visible()
    expect(page.get_by_text("No e-mail has failed.")).to_be_visible()
    assert not Delivery.objects.filter(status=Delivery.Status.FAILED).exists()


def open_competitions(page, live_server) -> None:
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()


def see_message(page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible()


def test_a_commissioner_amends_a_live_competition_and_withdraws_it(page, context, audit, live_server, carol):
    competition = f.live_competition(carol, title="Housing support in Teesside")
    sign_in_as(context, live_server, carol)
    open_competitions(page, live_server)
    audit("competitions")
    page.get_by_role("link", name="Housing support in Teesside").click()
    audit("live competition")

    page.get_by_role("link", name="Amend the competition").click()
    audit("amend")
    page.get_by_label("What has changed?").fill("The specification now asks for weekend support.")
    page.get_by_role("button", name="Publish the amendment").click()
    audit("amended")
    see_message(page, "Amendment published")
    assert competition.amendments.get().summary == "The specification now asks for weekend support."

    page.get_by_role("link", name="Withdraw the competition").click()
    audit("withdraw")
    page.get_by_label("Why is it ending?").fill("The service is no longer needed in Teesside.")
    page.get_by_role("button", name="Withdraw the competition").click()
    audit("withdrawn")
    see_message(page, "Competition withdrawn")
    competition.refresh_from_db()
    assert competition.status == Competition.Status.WITHDRAWN


def test_a_commissioner_tidies_a_draft_competition(page, context, audit, live_server, carol):
    competition = f.publishable_competition(carol, title="Employment support in Durham")
    f.add_lot(competition, carol, title="Darlington")
    documents.document_add(
        user=carol,
        uploaded_file=sq_factories.upload("Specification.pdf", sq_factories.PDF_BYTES),
        competition=competition,
    )
    lots = competition.lots.count()
    last_lot = str(competition.lots.get(number=lots))
    sign_in_as(context, live_server, carol)
    open_competitions(page, live_server)
    page.get_by_role("link", name="Employment support in Durham").click()
    audit("draft competition")

    page.get_by_role("button", name=f"Remove lot {lots}", exact=True).click()
    audit("lot removed")
    see_message(page, f"{last_lot} removed")
    assert competition.lots.count() == lots - 1

    page.get_by_role("link", name="Change the criteria").click()
    audit("criteria")
    page.get_by_role("button", name="Save the criteria").click()
    audit("criteria saved")
    see_message(page, "Evaluation criteria saved")

    page.get_by_role("link", name="Change the checklist").click()
    audit("checklist")
    page.get_by_role("button", name="Save the checklist").click()
    audit("checklist saved")
    see_message(page, "Submission checklist saved")

    page.get_by_role("link", name="Add or remove documents").click()
    audit("documents")
    page.get_by_role("button", name="Remove Specification.pdf").click()
    audit("document removed")
    see_message(page, "Specification.pdf removed")
    assert not competition.documents.exists()


def test_a_commissioner_withdraws_a_published_notice(page, context, audit, live_server, carol):
    notice = f.published_notice(carol, title="Resettlement services from 2028")
    sign_in_as(context, live_server, carol)
    open_competitions(page, live_server)
    page.get_by_role("link", name="Resettlement services from 2028").click()
    audit("published notice")
    page.get_by_role("link", name="Withdraw the notice").click()
    audit("withdraw the notice")
    page.get_by_label("Why are you withdrawing it?").fill(
        "We will buy this with the probation regions instead."
    )
    page.get_by_role("button", name="Withdraw the notice").click()
    audit("notice withdrawn")
    see_message(page, "Notice withdrawn")
    notice.refresh_from_db()
    assert notice.status == MarketWarmingNotice.Status.WITHDRAWN


def test_a_commissioner_cancels_a_draft_competition_and_an_empty_reason_is_refused(
    page, context, audit, live_server, carol
):
    competition = f.publishable_competition(carol, title="Mentoring in Hartlepool")
    sign_in_as(context, live_server, carol)
    open_competitions(page, live_server)
    page.get_by_role("link", name="Mentoring in Hartlepool").click()
    page.get_by_role("link", name="Cancel this draft").click()
    page.get_by_role("button", name="Cancel the competition").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("cancel without a reason")
    page.get_by_label("Why is it ending?").fill("The budget was moved to a grant round.")
    page.get_by_role("button", name="Cancel the competition").click()
    audit("cancelled")
    see_message(page, "Competition cancelled")
    competition.refresh_from_db()
    assert competition.status == Competition.Status.CANCELLED
