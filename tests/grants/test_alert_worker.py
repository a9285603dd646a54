"""Grant round alerts against the real thing: a Celery worker in its own process, Redis, PostgreSQL and an
SMTP server (the fixtures of tests/portal/test_delivery_worker.py; they need DATABASE_URL and REDIS_URL)."""

from __future__ import annotations

import time

import pytest

from bench.patience import patience
from grants import alerts
from grants import tasks as grants_tasks
from grants.services import rounds
from portal.models import Delivery, Message
from tests.factories import MembershipFactory
from tests.grants import factories as f
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


def test_a_north_east_round_alerts_registered_north_east_organisations_once(
    transactional_db,
    carol,
    ada,
    organisation_a,
    alice,
    bob,
    organisation_b,
    bea,
    workers,  # noqa: F811 - the imported fixture
    shared_redis,  # noqa: F811
):
    f.registered(alice, ada, regions=("north-east",))
    f.registered(bea, ada, regions=("london",))  # registered for grants, elsewhere
    framework_only = MembershipFactory()
    standing_for(framework_only.organisation, regions=("north-east",))  # on the framework only
    grant_round = f.publishable_round(carol)
    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port, publishing_to(shared_redis):
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        rounds.round_publish(user=carol, grant_round=grant_round)  # queues the fan-out on commit
        wait_for(lambda: len(mailbox.received) == 2, what="the alert e-mails to alice and bob")

        grants_tasks.round_opened_alerts_send.delay(grant_round.pk)  # the fan-out, again
        grants_tasks.round_alerts_recheck.delay()  # and the beat's safety net
        time.sleep(patience(3))  # anything sent twice would arrive now

    alerted = Message.objects.filter(kind=alerts.ROUND_OPENED).values_list(
        "recipient_organisation_id", flat=True
    )
    assert list(alerted) == [organisation_a.pk]
    addresses = sorted(Delivery.objects.filter(kind=alerts.ROUND_OPENED).values_list("address", flat=True))
    assert addresses == sorted([alice.email, bob.email])
    assert len(mailbox.received) == 2
    assert all(
        grant_round.title in email and "/opportunities/unsubscribe/" in email for email in mailbox.received
    )
