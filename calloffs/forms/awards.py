"""Forms of awards: choose a tender, withdraw an award, record the contract (calloffs.services.awards)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from calloffs.selectors import RankedTender
from portal.form_kit import GovukForm, date_field
from portal.money import PoundsField


class AwardForm(GovukForm):
    tender = forms.ChoiceField(label="Which tender do you award this lot to?", widget=forms.RadioSelect)

    def __init__(self, *args, ranked: list[RankedTender], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tender"].choices = [
            (row.tender.pk, f"{row.tender.organisation.legal_name}: total {row.total}, ranked {row.rank}")
            for row in ranked
            if row.awardable and row.rank is not None
        ]
        self.fields["tender"].error_messages["required"] = "Select the tender you award this lot to"

    def layout(self) -> list:
        return [Field.radios("tender")]


class WithdrawAwardForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing the award?",
        help_text="Every bidder for this lot is told this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def layout(self) -> list:
        return [Field.textarea("reason")]


class ContractForm(GovukForm):
    value = PoundsField(
        label="Contract value", help_text="The total value over the contract's term, in pounds."
    )
    start_date = date_field("Start date")
    end_date = date_field("End date")

    def layout(self) -> list:
        return [
            Field.text("value", field_width=Fixed.TEN, inputmode="numeric"),
            Field("start_date"),
            Field("end_date"),
        ]


class ConfirmForm(GovukForm):
    """A button only: carries the refusal, if any, to the error summary."""
