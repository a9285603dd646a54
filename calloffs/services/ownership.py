"""Who may run a competition or notice: a commissioner for the regions they cover, an MoJ admin for all."""

from __future__ import annotations

from calloffs.models import (
    Competition,
    MarketWarmingNotice,
)
from portal.exceptions import RuleBroken
from portal.models import User
from portal.staff import regions_covered


def check_staff(user: User) -> None:
    if not (user.is_commissioner or user.is_moj_admin):
        raise RuleBroken("Only commissioners and MoJ admins can run competitions.")


def check_covers(user: User, region_ids: frozenset[int], *, field: str = "regions") -> None:
    check_staff(user)
    covered = regions_covered(user)
    if covered is not None and not region_ids <= covered:
        raise RuleBroken("You can only choose regions you commission for", field=field)


def check_owns(user: User, obj: Competition | MarketWarmingNotice) -> None:
    """The person covers every region of the competition or notice (the views answer 404 before this)."""
    check_covers(user, frozenset(obj.regions.values_list("pk", flat=True)))
