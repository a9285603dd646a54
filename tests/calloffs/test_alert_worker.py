"""Opportunity alerts against the real thing: a Celery worker in its own process, Redis, PostgreSQL and an
SMTP server, as in production (see tests/portal/test_delivery_worker.py, whose fixtures these tests use;
they need DATABASE_URL and REDIS_URL)."""

from __future__ import annotations

import time

import pytest

from calloffs import alerts, services
from calloffs import tasks as calloff_tasks
from portal.models import Delivery, Message
from tests.calloffs import factories as f
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
        services.competition_publish(competition=competition, user=carol)  # queues the fan-out on commit
        wait_for(lambda: len(mailbox.received) == 2, what="the alert e-mails to alice and bob")

        calloff_tasks.competition_published_alerts_send.delay(competition.pk)  # the fan-out, again
        time.sleep(3)  # anything sent twice would arrive now

    assert alerts.alerted_organisation_ids(competition) == [organisation_a.pk]
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1
    addresses = sorted(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True))
    assert addresses == sorted([alice.email, bob.email])
    assert len(mailbox.received) == 2
    assert all(
        competition.title in email and "/opportunities/unsubscribe/" in email for email in mailbox.received
    )
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 0
