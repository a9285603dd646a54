"""The portal's own red flags, about what Cardinal cannot see in OCDS data: who decided, the amendments'
timing and who could bid. Each is a function of plain facts that returns a `Flag` or None."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calloffs.models import Amendment
from calloffs.red_flags.flags import (
    CONFLICTED_DECIDER,
    LATE_AMENDMENT_DAYS,
    LATE_DEADLINE_MOVE,
    ONE_ELIGIBLE_ORGANISATION,
    Flag,
)
from calloffs.rules import reminder_due_at


@dataclass(frozen=True)
class Decision:
    """A lot's decision (standing or withdrawn) and who made it."""

    lot_id: int
    lot_number: int
    decided_by_id: int


def conflicted_decider(decisions: Iterable[Decision], conflicts: set[tuple[int, int]]) -> Flag | None:
    """P001: a lot decided by a person who declared a conflict with a tender in that lot. `conflicts`
    holds (person, lot) for every declaration of a conflict."""
    lots = sorted({d.lot_number for d in decisions if (d.decided_by_id, d.lot_id) in conflicts})
    return Flag(CONFLICTED_DECIDER, details={"lots": lots}) if lots else None


def is_late_deadline_move(amendment: Amendment) -> bool:
    """The amendment moved the deadline, and was made within `LATE_AMENDMENT_DAYS` days (London's wall
    clock, as the reminders count them) before the deadline it replaced, or after it."""
    return amendment.moved_deadline and amendment.made_at >= reminder_due_at(
        amendment.previous_deadline, LATE_AMENDMENT_DAYS
    )


def late_deadline_move(amendments: Iterable[Amendment]) -> Flag | None:
    """P002: a deadline moved by an amendment in the last `LATE_AMENDMENT_DAYS` days before it."""
    late = sorted(amendment.number for amendment in amendments if is_late_deadline_move(amendment))
    return Flag(LATE_DEADLINE_MOVE, details={"amendments": late}) if late else None


def one_eligible_organisation(eligible: int) -> Flag | None:
    """P003: exactly one organisation could bid for any of the competition's lots."""
    return Flag(ONE_ELIGIBLE_ORGANISATION, details={"eligible_organisations": 1}) if eligible == 1 else None
