"""Red flags (docs/adr/0021-red-flags.md): computed for every published competition by a scheduled run
(nightly, and after each award decision), replacing the last run's in one transaction; read by MoJ
admins, and by a competition's commissioners once it is decided, every reading audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from calloffs.alerts import eligible_organisation_ids
from calloffs.models import Competition, ConflictDeclaration, RedFlag
from calloffs.red_flags import releases
from calloffs.red_flags.flags import MEANINGS, Flag
from calloffs.red_flags.indicators import indicators
from calloffs.red_flags.portal_checks import (
    Decision,
    conflicted_decider,
    late_deadline_move,
    one_eligible_organisation,
)
from portal.audit import audit_record
from portal.exceptions import RuleBroken
from portal.models import User

DECIDED = (Competition.Status.AWARDED, Competition.Status.NO_SUITABLE_BIDDER)


def _conflicts() -> set[tuple[int, int]]:
    """(person, lot) for every declared conflict of interest."""
    return set(
        ConflictDeclaration.objects.filter(has_conflict=True).values_list(
            "evaluator__user_id", "tender__lot_id"
        )
    )


def flags_of(competition: Competition, conflicts: set[tuple[int, int]]) -> list[Flag]:
    """Every flag about `competition` (from `releases.competitions()`)."""
    decisions = [
        Decision(lot_id=lot.pk, lot_number=lot.number, decided_by_id=award.decided_by_id)
        for lot in competition.lots.all()
        for award in lot.awards.all()
    ]
    portal_flags = [
        conflicted_decider(decisions, conflicts),
        late_deadline_move(competition.amendments.all()),
        None if _several_could_bid(competition) else _one_eligible_organisation(competition),
    ]
    return [*indicators(releases.compiled_release(competition)), *(f for f in portal_flags if f)]


def _several_could_bid(competition: Competition) -> bool:
    """Once the tenders are opened, two organisations with a tender not excluded at the deadline prove
    that several could bid then, without reading every organisation's qualifications (nearly every
    competition: the run's time is in those reads). Never before opening: who bid is sealed."""
    if competition.opened_at is None:
        return False
    bids = getattr(competition, releases.BIDS)
    return len({tender.organisation_id for tender in bids if not tender.excluded_reason}) >= 2


def _one_eligible_organisation(competition: Competition) -> Flag | None:
    return one_eligible_organisation(len(eligible_organisation_ids(competition, enough=2)))


def red_flags_compute(*, competition_id: int | None = None, now: datetime | None = None) -> int:
    """Compute every published competition's flags (or only one's) and store them in place of the last
    run's. How many were raised."""
    now = now or timezone.now()
    conflicts = _conflicts()
    competitions = releases.competitions()
    if competition_id is not None:
        competitions = competitions.filter(pk=competition_id)
    found = {competition.pk: flags_of(competition, conflicts) for competition in competitions}
    rows = [
        RedFlag(
            competition_id=pk,
            code=flag.code,
            source=MEANINGS[flag.code].source,
            value=flag.value,
            details=flag.details,
            computed_at=now,
        )
        for pk, flags in found.items()
        for flag in flags
    ]
    replaced = (
        RedFlag.objects.all()
        if competition_id is None
        else RedFlag.objects.filter(competition_id=competition_id)
    )
    with transaction.atomic():
        # The competitions' rows, locked in order, queue a nightly run and a competition's run after an
        # award, so that their writes never meet on the unique (competition, code).
        list(Competition.objects.select_for_update().filter(pk__in=found).order_by("pk").values_list("pk"))
        replaced.delete()
        RedFlag.objects.bulk_create(rows)
        audit_record(
            actor=None,
            action="red_flags.computed",
            summary=f"{len(rows)} red flags on {len({row.competition_id for row in rows})} of {len(found)} "
            "published competitions",
        )
    return len(rows)


def may_read(user: User, competition: Competition) -> bool:
    """MoJ admins read every competition's flags; a commissioner who manages it, once it is decided (the
    views have scoped the competition to the person already)."""
    return user.is_moj_admin or (user.is_commissioner and competition.status in DECIDED)


def red_flags_read(*, user: User, competition: Competition) -> list[RedFlag]:
    """The competition's flags, for a person allowed to read them; the reading is audited."""
    if not may_read(user, competition):
        raise RuleBroken("You can read a competition's red flags once it is decided.")
    flags = list(RedFlag.objects.filter(competition=competition).order_by("code"))
    audit_record(
        actor=user,
        action="red_flags.read",
        summary=f"Read {len(flags)} red flag{'s' if len(flags) != 1 else ''}",
        obj=competition,
    )
    return flags


def integrity_list_read(*, user: User) -> list[Competition]:
    """Every competition with a flag and its flags' codes (`flag_codes`), for an MoJ admin; audited."""
    if not user.is_moj_admin:
        raise RuleBroken("Only MoJ admins can read the integrity checks.")
    competitions = list(
        Competition.objects.filter(red_flags__isnull=False)
        .distinct()
        .prefetch_related("red_flags")
        .order_by("-pk")
    )
    audit_record(
        actor=user,
        action="red_flags.read",
        summary=f"Read the integrity checks: {len(competitions)} competitions with red flags",
    )
    return competitions
