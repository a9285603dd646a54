"""Forms of the evaluation pages. The declarations, scores and moderation forms have one group of
fields per bidder or criterion, named `<field>_<id>` as the services name their refusals, so each refusal
lands on its own field."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset
from django import forms

from calloffs.models import EvaluationCriterion, Tender
from calloffs.services.evaluation import AgreedScore, DeclarationAnswer, ScoreEntry
from portal.form_kit import GovukForm
from portal.models import User

CONFLICT_CHOICES = [("no", "No conflict"), ("yes", "Conflict")]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tender_label(tender: Tender) -> str:
    return f"{tender.organisation.legal_name} (lot {tender.lot.number})"


class EvaluatorForm(GovukForm):
    person = forms.ChoiceField(label="Who should evaluate?", required=False)

    def __init__(self, *args, candidates: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + [
            (person.pk, f"{person.display_name} ({person.get_role_display()})") for person in candidates
        ]
        self.fields[
            "person"
        ].help_text = "An MoJ admin, or a commissioner who covers every region of this competition."

    def layout(self) -> list:
        return [Field.select("person")]


class DeclarationsForm(GovukForm):
    def __init__(self, *args, tenders: list[Tender], **kwargs) -> None:
        self.tenders = tenders
        super().__init__(*args, **kwargs)

    def bid_label(self, tender) -> str:
        return _tender_label(tender)

    def layout(self) -> list:
        groups = []
        for tender in self.tenders:
            self.fields[f"has_conflict_{tender.pk}"] = forms.ChoiceField(
                label=f"Do you have a conflict of interest with {self.bid_label(tender)}?",
                choices=CONFLICT_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"details_{tender.pk}"] = forms.CharField(
                label="If you have a conflict, describe it",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )
            groups.append(
                Fieldset(
                    Field.radios(f"has_conflict_{tender.pk}", inline=True),
                    Field.textarea(f"details_{tender.pk}"),
                    legend=self.bid_label(tender),
                )
            )
        return groups

    def answers(self) -> list[DeclarationAnswer]:
        data = self.cleaned_data
        return [
            DeclarationAnswer(
                tender.pk,
                {"yes": True, "no": False}.get(data.get(f"has_conflict_{tender.pk}") or ""),
                data.get(f"details_{tender.pk}") or "",
            )
            for tender in self.tenders
        ]


class _PerCriterionForm(GovukForm):
    """A score (radios on the competition's scale) and a text for each criterion."""

    text_name = "comment"
    text_label = "Comment"

    def __init__(self, *args, criteria: list[EvaluationCriterion], score_max: int, **kwargs) -> None:
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


class NonCompliantForm(GovukForm):
    reason = forms.CharField(
        label="Why does the tender not comply?",
        help_text="It will be left out of the ranking.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
