"""Forms for the Selection Questionnaire's pages.

The forms only shape what the browser sends into the answers the services store; the rules of each
section live in `suppliers.sections` and are judged by the services, whose errors the forms then show.
So every field here is optional: a half-finished section is saved as it is and nothing typed is lost.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Layout,
    Size,
)
from django import forms

from portal.models import Organisation, Region, ServiceCategory
from suppliers import sections

YES_NO = [(True, "Yes"), (False, "No")]
PEOPLE_ROWS = 5
MAX_WORDS = sections.MAX_WORDS


def _yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )


def _date_field(label: str, help_text: str) -> DateInputField:
    field = DateInputField(label=label, help_text=help_text, required=False, require_all_fields=False)
    for subfield in field.fields:
        subfield.required = False
    return field


def _text(label: str, help_text: str = "", **kwargs) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False, **kwargs)


def _words(label: str, help_text: str = "") -> forms.CharField:
    hint = help_text or f"Up to {MAX_WORDS} words."
    return forms.CharField(label=label, help_text=hint, required=False, widget=forms.Textarea)


class SectionForm(forms.Form):
    """Base for a section's page. `answers()` gives what to store; `show_errors()` shows the domain's."""

    # Domain error keys that belong to no single field are shown against this field instead.
    error_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout())

    def layout(self) -> list:
        return list(self.fields)

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """Stored answers as the form's initial values (dates from ISO strings)."""
        initial = dict(answers)
        for name, field in cls.base_fields.items():
            if isinstance(field, DateInputField):
                initial[name] = sections.parse_date(answers.get(name))
        return initial

    def answers(self) -> dict[str, Any]:
        """The valid part of what was sent, as answers to store."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            name = self.error_fields.get(key, key)
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)


class OrganisationSectionForm(SectionForm):
    legal_name = _text("Legal name", "As registered with Companies House or the Charity Commission.")
    trading_name = _text("Trading name (optional)")
    legal_form = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=Organisation.LegalForm.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    companies_house_number = _text("Companies House number (if it has one)", "8 characters, like 01234567.")
    charity_number = _text("Charity number (if it has one)")
    is_vcse = _yes_no_field(
        "Is it a voluntary, community or social enterprise (VCSE) organisation?",
        "Charities, community groups, social enterprises, co-operatives and mutuals.",
    )
    size_band = forms.ChoiceField(
        label="How big is it?",
        choices=Organisation.SizeBand.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    address_line_1 = _text("Address line 1")
    address_line_2 = _text("Address line 2 (optional)")
    town = _text("Town or city")
    postcode = _text("Postcode")
    contact_name = _text("Main contact's full name")
    contact_email = _text("Main contact's e-mail address")
    contact_phone = _text("Main contact's telephone number")
    parent_organisation = _text(
        "Parent organisation (optional)", "If your organisation is part of a group, the group's legal name."
    )

    def layout(self) -> list:
        return [
            Field.text("legal_name", field_width=Fluid.THREE_QUARTERS),
            Field.text("trading_name", field_width=Fluid.THREE_QUARTERS),
            Field.radios("legal_form"),
            Field.text("companies_house_number", field_width=Fixed.TEN),
            Field.text("charity_number", field_width=Fixed.TEN),
            Field.radios("is_vcse"),
            Field.radios("size_band"),
            Field.text("address_line_1", field_width=Fluid.THREE_QUARTERS),
            Field.text("address_line_2", field_width=Fluid.THREE_QUARTERS),
            Field.text("town", field_width=Fluid.TWO_THIRDS),
            Field.text("postcode", field_width=Fixed.TEN),
            Field.text("contact_name", field_width=Fluid.THREE_QUARTERS),
            Field.text("contact_email", field_width=Fluid.THREE_QUARTERS),
            Field.text("contact_phone", field_width=Fixed.TWENTY),
            Field.text("parent_organisation", field_width=Fluid.THREE_QUARTERS),
        ]


class ExclusionSectionForm(SectionForm):
    """One yes/no question per ground; a yes reveals what happened and how it was put right."""

    def _ground(self, ground: str) -> ConditionalRadios:
        return ConditionalRadios(
            ground,
            ConditionalQuestion(
                "Yes",
                Field.textarea(f"{ground}_details", rows=4, max_words=MAX_WORDS),
                Field.textarea(f"{ground}_self_cleaning", rows=4, max_words=MAX_WORDS),
            ),
            "No",
        )

    def layout(self) -> list:
        return [
            Fieldset(
                HTML(
                    '<p class="govuk-body">In the last 5 years, has your organisation, '
                    "or anyone who runs it, "
                    "been convicted of:</p>"
                ),
                *(self._ground(ground) for ground in sections.MANDATORY_GROUNDS),
                legend="Mandatory grounds",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">In the last 3 years, has any of these applied to your '
                    "organisation? A yes does not rule you out: an MoJ framework manager will consider "
                    "what you tell us.</p>"
                ),
                *(self._ground(ground) for ground in sections.DISCRETIONARY_GROUNDS),
                legend="Discretionary grounds",
                legend_size=Size.MEDIUM,
            ),
        ]


def _exclusion_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for ground, label in sections.GROUNDS.items():
        fields[ground] = forms.ChoiceField(
            label=f"{label}?",
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect,
            required=False,
        )
        fields[f"{ground}_details"] = _words("What happened?", f"Dates and facts. Up to {MAX_WORDS} words.")
        fields[f"{ground}_self_cleaning"] = _words(
            "What have you done to put it right?",
            'For example compensation paid, staff changes or new controls ("self-cleaning"). '
            f"Up to {MAX_WORDS} words.",
        )
    return fields


ExclusionSectionForm.base_fields.update(_exclusion_fields())


class FinancialSectionForm(SectionForm):
    turnover_year_1 = _text(
        "Turnover in your most recent financial year (£)", "In whole pounds, like 125000.", max_length=15
    )
    financial_year_end_1 = _date_field("When did that financial year end?", "For example, 31 3 2026")
    turnover_year_2 = _text(
        "Turnover in the year before (£, optional)",
        "Leave blank if your organisation is less than 2 years old.",
        max_length=15,
    )
    financial_year_end_2 = _date_field("When did the year before end? (optional)", "For example, 31 3 2025")
    evidence_type = forms.ChoiceField(
        label="How can you show your turnover?",
        choices=list(sections.EVIDENCE_TYPES.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    evidence_details = _words("How can you show it?")

    def layout(self) -> list:
        return [
            Field.text("turnover_year_1", field_width=Fixed.TEN, inputmode="numeric"),
            Field("financial_year_end_1"),
            Field.text("turnover_year_2", field_width=Fixed.TEN, inputmode="numeric"),
            Field("financial_year_end_2"),
            ConditionalRadios(
                "evidence_type",
                *[label for key, label in sections.EVIDENCE_TYPES.items() if key != "other"],
                ConditionalQuestion(
                    sections.EVIDENCE_TYPES["other"], Field.textarea("evidence_details", rows=3)
                ),
            ),
        ]


CYBER_GUIDANCE = {
    "none": "You can still qualify, but you need at least Cyber Essentials to win a contract.",
    "cyber_essentials": "The minimum to win any call-off contract.",
    "cyber_essentials_plus": (
        "What most MoJ contracts need. Hold it at least one month before services start."
    ),
    "iasme_governance": "Self-assessed IASME Cyber Assurance.",
    "iasme_gold": "The highest level, audited and renewed every year.",
}


class CyberSectionForm(SectionForm):
    level = forms.ChoiceField(
        label="Which cyber security certificate does your organisation hold?",
        choices=list(sections.CYBER_LEVELS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    certificate_number = _text("Certificate number", "Leave blank if you hold none.")
    expiry_date = _date_field("When does it expire?", "For example, 30 6 2027. Leave blank if you hold none.")

    def layout(self) -> list:
        guidance = "".join(
            f"<li><strong>{sections.CYBER_LEVELS[key]}</strong>: {text}</li>"
            for key, text in CYBER_GUIDANCE.items()
        )
        return [
            HTML(f'<ul class="govuk-list govuk-list--bullet">{guidance}</ul>'),
            Field.radios("level"),
            Field.text("certificate_number", field_width=Fixed.TWENTY),
            Field("expiry_date"),
        ]


class InsuranceSectionForm(SectionForm):
    employers_liability = _text(
        "Employer's liability insurance (£ of cover)", "In whole pounds, like 5000000."
    )
    public_liability = _text("Public liability insurance (£ of cover)", "In whole pounds, like 5000000.")
    professional_indemnity = _text(
        "Professional indemnity insurance (£ of cover)", "In whole pounds, like 1000000."
    )
    will_obtain_before_contract = forms.BooleanField(
        label="We do not have all of these yet, but will get them before any contract starts",
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.text("employers_liability", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("public_liability", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("professional_indemnity", field_width=Fixed.TEN, inputmode="numeric"),
            Field.checkbox("will_obtain_before_contract"),
        ]


class RegionsSectionForm(SectionForm):
    coverage = forms.ChoiceField(
        label="Where do you want to deliver services?",
        help_text="We do not assess this now. It decides which competitions you hear about and can bid for.",
        choices=[("all", "All of England and Wales"), ("some", "Only in some regions")],
        widget=forms.RadioSelect,
        required=False,
    )
    regions = forms.MultipleChoiceField(
        label="Choose the regions", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = list(Region.objects.active().values_list("code", "name"))

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
                "coverage",
                "All of England and Wales",
                ConditionalQuestion("Only in some regions", Field.checkboxes("regions")),
            )
        ]

    def answers(self) -> dict[str, Any]:
        data = super().answers()
        all_regions = data.get("coverage") == "all"
        return {"all_regions": all_regions, "regions": [] if all_regions else data.get("regions", [])}

    error_fields = {"regions": "coverage"}


def _people_fields(prefix: str, label: str) -> dict[str, forms.Field]:
    fields = {}
    for index in range(PEOPLE_ROWS):
        fields[f"{prefix}-{index}-name"] = _text(f"{label} {index + 1}: organisation name")
        fields[f"{prefix}-{index}-role"] = _text(f"{label} {index + 1}: what they will do")
    return fields


class PartnershipsSectionForm(SectionForm):
    bidding_as = forms.ChoiceField(
        label="Will you deliver services on your own or as part of a consortium?",
        help_text="A consortium is a group of organisations that bid together, with one leading.",
        choices=list(sections.BIDDING_AS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    uses_subcontractors = _yes_no_field(
        "Will you use subcontractors?",
        "Organisations you would pay to deliver part of a service. "
        "You will need our permission to change them.",
    )
    error_fields = {
        "consortium_members": "consortium_members-0-name",
        "subcontractors": "subcontractors-0-name",
    }

    @staticmethod
    def _rows(prefix: str) -> list:
        return [
            Field.text(f"{prefix}-{index}-{part}", field_width=Fluid.TWO_THIRDS)
            for index in range(PEOPLE_ROWS)
            for part in ("name", "role")
        ]

    def layout(self) -> list:
        return [
            ConditionalRadios(
                "bidding_as",
                sections.BIDDING_AS["alone"],
                ConditionalQuestion(sections.BIDDING_AS["consortium"], *self._rows("consortium_members")),
            ),
            ConditionalRadios(
                "uses_subcontractors", ConditionalQuestion("Yes", *self._rows("subcontractors")), "No"
            ),
        ]

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial = {key: answers[key] for key in ("bidding_as", "uses_subcontractors") if key in answers}
        for prefix in ("consortium_members", "subcontractors"):
            for index, person in enumerate((answers.get(prefix) or [])[:PEOPLE_ROWS]):
                initial[f"{prefix}-{index}-name"] = person.get("name", "")
                initial[f"{prefix}-{index}-role"] = person.get("role", "")
        return initial

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {
            "bidding_as": data.get("bidding_as", ""),
            "uses_subcontractors": data.get("uses_subcontractors"),
        }
        for prefix in ("consortium_members", "subcontractors"):
            rows = [
                {
                    "name": data.get(f"{prefix}-{i}-name", "").strip(),
                    "role": data.get(f"{prefix}-{i}-role", "").strip(),
                }
                for i in range(PEOPLE_ROWS)
            ]
            answers[prefix] = [row for row in rows if row["name"] or row["role"]]
        return answers


PartnershipsSectionForm.base_fields.update(
    {**_people_fields("consortium_members", "Member"), **_people_fields("subcontractors", "Subcontractor")}
)


class DeclarationSectionForm(SectionForm):
    full_name = _text("Your full name")
    role = _text("Your role in the organisation", "For example, chief executive or director of services.")
    confirmed = forms.BooleanField(
        label="I confirm that the information in this questionnaire is true and complete, "
        "and that I am allowed "
        "to give it on behalf of the organisation",
        required=False,
    )

    def layout(self) -> list:
        return [
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("role", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("confirmed"),
        ]


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "organisation": OrganisationSectionForm,
    "exclusion": ExclusionSectionForm,
    "financial": FinancialSectionForm,
    "cyber": CyberSectionForm,
    "insurance": InsuranceSectionForm,
    "regions": RegionsSectionForm,
    "partnerships": PartnershipsSectionForm,
    "declaration": DeclarationSectionForm,
}


class CategoryAddForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label="Add service categories",
        help_text="Choose any you can deliver. You need a service description and two case studies for each.",
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


CASE_STUDY_LABELS = {
    "title": ("Title", ""),
    "who_for": ("Who was it for?", "For example, women leaving prison in Leeds, aged 18 to 25."),
    "what_was_done": ("What did you do?", f"Up to {MAX_WORDS} words."),
    "outcome": (
        "What difference did it make?",
        f"The outcome, with numbers if you have them. Up to {MAX_WORDS} words.",
    ),
}


class CategoryChoiceForm(SectionForm):
    """The service descriptor and two case studies for one category."""

    descriptor = _words(
        "Describe the service you offer in this category",
        f"What you do, for whom, and how it helps people on probation. Up to {MAX_WORDS} words.",
    )

    def layout(self) -> list:
        def study(index: int) -> Fieldset:
            prefix = f"case_studies-{index}-"
            return Fieldset(
                Field.text(prefix + "title", field_width=Fluid.THREE_QUARTERS),
                Field.text(prefix + "who_for", field_width=Fluid.THREE_QUARTERS),
                Field(prefix + "start_date"),
                Field(prefix + "end_date"),
                Field.textarea(prefix + "what_was_done", rows=6, max_words=MAX_WORDS),
                Field.textarea(prefix + "outcome", rows=6, max_words=MAX_WORDS),
                legend=f"Case study {index + 1}",
                legend_size=Size.MEDIUM,
            )

        return [Field.textarea("descriptor", rows=8, max_words=MAX_WORDS), study(0), study(1)]

    @classmethod
    def initial_for(cls, descriptor: str, case_studies: list[dict[str, Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {"descriptor": descriptor}
        for index, study in enumerate(case_studies[:2]):
            for name in sections.CASE_STUDY_FIELDS:
                value = study.get(name, "")
                initial[f"case_studies-{index}-{name}"] = (
                    sections.parse_date(value) if name.endswith("_date") else value
                )
        return initial

    def descriptor_and_case_studies(self) -> tuple[str, list[dict[str, Any]]]:
        data = self.answers()
        studies = []
        for index in range(2):
            study = {}
            for name in sections.CASE_STUDY_FIELDS:
                value = data.get(f"case_studies-{index}-{name}") or ""
                study[name] = value.isoformat() if isinstance(value, date) else value
            studies.append(study)
        return data.get("descriptor") or "", studies


def _case_study_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for index in range(2):
        prefix = f"case_studies-{index}-"
        for name, (label, hint) in CASE_STUDY_LABELS.items():
            long_answer = name in ("what_was_done", "outcome")
            fields[prefix + name] = _words(label, hint) if long_answer else _text(label, hint)
        fields[prefix + "start_date"] = _date_field("When did it start?", "For example, 1 4 2024")
        fields[prefix + "end_date"] = _date_field("When did it end?", "For example, 31 3 2025")
    return fields


CategoryChoiceForm.base_fields.update(_case_study_fields())


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a supporting document (optional)",
        help_text="A PDF, Word (DOCX) or OpenDocument (ODT) file, up to 10 MB. Up to 5 for each category.",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
