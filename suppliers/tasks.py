"""Background work for qualification (Celery). Each task is one call to one service."""

from celery import shared_task
from django.utils import timezone

from suppliers import services


@shared_task
def send_cyber_expiry_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind organisations whose cyber certificate expires within 30 days.
    The service claims each reminder, so a second run, or a second worker, sends nothing twice."""
    return services.cyber_expiry_reminders_send(today=timezone.localdate())


@shared_task
def decision_reminders_send() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): remind MoJ admins of questionnaires due a decision soon, and of
    those overdue. Each reminder goes once, however often the task runs (docs/adr/0020)."""
    return services.decision_reminders_send()
