"""Opportunity alerts recover from faults within a minute (issue 18 §4), against the real thing: Redis, a
Celery worker and beat in their own processes, PostgreSQL and an SMTP server (the fixtures of
tests/portal/test_delivery_worker.py; they need DATABASE_URL and REDIS_URL).

"Redis down" is a Redis address nobody listens on, for this process's broker and page cache; the shared
Redis server is never stopped. Every wait is on an event (a row, an e-mail, an empty queue), with a
deadline worked out from the setting it waits for.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.urls import reverse

from calloffs import alerts
from calloffs.models import Competition
from calloffs.services import competitions
from portal import page_cache
from portal.emails import deliveries_requeue
from portal.models import Delivery, Message, Organisation, source_key
from portal.tasks import deliveries_dispatch
from tests.calloffs import factories as f
from tests.factories import MembershipFactory
from tests.portal.test_delivery_worker import (  # noqa: F401 - fixtures
    ROOT,
    Mailbox,
    database_url,
    free_port,
    publishing_to,
    shared_redis,
    smtp_server,
    wait_for,
    workers,
)
from tests.suppliers.test_standing import standing_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MINUTE_RECHECK = django_settings.CELERY_BEAT_SCHEDULE["opportunity-alerts-recheck-unsent"]["schedule"]
VISIBILITY_TIMEOUT = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
RESTORE_SWEEP = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"]
WORK = 60  # seconds allowed for the work itself (a fan-out, its e-mails), on a busy machine


def nobody_listening() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def broker_idle(broker: str) -> bool:
    """Nothing queued and nothing taken but unacknowledged: any task that could send twice has run."""
    client = redis.Redis.from_url(broker)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.fixture
def beat(database_url, tmp_path) -> Iterator:  # noqa: F811
    """`celery -A portal beat` with the production schedule, started by `beat(broker=...)`."""
    processes: list[subprocess.Popen] = []

    def start(*, broker: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "tests-only-not-a-secret",
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        log = tmp_path / "beat.log"
        command = [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"]
        command += ["-s", str(tmp_path / "beat-schedule")]
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        processes.append(process)
        wait_for(
            lambda: "beat: Starting" in log.read_text(errors="replace"), timeout=60, what=f"beat ({log})"
        )
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)


def test_publishing_with_redis_down_shows_success_and_the_alerts_go_within_a_minute_of_it_coming_back(
    transactional_db,
    client,
    carol,
    organisation_a,
    alice,
    bob,
    workers,  # noqa: F811
    beat,
    shared_redis,  # noqa: F811
    monkeypatch,
):
    standing_for(organisation_a, regions=("north-east",))
    competition = f.publishable_competition(carol)
    client.force_login(carol)
    down = nobody_listening()
    monkeypatch.setattr(page_cache, "cache", RedisCache(down, {}))
    with publishing_to(down):
        response = client.post(reverse("calloffs:competition_publish", args=[competition.pk]))
    assert response.status_code == 302, response.content.decode()[:500]
    assert "Competition published" in client.get(response.url).content.decode()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.LIVE
    assert not Message.objects.filter(kind=alerts.PUBLISHED).exists()  # nothing could be queued

    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port:  # Redis is back: the worker and the beat use it
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        beat(broker=shared_redis)
        wait_for(
            lambda: len(mailbox.received) == 2,
            timeout=MINUTE_RECHECK + WORK,
            what="the alert e-mails to alice and bob, sent by the minute's recheck",
        )
        wait_for(lambda: broker_idle(shared_redis), timeout=WORK, what="the queue to empty")

    assert alerts.alerted_organisation_ids(competition) == [organisation_a.pk]
    assert sorted(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True)) == sorted(
        [alice.email, bob.email]
    )
    assert len(mailbox.received) == 2
    assert all(competition.title in email for email in mailbox.received)


TAKEN_BACK_AFTER_SECONDS = 20  # the e-mail lease, shortened as bench/drill.py shortens it


def every_alert_sent_or_taken_back(count: int) -> bool:
    """Whether all `count` alert e-mails are sent; if not, what beat's minute re-queue does (no beat runs
    here): an e-mail the killed worker had claimed mid-send is taken back once its lease has passed and
    queued again (portal.emails.deliveries_requeue). The lease is shortened, as the drill's is; a send
    in progress takes milliseconds, so none is taken back from the live worker."""
    if Delivery.objects.filter(kind=alerts.PUBLISHED, status=Delivery.Status.SENT).count() == count:
        return True
    with override_settings(DELIVERY_LEASE_SECONDS=TAKEN_BACK_AFTER_SECONDS):
        deliveries_dispatch(deliveries_requeue())
    return False


def test_a_worker_killed_mid_fan_out_is_replaced_within_a_minute_and_nobody_is_alerted_twice(
    transactional_db,
    carol,
    workers,  # noqa: F811
    shared_redis,  # noqa: F811
    database_url,  # noqa: F811
):
    """The worker fans out in batches of three (tests/calloffs/worker_settings.py). This test holds the
    fourth batch up with an uncommitted message of its own, kills the worker (SIGKILL) there, and lets go;
    no recheck runs. The broker hands the fan-out, acknowledged late, to the new worker once the visibility
    timeout has passed: every organisation gets its alert, and every member one e-mail."""
    for _ in range(20):
        standing_for(MembershipFactory().organisation, regions=("north-east",))
    eligible = sorted(Organisation.objects.values_list("pk", flat=True))
    addresses = sorted(Organisation.objects.values_list("memberships__user__email", flat=True))
    competition = f.publishable_competition(carol)
    settings_env = {"DJANGO_SETTINGS_MODULE": "tests.calloffs.worker_settings"}
    published = Message.objects.filter(kind=alerts.PUBLISHED, source=source_key(competition))
    mailbox = Mailbox()
    with (
        smtp_server(mailbox) as smtp_port,
        publishing_to(shared_redis),
        psycopg.connect(database_url) as blocker,
    ):
        blocker.execute(
            "INSERT INTO portal_message (kind, source, subject, body, created_at, recipient_organisation_id)"
            " VALUES (%s, %s, 'Held', 'Held', now(), %s)",
            [alerts.PUBLISHED, source_key(competition), eligible[10]],
        )
        first = workers.start(broker=shared_redis, smtp_port=smtp_port, extra_env=settings_env)
        competitions.competition_publish(competition=competition, user=carol)  # queues the fan-out on commit
        wait_for(lambda: published.count() == 9, timeout=WORK, what="three batches")
        first.send_signal(signal.SIGKILL)  # in the fourth batch, waiting for this test's transaction
        first.wait(10)
        blocker.rollback()
        assert published.count() == 9  # the killed worker's batch was rolled back

        workers.start(broker=shared_redis, smtp_port=smtp_port, extra_env=settings_env)
        wait_for(  # from the moment the new worker is ready, with no recheck to help
            lambda: published.count() == len(eligible),
            timeout=VISIBILITY_TIMEOUT + 2 * RESTORE_SWEEP,  # a minute
            what="the broker to hand the fan-out to the new worker, and it to finish",
        )
        wait_for(  # e-mail tasks the killed worker had reserved come back as the fan-out did, and later
            lambda: every_alert_sent_or_taken_back(len(addresses)),
            timeout=VISIBILITY_TIMEOUT + 2 * RESTORE_SWEEP + WORK,
            what="every member's alert e-mail",
        )
        wait_for(lambda: broker_idle(shared_redis), timeout=WORK, what="the queue to empty")

    assert sorted(alerts.alerted_organisation_ids(competition)) == eligible
    assert published.count() == len(eligible)
    delivered = sorted(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True))
    assert delivered == addresses
    recipients = [
        re.search(r"^To: (.+)$", email, re.MULTILINE).group(1).strip() for email in mailbox.received
    ]
    assert sorted(recipients) == addresses  # each member's e-mail arrived once
