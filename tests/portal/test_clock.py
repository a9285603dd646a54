"""The one judge of "has this deadline passed?": from the deadline's instant on, whatever the wall clock in
London does around it (the clocks going forward in March and back in October)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal.clock import LONDON, has_passed, london

# Around the UK clock changes of 2026 (29 March, 25 October at 01:00 UTC), and any time in between.
CLOCK_CHANGES = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)]
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
) | st.sampled_from(CLOCK_CHANGES).flatmap(
    lambda change: st.integers(-7200_000_000, 7200_000_000).map(
        lambda micros: change + timedelta(microseconds=micros)
    )
)
offsets = st.integers(-3 * 3600 * 1_000_000, 3 * 3600 * 1_000_000).map(lambda m: timedelta(microseconds=m))


@given(deadline=moments, offset=offsets)
def test_a_deadline_has_passed_from_its_instant_on(deadline, offset):
    now = deadline + offset
    assert has_passed(deadline, now) is (offset >= timedelta(0))


@given(deadline=moments)
def test_at_the_instant_it_has_passed_and_a_microsecond_before_it_has_not(deadline):
    assert has_passed(deadline, deadline)
    assert not has_passed(deadline, deadline - timedelta(microseconds=1))


@given(deadline=moments, offset=offsets)
def test_the_answer_is_the_same_whichever_zone_the_times_are_written_in(deadline, offset):
    now = deadline + offset
    assert has_passed(london(deadline), now) is has_passed(deadline, london(now)) is has_passed(deadline, now)


def test_a_deadline_at_a_wall_clock_time_that_happens_twice():
    # 01:30 on 25 October 2026 happens twice in London; fold=0 is the first (BST, 00:30 UTC).
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    assert not has_passed(first, datetime(2026, 10, 25, 0, 29, tzinfo=UTC))
    assert has_passed(first, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))


def test_without_now_the_servers_clock_is_asked():
    assert has_passed(datetime.now(UTC) - timedelta(seconds=1))
    assert not has_passed(datetime.now(UTC) + timedelta(hours=1))
