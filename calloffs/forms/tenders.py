"""Forms of the bidder's task pages. They only shape what the browser sends; the services judge it, and
their refusals are shown back on the bound form (`show_rule_broken`), so nothing typed is
lost. Limits shown come from the constants and models that enforce them."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from calloffs.models import TenderPartner
from calloffs.tendering_rules import MAX_PARTNERS, PartnerTerms
from portal import uploads
from portal.form_kit import GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]
BLANK_PARTNER_ROWS = 3


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ResponseForm(GovukForm):
    text = forms.CharField(label="Your response", widget=forms.Textarea(attrs={"rows": 12}), required=False)

    def __init__(self, *args, max_words: int, **kwargs) -> None:
        self.max_words = max_words
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = f"Up to {max_words} words."

    def layout(self) -> list:
        return [Field.textarea("text", label_size=Size.MEDIUM)]


class TenderUploadForm(GovukForm):
    file = forms.FileField(
        label="Upload the document", error_messages={"required": "Choose a file to upload"}
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{uploads.ALLOWED_HINT}, up to {uploads.size_limit_text()}."

    def layout(self) -> list:
        return [Field("file")]


class SignForm(GovukForm):
    signed_name = forms.CharField(label="Your full name", max_length=200, required=False)
    signed_role = forms.CharField(
        label="Your role in the organisation",
        max_length=200,
        required=False,
        help_text="For example, Chief executive",
    )

    def layout(self) -> list:
        return [Field.text("signed_name"), Field.text("signed_role")]


class SupplyChainForm(GovukForm):
    has_subcontractors = forms.ChoiceField(
        label="Will you use key subcontractors to deliver this lot?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    as_consortium_lead = forms.ChoiceField(
        label="Are you bidding as the lead of a consortium?",
        help_text="A group of organisations bidding together, with you as the lead and contract holder.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.radios("has_subcontractors", legend_size=Size.MEDIUM, inline=True),
            Field.radios("as_consortium_lead", legend_size=Size.MEDIUM, inline=True),
        ]

    def answers(self) -> tuple[bool | None, bool | None]:
        data = self.cleaned_data
        return _yes_no(data.get("has_subcontractors", "")), _yes_no(data.get("as_consortium_lead", ""))


class PartnerRowForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=TenderPartner.Kind.choices, required=False)
    name = forms.CharField(label="Name", max_length=200, required=False)
    role = forms.CharField(label="What it will deliver", max_length=300, required=False)
    share_percent = forms.CharField(label="Share of the work (%)", max_length=5, required=False)
    is_vcse = forms.ChoiceField(label="VCSE organisation?", choices=[("", "Choose"), *YES_NO], required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            (data.get(name) or "").strip() for name in ("name", "role", "share_percent", "is_vcse")
        )

    def terms(self) -> PartnerTerms:
        data = self.cleaned_data
        share = (data.get("share_percent") or "").strip().rstrip("%")
        return PartnerTerms(
            kind=data.get("kind") or TenderPartner.Kind.SUBCONTRACTOR,
            name=data.get("name") or "",
            role=data.get("role") or "",
            share_percent=int(share) if share.isdigit() else None,
            is_vcse=_yes_no(data.get("is_vcse") or ""),
        )


PartnerFormSet = forms.formset_factory(
    PartnerRowForm, extra=BLANK_PARTNER_ROWS, max_num=2 * MAX_PARTNERS, absolute_max=2 * MAX_PARTNERS + 10
)


def partner_initial(tender) -> list[dict]:
    return [
        {
            "kind": partner.kind,
            "name": partner.name,
            "role": partner.role,
            "share_percent": str(partner.share_percent),
            "is_vcse": "yes" if partner.is_vcse else "no",
        }
        for partner in tender.partners.all()
    ]


class SubmitterForm(GovukForm):
    submitter = forms.TypedChoiceField(
        label="Who may submit this tender?",
        help_text="Your organisation's admins can always submit it.",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitter"].choices = [("", "Only the organisation's admins")] + [
            (member.pk, f"{member} ({member.email})") for member in members
        ]

    def layout(self) -> list:
        return [Field.radios("submitter", legend_size=Size.MEDIUM)]


class EarlierTenderForm(GovukForm):
    """Start from an earlier bid: which of the organisation's tenders to copy the responses of."""

    earlier = forms.TypedChoiceField(
        label="Which tender do you want to copy responses from?",
        help_text="We copy a response only to a question with the same name, and never over one you have "
        "typed. You need to check each copied response before you can submit.",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tender to copy responses from"},
    )

    def __init__(self, *args, tenders, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earlier"].choices = [
            (
                tender.pk,
                f"{tender.competition.title}, lot {tender.lot.number}: {tender.lot.title} "
                f"({tender.response_count} response{'' if tender.response_count == 1 else 's'})",
            )
            for tender in tenders
        ]

    def layout(self) -> list:
        return [Field.radios("earlier", legend_size=Size.MEDIUM)]
