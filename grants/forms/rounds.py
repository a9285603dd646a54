"""A commissioner's round pages: the round, its questions, criteria, amendments and cancellation."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from grants import rules
from grants.models import GrantRound
from grants.services.rounds import QUESTION_KINDS
from portal.exceptions import Problems, RuleBroken
from portal.form_kit import GovukForm, combine, date_field, region_choices, split, time_field
from portal.models import Organisation, Region
from portal.money import PoundsField, pence_as_typed


class RoundForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    purpose = forms.CharField(
        label="Purpose",
        help_text="In plain English: what the grants are for, and for whom.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    fund = forms.CharField(label="Fund", max_length=200, required=False)
    regions = forms.MultipleChoiceField(label="Regions", widget=forms.CheckboxSelectMultiple, required=False)
    total_budget = PoundsField(label="Total budget (£)", help_text="In whole pounds.")
    min_award = PoundsField(label="Smallest award a year (£)")
    max_award = PoundsField(label="Largest award a year (£)")
    max_duration_months = forms.IntegerField(
        label="Longest duration (months)",
        min_value=1,
        max_value=rules.LONGEST_DURATION_MONTHS,
        required=False,
    )
    organisation_kinds = forms.MultipleChoiceField(
        label="Kinds of organisation that may apply",
        help_text="Select none to let every kind apply.",
        choices=Organisation.LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    income_multiple = forms.IntegerField(
        label="Annual income needed, as a multiple of the yearly grant asked for",
        help_text=(
            "2 means an organisation asking for £50,000 a year needs an annual income of at least £100,000. "
            "0 means no income rule."
        ),
        min_value=0,
        max_value=10,
        required=False,
    )
    opens_date = date_field("Opening date")
    opens_time = time_field("Opening time")
    closes_date = date_field("Closing date")
    closes_time = time_field("Closing time")
    decision_date = date_field("Decision date")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = region_choices(user)

    def layout(self) -> list:
        return [
            Field.text("title"),
            Field.textarea("purpose"),
            Field.text("fund"),
            Field.checkboxes("regions", small=True),
            Field.text("total_budget", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("min_award", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("max_award", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("max_duration_months", field_width=Fixed.TWO),
            Field.checkboxes("organisation_kinds", small=True),
            Field.text("income_multiple", field_width=Fixed.TWO),
            Field("opens_date"),
            Field.text("opens_time", field_width=Fixed.FIVE),
            Field("closes_date"),
            Field.text("closes_time", field_width=Fixed.FIVE),
            Field("decision_date"),
        ]

    @classmethod
    def initial_for(cls, grant_round: GrantRound | None) -> dict[str, Any]:
        if grant_round is None:
            return {
                "fund": GrantRound._meta.get_field("fund").default,
                "min_award": pence_as_typed(GrantRound._meta.get_field("min_award_pence").default),
                "max_award": pence_as_typed(GrantRound._meta.get_field("max_award_pence").default),
                "max_duration_months": rules.LONGEST_DURATION_MONTHS,
                "income_multiple": GrantRound._meta.get_field("income_multiple").default,
            }
        opens_date, opens_time = split(grant_round.opens_at)
        closes_date, closes_time = split(grant_round.closes_at)
        return {
            "title": grant_round.title,
            "purpose": grant_round.purpose,
            "fund": grant_round.fund,
            "regions": [r.pk for r in grant_round.regions.all()],
            "total_budget": pence_as_typed(grant_round.total_budget_pence),
            "min_award": pence_as_typed(grant_round.min_award_pence),
            "max_award": pence_as_typed(grant_round.max_award_pence),
            "max_duration_months": grant_round.max_duration_months,
            "organisation_kinds": grant_round.organisation_kinds,
            "income_multiple": grant_round.income_multiple,
            "opens_date": opens_date,
            "opens_time": opens_time,
            "closes_date": closes_date,
            "closes_time": closes_time,
            "decision_date": grant_round.decision_date,
        }

    def data_for_service(self) -> dict[str, Any]:
        """The round's fields, or RuleBroken for the first thing missing."""
        data = self.cleaned_data
        required = {
            "title": "Enter a title",
            "purpose": "Enter the purpose",
            "total_budget": "Enter the total budget",
            "min_award": "Enter the smallest award a year",
            "max_award": "Enter the largest award a year",
            "max_duration_months": "Enter the longest duration in months",
            "income_multiple": "Enter the income multiple (0 for none)",
            "opens_date": "Enter the opening date",
            "closes_date": "Enter the closing date",
            "decision_date": "Enter the decision date",
        }
        problems = [
            RuleBroken(message, field=name)
            for name, message in required.items()
            if data.get(name) in (None, "")
        ]
        if problems:
            raise Problems(problems)
        return {
            "title": data["title"].strip(),
            "purpose": data["purpose"].strip(),
            "fund": data["fund"].strip() or GrantRound._meta.get_field("fund").default,
            "regions": list(Region.objects.filter(pk__in=[int(pk) for pk in data["regions"]])),
            "total_budget_pence": data["total_budget"],
            "min_award_pence": data["min_award"],
            "max_award_pence": data["max_award"],
            "max_duration_months": data["max_duration_months"],
            "organisation_kinds": list(data["organisation_kinds"]),
            "income_multiple": data["income_multiple"],
            "opens_at": combine(data["opens_date"], data["opens_time"], field="opens"),
            "closes_at": combine(data["closes_date"], data["closes_time"], field="closes"),
            "decision_date": data["decision_date"],
        }


