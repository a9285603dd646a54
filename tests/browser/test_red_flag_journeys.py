"""Red flags in Chromium, every page audited: an MoJ admin opens the integrity checks from the dashboard
and a flagged competition; a commissioner opens a decided competition's flags from its page."""

import re

import pytest
from playwright.sync_api import expect

from calloffs.red_flags.flags import MEANINGS, PROMPT_NOT_FINDING
from calloffs.services import red_flags
from portal.models import AuditEvent
from tests.browser.conftest import sign_in_as
from tests.calloffs.red_flag_factories import competition_with_bids
from tests.calloffs.supply_chain_factories import recorded_contract

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_moj_admin_opens_the_integrity_checks_and_a_flagged_competition(
    page, context, audit, live_server, ada, carol
):
    competition = competition_with_bids(carol, 1)
    red_flags.red_flags_compute()
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("^Integrity checks")).click()
    audit("integrity checks")
    expect(page.locator("main")).to_contain_text(PROMPT_NOT_FINDING)
    page.get_by_role("link", name=competition.title).click()
    audit("a competition's red flags")
    expect(page.get_by_role("heading", name=MEANINGS["R018"].title)).to_be_visible()
    page.get_by_role("link", name="Back to the integrity checks").click()
    expect(page.get_by_role("heading", name="Integrity checks", level=1)).to_be_visible()
    assert AuditEvent.objects.filter(action="red_flags.read", actor=ada).count() == 3


def test_a_commissioner_opens_a_decided_competitions_red_flags(
    page, context, audit, live_server, carol, organisation_a, organisation_b
):
    competition = recorded_contract(carol, organisation_a, organisation_b).award.lot.competition
    red_flags.red_flags_compute()
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + f"/commissioning/competitions/{competition.pk}/")
    page.get_by_role("link", name=re.compile("^Integrity checks")).click()
    audit("a decided competition's red flags")
    expect(page.get_by_role("heading", name="Red flags", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(organisation_a.legal_name)
    page.get_by_role("link", name="Back to the competition").click()
    expect(page.get_by_role("heading", name=competition.title)).to_be_visible()
