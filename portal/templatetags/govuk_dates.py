"""Dates and times as GOV.UK writes them, set once: "25 November 2026", "12:26pm", "9am", "midday".

Django's own `a` format gives "p.m.", which GOV.UK's style guide does not use. Times are shown in the
portal's time zone (Europe/London).
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_time(value: datetime | None) -> str:
    if not value:
        return ""
    value = _local(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """For example "25 November 2026 at 12:26pm"."""
    if not value:
        return ""
    return f"{govuk_date(value)} at {govuk_time(value)}"
