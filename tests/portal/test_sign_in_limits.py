"""Sign-in limits are on the account first; the client's address comes from the trusted proxies only."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str = PASSWORD, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, headers=headers)


def test_many_failures_against_other_accounts_do_not_lock_out_a_colleague_at_the_same_address(client, bob):
    """Behind a proxy or an office's one address, one person's mistakes must not lock out everyone."""
    for number in range(20):
        sign_in(client, f"someone{number}@example.org", "not-the-password")

    response = sign_in(Client(), bob.email)

    assert response.status_code == 302
    assert "too many" not in response.content.decode().lower()


def test_the_account_is_still_locked_after_five_failures_from_anywhere(bob):
    for number in range(5):
        sign_in(Client(), bob.email, "not-the-password", X_Forwarded_For=f"203.0.113.{number}")

    response = sign_in(Client(), bob.email)

    assert "Too many failed login attempts" in response.content.decode()


PER_ADDRESS_ONLY = {"login_failed": "3/15m/ip"}


@override_settings(ACCOUNT_RATE_LIMITS=PER_ADDRESS_ONLY, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_is_the_one_it_saw(client):
    bob = UserFactory(email="bob@example.org")
    for number in range(3):
        # The left part of X-Forwarded-For is whatever the client sent: it is not trusted.
        sign_in(
            client, f"someone{number}@example.org", "wrong", X_Forwarded_For=f"10.0.0.{number}, 203.0.113.5"
        )

    locked = sign_in(Client(), bob.email, X_Forwarded_For="198.51.100.1, 203.0.113.5")
    elsewhere = sign_in(Client(), bob.email, X_Forwarded_For="203.0.113.9")

    assert "Too many failed login attempts" in locked.content.decode()
    assert elsewhere.status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS=PER_ADDRESS_ONLY, ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(client):
    bob = UserFactory(email="bob@example.org")
    for number in range(3):
        sign_in(client, f"someone{number}@example.org", "wrong", X_Forwarded_For=f"203.0.113.{number}")

    response = sign_in(Client(), bob.email, X_Forwarded_For="198.51.100.1")

    assert "Too many failed login attempts" in response.content.decode()  # same connection address
