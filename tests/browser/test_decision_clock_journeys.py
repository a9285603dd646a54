"""Decision clocks in Chromium (issue 22, docs/adr/0020): the MoJ admin sees the date in the queue, extends
it with a reason (a mistake first), and the organisation sees the new date and the reason on its page.
Every page is audited (axe-core, then the HTML checker)."""

import re

import pytest
from playwright.sync_api import expect

from portal.clock import london
from suppliers.models import Application
from tests.browser.conftest import sign_in_as
from tests.suppliers.factories import submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def long_date(moment) -> str:
    day = london(moment)
    return f"{day.day} {day:%B %Y}"


def test_the_admin_extends_the_decision_date_and_the_organisation_sees_it(
    page, context, audit, live_server, ada, alice, organisation_a
):
    application = submitted_application(organisation_a, alice)
    first_date = long_date(application.decide_by)
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + "/review/")
    audit("review queue with its dates")
    expect(page.locator("main table")).to_contain_text("working days left")

    page.locator("main").get_by_role("link", name=re.compile("Review")).first.click()
    audit("review page with the decide-by date")
    expect(page.locator("main")).to_contain_text(f"{first_date} at 11:59pm")
    page.get_by_role("link", name="Extend the decision date").click()
    audit("extend the decision date")

    page.get_by_role("button", name="Extend the decision date").click()  # no reason: refused
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you need longer to decide")
    audit("extend without a reason")
    page.get_by_label("Why do you need longer to decide?").fill("We are checking your references.")
    page.get_by_role("button", name="Extend the decision date").click()
    expect(page.locator("main")).to_contain_text("Decision date extended")
    audit("extended")
    application.refresh_from_db()
    assert application.decision_extended_at is not None
    new_date = long_date(application.decide_by)
    assert new_date != first_date
    assert page.get_by_role("link", name="Extend the decision date").count() == 0  # only once

    page.context.clear_cookies()
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Qualification", exact=True).first.click()
    audit("the organisation's qualification page")
    decide_by = page.locator("#decide-by")
    expect(decide_by).to_contain_text(f"We will decide by {new_date} at 11:59pm")
    expect(decide_by).to_contain_text("We are checking your references.")
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED
