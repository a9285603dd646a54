"""The call-off's own evaluation forms; the generic ones (declarations, scores, moderation, evaluators)
are `portal.evaluation.forms`."""

from __future__ import annotations

from django import forms

from calloffs.models import Tender
from portal.evaluation.forms import DeclarationsForm
from portal.form_kit import GovukForm


class TenderDeclarationsForm(DeclarationsForm):
    def bid_label(self, bid: Tender) -> str:
        return f"{bid.organisation.legal_name} (lot {bid.lot.number})"


class NonCompliantForm(GovukForm):
    reason = forms.CharField(
        label="Why does the tender not comply?",
        help_text="It will be left out of the ranking.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
