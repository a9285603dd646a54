"""Someone else's address added, unconfirmed, to an account never blocks or captures its real owner."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OWNERS_ADDRESS = "owner@charity.example"
NEW_PASSWORD = "lantern-orchard-quietly-41"


@pytest.fixture
def squatted(client, bob, django_capture_on_commit_callbacks):
    """Bob adds the owner's address to his own account; he cannot confirm it."""
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": OWNERS_ADDRESS, "action_add": ""})
    assert EmailAddress.objects.filter(user=bob, email=OWNERS_ADDRESS, verified=False).exists()
    mail.outbox.clear()
    return bob


def links_in(message) -> list[str]:
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]


def test_the_owner_can_still_sign_up_with_their_address(squatted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("account_signup"),
            {"email": OWNERS_ADDRESS, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    assert response.url == reverse("account_email_verification_sent")
    owner = User.objects.get(email=OWNERS_ADDRESS)
    assert [message.to for message in mail.outbox] == [[OWNERS_ADDRESS]]
    assert "Confirm your e-mail address" in mail.outbox[0].subject

    # Confirming it proves the address is theirs: the other account's unconfirmed claim goes.
    client = Client()
    (confirm_path,) = links_in(mail.outbox[0])
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=OWNERS_ADDRESS, verified=True).user == owner
    assert not EmailAddress.objects.filter(user=squatted, email=OWNERS_ADDRESS).exists()


def test_a_password_reset_for_the_address_does_not_lead_into_the_account_that_added_it(
    squatted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("account_reset_password"), {"email": OWNERS_ADDRESS})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[OWNERS_ADDRESS]]
    assert not any("/password/reset/key/" in path for path in links_in(mail.outbox[0]))


def test_a_password_reset_still_works_for_the_address_an_account_signs_in_with(
    bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": bob.email})

    assert any("/password/reset/key/" in path for path in links_in(mail.outbox[0]))


def test_signing_up_with_an_address_an_account_already_uses_still_creates_nothing(
    bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("account_signup"), {"email": bob.email, "password1": PASSWORD, "password2": PASSWORD}
        )

    assert response.url == reverse("account_email_verification_sent")  # the same answer as for a new one
    assert User.objects.filter(email=bob.email).count() == 1
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_a_claim_made_after_sign_up_goes_when_the_owner_confirms(
    client, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            reverse("account_signup"),
            {"email": OWNERS_ADDRESS, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    (confirm_path,) = links_in(mail.outbox[0])
    client.force_login(bob)
    client.post(reverse("account_email"), {"email": OWNERS_ADDRESS, "action_add": ""})
    assert EmailAddress.objects.filter(user=bob, email=OWNERS_ADDRESS).exists()

    Client().post(confirm_path)

    assert EmailAddress.objects.get(email=OWNERS_ADDRESS, verified=True).user.email == OWNERS_ADDRESS
    assert not EmailAddress.objects.filter(user=bob, email=OWNERS_ADDRESS).exists()