class QuestionForm(GovukForm):
    label = forms.CharField(label="Question", max_length=300, required=False)
    hint = forms.CharField(
        label="Hint (optional)", help_text="Shown under the question.", max_length=300, required=False
    )
    kind = forms.ChoiceField(
        label="Kind of answer", choices=list(QUESTION_KINDS.items()), widget=forms.RadioSelect, required=False
    )
    word_limit = forms.IntegerField(
        label="Word limit (long text only)", min_value=1, max_value=5000, required=False
    )
    choices = forms.CharField(
        label="Choices (one choice or several only)",
        help_text="One a line.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    required = forms.TypedChoiceField(
        label="Must applicants answer it?",
        choices=[("yes", "Yes"), ("no", "No, it is optional")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.text("label"),
            Field.text("hint"),
            Field.radios("kind", small=True),
            Field.text("word_limit", field_width=Fixed.FIVE),
            Field.textarea("choices"),
            Field.radios("required", small=True, inline=True),
        ]

    @staticmethod
    def initial_from(question: dict[str, Any] | None) -> dict[str, Any]:
        if question is None:
            return {}
        return {
            "label": question["label"],
            "hint": question.get("hint", ""),
            "kind": question["kind"],
            "word_limit": question.get("word_limit"),
            "choices": "\n".join(label for _value, label in question.get("choices", [])),
            "required": "yes" if question.get("required", True) else "no",
        }

    def question_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "hint": data["hint"],
            "kind": data["kind"],
            "required": data["required"] is not False,
            "word_limit": data["word_limit"],
            "choices": (data["choices"] or "").splitlines(),
        }


class EligibilityQuestionForm(GovukForm):
    label = forms.CharField(label="Question (answered yes or no)", max_length=300, required=False)
    ineligible_answer = forms.TypedChoiceField(
        label="Which answer makes an organisation ineligible?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="What an ineligible organisation is told",
        help_text="A plain sentence, like: This round is only for organisations based in the North East.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.text("label"),
            Field.radios("ineligible_answer", small=True, inline=True),
            Field.textarea("reason"),
        ]


CRITERIA_ROWS = 6


class CriteriaForm(GovukForm):
    def __init__(self, *args, **kwargs) -> None:
        for index in range(CRITERIA_ROWS):
            self.base_fields[f"name-{index}"] = forms.CharField(
                label=f"Criterion {index + 1}", max_length=200, required=False
            )
            self.base_fields[f"weighting-{index}"] = forms.IntegerField(
                label=f"Weighting of criterion {index + 1} (%)", min_value=0, max_value=100, required=False
            )
        super().__init__(*args, **kwargs)

    def layout(self) -> list:
        parts = []
        for index in range(CRITERIA_ROWS):
            parts += [
                Field.text(f"name-{index}"),
                Field.text(f"weighting-{index}", field_width=Fixed.THREE, inputmode="numeric"),
            ]
        return parts

    @classmethod
    def initial_for(cls, grant_round: GrantRound) -> dict[str, Any]:
        initial = {}
        for index, criterion in enumerate(grant_round.criteria.all()[:CRITERIA_ROWS]):
            initial[f"name-{index}"] = criterion.name
            initial[f"weighting-{index}"] = criterion.weighting
        return initial

    def show_criteria_problems(self, error: RuleBroken) -> None:
        """Each refusal against the row it is about, so that the error summary links to it: a missing name
        on the first row with a weighting but no name, anything else on the first row's weighting."""
        for problem in getattr(error, "problems", [error]):
            self.add_error(self._row_field_for(problem.field or ""), problem.message)

    def _row_field_for(self, field: str) -> str:
        filled = [
            index
            for index in range(CRITERIA_ROWS)
            if (self.cleaned_data.get(f"name-{index}") or "").strip()
            or self.cleaned_data.get(f"weighting-{index}") is not None
        ]
        if field == "criteria.name":
            unnamed = [i for i in filled if not (self.cleaned_data.get(f"name-{i}") or "").strip()]
            return f"name-{(unnamed or filled or [0])[0]}"
        return f"weighting-{(filled or [0])[0]}"

    def criteria(self) -> list[tuple[str, int]]:
        rows = []
        for index in range(CRITERIA_ROWS):
            name = (self.cleaned_data.get(f"name-{index}") or "").strip()
            weighting = self.cleaned_data.get(f"weighting-{index}")
            if name or weighting is not None:
                rows.append((name, weighting or 0))
        return rows


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AmendForm(GovukForm):
    note = forms.CharField(
        label="What changed",
        help_text="Applicants are sent this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    closes_date = date_field("New closing date (optional)")
    closes_time = time_field("New closing time")

    def layout(self) -> list:
        return [
            Field.textarea("note"),
            Field("closes_date"),
            Field.text("closes_time", field_width=Fixed.FIVE),
        ]
