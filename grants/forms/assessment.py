"""Assessors' declarations and the decision on an application."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from portal.evaluation.forms import DeclarationsForm
from portal.form_kit import GovukForm, date_field
from portal.money import PoundsField

# Assessment and offers ---------------------------------------------------------------------------


class ApplicationDeclarationsForm(DeclarationsForm):
    """The shared declarations form (one group per bid), naming each applicant."""

    def bid_label(self, application) -> str:
        return application.organisation.legal_name


class AwardDecisionForm(GovukForm):
    award = forms.ChoiceField(
        label="Your decision",
        choices=[("yes", "Award a grant"), ("no", "Decline the application")],
        widget=forms.RadioSelect,
        required=False,
    )
    amount_per_year = PoundsField(
        label="Amount a year (£), if you award", help_text="At most what was asked."
    )
    duration_months = forms.IntegerField(label="How many months, if you award", required=False, min_value=1)
    starts_on = date_field("Start date, if you award")
    feedback = forms.CharField(
        label="Feedback for the applicant",
        help_text="It is sent to them, as written, in their outcome letter.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.radios("award"),
            Field.text("amount_per_year", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("duration_months", field_width=Fixed.TWO, inputmode="numeric"),
            Field("starts_on"),
            Field.textarea("feedback"),
        ]

    def award_choice(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("award") or "")
