"""The Selection Questionnaire, declared on the questionnaire engine (`portal.questionnaires`).

Each question is declared here once: its key, label, hint, kind, whether it is required, its word limit,
choices, follow-ups and checks. The section's page (`suppliers.forms.questionnaire`), its errors, its
summary rows (`suppliers.display`) and its status are all derived from these declarations.

`section_errors(slug, answers, application=…)` is the one judge of a section: the services call it when
a section is saved as complete and again, for every section, at submission. It reads the answers as
stored (JSON: dates as ISO strings, money as typed) and returns {field: plain-English message} in page
order; an empty dict means the section is valid.

A section's status is derived, never stored: *completed* if it was saved as complete and still has no
errors (a certificate can expire, an agreement can be replaced), *in progress* if anything is saved,
otherwise *not started*. Prefilled answers are "in progress": the organisation confirms them each time.

Two sections are saved by their own services: `categories` (rows, see `category_choice_save`) and
`agreement` (see `agreement_accept`).

What each section stores (the keys `section_save` keeps; yes/no questions are JSON booleans, except the
exclusion grounds, which are "yes"/"no"; money is stored as typed, an int or a string like "12,500", and
the sections with money or dates also store the normalised values under `portal.questionnaires.engine.VALUES`:
{"turnover_year_1": 12500, "financial_year_end_1": "2025-03-31", …}, read with `normalised(...)`):

- organisation: the Organisation profile's fields (ORGANISATION_FIELDS) and parent_organisation.
- exclusion: for each ground in GROUNDS: <ground> ("yes"/"no"), <ground>_details and
  <ground>_self_cleaning (each up to 500 words, needed for a yes).
- financial: turnover_year_1, financial_year_end_1 (the latest year), optionally turnover_year_2 and
  financial_year_end_2 (the year before), evidence_type (EVIDENCE_TYPES), evidence_details.
- cyber: level (CYBER_LEVELS), certificate_number and expiry_date unless the level is "none".
- insurance: employers_liability, public_liability, professional_indemnity, will_obtain_before_contract.
- categories: CategoryChoice rows: descriptor, case_studies (two dicts of CASE_STUDY_FIELDS).
- regions: all_regions, or regions (a list of Region codes).
- partnerships: bidding_as (BIDDING_AS), consortium_members, uses_subcontractors, subcontractors
  (lists of {"name", "role"}).
- agreement: version, title, accepted_by_id, accepted_by_email, accepted_at (set by agreement_accept).
- declaration: full_name, role, confirmed (True).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, cast

from django.utils import timezone

from portal.models import UK_POSTCODE, Organisation, Region
from portal.organisations import organisation_rule_errors
from portal.questionnaires import engine as q
from portal.questionnaires.engine import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    STATUS_LABELS,
    Answers,
    Errors,
    Group,
    Kind,
    Question,
    Section,
    normalised,
    parse_date,
)
from suppliers.models import Application, FrameworkAgreement

__all__ = [
    "COMPLETED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "STATUS_LABELS",
    "normalised",
    "parse_date",
]

MAX_WORDS = 500

MANDATORY_GROUNDS = {
    "corruption": "Corruption",
    "bribery": "Bribery",
    "fraud": "Fraud",
    "terrorism": "Terrorist offences or offences linked to terrorism",
    "money_laundering": "Money laundering or the proceeds of crime",
    "modern_slavery": "Human trafficking and modern slavery",
    "tax_non_payment": "Not paying tax or social security contributions",
}
DISCRETIONARY_GROUNDS = {
    "insolvency": "Bankruptcy, insolvency or being wound up",
    "professional_misconduct": "Grave professional misconduct",
    "distorting_competition": "Agreements with others to distort competition",
    "conflict_of_interest": "A conflict of interest that cannot be put right",
    "poor_past_performance": "Serious or repeated failure to deliver a public contract",
    "misrepresentation": "Serious misrepresentation, or withholding information we asked for",
}
GROUNDS = {**MANDATORY_GROUNDS, **DISCRETIONARY_GROUNDS}

EVIDENCE_TYPES = {
    "accounts": "Published or audited accounts",
    "charity_commission": "Charity Commission records",
    "management_accounts": "Management accounts",
    "other": "Another way (tell us how)",
}
CYBER_LEVELS = {
    "none": "None yet",
    "cyber_essentials": "Cyber Essentials",
    "cyber_essentials_plus": "Cyber Essentials Plus",
    "iasme_governance": "IASME Cyber Assurance (Governance)",
    "iasme_gold": "IASME Gold (audited)",
}
# What each level means, in plain words: the one definition, shown under each choice.
CYBER_LEVEL_HINTS = {
    "none": "You hold no certificate yet. You can still qualify, but you need at least Cyber Essentials "
    "to win a contract.",
    "cyber_essentials": "A government-backed certificate that you have the basic protections against common "
    "online attacks, such as a firewall and up-to-date software. You answer a set of questions and an "
    "assessor checks your answers. It is the minimum to win any call-off contract.",
    "cyber_essentials_plus": "The same protections as Cyber Essentials, but an assessor also tests your "
    "computers and systems. Most MoJ contracts need it: hold it at least one month before services start.",
    "iasme_governance": "A certificate that also covers how you run information security and data "
    "protection: your policies, training, and what you do when something goes wrong. You answer a set of "
    "questions and an assessor checks your answers.",
    "iasme_gold": "The same as IASME Cyber Assurance, but an assessor audits your organisation in person. "
    "The highest level; it must be renewed every year.",
}
BIDDING_AS = {"alone": "On our own", "consortium": "As part of a consortium"}
YES_OR_NO = {"yes": "Yes", "no": "No"}
INSURANCES = ("employers_liability", "public_liability", "professional_indemnity")
CASE_STUDY_FIELDS = ("title", "who_for", "start_date", "end_date", "what_was_done", "outcome")
ORGANISATION_FIELDS = Organisation.PROFILE_FIELDS
POSTCODE = cast(re.Pattern[str], UK_POSTCODE.regex)  # RegexValidator compiles its pattern


@dataclass
class Context(q.Context):
    """What validation needs besides the answers. Database reads happen only when a section asks."""

    application: Application | None = None

    @cached_property
    def agreement_version(self) -> str | None:
        current = FrameworkAgreement.objects.filter(is_current=True).first()
        return current.version if current else None


def _words(label: str, key: str, missing: str, hint: str = "", **kwargs: Any) -> Question:
    return Question(key, label, Kind.LONG_TEXT, hint=hint, missing=missing, word_limit=MAX_WORDS, **kwargs)


def _active_regions() -> list[tuple[str, str]]:
    return list(Region.objects.active().values_list("code", "name"))


# Checks -------------------------------------------------------------------------------------------


def _postcode(value: str, answers: Answers, ctx: q.Context) -> str | None:
    return None if POSTCODE.match(value) else "Enter a real UK postcode, like LS1 1AA"


def _year_ended(value: date, answers: Answers, ctx: q.Context) -> str | None:
    return "Enter a financial year that has ended" if value > ctx.today else None


def _not_expired(value: date, answers: Answers, ctx: q.Context) -> str | None:
    if value <= ctx.today:
        return "This certificate has expired. Renew it, or select the level you hold now"
    return None


def _started_by_today(value: date, answers: Answers, ctx: q.Context) -> str | None:
    return "The start date of {row} must be today or in the past" if value > ctx.today else None


def _ended_after_start(value: date, answers: Answers, ctx: q.Context) -> str | None:
    start = parse_date(answers.get("start_date"))
    if start is not None and value < start:
        return "The end date of {row} must be the same as or after its start date"
    return None


# Cross-field rules --------------------------------------------------------------------------------


def _organisation_rules(answers: Answers, ctx: q.Context) -> Errors:
    """The organisation's own cross-field rules (CIO, company numbers), judged in one place for the
    profile and the questionnaire."""
    return organisation_rule_errors(answers)


def _earlier_year_first(answers: Answers, ctx: q.Context) -> Errors:
    end_1 = parse_date(answers.get("financial_year_end_1"))
    end_2 = parse_date(answers.get("financial_year_end_2"))
    if end_1 and end_2 and end_2 >= end_1:
        return {"financial_year_end_2": "The earlier year must end before the most recent year"}
    return {}


# The questions ------------------------------------------------------------------------------------


def _second_year_given(answers: Answers) -> bool:
    """A second, earlier year is optional, so a new organisation with one year of accounts can apply;
    if either of its answers is given, both are needed."""
    return q.given(answers, "turnover_year_2") or q.given(answers, "financial_year_end_2")


def _insurance_needed(answers: Answers) -> bool:
    return answers.get("will_obtain_before_contract") is not True


ORGANISATION = (
    Question(
        "legal_name",
        "Legal name",
        hint="As registered with Companies House or the Charity Commission.",
        missing="Enter your organisation's legal name",
        width="three-quarters",
    ),
    Question(
        "trading_name",
        "Trading name (optional)",
        required=False,
        summary_label="Trading name",
        width="three-quarters",
    ),
    Question(
        "legal_form",
        "What kind of organisation are you?",
        Kind.CHOICE,
        choices=dict(Organisation.LegalForm.choices),
        missing="Select your organisation's legal form",
        summary_label="Kind of organisation",
    ),
    # Whether these are needed, and their format, is the organisation's own rule (`_organisation_rules`).
    Question(
        "companies_house_number",
        "Companies House number (if you have one)",
        hint="8 characters, like 01234567.",
        required=False,
        summary_label="Companies House number",
        width="10",
    ),
    Question(
        "charity_number",
        "Charity number (if you have one)",
        required=False,
        summary_label="Charity number",
        width="10",
    ),
    Question(
        "is_vcse",
        "Is your organisation a voluntary, community or social enterprise (VCSE)?",
        Kind.YES_NO,
        hint="Charities, community groups, social enterprises, co-operatives and mutuals.",
        missing="Select yes if your organisation is a voluntary, community or social enterprise",
        summary_label="Voluntary, community or social enterprise (VCSE)",
    ),
    Question(
        "size_band",
        "How big is your organisation?",
        Kind.CHOICE,
        choices=dict(Organisation.SizeBand.choices),
        missing="Select the size of your organisation",
        summary_label="Size",
    ),
    Question(
        "address_line_1",
        "Address line 1",
        missing="Enter the first line of the address",
        summary_label="Registered address",
        summary_joins=("address_line_2", "town", "postcode"),
        width="three-quarters",
    ),
    Question(
        "address_line_2",
        "Address line 2 (optional)",
        required=False,
        in_summary=False,
        width="three-quarters",
    ),
    Question("town", "Town or city", missing="Enter the town or city", in_summary=False, width="two-thirds"),
    Question(
        "postcode",
        "Postcode",
        missing="Enter a real UK postcode, like LS1 1AA",
        checks=(_postcode,),
        in_summary=False,
        width="10",
    ),
    Question(
        "contact_name",
        "Main contact's full name",
        missing="Enter the name of the person we should contact",
        summary_label="Main contact",
        width="three-quarters",
    ),
    Question(
        "contact_email",
        "Main contact's e-mail address",
        Kind.EMAIL,
        missing="Enter an e-mail address in the right format, like name@example.org",
    ),
    Question(
        "contact_phone", "Main contact's telephone number", Kind.PHONE, missing="Enter a telephone number"
    ),
    Question(
        "parent_organisation",
        "Parent organisation (optional)",
        hint="If your organisation is part of a group, the group's legal name.",
        required=False,
        summary_label="Parent organisation",
        width="three-quarters",
    ),
)


def _ground(ground: str, label: str) -> tuple[Question, ...]:
    yes = (ground, ("yes",))
    return (
        Question(
            ground,
            f"{label}?",
            Kind.CHOICE,
            choices=YES_OR_NO,
            missing=f"Answer yes or no: {label.lower()}",
        ),
        _words(
            "What happened?",
            f"{ground}_details",
            f"Tell us what happened: {label.lower()}",
            hint="Dates and facts.",
            show_when=yes,
            summary_label="What happened",
        ),
        _words(
            "What have you done to put it right?",
            f"{ground}_self_cleaning",
            f"Tell us what you have done to put it right: {label.lower()}",
            hint='For example compensation paid, staff changes or new controls ("self-cleaning").',
            show_when=yes,
        ),
    )


EXCLUSION = (
    Group(
        "Mandatory grounds",
        tuple(question for ground, label in MANDATORY_GROUNDS.items() for question in _ground(ground, label)),
        intro_template="suppliers/questionnaire/intro/mandatory_grounds.html",
    ),
    Group(
        "Discretionary grounds",
        tuple(
            question for ground, label in DISCRETIONARY_GROUNDS.items() for question in _ground(ground, label)
        ),
        intro_template="suppliers/questionnaire/intro/discretionary_grounds.html",
    ),
)

FINANCIAL = (
    Question(
        "turnover_year_1",
        "Turnover in your most recent financial year (£)",
        Kind.MONEY,
        hint="In whole pounds, like 125000.",
        missing="Enter the turnover in whole pounds, like 125000",
        summary_label="Turnover in the most recent financial year",
    ),
    Question(
        "financial_year_end_1",
        "When did that financial year end?",
        Kind.DATE,
        hint="For example, 31 3 2026",
        missing="Enter the date the financial year ended",
        checks=(_year_ended,),
        summary_label="That financial year ended on",
    ),
    Question(
        "turnover_year_2",
        "Turnover in the year before (£, optional)",
        Kind.MONEY,
        hint="Leave blank if your organisation is less than 2 years old.",
        required=_second_year_given,
        missing="Enter the turnover of the year before in whole pounds, like 125000",
        summary_label="Turnover in the year before",
    ),
    Question(
        "financial_year_end_2",
        "When did the year before end? (optional)",
        Kind.DATE,
        hint="For example, 31 3 2025",
        required=_second_year_given,
        missing="Enter the date the year before ended",
        checks=(_year_ended,),
        summary_label="The year before ended on",
    ),
    Question(
        "evidence_type",
        "How can you show your turnover?",
        Kind.CHOICE,
        choices=EVIDENCE_TYPES,
        missing="Select how you can show your turnover",
        summary_label="How you can show your turnover",
    ),
    _words(
        "How can you show it?",
        "evidence_details",
        "Tell us how you can show your turnover",
        show_when=("evidence_type", ("other",)),
    ),
)

HOLDS_A_CERTIFICATE = ("level", tuple(level for level in CYBER_LEVELS if level != "none"))
CYBER = (
    Question(
        "level",
        "Which cyber security certificate does your organisation hold?",
        Kind.CHOICE,
        choices=CYBER_LEVELS,
        choice_hints=CYBER_LEVEL_HINTS,
        missing="Select the cyber security certificate you hold",
        summary_label="Cyber security certificate",
    ),
    Question(
        "certificate_number",
        "Certificate number",
        hint="Leave blank if you hold none.",
        show_when=HOLDS_A_CERTIFICATE,
        missing="Enter the certificate number",
        width="20",
    ),
    Question(
        "expiry_date",
        "When does it expire?",
        Kind.DATE,
        hint="For example, 30 6 2027. Leave blank if you hold none.",
        show_when=HOLDS_A_CERTIFICATE,
        missing="Enter the date the certificate expires",
        checks=(_not_expired,),
        summary_label="Expiry date",
    ),
)


def _insurance(key: str, label: str, example: int) -> Question:
    return Question(
        key,
        f"{label} (£ of cover)",
        Kind.MONEY,
        hint=f"In whole pounds, like {example}.",
        required=_insurance_needed,
        missing=f"Enter the {label[0].lower()}{label[1:]} cover in whole pounds, like {example}",
        summary_label=label,
    )


INSURANCE = (
    _insurance("employers_liability", "Employer's liability insurance", 5000000),
    _insurance("public_liability", "Public liability insurance", 5000000),
    _insurance("professional_indemnity", "Professional indemnity insurance", 1000000),
    Question(
        "will_obtain_before_contract",
        "We do not have all of these yet, but will get them before any contract starts",
        Kind.CHECKBOX,
        required=False,
        summary_label="Will get any missing insurance before a contract starts",
    ),
)

REGIONS = (
    Question(
        "all_regions",
        "All of England and Wales",
        Kind.CHECKBOX,
        required=False,
        in_summary=False,
    ),
    Question(
        "regions",
        "Choose the regions",
        Kind.CHOICES,
        choices=_active_regions,
        show_when=("all_regions", (False, None)),
        missing="Choose at least one region, or all regions",
        invalid="Choose regions from the list",
        summary_label="Regions",
    ),
)


def _people(key: str, label: str, missing: str, show_when: tuple[str, tuple[Any, ...]]) -> Question:
    return Question(
        key,
        f"{label}s" if label == "Subcontractor" else "Consortium members",
        Kind.ROWS,
        rows=(
            Question("name", "organisation name", missing="Enter the name of {row}", width="two-thirds"),
            Question("role", "what they will do", missing="Say what {row} will do", width="two-thirds"),
        ),
        row_label=label,
        missing=missing,
        show_when=show_when,
    )


PARTNERSHIPS = (
    Question(
        "bidding_as",
        "Will you deliver services on your own or as part of a consortium?",
        Kind.CHOICE,
        hint="A consortium is a group of organisations that bid together, with one leading.",
        choices=BIDDING_AS,
        missing="Select whether you will work on your own or as part of a consortium",
        summary_label="Delivering services",
    ),
    _people(
        "consortium_members",
        "Member",
        "Add the other members of the consortium",
        ("bidding_as", ("consortium",)),
    ),
    Question(
        "uses_subcontractors",
        "Will you use subcontractors?",
        Kind.YES_NO,
        hint="Organisations you would pay to deliver part of a service. "
        "You will need our permission to change them.",
        missing="Select yes if you will use subcontractors",
        summary_label="Uses subcontractors",
    ),
    _people("subcontractors", "Subcontractor", "Add your subcontractors", ("uses_subcontractors", (True,))),
)

DECLARATION = (
    Question(
        "full_name",
        "Your full name",
        missing="Enter your full name",
        summary_label="Full name",
        width="two-thirds",
    ),
    Question(
        "role",
        "Your role in the organisation",
        hint="For example, chief executive or director of services.",
        missing="Enter your role in the organisation",
        summary_label="Role in the organisation",
        width="two-thirds",
    ),
    Question(
        "confirmed",
        "I confirm that the information in this questionnaire is true and complete, and that I am allowed "
        "to give it on behalf of the organisation",
        Kind.CHECKBOX,
        missing="Confirm that the information you have given is true",
        summary_label="Confirmed that the information is true and complete",
    ),
)

# One category choice: its service descriptor and two case studies (saved by category_choice_save).
CASE_STUDIES = 2
CATEGORY_CHOICE = Section(
    "category_choice",
    "Service category",
    (
        _words(
            "Service descriptor",
            "descriptor",
            "Enter your service descriptor",
            hint="Describe the service you offer in this category: what you do, who it is for, "
            "and how it helps people on probation.",
            width="full",
        ),
        Question(
            "case_studies",
            "Case studies",
            Kind.ROWS,
            rows=(
                Question("title", "Title", missing="Enter a title for {row}", width="three-quarters"),
                Question(
                    "who_for",
                    "Who was it for?",
                    hint="For example, women leaving prison in Leeds, aged 18 to 25.",
                    missing="Tell us who the service in {row} was for",
                    width="three-quarters",
                ),
                Question(
                    "start_date",
                    "When did it start?",
                    Kind.DATE,
                    hint="For example, 1 4 2024",
                    missing="Enter the date the work in {row} started",
                    checks=(_started_by_today,),
                    summary_label="Started",
                ),
                Question(
                    "end_date",
                    "When did it end?",
                    Kind.DATE,
                    hint="For example, 31 3 2025",
                    missing="Enter the date the work in {row} ended",
                    checks=(_ended_after_start,),
                    summary_label="Ended",
                ),
                _words(
                    "What did you do?",
                    "what_was_done",
                    "Tell us what you did in {row}",
                    width="full",
                    name="what you did in {row}",
                ),
                _words(
                    "What difference did it make?",
                    "outcome",
                    "Tell us what difference {row} made",
                    hint="The outcome, with numbers if you have them.",
                    width="full",
                    name="the difference {row} made",
                ),
            ),
            row_slots=CASE_STUDIES,
            min_rows=CASE_STUDIES,
            fixed_rows=True,
            row_label="Case study",
            missing="Give two case studies",
        ),
    ),
)


# Sections saved by their own services ----------------------------------------------------------------


def choice_errors(descriptor: str, case_studies: Any, *, today: date | None = None) -> Errors:
    """Errors in one category choice: keys `descriptor`, `case_studies`, `case_studies-<i>-<field>`."""
    ctx = q.Context(today=today or timezone.localdate())
    return CATEGORY_CHOICE.errors({"descriptor": descriptor, "case_studies": case_studies}, ctx)


def categories_errors(answers: Answers, ctx: q.Context) -> Errors:
    choices = answers.get("choices") or []
    if not choices:
        return {"categories": "Choose at least one service category"}
    errors: Errors = {}
    for choice in choices:
        code = choice["category"]
        if not choice.get("is_active", True):
            errors[f"{code}-category"] = f"{choice['category_name']} is closed to applications. Remove it"
        for name, message in choice_errors(
            choice["descriptor"], choice["case_studies"], today=ctx.today
        ).items():
            errors[f"{code}-{name}"] = message
    return errors


def agreement_errors(answers: Answers, ctx: q.Context) -> Errors:
    if not answers.get("version"):
        return {"agreement": "Read and accept the framework agreement"}
    # The Selection Questionnaire's sections are validated with its own context.
    if answers["version"] != cast(Context, ctx).agreement_version:
        return {"agreement": "The framework agreement has changed. Read and accept the current version"}
    return {}


# The sections -------------------------------------------------------------------------------------


def _guidance(slug: str) -> str:
    return f"suppliers/questionnaire/guidance/{slug}.html"


SECTIONS = (
    Section(
        "organisation",
        "About your organisation",
        ORGANISATION,
        rules=(_organisation_rules,),
        guidance_template=_guidance("organisation"),
    ),
    Section("exclusion", "Grounds for exclusion", EXCLUSION, guidance_template=_guidance("exclusion")),
    Section(
        "financial",
        "Financial information",
        FINANCIAL,
        rules=(_earlier_year_first,),
        guidance_template=_guidance("financial"),
    ),
    Section("cyber", "Cyber security", CYBER, guidance_template=_guidance("cyber")),
    Section("insurance", "Insurance", INSURANCE, guidance_template=_guidance("insurance")),
    Section("categories", "Service categories and case studies", validate=categories_errors),
    Section("regions", "Regions you want to work in", REGIONS, guidance_template=_guidance("regions")),
    Section(
        "partnerships",
        "Partnerships, consortia and subcontractors",
        PARTNERSHIPS,
        guidance_template=_guidance("partnerships"),
    ),
    Section("agreement", "Framework agreement", validate=agreement_errors),
    Section("declaration", "Declaration", DECLARATION, guidance_template=_guidance("declaration")),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
OWN_SERVICE = {"categories", "agreement"}  # not saved through section_save's data


def section(slug: str) -> Section:
    try:
        return SECTIONS_BY_SLUG[slug]
    except KeyError:
        raise ValueError(f"No SQ section {slug!r}") from None


# Reading an application's answers ----------------------------------------------------------------


def organisation_answers(organisation: Organisation) -> Answers:
    """The organisation section prefilled from the organisation's profile."""
    return {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}


