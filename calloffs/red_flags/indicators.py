"""The Open Contracting Partnership's red-flag indicators that apply to the portal's data, computed from
internal compiled releases (`calloffs.red_flags.releases`) as Cardinal's documentation defines them
(https://cardinal.readthedocs.io/en/latest/cli/indicators/). Cardinal's Python package (0.0.8) offers
only its `coverage` command, not `indicators` (docs/adr/0021-red-flags.md), so they are computed here,
each a function of one compiled release that returns a `Flag` or None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from calloffs import rules
from calloffs.red_flags.flags import (
    ALL_EXCEPT_WINNER_DISQUALIFIED,
    LATE_BID_WON,
    SHORT_SUBMISSION_PERIOD,
    SINGLE_BID,
    Flag,
)

Release = dict[str, Any]
COMPETITIVE_METHODS = frozenset({"open", "selective"})  # R018's default
SHORT_PERIOD_DAYS = rules.MINIMUM_RESPONSE_DAYS  # R003's threshold: the portal's own minimum, not 15
DISQUALIFIED_THRESHOLD = 1  # R035's default
FINAL_AWARD_STATUSES = frozenset({"active", "cancelled", "unsuccessful"})


def _wall_clock(text: str) -> datetime:
    """An OCDS date on the wall clock it was written in (ours: London's), so that whole days are
    counted as the portal's rules count them, across a change of the clocks."""
    return datetime.fromisoformat(text).replace(tzinfo=None)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _bids(release: Release) -> list[dict[str, Any]]:
    return release.get("bids", {}).get("details", [])


def _tenderer_ids(bid: dict[str, Any]) -> set[str]:
    return {tenderer["id"] for tenderer in bid.get("tenderers", [])}


def _active_supplier_ids(release: Release) -> set[str]:
    return {
        supplier["id"]
        for award in release.get("awards", [])
        if award.get("status") == "active"
        for supplier in award.get("suppliers", [])
    }


def short_submission_period(release: Release) -> Flag | None:
    """R003: fewer than `SHORT_PERIOD_DAYS` whole days from the tender period's start to its end."""
    period = release.get("tender", {}).get("tenderPeriod", {})
    if "startDate" not in period or "endDate" not in period:
        return None
    days = (_wall_clock(period["endDate"]) - _wall_clock(period["startDate"])).days
    if days >= SHORT_PERIOD_DAYS:
        return None
    return Flag(SHORT_SUBMISSION_PERIOD, details={"days": days, "threshold": SHORT_PERIOD_DAYS})


def single_bid(release: Release) -> Flag | None:
    """R018: a competitive procedure with exactly one tenderer."""
    tender = release.get("tender", {})
    if tender.get("procurementMethod") not in COMPETITIVE_METHODS or tender.get("numberOfTenderers") != 1:
        return None
    return Flag(SINGLE_BID, details={"tenderers": 1})


def late_bid_won(release: Release) -> Flag | None:
    """R030: a valid bid received after the tender period's end, by a supplier of an active award."""
    end = release.get("tender", {}).get("tenderPeriod", {}).get("endDate")
    winners = _active_supplier_ids(release)
    if end is None or not winners:
        return None
    late = [
        bid
        for bid in _bids(release)
        if bid.get("status") == "valid"
        and "date" in bid
        and _moment(bid["date"]) > _moment(end)
        and _tenderer_ids(bid) & winners
    ]
    if not late:
        return None
    lots = sorted({lot for bid in late for lot in bid.get("relatedLots", [])})
    return Flag(LATE_BID_WON, details={"late_winning_tenders": len(late), "lots": lots})


def all_except_winner_disqualified(release: Release) -> Flag | None:
    """R035: exactly one tenderer has valid bids, it is the supplier of every active award, and at least
    `DISQUALIFIED_THRESHOLD` other tenderers had a bid disqualified. Not while an award is pending (ours:
    until its contract is recorded), as Cardinal waits for every award to be final."""
    awards = release.get("awards", [])
    if not awards or any(award.get("status") not in FINAL_AWARD_STATUSES for award in awards):
        return None
    bids = _bids(release)
    valid = {tenderer for bid in bids if bid.get("status") == "valid" for tenderer in _tenderer_ids(bid)}
    if len(valid) != 1 or valid != _active_supplier_ids(release):
        return None
    disqualified = {
        tenderer for bid in bids if bid.get("status") == "disqualified" for tenderer in _tenderer_ids(bid)
    } - valid
    if len(disqualified) < DISQUALIFIED_THRESHOLD:
        return None
    return Flag(
        ALL_EXCEPT_WINNER_DISQUALIFIED,
        value=float(len(disqualified)),
        details={"excluded_organisations": len(disqualified)},
    )


INDICATORS: tuple[Callable[[Release], Flag | None], ...] = (
    short_submission_period,
    single_bid,
    late_bid_won,
    all_except_winner_disqualified,
)


def indicators(release: Release) -> list[Flag]:
    return [flag for indicator in INDICATORS if (flag := indicator(release)) is not None]
