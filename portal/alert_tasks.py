"""Background work of the shared alerts (Celery, docs/adr/0011-opportunity-alerts.md): the daily summary.

Not in `portal.tasks`, which `portal.services` imports: `portal.alerts` imports `portal.services`. Celery
finds this module through CELERY_IMPORTS.
"""

from __future__ import annotations

from celery import shared_task

from portal import alerts


# The name it had when alerts lived in call-offs: the beat schedule and any task already queued under it
# still find it, so a deployment needs no step to drain the queue first.
@shared_task(name="calloffs.tasks.alert_digests_send", acks_late=True, reject_on_worker_lost=True)
def alert_digests_send() -> int:
    """Every morning (CELERY_BEAT_SCHEDULE): each daily summary, once per person per day."""
    return alerts.digests_send()
