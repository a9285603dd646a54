"""Decision clocks' reminders against the real thing (issue 22, docs/adr/0020): the three beat tasks run by
two Celery workers at once, each queued three times, against Redis, PostgreSQL and an SMTP server; every
responsible person gets each reminder once. Uses the fixtures of tests/portal/test_delivery_worker.py
(needs DATABASE_URL and REDIS_URL)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.patience import patience
from calloffs import tasks as calloff_tasks
from calloffs.models import ClarificationQuestion
from calloffs.services import clarifications
from grants import tasks as grants_tasks
from grants.models import Registration
from portal.models import Delivery, Message
from suppliers import tasks as supplier_tasks
from suppliers.models import Application
from tests.calloffs import factories as f
from tests.factories import AdminFactory
from tests.grants.factories import sent_registration
from tests.portal.test_delivery_worker import (  # noqa: F401 - fixtures
    Mailbox,
    database_url,
    publishing_to,
    shared_redis,
    smtp_server,
    wait_for,
    workers,
)
from tests.suppliers.factories import submitted_application

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KINDS = ("sq_decision_overdue", "grants_registration_decision_overdue", "clarification_answer_overdue")


def test_two_workers_running_the_reminder_tasks_three_times_send_each_reminder_once(
    transactional_db,  # which gives back the reference data an earlier transactional test emptied
    organisation_a,
    alice,
    organisation_b,
    bea,
    ada,
    carol,
    workers,  # noqa: F811 - the imported fixture
    shared_redis,  # noqa: F811
):
    second_admin = AdminFactory(email="abe@justice.example")
    overdue = timezone.now() - timedelta(hours=1)
    application = submitted_application(organisation_a, alice)
    Application.objects.filter(pk=application.pk).update(decide_by=overdue)
    registration = sent_registration(bea)
    Registration.objects.filter(pk=registration.pk).update(decide_by=overdue)
    competition = f.live_competition(carol)
    question = clarifications.clarification_ask(competition=competition, user=alice, question="May we?")
    ClarificationQuestion.objects.filter(pk=question.pk).update(answer_by=overdue)
    expected = {ada.email: 2, second_admin.email: 2, carol.email: 1}  # what each person is reminded of

    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port, publishing_to(shared_redis):
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        for _ in range(3):
            supplier_tasks.decision_reminders_send.delay()
            grants_tasks.decision_reminders_send.delay()
            calloff_tasks.clarification_answer_reminders_send.delay()
        wait_for(lambda: len(mailbox.received) >= 5, timeout=90, what="the five reminder e-mails")
        time.sleep(patience(3))  # anything sent twice would arrive now

    assert len(mailbox.received) == 5
    for kind in KINDS:
        assert Message.objects.filter(kind=kind).count() == (1 if kind.startswith("clarification") else 2)
    sent = Delivery.objects.filter(kind__in=KINDS, status=Delivery.Status.SENT)
    assert {address: sent.filter(address=address).count() for address in expected} == expected
