"""The grants registration's pages, derived by the questionnaire engine, and the grants team's decision."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from grants.accounts import FROM_ACCOUNTS
from grants.sections import REGISTRATION
from portal import uploads
from portal.form_kit import GovukForm
from portal.questionnaires.engine import Section
from portal.questionnaires.forms import QuestionnaireForm, form_class, form_fields


class _RegistrationBase(QuestionnaireForm):
    accounts = forms.FileField(
        label="Your latest accounts",
        help_text=(
            "The accounts that show the annual income above. "
            f"{uploads.size_limit_text()} at most; PDF, Word or OpenDocument."
        ),
        required=False,
    )

    def __init__(self, *args, from_accounts: bool = False, **kwargs) -> None:
        self.from_accounts = from_accounts
        super().__init__(*args, **kwargs)

    def layout(self) -> list:
        """With `from_accounts`, the income, its year and the file are the organisation's accounts
        (`grants.accounts`): the page shows them instead of asking."""
        if not self.from_accounts:
            return [*super().layout(), Field("accounts")]
        for key in (*FROM_ACCOUNTS, "accounts"):
            del self.fields[key]
        return [
            part for part in super().layout() if not set(getattr(part, "fields", [])) & set(FROM_ACCOUNTS)
        ]


RegistrationForm = form_class(REGISTRATION, _RegistrationBase)


def section_form(section: Section) -> type[QuestionnaireForm]:
    """The form of a section built from a round's data (not cached: rounds change)."""
    return type("RoundSectionForm", (QuestionnaireForm,), {"section": section, **form_fields(section)})


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accept", "Accept: the organisation is registered for grants"),
            ("return", "Return it with reasons"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    reasons = forms.CharField(
        label="Reasons for returning it",
        help_text="Say what the organisation must put right. It is sent to them as written.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def layout(self) -> list:
        return [Field.radios("decision"), Field.textarea("reasons")]
