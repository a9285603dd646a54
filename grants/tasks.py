"""Background work of the grants portal (Celery). Each task is one call; each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from grants import alerts
from grants.services import registration as registration_services
from portal.tasks import RETRIES


@shared_task(**RETRIES)
def round_opened_alerts_send(self, round_id: int) -> int:
    return alerts.round_opened_alerts_send(round_id=round_id)


@shared_task(acks_late=True)
def closing_reminders_send() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders 7 days before rounds close."""
    return alerts.closing_reminders_send()


@shared_task
def round_alerts_recheck() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): the opening alerts of rounds opened in the last day."""
    ids = alerts.rounds_to_alert()
    for round_id in ids:
        round_opened_alerts_send.delay(round_id)
    return len(ids)


@shared_task
def round_alerts_recheck_unsent() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): the opening alerts of open rounds that reached nobody yet."""
    ids = alerts.rounds_unalerted()
    for round_id in ids:
        round_opened_alerts_send.delay(round_id)
    return len(ids)


@shared_task(acks_late=True)
def decision_reminders_send() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): remind the grants team of registrations due a decision soon, and of
    those overdue; each reminder once (docs/adr/0020)."""
    return registration_services.decision_reminders_send()
