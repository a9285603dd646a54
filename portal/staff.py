"""Who runs competitions and grant rounds: commissioners for the regions they cover, MoJ admins for all."""

from __future__ import annotations

from portal.models import User


def regions_covered(user: User) -> frozenset[int] | None:
    """The ids of the regions a person commissions for; None for an MoJ admin, who covers them all."""
    if user.is_moj_admin:
        return None
    if user.is_commissioner:
        return frozenset(user.regions.values_list("pk", flat=True))
    return frozenset()
