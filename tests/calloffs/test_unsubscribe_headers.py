"""Every alert e-mail carries its reader's one-click unsubscribe link in the List-Unsubscribe headers
(RFC 2369, RFC 8058), as sent to a real SMTP server; a mail program's one-click POST, with no CSRF token
and no sign-in, turns the e-mails off. E-mails that are not alerts carry no such header."""

from email import message_from_string, policy

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from calloffs import alerts
from calloffs.services import competitions
from portal import alerts as portal_alerts
from portal import emails
from portal import services as portal_services
from portal.models import AlertPreference, Delivery
from tests.calloffs import factories as f
from tests.portal.test_delivery_worker import Mailbox, smtp_server
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db


def test_an_alert_e_mail_as_sent_carries_the_readers_one_click_unsubscribe_headers(
    carol, organisation_a, alice, bob, settings, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    competition = f.publishable_competition(carol)
    mailbox = Mailbox()
    with smtp_server(mailbox) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        with django_capture_on_commit_callbacks(execute=True):
            competitions.competition_publish(competition=competition, user=carol)
        with django_capture_on_commit_callbacks(execute=True):
            alerts.competition_published_alerts_send(competition_id=competition.pk)

    received = [message_from_string(text, policy=policy.default) for text in mailbox.received]
    sent = {message["To"]: message for message in received}
    assert sorted(sent) == sorted([alice.email, bob.email])
    for person in (alice, bob):
        headers = sent[person.email]
        # A long header is folded onto a second line; the value is what follows the whitespace.
        assert unsubscribes(headers["List-Unsubscribe"].strip()) == person
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribes(Delivery.objects.get(address=bob.email).headers["List-Unsubscribe"]) == bob


def unsubscribes(header: str):
    """The person whose e-mails the header's link turns off (the signed token carries its time, so it is
    compared by whom it names)."""
    prefix = f"<{settings.SITE_URL}/opportunities/unsubscribe/"
    assert header.startswith(prefix) and header.endswith("/>"), header
    return portal_alerts.user_for_unsubscribe_token(header.removeprefix(prefix).removesuffix("/>"))


def test_the_daily_summary_carries_the_headers_too(
    carol, organisation_a, alice, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    preference = AlertPreference.objects.create(user=alice, frequency=AlertPreference.Frequency.DAILY)
    competition = f.publishable_competition(carol)
    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_publish(competition=competition, user=carol)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        portal_alerts.digest_send(preference=preference)
    (summary,) = mail.outbox
    assert unsubscribes(summary.message()["List-Unsubscribe"]) == alice


def test_other_e_mails_carry_no_unsubscribe_header(organisation_a, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        portal_services.invitation_create(
            organisation=organisation_a, invited_by=alice, email="new@alpha.example", as_admin=False
        )
    (invitation,) = mail.outbox
    assert invitation.message()["List-Unsubscribe"] is None


def test_a_message_may_add_headers_for_each_reader(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    def personal(user_id: int):
        return (
            None
            if user_id == bob.pk
            else emails.Personal(text="\n\nYours.", headers={"X-Reader": str(user_id)})
        )

    with django_capture_on_commit_callbacks(execute=True):
        portal_services.message_send(
            kind="test_notice",
            source="tests:headers",
            context={"subject": "Hello", "text": "Once."},
            organisation=organisation_a,
            personal=personal,
        )
    (email,) = mail.outbox
    assert email.to == [alice.email] and email.message()["X-Reader"] == str(alice.pk)
    assert "Yours." in email.body


def test_a_mail_programs_one_click_post_unsubscribes_without_a_csrf_token(bob):
    client = Client(enforce_csrf_checks=True)
    url = reverse("calloffs:alerts_unsubscribe", args=[portal_alerts.unsubscribe_token(bob.pk)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert AlertPreference.objects.get(user=bob).frequency == AlertPreference.Frequency.NEVER


def test_a_changed_link_unsubscribes_nobody(bob):
    client = Client(enforce_csrf_checks=True)
    token = portal_alerts.unsubscribe_token(bob.pk)
    response = client.post(reverse("calloffs:alerts_unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert not AlertPreference.objects.filter(user=bob).exists()


def test_the_unsubscribe_page_still_asks_first_on_a_plain_get(client, bob):
    url = reverse("calloffs:alerts_unsubscribe", args=[portal_alerts.unsubscribe_token(bob.pk)])
    response = client.get(url)
    assert response.status_code == 200 and b"Stop these e-mails" in response.content
    assert not AlertPreference.objects.filter(user=bob).exists()
