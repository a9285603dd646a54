"""Numbers the call-off pages (and the portal's guidance pages) show, from the constants and settings that
enforce them."""

from django.conf import settings
from django.http import HttpRequest

from calloffs import rules
from portal.money import pounds
from portal.wording import times_in_words


def calloff_rules(request: HttpRequest) -> dict:
    return {
        "calloff_rules": {
            "minimum_response_days": rules.MINIMUM_RESPONSE_DAYS,
            "standstill_days": settings.CALLOFF_STANDSTILL_DAYS,
            "financial_threshold": pounds(settings.CALLOFF_FINANCIAL_THRESHOLD_POUNDS * 100),
            "turnover_multiple_in_words": times_in_words(rules.TURNOVER_CAP_MULTIPLE),
        }
    }
