"""Forms of awards: choose a tender, withdraw an award, record the contract (calloffs.services.awards)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from calloffs.forms.commissioning import CalloffForm, _date
from calloffs.selectors import RankedTender
from portal.money import PoundsField


class AwardForm(CalloffForm):
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


class WithdrawAwardForm(CalloffForm):
    reason = forms.CharField(
        label="Why are you withdrawing the award?",
        help_text="Every bidder for this lot is told this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def layout(self) -> list:
        return [Field.textarea("reason")]


class ContractForm(CalloffForm):
    value = PoundsField(
        label="Contract value", help_text="The total value over the contract's term, in pounds."
    )
    start_date = _date("Start date")
    end_date = _date("End date")

    def layout(self) -> list:
        return [
            Field.text("value", field_width=Fixed.TEN, inputmode="numeric"),
            Field("start_date"),
            Field("end_date"),
        ]


class ConfirmForm(CalloffForm):
    """A button only: carries the refusal, if any, to the error summary."""
