"""Working days of England and Wales and the decide-by dates counted in them (docs/adr/0020)."""

from datetime import UTC, date, datetime, time, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from portal import working_days
from portal.clock import LONDON, london

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31))
COUNTS = st.integers(min_value=0, max_value=40)
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)
)


def test_wales_has_the_same_bank_holidays_as_england_so_one_calendar_serves_both():
    for year in range(2024, 2033):
        england = holidays.country_holidays("GB", subdiv="ENG", years=year)
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert set(england) == set(wales), year


def test_weekends_and_bank_holidays_are_not_working_days():
    assert working_days.is_working_day(date(2026, 12, 24))  # Thursday
    assert not working_days.is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not working_days.is_working_day(date(2026, 12, 26))  # Saturday
    assert not working_days.is_working_day(date(2026, 12, 28))  # Boxing Day (substitute), Monday
    assert working_days.is_working_day(date(2026, 12, 29))
    assert not working_days.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not working_days.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not working_days.is_working_day(date(2026, 8, 31))  # late summer bank holiday (not Scotland's)


def test_christmas_and_new_year_are_skipped():
    # Wednesday 23 December 2026, 10 working days on: 24, 29, 30, 31 Dec, 4-8 Jan, 11 Jan.
    assert working_days.add_working_days(date(2026, 12, 23), 10) == date(2027, 1, 11)


def test_easter_is_skipped():
    # Thursday 2 April 2026: Good Friday and Easter Monday are bank holidays.
    assert working_days.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert working_days.add_working_days(date(2026, 4, 2), 10) == date(2026, 4, 20)


@given(DAYS, COUNTS)
def test_adding_working_days_never_lands_on_a_weekend_or_bank_holiday(day, count):
    landed = working_days.add_working_days(day, count)
    if count:
        assert working_days.is_working_day(landed)
        assert landed.weekday() < 5
        assert landed not in holidays.country_holidays("GB", subdiv="ENG", years=landed.year)
    else:
        assert landed == day


@given(DAYS, COUNTS, COUNTS)
def test_adding_working_days_is_monotonic(day, fewer, more):
    fewer, more = sorted((fewer, more))
    assert working_days.add_working_days(day, fewer) <= working_days.add_working_days(day, more)


@given(DAYS, DAYS)
def test_adding_working_days_is_monotonic_in_the_day(a, b):
    earlier, later = sorted((a, b))
    assert working_days.add_working_days(earlier, 10) <= working_days.add_working_days(later, 10)


@given(DAYS, COUNTS)
def test_counting_between_undoes_adding(day, count):
    assert working_days.working_days_between(day, working_days.add_working_days(day, count)) == count
    assert working_days.working_days_between(working_days.add_working_days(day, count), day) == -count


def test_a_case_arriving_before_the_cut_off_counts_from_that_day():
    # Monday 7 December 2026 at 4:59pm in London.
    arrived = datetime(2026, 12, 7, 16, 59, tzinfo=LONDON)
    assert working_days.day_of_arrival(arrived) == date(2026, 12, 7)
    assert working_days.decide_by(arrived, 10) == datetime.combine(date(2026, 12, 21), time.max, LONDON)


def test_a_case_arriving_at_or_after_the_cut_off_counts_from_the_next_working_day():
    arrived = datetime(2026, 12, 7, 17, 0, tzinfo=LONDON)
    assert working_days.day_of_arrival(arrived) == date(2026, 12, 8)
    assert london(working_days.decide_by(arrived, 10)).date() == date(2026, 12, 22)


def test_a_case_arriving_at_the_weekend_or_on_a_bank_holiday_counts_from_the_next_working_day():
    assert working_days.day_of_arrival(datetime(2026, 12, 5, 10, tzinfo=LONDON)) == date(2026, 12, 7)
    assert working_days.day_of_arrival(datetime(2026, 12, 25, 10, tzinfo=LONDON)) == date(2026, 12, 29)
    assert working_days.day_of_arrival(datetime(2026, 4, 6, 9, tzinfo=LONDON)) == date(2026, 4, 7)


def test_the_day_is_londons_in_summer_time():
    # 11:30pm UTC on Friday 5 June 2026 is 12:30am on Saturday in London: it arrived at the weekend.
    assert working_days.day_of_arrival(datetime(2026, 6, 5, 23, 30, tzinfo=UTC)) == date(2026, 6, 8)
    # 4:30pm UTC on Friday 5 June is 5:30pm in London: after the cut-off.
    assert working_days.day_of_arrival(datetime(2026, 6, 5, 16, 30, tzinfo=UTC)) == date(2026, 6, 8)
    # In winter London is on UTC: 4:30pm UTC is 4:30pm in London, before the cut-off.
    assert working_days.day_of_arrival(datetime(2026, 12, 4, 16, 30, tzinfo=UTC)) == date(2026, 12, 4)


def test_decide_by_across_the_clocks_going_forward_ends_at_london_midnight():
    # Clocks go forward on Sunday 29 March 2026. Arrived Wednesday 25 March: 3 working days on is Monday
    # 30 March, in summer time: its end is 22:59:59 UTC.
    due = working_days.decide_by(datetime(2026, 3, 25, 10, tzinfo=LONDON), 3)
    assert london(due).date() == date(2026, 3, 30)
    assert (london(due).hour, london(due).minute) == (23, 59)
    assert due.astimezone(UTC).hour == 22


def test_decide_by_across_the_clocks_going_back_ends_at_london_midnight():
    # Clocks go back on Sunday 25 October 2026. Arrived Thursday 22 October: 2 working days on is Monday.
    due = working_days.decide_by(datetime(2026, 10, 22, 10, tzinfo=LONDON), 2)
    assert london(due).date() == date(2026, 10, 26)
    assert due.astimezone(UTC).hour == 23


@given(MOMENTS, st.integers(min_value=1, max_value=20))
def test_decide_by_is_the_end_of_a_working_day_in_london_after_the_arrival(moment, count):
    due = london(working_days.decide_by(moment, count))
    assert working_days.is_working_day(due.date())
    assert due.time() == time.max
    assert due > moment
    assert working_days.working_days_between(working_days.day_of_arrival(moment), due.date()) == count
    # Never sooner than the count in calendar days from the arrival (weekends only ever add).
    assert due.date() >= london(moment).date() + timedelta(days=count)
