"""An applicant's budget, declaration and files."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from grants import rules
from portal.form_kit import GovukForm


class BudgetForm(GovukForm):
    def __init__(self, *args, years: int, **kwargs) -> None:
        year_choices = [("", "Select a year")] + [(str(year), f"Year {year}") for year in range(1, years + 1)]
        for index in range(rules.BUDGET_ROWS):
            self.base_fields[f"year-{index}"] = forms.ChoiceField(
                label=f"Cost line {index + 1}: year", choices=year_choices, required=False
            )
            self.base_fields[f"item-{index}"] = forms.CharField(
                label=f"Cost line {index + 1}: what it is for", max_length=200, required=False
            )
            self.base_fields[f"amount-{index}"] = forms.CharField(
                label=f"Cost line {index + 1}: amount (£)", max_length=15, required=False
            )
        super().__init__(*args, **kwargs)

    def layout(self) -> list:
        parts = []
        for index in range(rules.BUDGET_ROWS):
            parts += [
                Field.select(f"year-{index}"),
                Field.text(f"item-{index}"),
                Field.text(f"amount-{index}", field_width=Fixed.TEN, inputmode="numeric"),
            ]
        return parts

    @staticmethod
    def initial_for(lines: list[dict[str, Any]]) -> dict[str, Any]:
        initial = {}
        for index, line in enumerate(lines[: rules.BUDGET_ROWS]):
            initial[f"year-{index}"] = str(line.get("year") or "")
            initial[f"item-{index}"] = line.get("item", "")
            initial[f"amount-{index}"] = line.get("amount", "")
        return initial

    def lines(self) -> list[dict[str, Any]]:
        lines = []
        for index in range(rules.BUDGET_ROWS):
            year = self.cleaned_data.get(f"year-{index}") or ""
            item = (self.cleaned_data.get(f"item-{index}") or "").strip()
            amount = (self.cleaned_data.get(f"amount-{index}") or "").strip()
            if year or item or amount:
                lines.append({"year": int(year) if year.isdigit() else None, "item": item, "amount": amount})
        return lines


class DeclarationForm(GovukForm):
    signed_name = forms.CharField(label="Your full name", max_length=200, required=False)
    signed_role = forms.CharField(label="Your role in the organisation", max_length=200, required=False)


class FileForm(GovukForm):
    file = forms.FileField(label="File", required=False)


class EarlierApplicationForm(GovukForm):
    """Start from an earlier application: which of the organisation's applications to copy answers from."""

    earlier = forms.TypedChoiceField(
        label="Which application do you want to copy answers from?",
        help_text="We copy an answer only to a question with the same wording, and never over one you have "
        "given. You need to check the copied answers before you can send your application.",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the application to copy answers from"},
    )

    def __init__(self, *args, applications, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earlier"].choices = [
            (application.pk, f"Your application to {application.grant_round.title}")
            for application in applications
        ]

    def layout(self) -> list:
        return [Field.radios("earlier", legend_size=Size.MEDIUM)]
