"""The organisation's financial profile (issue 21): its latest accounts, typed once and used by the
Selection Questionnaire's turnover, the call-off turnover threshold and the grants income rule.

A change adds a `FinancialProfile` row (the latest is current) in one transaction with its audit row, and
in that transaction each app brings what is still a draft up to date through its
`financial_profile_changed` hook (`portal.contributions`); what was sent is never touched. Why it is built
this way: docs/adr/0024-financial-profile.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal import contributions, uploads
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import FinancialProfile, Organisation, User
from portal.money import pounds
from portal.organisations import require_member
from portal.wording import accounts_source

MEMBERS_ONLY = "Only people in {organisation} can change its accounts."
YEAR_END_MISSING = "Enter the date your financial year ended"
YEAR_NOT_ENDED = "Enter a financial year that has ended"
INCOME_MISSING = "Enter your turnover or income for that year in whole pounds, like 125,000"

# Rules --------------------------------------------------------------------------------------------


def profile_problems(*, year_end: date | None, income_pence: int | None, today: date) -> list[RuleBroken]:
    """What is wrong with these figures, each against its field: accounts are for a year that has ended
    (by London's calendar), with a turnover or income of £0 or more."""
    problems = []
    if year_end is None:
        problems.append(RuleBroken(YEAR_END_MISSING, field="year_end"))
    elif year_end > today:
        problems.append(RuleBroken(YEAR_NOT_ENDED, field="year_end"))
    if income_pence is None or income_pence < 0:
        problems.append(RuleBroken(INCOME_MISSING, field="income"))
    return problems


def source_text(profile: FinancialProfile, *, today: date | None = None) -> str:
    """Where the profile's figure came from and how old it is, in the one wording every use shows."""
    return accounts_source(year_end=profile.year_end, recorded_at=profile.recorded_at, today=today)


# Reading ------------------------------------------------------------------------------------------


def current_profile(organisation: Organisation | int) -> FinancialProfile | None:
    """The organisation's financial profile as it is now (its latest row), or None if it has none."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return FinancialProfile.objects.filter(organisation_id=organisation_id).order_by("-pk").first()


def current_profiles(organisation_ids: set[int]) -> dict[int, FinancialProfile]:
    """{organisation id: current profile} for many organisations, in one query."""
    rows = FinancialProfile.objects.current().filter(organisation_id__in=organisation_ids)
    return {profile.organisation_id: profile for profile in rows}


# Changing -----------------------------------------------------------------------------------------


def financial_profile_update(
    *,
    user: User,
    organisation: Organisation,
    year_end: date | None,
    income_pence: int | None,
    accounts: UploadedFile | None = None,
    today: date | None = None,
) -> FinancialProfile:
    """A member of the organisation records its latest accounts. Nothing changes (and nothing is
    audited) if the figures are the same and no file is given. A new file replaces the accounts file;
    for the same year the file stays, while accounts for another year never keep the old year's file.
    Drafts that use the figure follow it, in this transaction; what was sent keeps its own."""
    require_member(user, organisation, refusal=MEMBERS_ONLY)
    today = today or timezone.localdate()
    raise_problems(profile_problems(year_end=year_end, income_pence=income_pence, today=today))
    assert year_end is not None and income_pence is not None  # the rules above say so
    checked = uploads.checked_upload(accounts, field="accounts", user=user) if accounts is not None else None
    with transaction.atomic():
        locked(Organisation, organisation.pk)  # one change at a time: each builds on the latest row
        previous = current_profile(organisation)
        same_figures = (
            previous is not None and previous.year_end == year_end and previous.income_pence == income_pence
        )
        if same_figures and checked is None:
            assert previous is not None
            return previous
        profile = FinancialProfile(
            organisation=organisation, year_end=year_end, income_pence=income_pence, recorded_by=user
        )
        if checked is not None:
            profile.accounts.save("accounts", ContentFile(checked.data), save=False)
            profile.accounts_name, profile.accounts_content_type = checked.name, checked.content_type
        elif previous is not None and previous.year_end == year_end:
            profile.accounts = previous.accounts.name  # the same stored file: rows are never changed
            profile.accounts_name = previous.accounts_name
            profile.accounts_content_type = previous.accounts_content_type
        profile.save()
        audit_record(
            actor=user,
            action="organisation.accounts_updated",
            obj=profile,
            summary=f"{organisation}: accounts for the year ending {year_end:%Y-%m-%d}, "
            f"{pounds(income_pence)}" + (", with the accounts file" if checked is not None else ""),
            changes={
                "year_end": [str(previous.year_end) if previous else None, str(year_end)],
                "income_pence": [previous.income_pence if previous else None, income_pence],
            },
        )
        contributions.financial_profile_changed(profile, user)
    return profile


# Adopting figures typed before the profile existed (data migrations) ------------------------------


def adopt_figures(profile_model: Any, candidates: Iterable[dict[str, Any]]) -> int:
    """Make profile rows from figures given before the profile existed (each a dict of FinancialProfile
    fields, with `organisation_id` and `recorded_at`), for the data migrations of the apps that held them.
    The latest wins, whichever migration runs first: a candidate is skipped when its organisation already
    has a row recorded at or after it, and rows are added oldest first so that the latest is current.
    `profile_model` is the migration's historical model. Returns how many rows were added."""
    added = 0
    for candidate in sorted(candidates, key=lambda row: row["recorded_at"]):
        newer = profile_model.objects.filter(
            organisation_id=candidate["organisation_id"], recorded_at__gte=candidate["recorded_at"]
        )
        if not newer.exists():
            profile_model.objects.create(**candidate)
            added += 1
    return added
