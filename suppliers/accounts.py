"""The Selection Questionnaire's turnover, from the organisation's financial profile (issue 21).

When the organisation has a profile (`portal.financial_profile`), the financial section's most recent year
(`turnover_year_1`, `financial_year_end_1`) is the profile's, not typed again: a draft is given it when it
starts, whenever the section is saved, and whenever the profile changes (`drafts_follow`, the app's
`financial_profile_changed` hook). The answers also name the profile row they came from
(`PROFILE_KEY`), so that the snapshot frozen at submission keeps the figure it was sent with and says where
it came from (`snapshot_of`); nothing here ever changes an application that was sent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.financial_profile import current_profile
from portal.models import FinancialProfile, User
from portal.money import rounded_pounds
from portal.questionnaires.engine import VALUES
from suppliers.models import Application

FROM_ACCOUNTS = ("turnover_year_1", "financial_year_end_1")
PROFILE_KEY = "financial_profile"  # the id of the FinancialProfile row the figures came from


def figures_from(profile: FinancialProfile) -> dict[str, Any]:
    """The profile's figures as the financial section stores them: whole pounds and an ISO date."""
    return {
        "turnover_year_1": rounded_pounds(profile.income_pence),
        "financial_year_end_1": profile.year_end.isoformat(),
    }


def with_profile(financial: dict[str, Any], profile: FinancialProfile | None) -> dict[str, Any]:
    """The financial section's answers with the most recent year taken from `profile` (unchanged when
    there is none)."""
    if profile is None:
        return financial
    figures = figures_from(profile)
    return {
        **financial,
        **figures,
        VALUES: {**(financial.get(VALUES) or {}), **figures},
        PROFILE_KEY: profile.pk,
    }


def profile_for(application: Application) -> FinancialProfile | None:
    """The profile a draft's turnover comes from; None for a sent application (it keeps its own)."""
    return current_profile(application.organisation_id) if application.is_draft else None


def snapshot_of(answers: dict[str, Any]) -> dict[str, Any] | None:
    """Where a sent application's turnover came from, frozen with it: the profile row and its figures as
    they were (the row is never changed, but the snapshot stands alone)."""
    profile_id = (answers.get("financial") or {}).get(PROFILE_KEY)
    profile = FinancialProfile.objects.filter(pk=profile_id).first() if profile_id else None
    if profile is None:
        return None
    return {
        "id": profile.pk,
        "year_end": profile.year_end.isoformat(),
        "income_pence": profile.income_pence,
        "recorded_at": profile.recorded_at.isoformat(),
    }


def drafts_follow(profile: FinancialProfile, user: User) -> None:
    """The organisation's draft questionnaire takes the profile's new figures, in the profile change's
    transaction, with an audit row. A sent questionnaire is not touched."""
    with transaction.atomic():
        drafts = Application.objects.select_for_update().filter(
            organisation_id=profile.organisation_id, status=Application.Status.DRAFT
        )
        for draft in drafts:
            draft.answers["financial"] = with_profile(draft.answers.get("financial") or {}, profile)
            draft.updated_at = timezone.now()
            draft.save(update_fields=["answers", "updated_at"])
            audit_record(
                actor=user,
                action="sq.financial_from_accounts",
                obj=draft,
                summary=f"Turnover of {draft} taken from the organisation's accounts",
                changes={"financial_profile": profile.pk},
            )
