"""Forms of the evaluation pages, shared by call-offs and grants. The declarations, scores and moderation
forms have one group of fields per bidder or criterion, named `<field>_<id>` as the shared services
(`portal.evaluation.services`) name their refusals, so each refusal lands on its own field. Each app
names its bids (`DeclarationsForm.bid_label`) and its people (`EvaluatorForm`'s label and hint)."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from portal.evaluation.services import AgreedScore, DeclarationAnswer, ScoreEntry
from portal.models import User

CONFLICT_CHOICES = [("no", "No conflict"), ("yes", "Conflict")]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _FieldsForm(forms.Form):
    """Fields only, inside the page's own <form> (which carries the CSRF token once)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout())

    def layout(self) -> list:
        return list(self.fields)


class EvaluatorForm(_FieldsForm):
    person = forms.ChoiceField(label="Who should evaluate?", required=False)

    def __init__(
        self,
        *args,
        candidates: list[User],
        label: str = "Who should evaluate?",
        scope: str = "competition",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].label = label
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", "Choose a person")] + [
            (person.pk, f"{person.display_name} ({person.get_role_display()})") for person in candidates
        ]
        self.fields[
            "person"
        ].help_text = f"An MoJ admin, or a commissioner who covers every region of this {scope}."

    def layout(self) -> list:
        return [Field.select("person")]


class DeclarationsForm(_FieldsForm):
    """One question per bid still to declare about; each app says how a bid is named."""

    def __init__(self, *args, bids: list[Any], **kwargs) -> None:
        self.bids = bids
        super().__init__(*args, **kwargs)

    def bid_label(self, bid: Any) -> str:
        return bid.organisation.legal_name

    def layout(self) -> list:
        groups = []
        for bid in self.bids:
            self.fields[f"has_conflict_{bid.pk}"] = forms.ChoiceField(
                label=f"Do you have a conflict of interest with {self.bid_label(bid)}?",
                choices=CONFLICT_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"details_{bid.pk}"] = forms.CharField(
                label="If you have a conflict, describe it",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )
            groups.append(
                Fieldset(
                    Field.radios(f"has_conflict_{bid.pk}", inline=True),
                    Field.textarea(f"details_{bid.pk}"),
                    legend=self.bid_label(bid),
                )
            )
        return groups

    def answers(self) -> list[DeclarationAnswer]:
        data = self.cleaned_data
        return [
            DeclarationAnswer(
                bid.pk,
                {"yes": True, "no": False}.get(data.get(f"has_conflict_{bid.pk}") or ""),
                data.get(f"details_{bid.pk}") or "",
            )
            for bid in self.bids
        ]


class _PerCriterionForm(_FieldsForm):
    """A score (radios on the competition's scale) and a text for each criterion."""

    text_name = "comment"
    text_label = "Comment"

    def __init__(self, *args, criteria: list[Any], score_max: int, **kwargs) -> None:
        self.criteria = criteria
        self.score_max = score_max
        super().__init__(*args, **kwargs)

    def layout(self) -> list:
        groups = []
        choices = [(str(n), str(n)) for n in range(self.score_max + 1)]
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=f"Score for {criterion.name}, 0 to {self.score_max}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{self.text_name}_{criterion.pk}"] = forms.CharField(
                label=f"{self.text_label} on {criterion.name}",
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
            )
            groups.append(
                Fieldset(
                    Field.radios(f"score_{criterion.pk}", inline=True),
                    Field.textarea(f"{self.text_name}_{criterion.pk}"),
                    legend=f"{criterion.name} ({criterion.weighting}%)",
                )
            )
        return groups

    def _pairs(self):
        data = self.cleaned_data
        for criterion in self.criteria:
            yield (
                criterion.pk,
                _int_or_none(data.get(f"score_{criterion.pk}")),
                data.get(f"{self.text_name}_{criterion.pk}") or "",
            )


class ScoresForm(_PerCriterionForm):
    def entries(self) -> list[ScoreEntry]:
        return [ScoreEntry(*pair) for pair in self._pairs()]

    @staticmethod
    def initial_for(scores: dict) -> dict:
        initial = {}
        for criterion_id, score in scores.items():
            initial[f"score_{criterion_id}"] = str(score.score)
            initial[f"comment_{criterion_id}"] = score.comment
        return initial


class ModerationForm(_PerCriterionForm):
    text_name = "rationale"
    text_label = "Why this agreed score"

    def agreed(self) -> list[AgreedScore]:
        return [AgreedScore(*pair) for pair in self._pairs()]

    @staticmethod
    def initial_for(rows) -> dict:
        initial = {}
        for row in rows:
            if row.agreed is not None:
                initial[f"score_{row.criterion.pk}"] = str(row.agreed.score)
                initial[f"rationale_{row.criterion.pk}"] = row.agreed.rationale
        return initial
