"""Numbers as words, for sentences that read better that way ("three attempts", "twice the value"): one
function of the constant that enforces the number, so the words change with it. And where a financial
figure came from and how old it is (`accounts_source`), said once for every page that shows one."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from portal.clock import london
from portal.templatetags.govuk_dates import govuk_date

WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def in_words(number: int) -> str:
    """Zero to twelve in words ("three"), larger numbers in figures."""
    return WORDS[number] if 0 <= number < len(WORDS) else str(number)


def times_in_words(number: int) -> str:
    """A multiple in words: "once", "twice", then "three times" and so on."""
    return {1: "once", 2: "twice"}.get(number, f"{in_words(number)} times")


def accounts_source(
    *, year_end: date, recorded_at: datetime, today: date | None = None, sent_at: datetime | None = None
) -> str:
    """Where a financial figure came from and how old it is, said the same way at every use: "From your
    organisation's accounts for the year ending 31 March 2026, updated 3 days ago". For a figure frozen in
    something sent, its age when it was sent: "updated 3 days before it was sent"."""
    age = updated_ago(recorded_at, today=today) if sent_at is None else updated_before(recorded_at, sent_at)
    return f"From your organisation's accounts for the year ending {govuk_date(year_end)}, {age}"


def updated_before(moment: datetime, sent_at: datetime) -> str:
    """ "updated the day it was sent", "updated 3 days before it was sent", by London's calendar."""
    days = (london(sent_at).date() - london(moment).date()).days
    if days <= 0:
        return "updated the day it was sent"
    if days == 1:
        return "updated the day before it was sent"
    return f"updated {days} days before it was sent"


def updated_ago(moment: datetime, *, today: date | None = None) -> str:
    """ "updated today", "updated yesterday", "updated 3 days ago", by London's calendar."""
    today = today or timezone.localdate()
    days = (today - london(moment).date()).days
    if days <= 0:
        return "updated today"
    if days == 1:
        return "updated yesterday"
    return f"updated {days} days ago"
