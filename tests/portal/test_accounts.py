"""The account rules (django-allauth, configured in portal/settings.py) and the GOV.UK account pages.

Sign-up makes a supplier whose e-mail address must be confirmed before they can sign in; five wrong
passwords lock an account; sessions end after 30 minutes without a request; commissioners and MoJ admins
must use an authenticator app.
"""

import re
import time
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from portal.models import User
from tests.factories import PASSWORD, CommissionerFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-orchard-quietly-41"
PERSONA_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # tests/conftest.py gives the staff personas this secret


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """E-mail goes out through Celery after the transaction commits: `with sending(): ...` sends it."""

    def context():
        return django_capture_on_commit_callbacks(execute=True)

    return context


def sign_up(client: Client, sending, email: str = "sam@newcharity.example"):
    with sending():
        return client.post(
            reverse("account_signup"), {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def link_in(message) -> str:
    """The path of the only link in an e-mail."""
    (url,) = re.findall(r"https?://\S+", message.body)
    return urlsplit(url).path


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth's own algorithm, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# Sign-up and e-mail verification


def test_sign_up_makes_a_supplier_who_must_confirm_their_address_before_signing_in(client, sending):
    response = sign_up(client, sending)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="sam@newcharity.example")
    assert user.role == User.Role.SUPPLIER
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@newcharity.example"]
    assert "Confirm your e-mail address" in mail.outbox[0].subject
    confirm_path = link_in(mail.outbox[0])

    # Until the address is confirmed, the right password does not sign them in.
    other_browser = Client()
    with sending():
        response = sign_in(other_browser, "sam@newcharity.example", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(other_browser) is None
    assert other_browser.get(reverse("portal:dashboard")).status_code == 302

    # The link from the e-mail asks them to confirm (a GET changes nothing), then confirming signs them in.
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert "Confirm your e-mail address" in response.content.decode()
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)
    # A new supplier goes on to set up their organisation.
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse(
        "portal:organisation_create"
    )


def test_after_confirming_the_address_the_password_signs_in(client, sending):
    sign_up(client, sending)
    confirm_path = link_in(mail.outbox[0])
    Client().post(confirm_path)  # confirmed in a browser that then closes

    other_browser = Client()
    response = sign_in(other_browser, "sam@newcharity.example", NEW_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(other_browser) == str(User.objects.get(email="sam@newcharity.example").pk)


def test_a_confirmation_link_that_does_not_work_says_so(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_sign_up_with_a_password_that_is_too_short_is_refused(client, sending):
    with sending():
        response = client.post(
            reverse("account_signup"),
            {"email": "sam@newcharity.example", "password1": "short", "password2": "short"},
        )

    assert response.status_code == 200
    assert not User.objects.filter(email="sam@newcharity.example").exists()
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_password1"' in page
    assert 'value="sam@newcharity.example"' in page
    assert mail.outbox == []


# Signing in


def test_the_right_password_signs_in_with_a_new_session_key(client, bob):
    before = client.session.session_key

    response = sign_in(client, bob.email)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(bob.pk)
    assert client.session.session_key != before
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_wrong_password_is_refused_and_not_shown_again(client, bob):
    response = sign_in(client, bob.email, "not-the-password")

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The e-mail address or password is not correct" in page
    assert "not-the-password" not in page


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, bob, alice):
    for _ in range(5):
        response = sign_in(client, bob.email, "not-the-password")
        assert "The e-mail address or password is not correct" in response.content.decode()

    response = sign_in(client, bob.email, PASSWORD)

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Too many failed login attempts. Try again later." in page
    # The lock is on that account, not on everyone signing in from the same place.
    assert sign_in(Client(), alice.email).status_code == 302


def test_the_lock_lasts_15_minutes(client, bob):
    with freeze_time() as clock:
        for _ in range(5):
            sign_in(client, bob.email, "not-the-password")
        clock.tick(timedelta(minutes=14))
        assert "Too many failed login attempts" in sign_in(client, bob.email).content.decode()
        assert signed_in_user_id(client) is None

        clock.tick(timedelta(minutes=2))
        response = sign_in(client, bob.email)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(bob.pk)


def test_an_empty_sign_in_form_shows_the_error_summary(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_login">Enter your e-mail address</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert '<span class="govuk-visually-hidden">Error:</span>' in page
    assert 'aria-describedby="id_login-error"' in page


def test_a_sign_in_form_with_an_error_keeps_the_typed_email_address(client):
    response = client.post(reverse("account_login"), {"login": "bob@alpha.example", "password": ""})

    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="bob@alpha.example"' in page


# Sessions


def test_sessions_last_30_minutes_from_the_last_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Not saved on every request: refreshed at most once a minute (tests/portal/test_session_refresh.py).
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert "portal.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def test_a_session_ends_after_30_minutes_without_a_request(client, bob):
    dashboard = reverse("portal:dashboard")
    with freeze_time() as clock:
        sign_in(client, bob.email)
        clock.tick(timedelta(minutes=29))
        assert client.get(dashboard).status_code == 200
        clock.tick(timedelta(minutes=29))  # 58 minutes after signing in, but only 29 since the last request
        assert client.get(dashboard).status_code == 200

        clock.tick(timedelta(minutes=31))
        response = client.get(dashboard)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_expired_session_sends_the_user_to_sign_in(client, bob):
    sign_in(client, bob.email)
    session = client.session
    session.set_expiry(-1)
    session.save()

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# Two-factor authentication for staff


@pytest.mark.parametrize("path", ["/dashboard/", "/admin/"])
def test_a_commissioner_without_an_authenticator_app_is_sent_to_set_one_up(client, path):
    commissioner = CommissionerFactory()
    sign_in(client, commissioner.email)
    assert signed_in_user_id(client) == str(commissioner.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def start_setting_up_an_authenticator_app(client: Client) -> None:
    """allauth asks for the password again before it changes how someone signs in."""
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    check_govuk_page(client.get(response.url))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == activate


def test_a_commissioner_sets_up_an_authenticator_app_and_can_then_use_the_portal(client):
    commissioner = CommissionerFactory()
    sign_in(client, commissioner.email)
    start_setting_up_an_authenticator_app(client)

    with freeze_time():
        response = client.get(reverse("mfa_activate_totp"))
        check_govuk_page(response)
        page = response.content.decode()
        secret = client.session["mfa.totp.secret"]
        assert '<img src="data:image/svg+xml;base64,' in page
        assert 'alt="QR code for your authenticator app.' in page
        assert secret in page  # the key, for people who cannot scan the QR code
        assert 'autocomplete="one-time-code"' in page
        assert 'inputmode="numeric"' in page

        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=commissioner, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_wrong_code_does_not_set_up_the_authenticator_app(client):
    commissioner = CommissionerFactory()
    sign_in(client, commissioner.email)
    start_setting_up_an_authenticator_app(client)
    with freeze_time():
        client.get(reverse("mfa_activate_totp"))
        right = totp_code(client.session["mfa.totp.secret"])
        response = client.post(
            reverse("mfa_activate_totp"), {"code": "000000" if right != "000000" else "111111"}
        )

    assert "There is a problem" in check_govuk_page(response)
    assert not Authenticator.objects.filter(user=commissioner).exists()


def test_a_commissioner_with_an_authenticator_app_needs_a_code_after_the_password(client, carol):
    with freeze_time():
        response = sign_in(client, carol.email)

        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        assert signed_in_user_id(client) is None
        page = client.get(reverse("mfa_authenticate")).content.decode()
        assert "Enter the code from your authenticator app" in page
        assert 'autocomplete="one-time-code"' in page

        right = totp_code(PERSONA_TOTP_SECRET)
        wrong = "000000" if right != "000000" else "111111"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
        assert "The code is not correct" in response.content.decode()
        assert signed_in_user_id(client) is None

        response = client.post(reverse("mfa_authenticate"), {"code": right})

    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert signed_in_user_id(client) == str(carol.pk)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_staff_cannot_turn_off_their_authenticator_app(client, carol):
    client.force_login(carol)

    response = client.get(reverse("mfa_index"))

    assert response.status_code == 200
    assert reverse("mfa_deactivate_totp") not in response.content.decode()


# Password reset


def test_the_password_reset_link_lets_you_set_a_new_password(client, bob, sending):
    with sending():
        response = client.post(reverse("account_reset_password"), {"email": bob.email})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.email]
    reset_path = link_in(mail.outbox[0])

    response = client.get(reset_path, follow=True)
    assert response.status_code == 200
    assert "Create a new password" in response.content.decode()
    form_path = response.request["PATH_INFO"]

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
    assert sign_in(Client(), bob.email, PASSWORD).status_code == 200  # the old password no longer works
    assert sign_in(Client(), bob.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    assert "This link does not work" in Client().get(reset_path, follow=True).content.decode()


def test_a_password_reset_for_an_unknown_address_gives_nothing_away(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.example"})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


# The pages


class PageChecker(HTMLParser):
    """Collects what the GOV.UK checks below need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.h1s = 0
        self.label_fors: set[str] = set()
        self.input_ids: list[str] = []
        self.ids: list[str] = []
        self.described_by: set[str] = set()
        self.styles = 0
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "style" in attributes:
            self.styles += 1
        self.described_by.update((attributes.get("aria-describedby") or "").split())
        if tag == "h1":
            self.h1s += 1
        elif tag == "label":
            self.label_fors.add(attributes.get("for", ""))
        elif tag in {"input", "textarea", "select"} and attributes.get("type") != "hidden":
            self.input_ids.append(attributes.get("id", ""))
        elif tag == "script" and "src" not in attributes:
            self.inline_scripts += 1


def check_govuk_page(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    checker = PageChecker()
    checker.feed(page)
    assert 'class="govuk-' in page
    assert checker.h1s == 1
    assert set(checker.input_ids) <= checker.label_fors, "every input has a label"
    assert checker.label_fors | checker.described_by <= set(checker.ids), "labels and hints point at ids"
    assert len(checker.ids) == len(set(checker.ids)), "ids are unique"
    assert checker.styles == 0
    assert checker.inline_scripts == 1  # base.html's js-enabled line, allowed by its hash in the CSP
    return page


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"]
)
def test_the_signed_out_account_pages_are_govuk_pages(client, url_name):
    check_govuk_page(client.get(reverse(url_name)))


@pytest.mark.parametrize(
    "url_name", ["account_email", "account_change_password", "mfa_index", "account_logout"]
)
@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_the_signed_in_account_pages_are_govuk_pages(client, url_name, persona, request):
    client.force_login(request.getfixturevalue(persona))
    check_govuk_page(client.get(reverse(url_name)))


def test_the_sign_in_page_asks_for_the_email_address_and_password(client):
    page = check_govuk_page(client.get(reverse("account_login")))

    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert 'type="email"' in page
    assert 'autocomplete="email"' in page
    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert "Forgotten your password?" in page
    assert reverse("account_signup") in page


def test_the_sign_out_page_has_a_sign_out_button(client, bob):
    client.force_login(bob)

    page = check_govuk_page(client.get(reverse("account_logout")))

    assert "Sign out</button>" in page


def test_the_pages_during_sign_up_are_govuk_pages(client, sending):
    sign_up(client, sending)
    page = check_govuk_page(client.get(reverse("account_email_verification_sent")))
    assert "Check your e-mail" in page
    assert "3 days" in page
    check_govuk_page(client.get(link_in(mail.outbox[0])))


def test_the_pages_with_errors_are_govuk_pages(client, bob):
    check_govuk_page(client.post(reverse("account_login"), {}))
    check_govuk_page(client.post(reverse("account_signup"), {}))
    check_govuk_page(client.post(reverse("account_reset_password"), {}))
    client.force_login(bob)
    check_govuk_page(client.post(reverse("account_change_password"), {}))
    check_govuk_page(client.post(reverse("account_email"), {"action_add": "", "email": "not-an-address"}))
