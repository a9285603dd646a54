"""Each red flag on hand-built data that should raise it and data that should not: Cardinal's indicators on
compiled releases written by hand, the portal's own checks on plain facts (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calloffs.models import Amendment
from calloffs.red_flags import flags, indicators
from calloffs.red_flags.portal_checks import (
    Decision,
    conflicted_decider,
    late_deadline_move,
    one_eligible_organisation,
)
from calloffs.rules import MINIMUM_RESPONSE_DAYS
from portal.clock import LONDON

WINNER, LOSER, THIRD = "psdf-org-1", "psdf-org-2", "psdf-org-3"
DEADLINE = "2026-06-30T12:00:00+01:00"


def bid(tenderer: str, status: str = "valid", date: str = "2026-06-29T09:00:00+01:00") -> dict[str, Any]:
    return {
        "id": f"bid-{tenderer}",
        "status": status,
        "date": date,
        "tenderers": [{"id": tenderer}],
        "relatedLots": ["lot-1"],
    }


def award(supplier: str | None = WINNER, status: str = "active") -> dict[str, Any]:
    entry: dict[str, Any] = {"id": "award-1", "status": status}
    if supplier:
        entry["suppliers"] = [{"id": supplier, "name": "Never read"}]
    return entry


def release(
    *,
    start: str = "2026-05-01T10:00:00+01:00",
    end: str = DEADLINE,
    tenderers: int | None = 2,
    bids: list | None = None,
    awards: list | None = None,
    method: str = "selective",
) -> dict:
    tender: dict[str, Any] = {
        "procurementMethod": method,
        "tenderPeriod": {"startDate": start, "endDate": end},
    }
    if tenderers is not None:
        tender["numberOfTenderers"] = tenderers
    built: dict[str, Any] = {"ocid": "ocds-xxxxxx-psdf-1", "tender": tender}
    if bids is not None:
        built["bids"] = {"details": bids}
    if awards is not None:
        built["awards"] = awards
    return built


def codes(built: dict) -> list[str]:
    return [flag.code for flag in indicators.indicators(built)]


# R003: short submission period ------------------------------------------------------------------------


def test_a_tender_period_shorter_than_the_portals_minimum_is_flagged_with_its_days():
    flag = indicators.short_submission_period(
        release(start="2026-05-01T10:00:00+01:00", end="2026-05-21T10:00:00+01:00")
    )
    assert flag == flags.Flag("R003", details={"days": 20, "threshold": MINIMUM_RESPONSE_DAYS})


def test_the_portals_minimum_period_is_not_flagged_across_the_clocks_going_forward():
    # The clocks go forward at 01:00 on 29 March 2026: 10:00 on 1 March to 10:00 on 29 March is 28 days on
    # London's wall clock (as the portal's rule counts them), though 27 days and 23 hours elapse.
    built = release(start="2026-03-01T10:00:00+00:00", end="2026-03-29T10:00:00+01:00")
    assert indicators.short_submission_period(built) is None


def test_a_period_a_minute_short_of_the_minimum_is_flagged():
    flag = indicators.short_submission_period(
        release(start="2026-05-01T10:00:00+01:00", end="2026-05-29T09:59:00+01:00")
    )
    assert flag is not None and flag.details["days"] == MINIMUM_RESPONSE_DAYS - 1


@given(st.integers(min_value=0, max_value=400))
def test_r003_flags_exactly_the_periods_under_the_minimum(days):
    start = datetime(2026, 1, 5, 10, tzinfo=LONDON)
    end = start.replace(tzinfo=None) + timedelta(days=days)
    built = release(start=start.isoformat(), end=end.replace(tzinfo=LONDON).isoformat())
    assert (indicators.short_submission_period(built) is not None) == (days < MINIMUM_RESPONSE_DAYS)


def test_no_tender_period_no_r003():
    assert indicators.short_submission_period({"tender": {}}) is None


# R018: single bid --------------------------------------------------------------------------------------


def test_one_tenderer_in_a_competitive_procedure_is_flagged():
    assert indicators.single_bid(release(tenderers=1)) == flags.Flag("R018", details={"tenderers": 1})


@pytest.mark.parametrize(
    "built",
    [
        release(tenderers=2),
        release(tenderers=0),
        release(tenderers=None),
        release(tenderers=1, method="limited"),
    ],
    ids=["two", "none", "not yet opened", "not competitive"],
)
def test_r018_is_not_raised_without_a_single_tenderer_in_a_competitive_procedure(built):
    assert indicators.single_bid(built) is None


# R030: late bid won ------------------------------------------------------------------------------------

LATE = "2026-06-30T12:00:01+01:00"


def test_a_winning_bid_received_after_the_deadline_is_flagged_with_its_lot():
    built = release(bids=[bid(WINNER, date=LATE), bid(LOSER)], awards=[award()])
    assert indicators.late_bid_won(built) == flags.Flag(
        "R030", details={"late_winning_tenders": 1, "lots": ["lot-1"]}
    )


def test_the_deadline_is_compared_as_an_instant_not_as_text():
    # 11:30 UTC is 12:30 in London in June: after a 12:00 deadline, although "11:30" sorts before "12:00".
    built = release(bids=[bid(WINNER, date="2026-06-30T11:30:00+00:00")], awards=[award()])
    assert indicators.late_bid_won(built) is not None


@pytest.mark.parametrize(
    "built",
    [
        release(bids=[bid(WINNER), bid(LOSER, date=LATE)], awards=[award()]),  # the late bid lost
        release(bids=[bid(WINNER, date=LATE)], awards=[award(status="pending")]),  # no active award
        release(bids=[bid(WINNER, status="disqualified", date=LATE)], awards=[award()]),  # not valid
        release(bids=[bid(WINNER, date=DEADLINE)], awards=[award()]),  # at the deadline is not after
        release(bids=[bid(WINNER, date=LATE)]),  # no award
    ],
    ids=["late loser", "pending award", "disqualified", "on time", "undecided"],
)
def test_r030_is_not_raised_unless_a_valid_late_bid_won(built):
    assert indicators.late_bid_won(built) is None


# R035: all except winning bid disqualified --------------------------------------------------------------


def test_every_other_tenderer_disqualified_and_the_only_valid_one_winning_is_flagged():
    built = release(
        bids=[
            bid(WINNER),
            bid(LOSER, "disqualified"),
            bid(THIRD, "disqualified"),
            bid(THIRD, "disqualified"),
        ],
        awards=[award(), award(None, "unsuccessful")],
    )
    assert indicators.all_except_winner_disqualified(built) == flags.Flag(
        "R035", value=2.0, details={"excluded_organisations": 2}
    )


@pytest.mark.parametrize(
    "built",
    [
        release(bids=[bid(WINNER), bid(LOSER)], awards=[award()]),  # another valid bid
        release(bids=[bid(WINNER)], awards=[award()]),  # nobody disqualified
        release(
            bids=[bid(WINNER), bid(LOSER, "disqualified")], awards=[award(status="pending")]
        ),  # standstill
        release(bids=[bid(WINNER), bid(LOSER, "disqualified")], awards=[award(THIRD)]),  # someone else won
        release(bids=[bid(WINNER), bid(LOSER, "disqualified")], awards=[]),  # undecided
        release(bids=[bid(WINNER), bid(WINNER, "disqualified")], awards=[award()]),  # only its own bid
    ],
    ids=["competition", "no exclusion", "pending award", "other winner", "no award", "own bid excluded"],
)
def test_r035_is_not_raised_otherwise(built):
    assert indicators.all_except_winner_disqualified(built) is None


def test_a_release_without_bids_or_awards_raises_only_what_its_tender_shows():
    assert codes(release(tenderers=1)) == ["R018"]
    assert codes(release()) == []


def test_no_flag_names_a_bidder():
    built = release(
        start="2026-06-20T10:00:00+01:00",
        tenderers=1,
        bids=[bid(WINNER, date=LATE), bid(LOSER, "disqualified")],
        awards=[award()],
    )
    raised = indicators.indicators(built)
    assert [flag.code for flag in raised] == ["R003", "R018", "R030", "R035"]
    assert "psdf-org" not in repr(raised) and "Never read" not in repr(raised)


# P001: an award decided by someone who declared a conflict ------------------------------------------------


def test_a_lot_decided_by_someone_with_a_declared_conflict_in_it_is_flagged():
    decisions = [
        Decision(lot_id=10, lot_number=1, decided_by_id=7),
        Decision(lot_id=11, lot_number=2, decided_by_id=7),
    ]
    assert conflicted_decider(decisions, {(7, 11)}) == flags.Flag("P001", details={"lots": [2]})


def test_a_conflict_in_another_lot_or_by_another_person_is_not_flagged():
    decisions = [Decision(lot_id=10, lot_number=1, decided_by_id=7)]
    assert conflicted_decider(decisions, {(7, 11), (8, 10)}) is None
    assert conflicted_decider([], {(7, 10)}) is None


# P002: a deadline moved by an amendment in the last 7 days ------------------------------------------------

OLD_DEADLINE = datetime(2026, 10, 28, 10, tzinfo=LONDON)


def amendment(made_at: datetime, *, moves: bool = True, number: int = 1) -> Amendment:
    new = OLD_DEADLINE + timedelta(days=14) if moves else OLD_DEADLINE
    return Amendment(number=number, made_at=made_at, previous_deadline=OLD_DEADLINE, new_deadline=new)


def test_a_deadline_moved_within_7_days_of_itself_is_flagged():
    late = amendment(datetime(2026, 10, 21, 10, tzinfo=LONDON), number=2)
    assert late_deadline_move([amendment(datetime(2026, 10, 1, tzinfo=LONDON)), late]) == flags.Flag(
        "P002", details={"amendments": [2]}
    )


def test_the_7_days_are_counted_on_londons_wall_clock():
    # The clocks go back on 25 October 2026: 10:00 on 21 October is 7 wall-clock days before 10:00 on the
    # 28th, although 169 hours; a minute earlier is outside the week.
    assert late_deadline_move([amendment(datetime(2026, 10, 21, 10, tzinfo=LONDON))]) is not None
    assert late_deadline_move([amendment(datetime(2026, 10, 21, 9, 59, tzinfo=LONDON))]) is None


def test_a_late_amendment_that_keeps_the_deadline_is_not_flagged():
    assert late_deadline_move([amendment(datetime(2026, 10, 27, tzinfo=LONDON), moves=False)]) is None


@given(st.integers(min_value=0, max_value=60 * 24 * 30))
def test_p002_flags_a_move_exactly_when_it_was_made_in_the_last_week(minutes_before):
    made_at = (OLD_DEADLINE - timedelta(minutes=minutes_before)).astimezone(LONDON)
    week_before = datetime(2026, 10, 21, 10, tzinfo=LONDON)
    assert (late_deadline_move([amendment(made_at)]) is not None) == (made_at >= week_before)


# P003: one eligible organisation ------------------------------------------------------------------------


@pytest.mark.parametrize(("eligible", "raised"), [(0, False), (1, True), (2, False), (50, False)])
def test_exactly_one_eligible_organisation_is_flagged(eligible, raised):
    assert (one_eligible_organisation(eligible) is not None) is raised


# The words --------------------------------------------------------------------------------------------


def test_every_flag_has_plain_words_and_facts_that_never_accuse():
    examples = {
        "R003": {"days": 20, "threshold": 28},
        "R018": {"tenderers": 1},
        "R030": {"late_winning_tenders": 1, "lots": ["lot-2"]},
        "R035": {"excluded_organisations": 1},
        "P001": {"lots": [1, 3]},
        "P002": {"amendments": [2]},
        "P003": {"eligible_organisations": 1},
    }
    assert set(flags.MEANINGS) == set(examples)
    for code, details in examples.items():
        meaning = flags.MEANINGS[code]
        words = " ".join([meaning.title, meaning.means, meaning.check, flags.facts(code, details)]).lower()
        assert meaning.source == ("cardinal" if code.startswith("R") else "portal")
        assert not any(word in words for word in ("corrupt", "fraud", "guilty", "suspicious", "collusion"))
    assert flags.facts("R030", examples["R030"]) == "Late winning tenders: 1, in lot 2."
    assert flags.facts("P001", examples["P001"]) == "Lots decided by someone who declared a conflict: 1, 3."
