"""The retry rule for Selection Questionnaires (docs/domain.md §4), as a pure function of past outcomes.

After an unsuccessful application an organisation has two more attempts; a third unsuccessful outcome
starts a wait of six calendar months from that outcome's date. Unsuccessful outcomes are counted since
the later of the last application in which a category passed and the end of the last wait.

Decisions this module makes where docs/domain.md is silent (see the tests for each):

* The wait ends on `wait_until`, inclusive: the organisation may apply again on that day.
* Six calendar months are added with the day clamped to the month's length: 31 August + 6 months is
  28 February (29 in a leap year).
* Outcomes dated inside a running wait change nothing, a success included: the count since "the end of
  the last wait" cannot include them. (The services make this case unreachable: a submission is refused
  while another application is being reviewed, and refused during a wait.)
* Outcomes dated after `today` are not known yet on `today`, and are ignored.
* While waiting, `attempts_used` is 3 and `attempts_left` 0, so the two always add up to three.
* Only an application in which at least one category passed (`Result.PASSED`) ends a run of unsuccessful
  ones. An update that asked for no new category is decided "successful" but passed nothing
  (`Result.NOTHING_ASSESSED`): it neither uses an attempt nor resets the count, so an organisation cannot
  clear its count by sending an update with nothing new in it (ADR 0006).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from suppliers import rules


class Result(Enum):
    """What one decided application means for the retry rule."""

    PASSED = "passed"  # at least one category passed: the run of unsuccessful applications ends
    FAILED = "failed"  # unsuccessful: it uses an attempt
    NOTHING_ASSESSED = "nothing_assessed"  # successful, but no new category was asked for: no change


@dataclass(frozen=True)
class RetryStatus:
    attempts_used: int
    attempts_left: int
    wait_until: date | None
    can_apply: bool


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retry_status(outcomes: Sequence[tuple[date, Result]], today: date) -> RetryStatus:
    """Whether an organisation may apply on `today`, given (decision date, result) in date order."""
    used, wait_until = 0, None
    for decided_on, result in outcomes:
        if decided_on > today:
            continue
        if wait_until is not None:
            if decided_on < wait_until:
                continue  # inside a running wait: nothing counts
            used, wait_until = 0, None
        if result is Result.PASSED:
            used = 0
        elif result is Result.FAILED:
            used += 1
        if used == rules.ATTEMPTS:
            wait_until = add_months(decided_on, rules.WAIT_MONTHS)
    if wait_until is not None and today < wait_until:
        return RetryStatus(
            attempts_used=rules.ATTEMPTS, attempts_left=0, wait_until=wait_until, can_apply=False
        )
    if wait_until is not None:
        used = 0  # the wait is over: the count starts again
    return RetryStatus(
        attempts_used=used, attempts_left=rules.ATTEMPTS - used, wait_until=None, can_apply=True
    )
