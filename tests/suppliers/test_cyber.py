"""Cyber certificates: the portal tracks each organisation's expiry date and reminds it once.

The certificate is read from the organisation's standing, written when its application is decided."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import Message
from suppliers import selectors, services
from suppliers.models import CyberReminder
from tests.suppliers.factories import complete_application, decide, submitted_application

pytestmark = pytest.mark.django_db

EXPIRY = timezone.localdate() + timedelta(days=45)
CERTIFICATE = {"level": "cyber_essentials_plus", "certificate_number": "CEP-9", "expiry_date": EXPIRY}


def test_a_certificate_is_expiring_from_thirty_days_before_until_its_expiry(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)

    def expiring(days_before):
        return selectors.cyber_certificates_expiring(today=EXPIRY - timedelta(days=days_before))

    assert expiring(31) == []
    assert [c.expiry_date for c in expiring(30)] == [EXPIRY]
    assert [c.certificate_number for c in expiring(0)] == ["CEP-9"]
    assert expiring(-1) == []


def test_only_the_latest_decided_version_counts(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    renewed = {**CERTIFICATE, "expiry_date": EXPIRY + timedelta(days=365)}
    decide(submitted_application(organisation_a, alice, cyber=renewed), ada)
    complete_application(organisation_a, alice, cyber={"level": "none"})  # a draft: not sent yet

    assert [c.expiry_date for c in selectors.cyber_certificates()] == [EXPIRY + timedelta(days=365)]


def test_no_certificate_means_no_reminder(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber={"level": "none"}), ada)

    assert selectors.cyber_certificates() == []


def test_the_reminder_is_sent_once_thirty_days_before(
    organisation_a, alice, bob, ada, django_capture_on_commit_callbacks
):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=31)) == 0
        assert services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=30)) == 1
        assert services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=30)) == 0
        assert services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=29)) == 0

    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "bob@alpha.example"]
    assert "Cyber Essentials Plus" in mail.outbox[0].subject
    assert CyberReminder.objects.get().expiry_date == EXPIRY
    assert Message.objects.filter(subject__contains="expires").count() == 1


def test_a_certificate_first_seen_inside_the_thirty_days_is_reminded_then(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)

    assert services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=10)) == 1


def test_a_second_worker_cannot_claim_the_same_reminder(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    [certificate] = selectors.cyber_certificates()

    assert services._cyber_reminder_send(certificate) is True
    assert services._cyber_reminder_send(certificate) is False
    assert Message.objects.filter(subject__contains="expires").count() == 1


def test_a_renewed_certificate_gets_its_own_reminder(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    services.cyber_expiry_reminders_send(today=EXPIRY - timedelta(days=30))
    renewed_expiry = EXPIRY + timedelta(days=365)
    renewed = {**CERTIFICATE, "expiry_date": renewed_expiry}
    decide(submitted_application(organisation_a, alice, cyber=renewed), ada)

    assert services.cyber_expiry_reminders_send(today=renewed_expiry - timedelta(days=30)) == 1
    assert CyberReminder.objects.count() == 2
