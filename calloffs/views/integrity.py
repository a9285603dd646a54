"""Integrity checks (calloffs.services.red_flags): MoJ admins' list of competitions with red flags, and
each competition's flags, which its commissioners may also read once it is decided."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render

from calloffs.access import competition_for_user
from calloffs.models import RedFlag
from calloffs.red_flags.flags import MEANINGS, PROMPT_NOT_FINDING, Meaning, facts
from calloffs.services import red_flags as services
from portal.access import MOJ_ADMIN, STAFF, SignedInRequest, not_found
from portal.access import access as access_policy
from portal.exceptions import RuleBroken


@dataclass(frozen=True)
class ShownFlag:
    code: str
    meaning: Meaning
    facts: str


def _shown(flag: RedFlag) -> ShownFlag:
    return ShownFlag(flag.code, MEANINGS[flag.code], facts(flag.code, flag.details))


@access_policy(MOJ_ADMIN)
def integrity_checks(request: SignedInRequest) -> HttpResponse:
    competitions = services.integrity_list_read(user=request.user)
    rows = [
        (competition, [MEANINGS[flag.code].title for flag in competition.red_flags.all()])
        for competition in competitions
    ]
    computed = [flag.computed_at for competition in competitions for flag in competition.red_flags.all()]
    last_run = max(computed, default=None)
    context = {"rows": rows, "last_run": last_run, "prompt": PROMPT_NOT_FINDING, "meanings": MEANINGS}
    return render(request, "calloffs/integrity/list.html", context)


@access_policy(STAFF)
def integrity_competition(request: SignedInRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    try:
        flags = services.red_flags_read(user=request.user, competition=competition)
    except RuleBroken:
        not_found(request, f"competition {competition_pk} is not decided, so its red flags are not shown")
    context = {
        "competition": competition,
        "flags": [_shown(flag) for flag in flags],
        "computed_at": flags[0].computed_at if flags else None,
        "prompt": PROMPT_NOT_FINDING,
    }
    return render(request, "calloffs/integrity/competition.html", context)
