"""The organisation's rules, in one place.

`organisation_rule_errors` is the one judge of the rules that span fields of an organisation's details:
the profile form and the organisation services (`portal.services`) ask it, and so does the Selection
Questionnaire's organisation section. Single-field formats live on the model's fields (`portal.models`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.models import COMPANIES_HOUSE_NUMBER, Organisation

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
    if number and not COMPANIES_HOUSE_NUMBER.regex.match(number):
        errors["companies_house_number"] = COMPANIES_HOUSE_NUMBER.message
    elif not number and legal_form in COMPANY_FORMS:
        errors["companies_house_number"] = "Enter your Companies House number"
    if legal_form in CHARITY_FORMS and not _text(data, "charity_number"):
        errors["charity_number"] = "Enter your registered charity number"
    return errors
