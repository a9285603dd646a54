"""Forms of a contract's supply chain (calloffs.services.supply_chain): asking to change a key
subcontractor, deciding that request, and the yearly report, whose repeating rows are a questionnaire
ROWS question (portal.questionnaires) with an "Add another subcontractor" button that works without
JavaScript."""

from __future__ import annotations

from functools import cache

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Size
from django import forms

from calloffs.models import ContractSubcontractor, SubcontractorChange
from calloffs.services.supply_chain import NewSubcontractor, ReportLine
from portal.form_kit import GovukForm
from portal.models import Organisation
from portal.money import parse_pounds
from portal.questionnaires.engine import Kind, Question, Section
from portal.questionnaires.forms import QuestionnaireForm, form_class

SIZE_CHOICES = [(band.value, str(band.label)) for band in Organisation.SizeBand]
YES_NO = [("yes", "Yes"), ("no", "No")]


class ChangeRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label="What do you want to change?",
        choices=SubcontractorChange.Kind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    subcontractor = forms.ChoiceField(
        label="Which subcontractor is this about?",
        help_text="Only for a switch or an end.",
        widget=forms.RadioSelect,
        required=False,
    )
    new_name = forms.CharField(label="Name of the new subcontractor", max_length=200, required=False)
    new_role = forms.CharField(label="What it will deliver", max_length=300, required=False)
    new_share_percent = forms.IntegerField(
        label="Its share of the work, per cent (optional)", min_value=0, max_value=100, required=False
    )
    new_is_vcse = forms.ChoiceField(
        label="Is it a voluntary, community or social enterprise (VCSE)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    new_size_band = forms.ChoiceField(
        label="How big is it?", choices=SIZE_CHOICES, widget=forms.RadioSelect, required=False
    )
    reason = forms.CharField(
        label="Why do you want to make this change?",
        help_text="The commissioner reads this when they decide.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, current: list[ContractSubcontractor], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = {str(row.pk): row for row in current}
        self.fields["subcontractor"].choices = [
            (pk, f"{row.name}: {row.role}") for pk, row in self.current.items()
        ]
        self.fields["new_share_percent"].error_messages.update(
            invalid="Enter the share as a whole number, like 20",
            min_value="Enter a share between 0 and 100",
            max_value="Enter a share between 0 and 100",
        )

    def layout(self) -> list:
        new = Fieldset(
            Field.text("new_name"),
            Field.text("new_role"),
            Field.text("new_share_percent", field_width=Fixed.FIVE, inputmode="numeric"),
            Field.radios("new_is_vcse", inline=True),
            Field.radios("new_size_band"),
            legend="The new subcontractor (to add or switch to)",
            legend_size=Size.MEDIUM,
        )
        return [Field.radios("kind"), Field.radios("subcontractor"), new, Field.textarea("reason")]

    def chosen_subcontractor(self) -> ContractSubcontractor | None:
        return self.current.get(self.cleaned_data.get("subcontractor") or "")

    def new_subcontractor(self) -> NewSubcontractor:
        data = self.cleaned_data
        vcse = {"yes": True, "no": False}.get(data.get("new_is_vcse") or "")
        return NewSubcontractor(
            name=data.get("new_name") or "",
            role=data.get("new_role") or "",
            share_percent=data.get("new_share_percent"),
            is_vcse=vcse,
            size_band=data.get("new_size_band") or "",
        )


class ChangeDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve this change?",
        choices=[("approve", "Yes, approve it"), ("refuse", "No, refuse it")],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="The reason for your decision",
        help_text="The lead provider is told this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def layout(self) -> list:
        return [Field.radios("decision"), Field.textarea("reason")]

    def approve(self) -> bool | None:
        return {"approve": True, "refuse": False}.get(self.cleaned_data.get("decision") or "")


# The yearly report ---------------------------------------------------------------------------------------

REPORT_ROWS = 3  # the blank rows first offered; "Add another subcontractor" offers one more each time
MOST_ROWS = 60

LINE_QUESTIONS = (
    Question("name", "Subcontractor's name", missing="Enter the name of {row}"),
    Question("delivers", "What it delivered", missing="Enter what {row} delivered"),
    Question(
        "amount_paid",
        "Amount paid in the year, in pounds",
        kind=Kind.MONEY,
        missing="Enter the amount paid to {row}",
        invalid="Enter the amount paid to {row} in whole pounds, like 25,000",
    ),
    Question(  # a choice, not YES_NO: a row's "No" (False) would read as a blank answer
        "is_vcse",
        "Is it a VCSE organisation?",
        kind=Kind.CHOICE,
        choices=dict(YES_NO),
        missing="Select whether {row} is a VCSE organisation",
    ),
    Question(
        "size_band",
        "How big is it?",
        kind=Kind.CHOICE,
        choices=dict(SIZE_CHOICES),
        missing="Select how big {row} is",
    ),
)


@cache
def report_section(slots: int) -> Section:
    lines = Question(
        "lines",
        "Subcontractors",
        kind=Kind.ROWS,
        rows=LINE_QUESTIONS,
        row_slots=slots,
        min_rows=0,
        required=False,
        row_label="Subcontractor",
    )
    return Section("supply_chain_report", "Supply chain report", (lines,))


def report_form_class(slots: int) -> type[QuestionnaireForm]:
    return form_class(report_section(max(1, min(slots, MOST_ROWS))))


def report_lines(answers: dict) -> list[ReportLine]:
    """The valid answers as lines to store (only called when the engine found no errors)."""
    return [
        ReportLine(
            name=row["name"],
            delivers=row["delivers"],
            amount_paid_pence=parse_pounds(row["amount_paid"]) * 100,
            is_vcse=row["is_vcse"] == "yes",
            size_band=row["size_band"],
        )
        for row in answers.get("lines", [])
    ]
