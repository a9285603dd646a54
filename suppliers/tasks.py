"""Background work for qualification (Celery). Each task is one call to one service."""

from celery import shared_task
from django.utils import timezone

from suppliers import pdfs, services


@shared_task
def send_cyber_expiry_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind organisations whose cyber certificate expires within 30 days.
    The service claims each reminder, so a second run, or a second worker, sends nothing twice."""
    return services.cyber_expiry_reminders_send(today=timezone.localdate())


# The longest questionnaire (14 categories, long answers everywhere) is 105 to 126 pages: `make bench`
# rendered 105 in 30 s on a busy 2-core machine; the issue measured 126 in 14 s quiet, 33 to 76 s busy.
# The limits leave room above the worst of those.
PDF_SOFT_TIME_LIMIT = 240
PDF_TIME_LIMIT = 300


@shared_task(soft_time_limit=PDF_SOFT_TIME_LIMIT, time_limit=PDF_TIME_LIMIT)
def prepare_application_pdf(application_id: int) -> bool:
    """Render a sent version's PDF once, in the background (queued when it is sent)."""
    return pdfs.application_pdf_prepare(application_id=application_id)
