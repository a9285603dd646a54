"""The inbox: one service records a message and e-mails it after the change commits."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from portal import services
from portal.celery import app
from portal.emails import message_email_send
from portal.models import Message


@pytest.mark.django_db
def test_message_send_records_the_message_and_emails_every_member(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            organisation=organisation_a, subject="Your outcome", body="You passed."
        )

    assert Message.objects.for_user(bob).get() == message
    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "bob@alpha.example"]
    assert "You passed." in mail.outbox[0].body
    assert f"/messages/{message.pk}/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_email_is_sent_when_the_change_is_rolled_back(organisation_a, alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.message_send(organisation=organisation_a, subject="Never", body="Rolled back")
        raise RuntimeError

    assert not Message.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_retried_task_does_not_email_twice(organisation_a, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(organisation=organisation_a, subject="Once", body="Only once")
    message_email_send(message_id=message.pk)

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_personal_messages_are_not_shown_to_colleagues(alice, bob):
    services.message_send(user=alice, subject="For Alice", body="Personal")

    assert Message.objects.for_user(alice).count() == 1
    assert Message.objects.for_user(bob).count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_celery_worker_sends_the_email(organisation_a, alice, settings):
    """Through the broker in REDIS_URL (Redis in CI), not in-process: the production path."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            message = services.message_send(organisation=organisation_a, subject="Queued", body="Via Redis")
            for _ in range(100):
                message.refresh_from_db()
                if message.emailed_at:
                    break
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True

    assert message.emailed_at is not None
    assert [email.subject for email in mail.outbox] == ["Queued"]
