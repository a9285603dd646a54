"""Numbers shown to people come from the settings and constants that enforce them: change the rule and
every page and e-mail that states it changes with it."""

import pytest
from django.core import mail
from django.urls import reverse

from portal import services as portal_services
from suppliers import retry
from suppliers import services as supplier_services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_rules(settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = 45 * 60
    settings.PASSWORD_RESET_TIMEOUT = 5 * 24 * 60 * 60
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 4
    settings.MFA_TOTP_DIGITS = 8
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    monkeypatch.setattr(portal_services, "INVITATION_LIFETIME", portal_services.timedelta(days=9))
    monkeypatch.setattr(retry, "ATTEMPTS", 4)
    monkeypatch.setattr(retry, "WAIT_MONTHS", 5)
    monkeypatch.setattr(supplier_services, "CYBER_REMINDER_DAYS", 21)


def text(response, status: int = 200) -> str:
    assert response.status_code == status
    return " ".join(response.content.decode().split())


def test_the_public_pages(client, changed_rules):
    how = text(client.get(reverse("portal:how_qualification_works")))
    assert "you have 3 more attempts" in how
    assert "If 4 applications in a row are unsuccessful, you must wait 5 months" in how
    assert "if that outcome is on 10 March, you can apply again from 10 August" in how
    assert "We will remind you 21 days before your certificate expires" in how
    assert "six months" not in how and "third application" not in how
    assert "After 45 minutes without activity" in text(client.get(reverse("portal:cookies")))
    assert "Use at least 12 characters" in text(client.get(reverse("account_signup")))


def test_the_qualification_page(client, alice, changed_rules):
    client.force_login(alice)
    page = text(client.get(reverse("suppliers:qualification_status")))
    assert "If 4 applications in a row are unsuccessful, you must wait 5 months" in page


def test_a_dead_invitation_link(client, changed_rules):
    assert "links work for 9 days" in text(
        client.get(reverse("portal:invitation_accept", args=["nope"])), 404
    )


def test_the_sign_in_code_and_the_e_mailed_links(
    client, bob, carol, changed_rules, django_capture_on_commit_callbacks
):
    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    assert "It shows a 8-digit code" in text(client.get(reverse("mfa_authenticate")))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": bob.email})
    assert "The link works for 5 days and only once" in mail.outbox[-1].body
