"""Opportunity alerts in Chromium, every page audited: a supplier chooses how often to hear of
opportunities from their dashboard, and a colleague stops the e-mails from the link in one, without
signing in."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.models import AlertPreference
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_supplier_sets_their_e_mails_and_a_colleague_unsubscribes_from_one(
    page, context, audit, live_server, carol, alice, bob, organisation_a
):
    standing_for(organisation_a)
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("E-mails about opportunities")).click()
    audit("alert settings")
    page.get_by_label("In one daily summary").check()
    page.get_by_role("button", name="Save your settings").click()
    audit("alert settings saved")
    assert AlertPreference.objects.get(user=alice).frequency == AlertPreference.Frequency.DAILY
    context.clear_cookies()

    competition = f.live_competition(carol)  # the alert goes once this commits
    email = next(message for message in mail.outbox if bob.email in message.to)
    assert competition.title in email.subject
    assert not any(alice.email in message.to for message in mail.outbox)  # she asked for a summary
    link = re.search(r"https?://\S*/opportunities/unsubscribe/\S+", email.body).group(0)
    page.goto(live_server.url + urlsplit(link).path)  # the e-mail's link, on the test server
    audit("unsubscribe: confirm")
    page.get_by_role("button", name="Stop these e-mails").click()
    audit("unsubscribed")
    expect(page.get_by_role("heading", name="You will not get e-mails about opportunities")).to_be_visible()
    assert AlertPreference.objects.get(user=bob).frequency == AlertPreference.Frequency.NEVER
