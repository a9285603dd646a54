"""The form of "Your organisation's accounts": the GOV.UK date input, the one money field and the file.
Every field is optional here: the rules are the service's (`portal.financial_profile`), whose refusals the
view shows against each field, keeping what was typed."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from portal import uploads
from portal.form_kit import GovukForm, date_field
from portal.models import FinancialProfile
from portal.money import PoundsField, pence_as_typed


class FinancialProfileForm(GovukForm):
    """Drawn inside the page's <form>, which carries the CSRF token, the file encoding and the button."""

    year_end = date_field("The date your financial year ended", help_text="For example, 31 3 2026")
    income = PoundsField(
        label="Turnover or income for that year (£)",
        help_text="In whole pounds, as your accounts show it: turnover for a company, total income for "
        "a charity. For example, 125,000.",
    )
    accounts = forms.FileField(
        label="Upload the accounts (optional)",
        help_text=f"{uploads.ALLOWED_HINT}, up to {uploads.size_limit_text()}. "
        "If you change only the figure, the file you uploaded for the same year is kept.",
        required=False,
    )

    def layout(self) -> list:
        return [
            Field("year_end"),
            Field.text("income", field_width=Fixed.TEN, inputmode="numeric"),
            Field("accounts"),
        ]

    @staticmethod
    def initial_from(profile: FinancialProfile | None) -> dict[str, Any]:
        if profile is None:
            return {}
        return {"year_end": profile.year_end, "income": pence_as_typed(profile.income_pence)}
