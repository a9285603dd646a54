"""Forms for the Selection Questionnaire's pages.

Each section's form is derived from its declaration in `suppliers.sections` by the questionnaire engine
(`portal.questionnaires.forms`): every field is optional, so a half-finished section is saved as it is and
nothing typed is lost; the rules are judged by the services, whose errors the forms then show. What is
here is only what is specific to a page.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout, Size
from django import forms
from django.contrib.humanize.templatetags.humanize import apnumber

from portal import uploads
from portal.models import ServiceCategory
from portal.questionnaires.forms import QuestionnaireForm, form_class
from suppliers import accounts, rules, sections

SectionForm = QuestionnaireForm

ALL_REGIONS, SOME_REGIONS = "All of England and Wales", "Only in some regions"


class RegionsSectionForm(form_class(sections.section("regions"))):
    """One radio, all regions or some, revealing the regions; stored as `all_regions` and `regions`."""

    coverage = forms.ChoiceField(
        label="Where do you want to deliver services?",
        help_text="We do not assess this now. It decides which competitions you hear about and can bid for.",
        choices=[("all", ALL_REGIONS), ("some", SOME_REGIONS)],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["all_regions"]

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        if not answers:
            return {}
        return {
            "coverage": "all" if answers.get("all_regions") else "some",
            "regions": answers.get("regions", []),
        }

    def layout(self) -> list:
        return [
            ConditionalRadios(
                "coverage", ALL_REGIONS, ConditionalQuestion(SOME_REGIONS, Field.checkboxes("regions"))
            )
        ]

    def answers(self) -> dict[str, Any]:
        data = super().answers()
        all_regions = self.cleaned_data.get("coverage") == "all"
        return {"all_regions": all_regions, "regions": [] if all_regions else data.get("regions", [])}

    def field_for(self, key: str) -> str | None:
        return "coverage" if key == "regions" else super().field_for(key)


class FinancialSectionForm(form_class(sections.section("financial"))):
    """With `from_accounts`, the most recent year is the organisation's accounts (`suppliers.accounts`):
    the page shows that figure instead of asking for it."""

    def __init__(self, *args, from_accounts: bool = False, **kwargs) -> None:
        self.from_accounts = from_accounts
        super().__init__(*args, **kwargs)

    def layout(self) -> list:
        if not self.from_accounts:
            return super().layout()
        for key in accounts.FROM_ACCOUNTS:
            del self.fields[key]
        return [
            part
            for part in super().layout()
            if not set(getattr(part, "fields", [])) & set(accounts.FROM_ACCOUNTS)
        ]


SECTION_FORMS: dict[str, type[QuestionnaireForm]] = {
    section.slug: form_class(section)
    for section in sections.SECTIONS
    if section.slug not in sections.OWN_SERVICE
}
SECTION_FORMS["regions"] = RegionsSectionForm
SECTION_FORMS["financial"] = FinancialSectionForm


class CategoryAddForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label="Add service categories",
        help_text="Choose any you can deliver. You need a service descriptor and "
        f"{apnumber(sections.CASE_STUDIES)} case studies for each.",
        queryset=ServiceCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one service category to add"},
    )

    def __init__(self, *args, chosen_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = ServiceCategory.objects.active().exclude(pk__in=chosen_ids)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.legend_size = Size.MEDIUM
        self.helper.layout = Layout(Field.checkboxes("categories", legend_size=Size.MEDIUM))


class CategoryChoiceForm(form_class(sections.CATEGORY_CHOICE)):
    """The service descriptor and two case studies for one category."""

    @classmethod
    def initial_for(cls, descriptor: str, case_studies: list[dict[str, Any]]) -> dict[str, Any]:
        return cls.initial_from({"descriptor": descriptor, "case_studies": case_studies})

    def descriptor_and_case_studies(self) -> tuple[str, list[dict[str, Any]]]:
        data = self.answers()
        return data.get("descriptor") or "", data["case_studies"]


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a supporting document (optional)",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = uploads.limits_hint(
            max_files=rules.MAX_DOCUMENTS_PER_CATEGORY, per="category"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"))


class AgreementAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label="I have read the framework agreement and accept it on behalf of my organisation",
        error_messages={"required": "Confirm that you accept the framework agreement"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("accept"))
