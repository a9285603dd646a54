"""The organisation's rules, in one place.

`organisation_rule_errors` is the one judge of the rules that span fields of an organisation's details:
the profile form and the organisation services (`portal.services`) ask it, and so does the Selection
Questionnaire's organisation section. Single-field formats live on the model's fields (`portal.models`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from portal.exceptions import RuleBroken
from portal.models import COMPANIES_HOUSE_NUMBER, Membership, Organisation

LegalForm = Organisation.LegalForm
# Registered at Companies House, so they must give their number.
COMPANY_FORMS = frozenset(
    {LegalForm.CHARITABLE_COMPANY, LegalForm.CIC, LegalForm.PRIVATE_COMPANY, LegalForm.PUBLIC_COMPANY}
)
# Registered with the Charity Commission, so they must give their charity number.
CHARITY_FORMS = frozenset({LegalForm.CIO})


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def organisation_rule_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """{field: message} for the organisation's details in `data` (the profile's field names); empty when
    they keep the rules: a Companies House number in its format, required for company forms; a charity
    number for a charitable incorporated organisation."""
    errors: dict[str, str] = {}
    legal_form = data.get("legal_form")
    number = _text(data, "companies_house_number").replace(" ", "").upper()
    # RegexValidator compiles its pattern.
    if number and not cast(re.Pattern[str], COMPANIES_HOUSE_NUMBER.regex).match(number):
        errors["companies_house_number"] = str(COMPANIES_HOUSE_NUMBER.message)
    elif not number and legal_form in COMPANY_FORMS:
        errors["companies_house_number"] = "Enter your Companies House number"
    if legal_form in CHARITY_FORMS and not _text(data, "charity_number"):
        errors["charity_number"] = "Enter your registered charity number"
    return errors


# Who may act for an organisation -------------------------------------------------------------------


def membership_of(user: Any) -> Membership | None:
    """The supplier's membership of their organisation; None for staff, visitors and people in none."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_supplier", False):
        return None
    return getattr(user, "membership", None)


def require_member(
    user: Any,
    organisation: Organisation | int,
    *,
    admin: bool = False,
    refusal: str = "Only people in the organisation can do this.",
) -> Membership:
    """The user's membership of `organisation` (or its id), when they are in it (and one of its admins, if
    `admin`); otherwise RuleBroken with the caller's plain sentence, in which "{organisation}" is
    replaced by the organisation's name. Every service that acts for an organisation asks this."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    membership = membership_of(user)
    if (
        membership is None
        or membership.organisation_id != organisation_id
        or (admin and not membership.is_admin)
    ):
        raise RuleBroken(refusal.replace("{organisation}", str(organisation)))
    return membership
