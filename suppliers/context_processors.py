"""Numbers the qualification pages show, from the constants and settings that enforce them."""

from datetime import date

from django.conf import settings
from django.http import HttpRequest

from portal.wording import in_words
from suppliers import retry, rules, sections

WAIT_EXAMPLE = date(2026, 3, 10)


def qualification_rules(request: HttpRequest | None) -> dict:
    return {
        "qualification_rules": {
            "attempts": rules.ATTEMPTS,
            "attempts_in_words": in_words(rules.ATTEMPTS),
            "attempts_after_a_failure": rules.ATTEMPTS - 1,
            "wait_months": rules.WAIT_MONTHS,
            "wait_months_in_words": in_words(rules.WAIT_MONTHS),
            "max_documents": rules.MAX_DOCUMENTS_PER_CATEGORY,
            "upload_max_mb": f"{settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}",
            "cyber_reminder_days": rules.CYBER_REMINDER_DAYS,
            "decision_working_days": settings.QUESTIONNAIRE_DECISION_WORKING_DAYS,
            "decision_extended_working_days": settings.QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS,
            "max_words": sections.MAX_WORDS,
            "case_studies": sections.CASE_STUDIES,
            # An outcome on 10 March and the first day the organisation may apply again.
            "wait_example": (WAIT_EXAMPLE, retry.add_months(WAIT_EXAMPLE, rules.WAIT_MONTHS)),
        }
    }
