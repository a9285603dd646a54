"""How a case stands against its decide-by date, which reminder is due, and the quarters the statistics
count in (portal/decision_clocks.py, docs/adr/0020)."""

from datetime import date, datetime, time, timedelta

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from portal import decision_clocks, working_days
from portal.clock import LONDON

# Due by the end of Wednesday 30 December 2026 (Christmas Day and the substitute Boxing Day are off).
DUE = working_days.end_of_day(date(2026, 12, 30))


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


def test_the_time_left_in_words():
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 21))).words == "5 working days left"
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 29))).words == "1 working day left"
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 30), 23)).words == "Due today"
    assert decision_clocks.time_left(DUE, DUE).words == "Overdue"  # at the instant, it has passed
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 31))).words == "Overdue by 1 working day"
    assert decision_clocks.time_left(DUE, at(date(2027, 1, 5))).words == "Overdue by 3 working days"


def test_a_deadline_in_the_middle_of_a_day_is_overdue_the_same_day():
    midday = at(date(2026, 12, 30), 12)
    assert decision_clocks.time_left(midday, at(date(2026, 12, 30), 13)).words == "Overdue"


def test_which_reminder_is_due_counts_working_days_back_over_christmas():
    assert decision_clocks.reminder_due(DUE, at(date(2026, 12, 22))) is None  # 23, 24, 29, 30 left
    assert decision_clocks.reminder_due(DUE, at(date(2026, 12, 23))) == decision_clocks.DUE_SOON
    assert decision_clocks.reminder_due(DUE, at(date(2026, 12, 30), 23)) == decision_clocks.DUE_SOON
    assert decision_clocks.reminder_due(DUE, DUE + timedelta(microseconds=1)) == decision_clocks.OVERDUE
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 23))).tag_colour == "orange"
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 21))).tag_colour == "grey"
    assert decision_clocks.time_left(DUE, at(date(2026, 12, 31))).tag_colour == "red"


@override_settings(DECISION_REMINDER_WORKING_DAYS_BEFORE=5)
def test_how_early_the_reminder_comes_is_a_setting():
    assert decision_clocks.reminder_due(DUE, at(date(2026, 12, 21))) == decision_clocks.DUE_SOON


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(LONDON)),
    st.integers(min_value=1, max_value=15),
)
def test_every_case_due_a_reminder_is_one_the_task_looks_at(now, count):
    due = working_days.decide_by(now - timedelta(days=count), count)
    if decision_clocks.reminder_due(due, now) is not None:
        assert due <= decision_clocks.reminders_from(now)


def test_quarters_of_the_financial_year():
    assert decision_clocks.quarter_of(date(2026, 4, 1)) == (2026, 1)
    assert decision_clocks.quarter_of(date(2026, 9, 30)) == (2026, 2)
    assert decision_clocks.quarter_of(date(2026, 12, 31)) == (2026, 3)
    assert decision_clocks.quarter_of(date(2027, 3, 31)) == (2026, 4)
