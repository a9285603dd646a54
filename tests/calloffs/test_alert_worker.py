"""Opportunity alerts against the real thing: a Celery worker in its own process, Redis, PostgreSQL and an
SMTP server, as in production (see tests/portal/test_delivery_worker.py, whose fixtures these tests use;
they need DATABASE_URL and REDIS_URL)."""

from __future__ import annotations

import signal
import time

import psycopg
import pytest
from django.db import connection

from bench.patience import patience
from calloffs import alerts
from calloffs import tasks as calloff_tasks
from calloffs.services import competitions
from portal import tasks as portal_tasks
from portal.models import Delivery, Message, Organisation, source_key
from tests.calloffs import factories as f
from tests.factories import MembershipFactory
from tests.portal.test_delivery_worker import (  # noqa: F401 - fixtures
    Mailbox,
    database_url,
    publishing_to,
    shared_redis,
    smtp_server,
    wait_for,
    workers,
)
from tests.suppliers.test_standing import standing_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def waiting_on_a_lock() -> bool:
    """Another session of this database (the worker's) is waiting for a lock this test holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_publishing_alerts_exactly_the_eligible_organisations_once(
    transactional_db,  # which gives back the reference data an earlier transactional test emptied
    carol,
    organisation_a,
    alice,
    bob,
    organisation_b,
    bea,
    workers,  # noqa: F811 - the imported fixture
    shared_redis,  # noqa: F811
):
    standing_for(organisation_a, regions=("north-east",))
    standing_for(organisation_b, regions=("london",))  # qualified, but not where the lot is
    competition = f.publishable_competition(carol)
    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port, publishing_to(shared_redis):
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        competitions.competition_publish(competition=competition, user=carol)  # queues the fan-out on commit
        wait_for(lambda: len(mailbox.received) == 2, what="the alert e-mails to alice and bob")

        calloff_tasks.competition_published_alerts_send.delay(competition.pk)  # the fan-out, again
        time.sleep(patience(3))  # anything sent twice would arrive now

    assert alerts.alerted_organisation_ids(competition) == [organisation_a.pk]
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1
    addresses = sorted(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True))
    assert addresses == sorted([alice.email, bob.email])
    assert len(mailbox.received) == 2
    assert all(
        competition.title in email and "/opportunities/unsubscribe/" in email for email in mailbox.received
    )
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 0


@pytest.mark.parametrize("stopped", ["before_the_commit", "in_the_commit"])
def test_a_worker_killed_in_the_middle_of_the_fan_out_leaves_each_organisation_one_message(
    stopped,
    transactional_db,
    carol,
    organisation_a,
    alice,
    bob,
    workers,  # noqa: F811
    shared_redis,  # noqa: F811
    database_url,  # noqa: F811
    settings,
):
    """The worker fans out in batches of three (tests/calloffs/worker_settings.py) and is stopped in the
    third, after two have committed, by a transaction this test holds open, then killed (SIGKILL) there:

    - before the commit: this test has written, uncommitted, the eighth organisation's message, so the
      worker's insert waits for it; the killed worker's batch is rolled back;
    - in the commit: this test has locked the eighth organisation's row, which the worker's commit needs
      (Django's foreign keys are checked at commit), so its COMMIT waits; the batch commits once the lock
      goes, but the e-mails it was to queue after the commit never are (the worker is dead).

    Another worker and the beat's safety nets (the alerts' recheck, the outbox's requeue) then send what
    is missing, and nothing twice."""
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 0
    standing_for(organisation_a, regions=("north-east",))
    for _ in range(11):
        standing_for(MembershipFactory().organisation, regions=("north-east",))
    eligible = sorted(Organisation.objects.values_list("pk", flat=True))
    assert len(eligible) == 12
    addresses = sorted(
        Organisation.objects.filter(pk__in=eligible).values_list("memberships__user__email", flat=True)
    )
    assert len(addresses) == 13  # alice and bob share organisation A
    competition = f.publishable_competition(carol)
    settings_env = {"DJANGO_SETTINGS_MODULE": "tests.calloffs.worker_settings"}
    mailbox = Mailbox()
    with (
        smtp_server(mailbox) as smtp_port,
        publishing_to(shared_redis),
        psycopg.connect(database_url) as blocker,
    ):
        if stopped == "before_the_commit":
            blocker.execute(
                "INSERT INTO portal_message"
                " (kind, source, subject, body, created_at, recipient_organisation_id)"
                " VALUES (%s, %s, 'Held', 'Held', now(), %s)",
                [alerts.PUBLISHED, source_key(competition), eligible[7]],
            )
        else:
            blocker.execute("SELECT 1 FROM portal_organisation WHERE id = %s FOR UPDATE", [eligible[7]])
        first = workers.start(broker=shared_redis, smtp_port=smtp_port, extra_env=settings_env)
        competitions.competition_publish(competition=competition, user=carol)
        wait_for(lambda: Message.objects.filter(kind=alerts.PUBLISHED).count() == 6, what="two batches")
        wait_for(waiting_on_a_lock, what="the worker to wait for this test's transaction, in the third batch")
        assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 6
        first.send_signal(signal.SIGKILL)
        first.wait(patience(10))
        blocker.rollback()
        published = Message.objects.filter(kind=alerts.PUBLISHED)
        if stopped == "in_the_commit":  # the held COMMIT goes through, with no worker left to queue e-mails
            wait_for(lambda: published.count() == 9, timeout=10, what="the held commit")
        else:
            time.sleep(patience(1))
            assert published.count() == 6  # the killed worker's batch was rolled back

        workers.start(broker=shared_redis, smtp_port=smtp_port, extra_env=settings_env)
        assert calloff_tasks.alerts_recheck() >= 1  # the beat's safety net queues the fan-out again
        portal_tasks.deliveries_requeue()  # the outbox's safety net: e-mails whose queuing died with it
        wait_for(
            lambda: Delivery.objects.filter(kind=alerts.PUBLISHED, status=Delivery.Status.SENT).count() == 13,
            what="every member's alert e-mail",
        )
        calloff_tasks.alerts_recheck()  # and again: nothing is missing now
        portal_tasks.deliveries_requeue()
        time.sleep(patience(3))  # anything sent twice would arrive now

    assert sorted(alerts.alerted_organisation_ids(competition)) == eligible
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 12
    delivered = sorted(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True))
    assert delivered == addresses
    assert len(mailbox.received) == 13
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 0
