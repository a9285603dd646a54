"""The retry rule (docs/domain.md §4) as a pure function: boundaries, then properties over random
histories."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suppliers.retry import Result, RetryStatus, add_months, retry_status

FAIL, PASS, NOTHING = Result.FAILED, Result.PASSED, Result.NOTHING_ASSESSED
JAN_1 = date(2025, 1, 1)


def history(*entries: tuple[str, Result]) -> list[tuple[date, Result]]:
    return [(date.fromisoformat(day), result) for day, result in entries]


def test_no_history_means_three_attempts():
    assert retry_status([], JAN_1) == RetryStatus(0, 3, None, True)


@pytest.mark.parametrize(("fails", "left"), [(1, 2), (2, 1)])
def test_each_unsuccessful_outcome_uses_an_attempt(fails, left):
    outcomes = [(JAN_1 + timedelta(days=i), FAIL) for i in range(fails)]
    assert retry_status(outcomes, date(2025, 2, 1)) == RetryStatus(fails, left, None, True)


def test_the_third_unsuccessful_outcome_starts_a_six_month_wait_the_same_day():
    outcomes = history(("2025-01-10", FAIL), ("2025-02-10", FAIL), ("2025-03-10", FAIL))
    assert retry_status(outcomes, date(2025, 3, 10)) == RetryStatus(3, 0, date(2025, 9, 10), False)


def test_the_day_before_the_wait_ends_is_refused_and_the_day_it_ends_is_allowed():
    outcomes = history(("2025-01-10", FAIL), ("2025-02-10", FAIL), ("2025-03-10", FAIL))
    assert not retry_status(outcomes, date(2025, 9, 9)).can_apply
    assert retry_status(outcomes, date(2025, 9, 10)) == RetryStatus(0, 3, None, True)


def test_after_the_wait_the_count_starts_again():
    outcomes = history(
        ("2025-01-10", FAIL),
        ("2025-02-10", FAIL),
        ("2025-03-10", FAIL),
        ("2025-10-01", FAIL),
        ("2025-11-01", FAIL),
    )
    assert retry_status(outcomes, date(2025, 12, 1)) == RetryStatus(2, 1, None, True)


def test_a_success_in_between_resets_the_count():
    outcomes = history(
        ("2025-01-10", FAIL),
        ("2025-02-10", FAIL),
        ("2025-03-10", PASS),
        ("2025-04-10", FAIL),
        ("2025-05-10", FAIL),
    )
    assert retry_status(outcomes, date(2025, 6, 1)) == RetryStatus(2, 1, None, True)


def test_an_update_that_passed_nothing_new_neither_resets_the_count_nor_uses_an_attempt():
    outcomes = history(("2025-01-10", FAIL), ("2025-02-10", FAIL), ("2025-03-10", NOTHING))
    assert retry_status(outcomes, date(2025, 4, 1)) == RetryStatus(2, 1, None, True)
    outcomes += history(("2025-04-10", FAIL))
    assert retry_status(outcomes, date(2025, 4, 10)).wait_until == date(2025, 10, 10)


def test_a_success_then_three_failures_still_means_a_wait():
    outcomes = history(("2025-01-10", PASS), ("2025-02-10", FAIL), ("2025-03-10", FAIL), ("2025-04-10", FAIL))
    assert retry_status(outcomes, date(2025, 5, 1)).wait_until == date(2025, 10, 10)


def test_outcomes_inside_a_running_wait_change_nothing():
    outcomes = history(("2025-01-10", FAIL), ("2025-02-10", FAIL), ("2025-03-10", FAIL), ("2025-04-10", PASS))
    assert retry_status(outcomes, date(2025, 5, 1)).wait_until == date(2025, 9, 10)


def test_outcomes_after_today_are_not_known_yet():
    outcomes = history(("2025-01-10", FAIL), ("2025-02-10", FAIL), ("2025-03-10", FAIL))
    assert retry_status(outcomes, date(2025, 3, 9)) == RetryStatus(2, 1, None, True)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2025-08-31", "2026-02-28"),
        ("2023-08-31", "2024-02-29"),  # leap year
        ("2025-03-31", "2025-09-30"),
        ("2025-07-15", "2026-01-15"),
        ("2025-12-31", "2026-06-30"),
    ],
)
def test_six_months_are_calendar_months_with_the_day_clamped(start, expected):
    assert add_months(date.fromisoformat(start), 6) == date.fromisoformat(expected)


def test_a_wait_from_31_august_ends_on_the_last_day_of_february():
    outcomes = history(("2025-06-01", FAIL), ("2025-07-01", FAIL), ("2025-08-31", FAIL))
    assert not retry_status(outcomes, date(2026, 2, 27)).can_apply
    assert retry_status(outcomes, date(2026, 2, 28)).can_apply


# Properties ---------------------------------------------------------------------------------------

outcome_lists = st.lists(
    st.tuples(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.sampled_from(Result)), max_size=12
).map(lambda outcomes: sorted(outcomes, key=lambda outcome: outcome[0]))
days = st.dates(date(2020, 1, 1), date(2031, 12, 31))


def known(outcomes, today):
    """Outcomes decided by `today` that count: an application that passed nothing new does not."""
    return [outcome for outcome in outcomes if outcome[0] <= today and outcome[1] is not NOTHING]


@settings(max_examples=400)
@given(outcome_lists, days)
def test_refused_only_inside_six_months_of_a_third_failure_in_a_row(outcomes, today):
    status = retry_status(outcomes, today)
    if status.can_apply:
        return
    seen = known(outcomes, today)
    assert any(
        all(result is FAIL for _, result in seen[i - 2 : i + 1])
        and seen[i][0] <= today < add_months(seen[i][0], 6)
        for i in range(2, len(seen))
    )


@settings(max_examples=400)
@given(outcome_lists, days)
def test_attempts_add_up_to_three(outcomes, today):
    status = retry_status(outcomes, today)
    assert status.attempts_used + status.attempts_left == 3
    if status.can_apply:
        assert status.wait_until is None
        assert 0 <= status.attempts_used <= 2
    else:
        assert status.attempts_left == 0


@settings(max_examples=400)
@given(outcome_lists, days)
def test_a_wait_ends_exactly_six_months_after_a_failure(outcomes, today):
    status = retry_status(outcomes, today)
    if status.wait_until is not None:
        failures = {day for day, result in known(outcomes, today) if result is FAIL}
        assert any(add_months(day, 6) == status.wait_until for day in failures)
        assert status.wait_until > today


@settings(max_examples=400)
@given(outcome_lists, days, st.integers(min_value=0, max_value=2000))
def test_time_passing_alone_never_refuses_again(outcomes, today, later):
    """Once allowed, waiting longer (with no new outcome) keeps it allowed; a wait always ends."""
    last_known = max([day for day, _ in outcomes] + [today])
    status = retry_status(outcomes, last_known)
    after = retry_status(outcomes, last_known + timedelta(days=later))
    if status.can_apply:
        assert after.can_apply
    assert retry_status(outcomes, last_known + timedelta(days=190)).can_apply


@settings(max_examples=400)
@given(outcome_lists, days)
def test_without_three_failures_in_a_row_the_organisation_can_always_apply(outcomes, today):
    seen = known(outcomes, today)
    streak = longest = 0
    for _, result in seen:
        streak = 0 if result is PASS else streak + 1
        longest = max(longest, streak)
    if longest < 3:
        assert retry_status(outcomes, today).can_apply
        assert retry_status(outcomes, today).attempts_used == streak


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(min_value=0, max_value=48))
def test_add_months_lands_in_the_right_month_and_never_past_the_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    assert result.day == day.day or (result + timedelta(days=1)).day == 1
