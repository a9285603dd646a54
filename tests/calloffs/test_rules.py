"""The pure rules of competitions: the 28-day rule in London time, amendments, lots and the financial
threshold, weightings. Each test would fail without its rule."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calloffs import rules
from calloffs.rules import CompetitionDates, CriterionTerms, LotTerms

LONDON = ZoneInfo("Europe/London")
THRESHOLD = 1_000_000_00


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def fields(problems) -> list[str]:
    return [problem.field for problem in problems]


def dates(deadline, clarification=None, award=None, start=None) -> CompetitionDates:
    return CompetitionDates(
        clarification_deadline=clarification or deadline - timedelta(days=7),
        submission_deadline=deadline,
        expected_award_date=award or (deadline + timedelta(days=30)).date(),
        earliest_contract_start=start,
    )


@pytest.mark.parametrize(
    ("published", "deadline", "ok"),
    [
        # Winter: exactly 28 days is enough; a minute less is not.
        (at(2026, 1, 5, 10, 0), at(2026, 2, 2, 10, 0), True),
        (at(2026, 1, 5, 10, 0), at(2026, 2, 2, 9, 59), False),
        # Across the spring clock change (29 March 2026): 28 days by London's clock, 27 days 23 hours elapsed.
        (at(2026, 3, 10, 10, 0), at(2026, 4, 7, 10, 0), True),
        (at(2026, 3, 10, 10, 0), at(2026, 4, 7, 9, 59), False),
        # Across the autumn clock change (25 October 2026): 28 days and an hour elapsed at 10:00 is fine,
        # but 09:59 by the clock is still too early although more than 28 times 24 hours have passed.
        (at(2026, 10, 10, 10, 0), at(2026, 11, 7, 10, 0), True),
        (at(2026, 10, 10, 10, 0), at(2026, 11, 7, 9, 59), False),
    ],
)
def test_the_deadline_is_at_least_28_days_after_publication_by_londons_clock(published, deadline, ok):
    problems = rules.date_problems(dates(deadline), published_at=published)
    assert ("submission_deadline" not in fields(problems)) is ok


def test_the_autumn_case_really_has_more_than_28_times_24_hours():
    elapsed = at(2026, 11, 7, 9, 59).astimezone(UTC) - at(2026, 10, 10, 10, 0).astimezone(UTC)
    assert elapsed > timedelta(days=28)


def test_the_deadline_must_be_in_the_future_and_given():
    now = at(2026, 1, 5, 10)
    assert "in the future" in rules.date_problems(dates(now), published_at=now)[0].message
    missing = CompetitionDates(None, None, None)
    assert set(fields(rules.date_problems(missing, published_at=now))) == {
        "submission_deadline",
        "clarification_deadline",
        "expected_award_date",
    }


def test_the_clarification_deadline_comes_before_the_submission_deadline():
    published, deadline = at(2026, 1, 5, 10), at(2026, 3, 1, 12)
    problems = rules.date_problems(dates(deadline, clarification=deadline), published_at=published)
    assert fields(problems) == ["clarification_deadline"]
    assert "before the submission deadline" in problems[0].message


def test_the_award_comes_after_the_deadline_and_contracts_start_after_the_award():
    published, deadline = at(2026, 1, 5, 10), at(2026, 3, 1, 12)
    assert fields(rules.date_problems(dates(deadline, award=date(2026, 3, 1)), published_at=published)) == [
        "expected_award_date"
    ]
    late = dates(deadline, award=date(2026, 4, 1), start=date(2026, 4, 1))
    assert fields(rules.date_problems(late, published_at=published)) == ["lots"]


# Amendments --------------------------------------------------------------------------------------


def test_an_amendment_with_fewer_than_7_days_left_must_move_the_deadline():
    deadline = at(2026, 3, 1, 12)
    now = deadline - timedelta(days=7) + timedelta(seconds=1)
    problems = rules.amendment_problems(deadline=deadline, new_deadline=deadline, now=now, summary="x")
    assert fields(problems) == ["new_deadline"]
    assert (
        rules.amendment_problems(
            deadline=deadline, new_deadline=deadline, now=deadline - timedelta(days=7), summary="x"
        )
        == []
    )
    later = now + timedelta(days=7)
    assert rules.amendment_problems(deadline=deadline, new_deadline=later, now=now, summary="x") == []


def test_an_amendment_never_brings_the_deadline_forward_and_says_what_changed():
    deadline = at(2026, 3, 1, 12)
    problems = rules.amendment_problems(
        deadline=deadline, new_deadline=deadline - timedelta(days=1), now=at(2026, 1, 1), summary=" "
    )
    assert fields(problems) == ["summary", "new_deadline"]


# Lots and the financial threshold ----------------------------------------------------------------


def terms(values, turnover=None, regions=frozenset({1}), years=None) -> LotTerms:
    return LotTerms(
        yearly_values_pence=tuple(values),
        contract_years=years or len(values),
        extension_years=0,
        minimum_turnover_pence=turnover,
        region_ids=regions,
    )


def lot_fields(lot, allowed=frozenset({1, 2})):
    return fields(rules.lot_problems(lot, threshold_pence=THRESHOLD, allowed_region_ids=allowed))


def test_the_annual_value_is_the_average_year_and_never_a_float():
    assert rules.annual_value([545_000_00, 900_000_00, 1_400_000_00, 1_800_000_00]) == 1_161_250_00
    assert rules.annual_value([1, 2]) == 1
    assert isinstance(rules.annual_value([1, 2]), int)


def test_over_the_threshold_a_lot_may_ask_for_turnover_up_to_twice_its_annual_value():
    values = [1_500_000_00] * 3
    assert lot_fields(terms(values, turnover=3_000_000_00)) == []
    assert lot_fields(terms(values, turnover=3_000_000_01)) == ["minimum_turnover"]


def test_at_or_under_the_threshold_a_lot_is_open_to_any_size():
    assert rules.is_over_threshold(THRESHOLD + 1, THRESHOLD)
    assert not rules.is_over_threshold(THRESHOLD, THRESHOLD)
    assert lot_fields(terms([THRESHOLD], turnover=100_00)) == ["minimum_turnover"]
    assert lot_fields(terms([THRESHOLD])) == []


def test_a_lot_has_a_positive_sane_value_for_each_year():
    assert lot_fields(terms([100_00], years=2)) == ["year_1"]
    assert lot_fields(terms([0])) == ["year_1"]
    assert lot_fields(terms([-5])) == ["year_1"]
    assert lot_fields(terms([rules.MAX_YEARLY_VALUE_PENCE + 1])) == ["year_1"]
    assert lot_fields(terms([100_00] * 8)) == ["contract_years"]


def test_a_lot_is_only_in_regions_the_commissioner_covers():
    assert lot_fields(terms([100_00], regions=frozenset({3}))) == ["regions"]
    assert lot_fields(terms([100_00], regions=frozenset())) == ["regions"]
    assert lot_fields(terms([100_00], regions=frozenset({3})), allowed=None) == []


def test_money_is_shown_in_whole_pounds_with_commas():
    assert rules.pounds(1_234_567_00) == "£1,234,567"
    assert rules.pounds(1_50) == "£1.50"


def test_an_estimate_is_shown_in_whole_pounds_rounded_half_up_never_cut():
    # Three years worth £920,000 in all: £306,666.67 a year, stored as 30666666 pence.
    assert rules.pounds(rules.annual_value([300_000_00, 310_000_00, 310_000_00]), whole=True) == "£306,667"
    assert rules.pounds(100_49, whole=True) == "£100"
    assert rules.pounds(100_50, whole=True) == "£101"
    assert rules.pounds(1_234_567_00, whole=True) == "£1,234,567"


@given(st.integers(min_value=0, max_value=rules.MAX_YEARLY_VALUE_PENCE))
def test_an_estimate_in_whole_pounds_is_the_nearest_pound(pence):
    shown = int(rules.pounds(pence, whole=True).removeprefix("£").replace(",", ""))
    assert abs(shown * 100 - pence) <= 50
    assert shown * 100 - pence != -50  # half a pound is rounded up


# Weightings --------------------------------------------------------------------------------------


def criterion(weighting, name=None) -> CriterionTerms:
    return CriterionTerms(name=name or f"C{weighting}", weighting=weighting, assessed="x", max_words=500)


def test_weightings_total_exactly_100():
    assert rules.criteria_problems([criterion(60), criterion(40)]) == []
    problem = rules.criteria_problems([criterion(60), criterion(39)])[0]
    assert problem.message == "The weightings must add up to 100%: they add up to 99%"
    assert rules.criteria_problems([criterion(60), criterion(41)])
    assert rules.criteria_problems([])


def test_criteria_have_different_names_and_no_zero_weighting():
    assert rules.criteria_problems([criterion(50, "Price"), criterion(50, "price")])
    assert rules.criteria_problems([criterion(100), criterion(0)])


def test_the_standard_checklist_has_the_six_items_of_the_domain():
    assert len(rules.STANDARD_CHECKLIST) == 6
    assert len({item.code for item in rules.STANDARD_CHECKLIST}) == 6
