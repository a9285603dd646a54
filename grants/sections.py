"""The grants registration questionnaire, declared once for the questionnaire engine (ADR 0004), and the
reading of a round's stored questions (the commissioner's application questions are engine data)."""

from __future__ import annotations

from typing import Any

from portal.models import Organisation, Region
from portal.questionnaires.engine import Context, Kind, Question, Section

POLICIES = {
    "safeguarding": "Safeguarding",
    "equality": "Equality and diversity",
    "data_protection": "Data protection",
}
PEOPLE = {
    "women": "Women",
    "racially_minoritised": "Racially minoritised people",
    "young_adults": "Young adults (18 to 25)",
    "disabled": "People with disabilities",
    "lgbt": "LGBT+ people",
    "everyone": "People on probation in general",
}


def _region_choices() -> list[tuple[str, str]]:
    return list(Region.objects.active().values_list("code", "name"))


def _whole_number(value: Any, answers: Any, ctx: Context) -> str | None:
    return (
        None
        if str(value).isdigit()
        else "Enter the number of trustees or directors as a whole number, like 5"
    )


REGISTRATION = Section(
    slug="registration",
    title="Register for grants",
    items=(
        Question(
            "legal_form",
            "Legal status",
            Kind.CHOICE,
            choices=dict(Organisation.LegalForm.choices),
            missing="Select your organisation's legal status",
        ),
        Question(
            "companies_house_number",
            "Companies House number",
            hint="If you have one, for example 01234567.",
            required=False,
            width="10",
        ),
        Question("charity_number", "Charity number", hint="If you have one.", required=False, width="10"),
        Question(
            "trustees",
            "How many trustees or directors does your organisation have?",
            width="10",
            missing="Enter the number of trustees or directors",
            checks=(_whole_number,),
        ),
        Question(
            "annual_income",
            "Annual income for your last financial year",
            Kind.MONEY,
            hint="In whole pounds, as shown in your latest accounts.",
            missing="Enter your annual income for your last financial year",
            invalid="Annual income must be an amount in whole pounds, like 120,000",
        ),
        Question(
            "year_end",
            "When did that financial year end?",
            Kind.DATE,
            hint="For example, 31 3 2026.",
            missing="Enter the date your last financial year ended",
            invalid="The date your last financial year ended must be a real date",
        ),
        Question(
            "policies",
            "Which of these policies does your organisation have?",
            Kind.CHOICES,
            hint="Select all that apply.",
            choices=POLICIES,
            required=False,
        ),
        Question(
            "people",
            "Who does your organisation work with?",
            Kind.CHOICES,
            hint="Select all that apply.",
            choices=PEOPLE,
            missing="Select who your organisation works with",
        ),
        Question(
            "regions",
            "Which probation regions do you work in?",
            Kind.CHOICES,
            hint="You will get e-mails about grant rounds in these regions only.",
            choices=_region_choices,
            missing="Select at least one probation region",
        ),
    ),
)


def registration_initial(organisation: Organisation) -> dict[str, Any]:
    """What the registration starts from: the organisation's profile, so nothing is typed twice."""
    return {
        "legal_form": organisation.legal_form,
        "companies_house_number": organisation.companies_house_number,
        "charity_number": organisation.charity_number,
    }


def round_section(questions: list[dict[str, Any]], *, slug: str = "application") -> Section:
    """A round's application questions (stored as engine data) as a section."""
    return Section(slug=slug, title="Your application", items=tuple(Question.from_dict(q) for q in questions))


ELIGIBILITY_KEY_PREFIX = "eligibility_"


def eligibility_section(questions: list[dict[str, Any]]) -> Section:
    """A round's yes/no eligibility questions as a section."""
    return Section(
        slug="eligibility",
        title="Can you apply?",
        items=tuple(
            Question(q["key"], q["label"], Kind.YES_NO, missing=f"Select yes or no for: {q['label']}")
            for q in questions
        ),
    )
