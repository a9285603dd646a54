"""End-to-end journeys in Chromium. Every page visited is audited (axe-core, then the HTML checker)."""

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from playwright.sync_api import expect

from portal.models import Membership, Organisation
from tests.browser.conftest import sign_in_as
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def submit(page) -> None:
    page.locator("main [type=submit]").last.click()


def link_from_last_email(to: str, contains: str) -> str:
    email = next(message for message in reversed(mail.outbox) if to in message.to)
    return next(re.finditer(rf"https?://\S*{contains}\S*", email.body)).group(0)


def sign_up(page, audit, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    audit("sign-up form filled")
    submit(page)
    audit("check your e-mail")
    link = link_from_last_email(email, "/accounts/confirm-email/")
    page.goto(link)  # allauth builds the link from the request, so it points at the live server
    audit("confirm e-mail")
    submit(page)


def test_a_newcomer_signs_up_sets_up_an_organisation_and_a_colleague_joins(
    page, audit, live_server, settings
):
    settings.SITE_URL = live_server.url

    page.goto(live_server.url + "/")
    audit("home")
    page.get_by_role("button", name="Start now").click()
    sign_up(page, audit, "maya@harbour.example")

    # Verified and signed in: a new supplier is asked to set up the organisation.
    page.wait_for_url(re.compile("/organisations/new/"))
    audit("organisation form")
    submit(page)  # an empty form: errors, nothing lost
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("organisation form with errors")
    page.fill("input[name=legal_name]", "Harbour Mentoring CIO")
    page.check("input[name=legal_form][value=cio]")
    page.fill("input[name=charity_number]", "1190000")
    page.check("input[name=is_vcse][value=True]")
    page.check("input[name=size_band][value=micro]")
    page.check("input[name=intent][value=framework]")
    page.fill("input[name=address_line_1]", "1 Harbour Road")
    page.fill("input[name=town]", "Plymouth")
    page.fill("input[name=postcode]", "PL1 2AA")
    page.fill("input[name=contact_name]", "Maya Jones")
    page.fill("input[name=contact_phone]", "01752 000000")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    audit("organisation page")
    organisation = Organisation.objects.get(legal_name="Harbour Mentoring CIO")

    page.get_by_role("link", name="Invite a colleague").click()
    audit("invite form")
    page.fill("input[name=email]", "owen@harbour.example")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    expect(page.get_by_text("owen@harbour.example").first).to_be_visible()
    invitation_link = link_from_last_email("owen@harbour.example", "/invitations/")

    # The colleague, in a fresh browser session, follows the link and creates an account.
    page.context.clear_cookies()
    page.goto(invitation_link)
    audit("invitation start")
    page.get_by_role("button", name="Create an account").click()
    sign_up(page, audit, "owen@harbour.example")
    page.wait_for_url(re.compile("/invitations/"))
    audit("accept invitation")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    audit("organisation page as the new colleague")
    assert Membership.objects.get(user__email="owen@harbour.example").organisation == organisation


def current_totp_code(user) -> str:
    secret = user.authenticator_set.get(type="totp").data["secret"]
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_a_commissioner_signs_in_with_a_code_from_their_authenticator_app(page, audit, live_server, carol):
    page.goto(live_server.url + "/accounts/login/")
    audit("sign in")
    page.fill("input[name=login]", carol.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    page.wait_for_url(re.compile("/accounts/2fa/authenticate/"))
    audit("enter the code")
    page.fill("input[name=code]", current_totp_code(carol))
    submit(page)
    page.wait_for_url(re.compile("/dashboard/"))
    audit("commissioner dashboard")
    expect(page.get_by_text("North East").first).to_be_visible()


def test_an_admin_removes_a_colleague_who_then_resets_a_forgotten_password(
    page, context, audit, live_server, alice, bob
):
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + f"/organisations/{alice.membership.organisation_id}/")
    page.get_by_role("link", name="Remove bob@alpha.example").click()
    audit("confirm removal")
    page.get_by_role("button", name="Remove colleague").click()
    audit("colleague removed")
    assert not Membership.objects.filter(user=bob).exists()

    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/password/reset/")
    audit("forgotten password")
    page.fill("input[name=email]", bob.email)
    submit(page)
    audit("reset e-mail sent")
    page.goto(link_from_last_email(bob.email, "/accounts/password/reset/key/"))
    audit("choose a new password")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    submit(page)
    audit("password changed")
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
