"""Numbers the qualification pages show, from the constants and settings that enforce them."""

from datetime import date

from django.conf import settings
from django.http import HttpRequest

from suppliers import retry, sections, services

WAIT_EXAMPLE = date(2026, 3, 10)


def qualification_rules(request: HttpRequest) -> dict:
    return {
        "qualification_rules": {
            "attempts": retry.ATTEMPTS,
            "attempts_after_a_failure": retry.ATTEMPTS - 1,
            "wait_months": retry.WAIT_MONTHS,
            "max_documents": services.MAX_DOCUMENTS_PER_CATEGORY,
            "upload_max_mb": f"{settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}",
            "cyber_reminder_days": services.CYBER_REMINDER_DAYS,
            "max_words": sections.MAX_WORDS,
            # An outcome on 10 March and the first day the organisation may apply again.
            "wait_example": (WAIT_EXAMPLE, retry.add_months(WAIT_EXAMPLE, retry.WAIT_MONTHS)),
        }
    }