def category_answers(application: Application) -> Answers:
    """The categories section, read from the application's CategoryChoice rows."""
    choices = application.category_choices.select_related("category").prefetch_related("documents")
    return {
        "choices": [
            {
                "category": choice.category.code,
                "category_name": choice.category.name,
                "is_active": choice.category.is_active,
                "descriptor": choice.descriptor,
                "case_studies": choice.case_studies,
                "documents": [
                    {"name": doc.original_name, "content_type": doc.content_type, "size": doc.size}
                    for doc in choice.documents.all()
                ],
            }
            for choice in choices
        ]
    }


def answers_for(application: Application, slug: str) -> Answers:
    if slug == "categories":
        return category_answers(application)
    return application.answers.get(slug) or {}


def section_errors(
    slug: str, answers_for_section: Answers, *, application: Application, today: date | None = None
) -> Errors:
    """The section's errors as {field: message}; empty when valid. `today` defaults to London's date."""
    ctx = Context(today=today or timezone.localdate(), application=application)
    return section(slug).errors(answers_for_section or {}, ctx)


def section_status(application: Application, slug: str, *, today: date | None = None) -> str:
    answers = answers_for(application, slug)
    marked = slug in application.completed_sections
    return q.status(
        has_answers=bool(answers.get("choices")) if slug == "categories" else bool(answers),
        marked_complete=marked,
        errors=section_errors(slug, answers, application=application, today=today) if marked else {},
    )


def section_statuses(application: Application, *, today: date | None = None) -> dict[str, str]:
    """Every section's status, in order."""
    return {s.slug: section_status(application, s.slug, today=today) for s in SECTIONS}


def application_errors(application: Application, *, today: date | None = None) -> dict[str, Errors]:
    """{slug: errors} for every section that has any, in order."""
    all_errors = {
        s.slug: section_errors(s.slug, answers_for(application, s.slug), application=application, today=today)
        for s in SECTIONS
    }
    return {slug: errors for slug, errors in all_errors.items() if errors}


def exclusion_yes_grounds(answers: Answers) -> list[str]:
    """Grounds answered yes, in the questionnaire's order."""
    exclusion = answers.get("exclusion") or {}
    return [ground for ground in GROUNDS if exclusion.get(ground) == "yes"]


def chosen_region_codes(answers: Answers) -> list[str]:
    """The regions chosen in the regions section; "all regions" means every active region."""
    regions = answers.get("regions") or {}
    if regions.get("all_regions") is True:
        return list(Region.objects.active().values_list("code", flat=True))
    return list(regions.get("regions") or [])
