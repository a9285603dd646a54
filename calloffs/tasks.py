"""Background work of call-offs (Celery): the opportunity alerts' fan-out and deadline reminders
(calloffs.alerts).

Every task takes ids and calls one function of `calloffs.alerts`. Each is safe to run twice, or to be
killed and run again (acks late, `portal.tasks.RETRIES`): the messages already sent are the claim, and
are skipped.
"""

from __future__ import annotations

from celery import shared_task

from calloffs import alerts
from calloffs.services import clarification_reminders
from portal.tasks import RETRIES


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


@shared_task(**RETRIES)
def clarification_alerts_send(self, question_id: int) -> int:
    return alerts.clarification_alerts_send(question_id=question_id)


@shared_task(acks_late=True)
def deadline_reminders_send() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): the reminders due 7 days and 1 day before each deadline, once
    per competition, reminder and organisation."""
    return alerts.deadline_reminders_send()


@shared_task
def alerts_recheck() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): run again the fan-outs of the last day's publications,
    amendments and withdrawals; each sends only what is missing (to an organisation eligible since, say).
    Returns how many were queued."""
    return _queue(alerts.recent_alert_sources())


@shared_task
def alerts_recheck_unsent() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queue the fan-outs of the last day's changes whose alert
    reached nobody yet, such as one whose queueing failed because the broker was down when the change
    committed. Returns how many were queued."""
    return _queue(alerts.unsent_alert_sources())


def _queue(sources: dict[str, list[int]]) -> int:
    queued = 0
    for task_name, ids in sources.items():
        for object_id in ids:
            globals()[task_name].delay(object_id)
            queued += 1
    return queued


@shared_task(acks_late=True)
def supply_chain_reports_request() -> tuple[int, int]:
    """Every morning (CELERY_BEAT_SCHEDULE): ask for the supply-chain reports due, and remind once."""
    from calloffs.services import supply_chain

    return supply_chain.reports_request_and_remind()


@shared_task(acks_late=True)
def red_flags_compute(competition_id: int | None = None) -> int:
    """Every night (CELERY_BEAT_SCHEDULE): every published competition's red flags, computed again; after
    an award decision, that competition's. Safe to run twice: each run replaces the last."""
    from calloffs.services import red_flags

    return red_flags.red_flags_compute(competition_id=competition_id)


@shared_task(acks_late=True)
def clarification_answer_reminders_send() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): remind commissioners of clarification questions due an answer
    soon, and of those overdue; each reminder once (docs/adr/0020)."""
    return clarification_reminders.answer_reminders_send()
