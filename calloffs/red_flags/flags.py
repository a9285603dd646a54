"""What a red flag is, and each flag in plain words, in one place (docs/adr/0021-red-flags.md).

A flag is a fact about a competition that the Open Contracting Partnership's red-flag indicators (codes
R…, as its library Cardinal numbers them) or the portal's own checks (codes P…) point at. It is a prompt
to look, not a finding of wrongdoing: most flags have an innocent explanation. The words say what the
flag means and what to check, and never name a bidder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calloffs import rules

PROMPT_NOT_FINDING = "A flag is a prompt to look, not a finding of wrongdoing."
LATE_AMENDMENT_DAYS = 7  # an amendment this close to the deadline it moves is flagged (P002)

SHORT_SUBMISSION_PERIOD = "R003"
SINGLE_BID = "R018"
LATE_BID_WON = "R030"
ALL_EXCEPT_WINNER_DISQUALIFIED = "R035"
CONFLICTED_DECIDER = "P001"
LATE_DEADLINE_MOVE = "P002"
ONE_ELIGIBLE_ORGANISATION = "P003"


@dataclass(frozen=True)
class Flag:
    """One flag raised about one competition: `details` hold numbers and lot numbers only."""

    code: str
    value: float = 1.0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Meaning:
    title: str
    means: str
    check: str
    source: str  # "cardinal" or "portal", as `RedFlag.Source`


MEANINGS: dict[str, Meaning] = {
    SHORT_SUBMISSION_PERIOD: Meaning(
        "Short time to bid",
        f"Fewer than {rules.MINIMUM_RESPONSE_DAYS} whole days passed between the invitation being published "
        "and the deadline for tenders. Short deadlines can keep out organisations that heard of the "
        "opportunity late.",
        f"Check why the deadline was set so soon. The portal refuses a deadline less than "
        f"{rules.MINIMUM_RESPONSE_DAYS} days after publication, so this flag means the dates were changed "
        "outside the portal's rules.",
        "cardinal",
    ),
    SINGLE_BID: Meaning(
        "Only one organisation bid",
        "Only one organisation submitted a tender, so there was no competition on price or quality.",
        "Check whether other eligible organisations knew about the opportunity, and whether the "
        "requirements, lots or deadline put them off. Ask those who did not bid, if that would help "
        "the next competition.",
        "cardinal",
    ),
    LATE_BID_WON: Meaning(
        "A winning tender arrived after the deadline",
        "A tender that won a lot is recorded as submitted after the deadline for tenders.",
        "Check the tender's receipt and the deadline it was submitted against. The portal refuses late "
        "tenders, so this flag means the record or the deadline was changed outside the portal's rules.",
        "cardinal",
    ),
    ALL_EXCEPT_WINNER_DISQUALIFIED: Meaning(
        "Every tender but the winner's was excluded",
        "Only one organisation's tenders stayed in the competition, it won, and the tenders of at least "
        "one other organisation were excluded as ineligible or not compliant.",
        "Check the reasons recorded for each exclusion, and that the same rules were applied to the "
        "winning tender.",
        "cardinal",
    ),
    CONFLICTED_DECIDER: Meaning(
        "Decided by someone who declared a conflict of interest",
        "A lot was decided by a person who had declared a conflict of interest with a tender in that lot.",
        "Check who decided the lot and their declaration. The portal refuses a decision from anyone who "
        "declared a conflict, so this flag means the records were changed outside the portal's rules.",
        "portal",
    ),
    LATE_DEADLINE_MOVE: Meaning(
        "Deadline moved in its last week",
        f"An amendment moved the deadline for tenders within {LATE_AMENDMENT_DAYS} days of the deadline "
        "it replaced. Late changes favour organisations that were told before, or that could wait.",
        "Check the reason given in the amendment, and whether every bidder was told and had time to "
        "confirm or change its tender.",
        "portal",
    ),
    ONE_ELIGIBLE_ORGANISATION: Meaning(
        "Only one organisation could bid",
        "Only one organisation was qualified for the competition's service category, worked in its "
        "regions and met its turnover and cyber security requirements.",
        "Check whether the requirements (the lots' regions, minimum turnover, cyber security level) were "
        "narrower than the service needed. Eligibility is judged by the organisations' standing when the "
        "checks last ran, which may differ from the day of the deadline.",
        "portal",
    ),
}


def facts(code: str, details: dict[str, Any]) -> str:
    """What the data showed, in a sentence (numbers and lot numbers only), or "" if the title says it."""
    if code == SHORT_SUBMISSION_PERIOD:
        days, threshold = details["days"], details["threshold"]
        return f"Bidders had {days} whole days; the least the portal allows is {threshold}."
    if code == LATE_BID_WON:
        lots = ", ".join(lot.removeprefix("lot-") for lot in details["lots"])
        return f"Late winning tenders: {details['late_winning_tenders']}, in lot {lots}."
    if code == ALL_EXCEPT_WINNER_DISQUALIFIED:
        count = details["excluded_organisations"]
        return f"{count} other organisation{'s' if count != 1 else ''} had every tender excluded."
    if code == CONFLICTED_DECIDER:
        lots = ", ".join(map(str, details["lots"]))
        return f"Lots decided by someone who declared a conflict: {lots}."
    if code == LATE_DEADLINE_MOVE:
        numbers = ", ".join(map(str, details["amendments"]))
        return f"Amendments that moved the deadline late: {numbers}."
    return ""
