"""Background work of call-offs (Celery): the opportunity alerts' fan-out (calloffs.alerts).

Every task takes ids and calls one function of `calloffs.alerts`. Each is safe to run twice, or to be
killed and run again (acks late): the messages already sent are the claim, and are skipped.
"""

from __future__ import annotations

from celery import shared_task

from calloffs import alerts

RETRIES = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 30,  # seconds, doubling each time
    "retry_backoff_max": 30 * 60,
    "max_retries": 8,
}


@shared_task(**RETRIES)
def competition_published_alerts_send(self, competition_id: int) -> int:
    return alerts.competition_published_alerts_send(competition_id=competition_id)


@shared_task(**RETRIES)
def amendment_alerts_send(self, amendment_id: int) -> int:
    return alerts.amendment_alerts_send(amendment_id=amendment_id)


@shared_task(**RETRIES)
def competition_withdrawn_alerts_send(self, competition_id: int) -> int:
    return alerts.competition_withdrawn_alerts_send(competition_id=competition_id)


@shared_task(**RETRIES)
def notice_published_alerts_send(self, notice_id: int) -> int:
    return alerts.notice_published_alerts_send(notice_id=notice_id)


@shared_task(acks_late=True)
def alert_digests_send() -> int:
    """Every morning (CELERY_BEAT_SCHEDULE): each daily summary, once per person per day."""
    return alerts.digests_send()
