"""Forms of the MoJ admins' review of Selection Questionnaires.

They check what a person can get wrong on the page (nothing chosen, a fail without feedback) so the
error sits next to the field; the services check the rules again and their refusals are shown the same
way. Several forms share the review page, so each is given a prefix and its own button id.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from portal.form_kit import GovukForm
from portal.models import ServiceCategory
from suppliers.models import Application, CategoryChoice

STATUS_CHOICES = [
    (Application.Status.SUBMITTED, "Waiting for a decision"),
    (Application.Status.DECIDED, "Decided"),
]


class ReviewQueueFilterForm(forms.Form):
    """The queue's filters: a GET form. A value not on a list is shown as an error and not applied."""

    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select waiting for a decision or decided"},
    )
    category = forms.TypedChoiceField(
        label="Service category",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": "Select a service category from the list",
            "invalid": "Select a service category from the list",
        },
    )

    waited = forms.TypedChoiceField(
        label="Waiting for at least",
        choices=[("", "Any time"), (7, "1 week"), (14, "2 weeks"), (28, "4 weeks")],
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select how long from the list"},
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Application.Status.SUBMITTED  # waiting is what the queue shows unless asked
        super().__init__(data, *args, initial={"status": Application.Status.SUBMITTED}, **kwargs)
        self.categories = {category.pk: category for category in ServiceCategory.objects.all()}
        self.fields["category"].choices = [("", "All categories")] + [
            (pk, str(category)) for pk, category in self.categories.items()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the address
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("status", small=True), Field.select("category"), Field.select("waited")
        )

    def filters(self) -> dict:
        """The valid filters as `selectors.review_queue` keyword arguments."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or Application.Status.SUBMITTED,
            "category": self.categories.get(data.get("category")),
            "waited_days": data.get("waited"),
        }


def _helper(action: str, button: str, button_id: str, layout: list) -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    helper.attrs = {"novalidate": ""}
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*layout, Submit("submit", button, css_id=button_id))
    return helper


class CategoryOutcomeForm(forms.Form):
    """Pass or fail for one new category, with the feedback the organisation will read."""

    outcome = forms.ChoiceField(
        choices=[(CategoryChoice.Outcome.PASS, "Pass"), (CategoryChoice.Outcome.FAIL, "Fail")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select pass or fail", "invalid_choice": "Select pass or fail"},
    )
    feedback = forms.CharField(
        label="Feedback for the organisation",
        help_text="They will read it in the outcome letter. You must give feedback for a fail.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, choice: CategoryChoice, action: str, **kwargs) -> None:
        kwargs.setdefault("prefix", f"choice-{choice.pk}")
        kwargs.setdefault("initial", self.initial_for(choice))
        super().__init__(*args, **kwargs)
        name = escape(choice.category.name)  # the template pack shows labels unescaped
        self.fields["outcome"].label = f"Outcome for {name}"
        self.fields["feedback"].label = f"Feedback on {name} for the organisation"
        self.category_name = choice.category.name
        self.helper = _helper(
            action,
            # A fixed label: crispy-forms renders a button's label as a template, so no user data goes in it.
            "Save this outcome",
            f"save-choice-{choice.pk}",
            [Field.radios("outcome", inline=True), Field.textarea("feedback", rows=5)],
        )

    @staticmethod
    def initial_for(choice: CategoryChoice) -> dict:
        if choice.outcome == CategoryChoice.Outcome.PENDING:
            return {}
        return {"outcome": choice.outcome, "feedback": choice.feedback}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == CategoryChoice.Outcome.FAIL and not data.get("feedback", "").strip():
            self.add_error("feedback", f"Enter feedback for a fail on {self.category_name}")
        return data


class ExclusionDecisionForm(forms.Form):
    """The decision on exclusion grounds answered yes: accept the self-cleaning, or exclude.

    "Not needed" is not offered: the form is shown only when a ground was answered yes, and the
    service refuses "not needed" then.
    """

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (Application.ExclusionDecision.ACCEPTED, "Accept the self-cleaning evidence or mitigation"),
            (Application.ExclusionDecision.EXCLUDED, "Exclude the organisation"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision", "invalid_choice": "Select a decision"},
    )
    note = forms.CharField(
        label="Reasons for your decision",
        help_text="The organisation will read this if it is excluded.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, application: Application, action: str, **kwargs) -> None:
        kwargs.setdefault("prefix", "exclusion")
        if application.exclusion_decision:
            kwargs.setdefault(
                "initial", {"decision": application.exclusion_decision, "note": application.exclusion_note}
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            action,
            "Save the exclusion decision",
            "save-exclusion",
            [Field.radios("decision"), Field.textarea("note", rows=5)],
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") and not data.get("note", "").strip():
            self.add_error("note", "Enter the reasons for your decision")
        return data


class DecisionExtensionForm(GovukForm):
    """Why the decision needs longer: the organisation is told in these words."""

    submit_label = "Extend the decision date"

    reason = forms.CharField(
        label="Why do you need longer to decide?",
        help_text="The organisation will read this in its messages and by e-mail.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={
            "required": "Enter why you need longer to decide",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )

    def layout(self) -> list:
        return [Field.textarea("reason", rows=5)]
