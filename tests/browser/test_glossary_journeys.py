"""Plain words first, in Chromium (issue 19 §3): a supplier and a commissioner go through their main pages
(the finder, a market warming notice, a competition and its lots, the tender, the inbox; the
commissioner's competitions, a competition and its evaluation), and on every page each term of art is
linked to its glossary entry or explained there. Following a link lands on the term's definition."""

import pytest
from playwright.sync_api import expect

from calloffs.services import tenders as tender_services
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.calloffs.tender_helpers import biddable_competition, qualify
from tests.glossary_check import unexplained_terms

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def check_terms(page, audit, label: str) -> None:
    audit(label)
    missing = unexplained_terms(page.content())
    assert not missing, f"{label} ({page.url}) uses without a link or an explanation: {', '.join(missing)}"


def test_each_term_of_art_is_linked_or_explained_where_it_is_used(
    page, context, audit, live_server, carol, alice, organisation_a
):
    qualify(organisation_a, alice)
    notice = f.published_notice(carol)
    competition = biddable_competition(carol)
    tender = tender_services.tender_start(lot=competition.lots.get(), user=alice)

    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    check_terms(page, audit, "the supplier's dashboard")
    page.get_by_role("link", name="Find an opportunity", exact=True).click()
    check_terms(page, audit, "the finder")
    page.get_by_role("link", name=notice.title).click()
    check_terms(page, audit, "a market warming notice")
    page.goto(live_server.url + f"/opportunities/competitions/{competition.pk}/")
    check_terms(page, audit, "a competition")
    page.goto(live_server.url + f"/tenders/{tender.pk}/")
    check_terms(page, audit, "the tender's task list")
    page.goto(live_server.url + "/messages/")
    check_terms(page, audit, "the inbox")

    # A link goes to the term's definition on the glossary page.
    page.goto(live_server.url + f"/opportunities/competitions/{competition.pk}/")
    page.locator("main a[href='/glossary/#lot']").first.click()
    assert page.url.endswith("/glossary/#lot")
    expect(page.locator("#lot")).to_contain_text("A part of a contract that is bid for separately")
    audit("the glossary")

    context.clear_cookies()
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/commissioning/")
    check_terms(page, audit, "the commissioner's competitions")
    page.goto(live_server.url + f"/commissioning/competitions/{competition.pk}/")
    check_terms(page, audit, "a competition, managed")
    page.goto(live_server.url + f"/commissioning/competitions/{competition.pk}/evaluation/")
    check_terms(page, audit, "its evaluation")
    page.goto(live_server.url + f"/commissioning/notices/{notice.pk}/")
    check_terms(page, audit, "a notice, managed")
