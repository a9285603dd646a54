"""The London clock: deadlines are judged by the server's clock, and shown in Europe/London.

`has_passed` is the one judge of "has this deadline passed?": every deadline check in every app asks it,
so the instant of a deadline is on the same side everywhere (at the deadline's instant, it has passed).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The server's time now (aware, in UTC)."""
    return timezone.now()


def london(moment: datetime) -> datetime:
    """The same instant on London's wall clock."""
    return moment.astimezone(LONDON)


def has_passed(deadline: datetime, now: datetime | None = None) -> bool:
    """Whether `deadline` has passed at `now` (the server's time if not given): True from the deadline's
    instant on, so nothing is accepted at the deadline itself."""
    return (now or timezone.now()) >= deadline
