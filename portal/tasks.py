"""Background work of the shared core (Celery): sending e-mail from the outbox, and the retry policy every
app's fan-out tasks share. The alerts' daily summary is in `portal.alert_tasks` (it needs
`portal.services`, which imports this module); the stored PDFs' tasks are in `portal.stored_pdfs`, beside
what they do."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.utils import timezone

from portal import emails, kept_forms, statistics
from portal.page_generations import start_a_generation

logger = logging.getLogger(__name__)

# The retry policy of the apps' fan-out tasks (the opportunity alerts). Each is safe to run twice (the
# inbox message is the claim), so it is acknowledged late: a worker that dies mid-way leaves the task
# with the broker, which hands it out again after CELERY_BROKER_TRANSPORT_OPTIONS' visibility timeout
# (reject_on_worker_lost: also when the pool's child process was killed, not only the whole worker).
RETRIES = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    # Seconds, doubling each time, never past the visibility timeout: a retry waiting in Redis longer than
    # that would be handed out again, and each copy would retry in its turn. After the last retry (about
    # four minutes) the beat's rechecks are what runs the fan-out again.
    "retry_backoff": 5,
    "retry_backoff_max": 40,
    "max_retries": 8,
}


@shared_task(bind=True, acks_late=True, max_retries=None)
def delivery_send(self, delivery_id: int) -> None:
    """Send one e-mail. A temporary failure is tried again after a backoff; the row counts the attempts
    and gives up at DELIVERY_MAX_ATTEMPTS. Safe to run twice: the row is claimed before sending."""
    if self.request.is_eager:  # in-process (`make run`, tests): no broker to wait in, so try again now
        if emails.delivery_send(delivery_id=delivery_id) is not None:
            delivery_send.run(delivery_id)
        return
    # A copy of this task handed out again by the broker (CELERY_BROKER_TRANSPORT_OPTIONS) before the
    # row's time does nothing; a second of leeway allows for the clocks of two machines.
    due_by = timezone.now() + timedelta(seconds=1)
    wait = emails.delivery_send(delivery_id=delivery_id, due_by=due_by)
    if wait is None:
        return
    raise self.retry(countdown=wait)


@shared_task
def deliveries_requeue() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queue again what the broker or a worker lost."""
    ids = emails.deliveries_requeue()
    deliveries_dispatch(ids)
    return len(ids)


def deliveries_dispatch(delivery_ids: Iterable[int]) -> None:
    """Queue the sending of these deliveries. If the broker cannot be reached, the rows stay queued in the
    database and the re-queue sends them later: the change that wrote them is not undone."""
    delivery_ids = list(delivery_ids)
    for done, delivery_id in enumerate(delivery_ids):
        try:
            delivery_send.delay(delivery_id)
        except Exception:
            logger.exception(
                "could not queue %s deliveries; the re-queue will send them", len(delivery_ids) - done
            )
            return


@shared_task
def public_data_precompute() -> int:
    """Compute again what the public pages show that is too slow to compute while a visitor waits: the
    statistics of every period visitors asked for (portal.statistics) and each app's open data (its
    `AppConfig` hook `public_data_precompute() -> int`, how many things it computed); then start a new
    generation of public pages, so that they are rebuilt with them."""
    computed = statistics.precompute()
    for config in apps.get_app_configs():
        hook = getattr(config, "public_data_precompute", None)
        if callable(hook):
            computed += hook()
    if computed:
        start_a_generation(keep_previous=True)
    return computed


@shared_task
def kept_forms_purge() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): forget forms kept through a sign-out that nobody came back for."""
    return kept_forms.purge_stale()
