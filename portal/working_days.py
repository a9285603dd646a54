"""Working days of England and Wales, and the "decide by" dates counted in them (docs/adr/0020).

A working day is Monday to Friday, not a bank holiday of England and Wales. The bank holidays come from
the maintained `holidays` library (`country_holidays("GB", subdiv="ENG")`); Wales has the same bank
holidays as England (`tests/portal/test_working_days.py` checks it for every year the portal counts), so
one calendar serves both.

Days are London's calendar days (`portal.clock`): a case that arrives at 11pm on a Friday in British
Summer Time arrived on Friday, whatever the UTC date. A case that arrives on a day that is not a working
day, or on a working day at or after `CUT_OFF` (5pm, when the working day ends), counts as arriving on the
next working day. Its day of arrival is not counted (as "within 10 working days" of receipt is read in
the Public Contracts Regulations 2015): the decision is due by the end of the n-th working day after it,
that is, before midnight in London.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from portal.clock import LONDON, london

CUT_OFF = time(17, 0)
SATURDAY = 5


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself for 0)."""
    if count < 0:
        raise ValueError("Count forward only.")
    for _ in range(count):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days come after `start` up to and including `end`; negative when `end` is
    before `start` (the working days from `end` to `start`, counted the same way)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def day_of_arrival(arrived_at: datetime) -> date:
    """The working day a case counts as arriving on: its London day, or the next working day when it
    arrives on a day off or at or after the cut-off."""
    moment = london(arrived_at)
    day = moment.date()
    if is_working_day(day) and moment.time() < CUT_OFF:
        return day
    return next_working_day(day)


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in London (aware): what "by 11:59pm on the day" means."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


def decide_by(arrived_at: datetime, working_days: int) -> datetime:
    """The end of the `working_days`-th working day after the case's day of arrival."""
    return end_of_day(add_working_days(day_of_arrival(arrived_at), working_days))
