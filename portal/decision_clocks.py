"""Decision clocks: the date by which staff decide a case, how much time is left, the reminders before it
runs out and once it has, and how the decisions kept to it (docs/adr/0020-decision-clocks.md).

Each app sets its cases' `decide_by` when they arrive (`portal.working_days.decide_by`); this module
judges them the same way everywhere. A reminder is a message to each responsible member of staff, of one
kind, about one case and its decide-by date (`reminder_source`): the outbox sends one message of a kind
about a source to a person once, ever, so a second run of the task, or a second worker, sends nothing
twice, and an extended date is reminded of again.
"""

from __future__ import annotations

import statistics as stats
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import models

from portal import working_days
from portal.clock import has_passed, london
from portal.models import source_key
from portal.statistics import SMALLEST_SHOWN, SUPPRESSED, Cell, Figure, Period, Row, share_cell

DUE_SOON = "due_soon"
OVERDUE = "overdue"


def _working_days_words(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


@dataclass(frozen=True)
class TimeLeft:
    """How a case stands against its decide-by date at a moment."""

    decide_by: datetime
    working_days_left: int  # negative: working days overdue
    overdue: bool

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.working_days_left <= settings.DECISION_REMINDER_WORKING_DAYS_BEFORE

    @property
    def words(self) -> str:
        if self.overdue:
            late = -self.working_days_left
            return f"Overdue by {_working_days_words(late)}" if late else "Overdue"
        if self.working_days_left == 0:
            return "Due today"
        return f"{_working_days_words(self.working_days_left)} left"

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag's modifier that goes with the words."""
        return "red" if self.overdue else "orange" if self.due_soon else "grey"


def time_left(decide_by: datetime, now: datetime) -> TimeLeft:
    today, due_day = london(now).date(), london(decide_by).date()
    return TimeLeft(
        decide_by=decide_by,
        working_days_left=working_days.working_days_between(today, due_day),
        overdue=has_passed(decide_by, now),
    )


def reminder_due(decide_by: datetime, now: datetime) -> str | None:
    """Which reminder a case waiting at `now` is due: OVERDUE, DUE_SOON or none."""
    left = time_left(decide_by, now)
    return OVERDUE if left.overdue else DUE_SOON if left.due_soon else None


def reminders_from(now: datetime) -> datetime:
    """Cases due by this instant are due a reminder at `now` (the ones the reminder task looks at)."""
    today = london(now).date()
    last_day = working_days.add_working_days(today, settings.DECISION_REMINDER_WORKING_DAYS_BEFORE)
    return working_days.end_of_day(last_day)


def reminder_source(case: models.Model, decide_by: datetime) -> str:
    """What a reminder is about: the case at its decide-by date."""
    return f"{source_key(case)}@{london(decide_by):%Y-%m-%dT%H:%M}"


# Statistics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    """One decided case: when it arrived, when it was due and when it was decided."""

    arrived_at: datetime
    decide_by: datetime
    decided_at: datetime


def quarter_of(day: date) -> tuple[int, int]:
    """The financial year and its quarter (1 = April to June) that `day` falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


QUARTER_MONTHS = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}


def _median_working_days_cell(durations: list[int]) -> Cell:
    if not durations:
        return Cell(None, "none yet")
    if len(durations) < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    days = round(stats.median(durations))
    return Cell(days, _working_days_words(days))


def time_to_decision_figure(
    *,
    slug: str,
    title: str,
    what: str,
    period: Period,
    decided: Iterable[Decided],
    decision: str = "decision",
    done: str = "decided",
) -> Figure:
    """By quarter of the period's financial year: how many were decided, the median working days from
    arrival to decision, and the share decided by their decide-by date. Small numbers are suppressed.
    `decision` and `done` name what the case waited for ("answer", "answered")."""
    by_quarter: dict[int, list[Decided]] = {1: [], 2: [], 3: [], 4: []}
    for case in decided:
        year, quarter = quarter_of(london(case.decided_at).date())
        if year == period.year:
            by_quarter[quarter].append(case)
    rows = []
    for quarter, cases in by_quarter.items():
        durations = [  # 0 for one decided before the day it counts as arriving (after the cut-off)
            max(
                working_days.working_days_between(
                    working_days.day_of_arrival(c.arrived_at), london(c.decided_at).date()
                ),
                0,
            )
            for c in cases
        ]
        on_time = sum(not has_passed(c.decide_by, c.decided_at) for c in cases)
        count = len(cases)
        rows.append(
            Row(
                f"Quarter {quarter}: {QUARTER_MONTHS[quarter]}",
                (
                    Cell(None, SUPPRESSED) if 0 < count < SMALLEST_SHOWN else Cell(count, f"{count:,}"),
                    _median_working_days_cell(durations),
                    share_cell(on_time, count),
                ),
            )
        )
    return Figure(
        slug=slug,
        title=title,
        summary=(
            f"How long {what} waited for {'an' if decision[0] in 'aeiou' else 'a'} {decision}, in working "
            f"days from the day they arrived, and the share {done} by the date we set when they arrived."
        ),
        columns=("Quarter", done.capitalize(), f"Median time to {decision}", f"{done.capitalize()} on time"),
        rows=tuple(rows),
        chart_column=2,
    )
