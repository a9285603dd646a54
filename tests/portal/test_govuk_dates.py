"""Dates and times in GOV.UK style, in London's time zone."""

from datetime import UTC, date, datetime

import pytest

from portal.templatetags.govuk_dates import govuk_date, govuk_datetime, govuk_time


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 11, 25, 12, 26, tzinfo=UTC), "25 November 2026 at 12:26pm"),
        (datetime(2026, 11, 25, 9, 0, tzinfo=UTC), "25 November 2026 at 9am"),
        (datetime(2026, 11, 25, 12, 0, tzinfo=UTC), "25 November 2026 at midday"),
        (datetime(2026, 11, 25, 0, 0, tzinfo=UTC), "25 November 2026 at midnight"),
        (datetime(2026, 7, 1, 23, 5, tzinfo=UTC), "2 July 2026 at 12:05am"),  # British Summer Time
    ],
)
def test_date_and_time(utc, shown):
    assert govuk_datetime(utc) == shown


def test_a_date_has_no_leading_zero_and_nothing_shows_as_nothing():
    assert govuk_date(date(2026, 3, 1)) == "1 March 2026"
    assert govuk_date(None) == govuk_time(None) == govuk_datetime(None) == ""
