"""The grants registration's income and accounts, from the organisation's financial profile (issue 21).

When the organisation has a profile (`portal.financial_profile`), the registration's annual income, the
end of that financial year and the accounts file are the profile's, not typed or uploaded again. A
registration follows the profile whenever it changes (`registration_follows`, the app's
`financial_profile_changed` hook) unless it is with the grants team: what was sent for a decision keeps
what it was sent with. The income rule of a draft application reads the profile too (`income_pounds`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from grants.models import Registration
from portal.audit import audit_record
from portal.financial_profile import current_profile
from portal.models import FinancialProfile, Organisation, User
from portal.money import rounded_pounds
from portal.questionnaires.engine import VALUES, normalised

FROM_ACCOUNTS = ("annual_income", "year_end")
PROFILE_KEY = "financial_profile"  # the id of the FinancialProfile row the figures came from
ACCOUNTS_FIELDS = ("answers", "accounts", "accounts_name", "accounts_content_type")  # what take_accounts sets


def with_profile(answers: dict[str, Any], profile: FinancialProfile | None) -> dict[str, Any]:
    """The registration's answers with the income and year end taken from `profile` (unchanged when there
    is none)."""
    if profile is None:
        return answers
    figures = {
        "annual_income": rounded_pounds(profile.income_pence),
        "year_end": profile.year_end.isoformat(),
    }
    return {**answers, **figures, VALUES: {**(answers.get(VALUES) or {}), **figures}, PROFILE_KEY: profile.pk}


def take_accounts(
    registration: Registration, profile: FinancialProfile, *, answers: dict[str, Any] | None = None
) -> list[str]:
    """The registration's figures become the profile's (in `answers`, new answers to store, if given),
    and its accounts file too when the profile has one; a file the registration holds for the same year is
    kept when the profile has none, never one for another year. Returns the fields to save."""
    same_year = normalised(registration.answers, "year_end") == profile.year_end.isoformat()
    registration.answers = with_profile(registration.answers if answers is None else answers, profile)
    if profile.accounts or not same_year:
        registration.accounts = profile.accounts.name or ""
        registration.accounts_name = profile.accounts_name
        registration.accounts_content_type = profile.accounts_content_type
    return list(ACCOUNTS_FIELDS)


def registration_follows(profile: FinancialProfile, user: User) -> None:
    """The organisation's registration takes the profile's new figures and file, in the profile change's
    transaction, with an audit row; not while it is with the grants team."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(organisation_id=profile.organisation_id)
            .exclude(status=Registration.Status.SUBMITTED)
            .first()
        )
        if registration is None:
            return
        registration.save(update_fields=take_accounts(registration, profile))
        audit_record(
            actor=user,
            action="grants.registration_from_accounts",
            obj=registration,
            summary=f"Annual income of the grants registration of {registration.organisation_id} taken "
            "from the organisation's accounts",
            changes={"financial_profile": profile.pk},
        )


def income_pounds(organisation: Organisation | int) -> int | None:
    """The annual income the grants income rule judges: the organisation's accounts, else (for an
    organisation that has not given them) what its registration says."""
    profile = current_profile(organisation)
    if profile is not None:
        return rounded_pounds(profile.income_pence)
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    registration = Registration.objects.filter(organisation_id=organisation_id).first()
    return normalised(registration.answers, "annual_income") if registration else None
