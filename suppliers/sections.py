"""The Selection Questionnaire's sections, in order, and the server's validation of each.

`section_errors(slug, answers, application=…)` is the one judge of a section: the services call it when
a section is saved as complete and again, for every section, at submission. It reads the answers as
stored (JSON: dates as ISO strings, money as whole pounds) and returns {field: plain-English message};
an empty dict means the section is valid.

A section's status is derived, never stored: *completed* if it was saved as complete and still has no
errors (a certificate can expire, an agreement can be replaced), *in progress* if anything is saved,
otherwise *not started*. Prefilled answers are "in progress": the organisation confirms them each time.

Two sections are saved by their own services: `categories` (rows, see `category_choice_save`) and
`agreement` (see `agreement_accept`).

What each section stores (the keys `section_save` keeps; yes/no questions are JSON booleans, except the
exclusion grounds, which are "yes"/"no"; money is whole pounds, an int or a string like "12,500"):

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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from portal.models import COMPANIES_HOUSE_NUMBER, UK_POSTCODE, Organisation, Region
from portal.organisations import organisation_rule_errors
from suppliers.models import Application, FrameworkAgreement

Answers = dict[str, Any]
Errors = dict[str, str]

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}

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
BIDDING_AS = {"alone": "On our own", "consortium": "As part of a consortium"}
INSURANCES = ("employers_liability", "public_liability", "professional_indemnity")
CASE_STUDY_FIELDS = ("title", "who_for", "start_date", "end_date", "what_was_done", "outcome")
ORGANISATION_FIELDS = Organisation.PROFILE_FIELDS
COMPANY_FORMS = {"charitable_company", "cic", "private_company", "public_company"}
COMPANY_NUMBER = COMPANIES_HOUSE_NUMBER.regex
POSTCODE = UK_POSTCODE.regex


@dataclass
class Context:
    """What validation needs besides the answers. Database reads happen only when a section asks."""

    application: Application
    today: date = field(default_factory=timezone.localdate)

    @cached_property
    def agreement_version(self) -> str | None:
        current = FrameworkAgreement.objects.filter(is_current=True).first()
        return current.version if current else None

    @cached_property
    def region_codes(self) -> set[str]:
        return set(Region.objects.active().values_list("code", flat=True))


# Small readers of stored values -------------------------------------------------------------------


def _text(answers: Answers, name: str) -> str:
    value = answers.get(name)
    return "" if value is None else str(value).strip()


def _words(text: str) -> int:
    return len(text.split())


def _is_true(value: Any) -> bool:
    """Yes/no questions other than the exclusion grounds are stored as JSON booleans."""
    return value is True


def parse_date(value: Any) -> date | None:
    """An ISO date string as a date; None if missing or not a real date."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _pounds(value: Any) -> int | None:
    """Whole pounds, 0 or more: an int, or a string like "12,500" or "£12500"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    cleaned = str(value or "").strip().lstrip("£").replace(",", "")
    return int(cleaned) if cleaned.isdigit() else None


def _long_text(errors: Errors, answers: Answers, name: str, missing: str) -> None:
    """A required free-text answer of up to 500 words."""
    text = _text(answers, name)
    if not text:
        errors[name] = missing
    elif _words(text) > MAX_WORDS:
        errors[name] = f"Use {MAX_WORDS} words or fewer (you used {_words(text)})"


def _people(errors: Errors, answers: Answers, name: str, missing: str) -> None:
    """A list of {name, role} dicts with at least one entry."""
    people = answers.get(name)
    if not isinstance(people, list) or not people:
        errors[name] = missing
        return
    for index, person in enumerate(people):
        person = person if isinstance(person, dict) else {}
        if not _text(person, "name"):
            errors[f"{name}-{index}-name"] = "Enter the organisation's name"
        if not _text(person, "role"):
            errors[f"{name}-{index}-role"] = "Say what they will do"


# Section validators -------------------------------------------------------------------------------


def organisation_errors(answers: Answers, ctx: Context) -> Errors:
    errors: Errors = {}
    required = {
        "legal_name": "Enter your organisation's legal name",
        "address_line_1": "Enter the first line of the address",
        "town": "Enter the town or city",
        "contact_name": "Enter the name of the person we should contact",
        "contact_phone": "Enter a telephone number",
    }
    for name, message in required.items():
        if not _text(answers, name):
            errors[name] = message
    errors.update(_organisation_choice_errors(answers))
    errors.update(organisation_rule_errors(answers))
    if not POSTCODE.match(_text(answers, "postcode")):
        errors["postcode"] = "Enter a real UK postcode, like LS1 1AA"
    try:
        validate_email(_text(answers, "contact_email"))
    except ValidationError:
        errors["contact_email"] = "Enter an e-mail address in the right format, like name@example.org"
    return errors


def _organisation_choice_errors(answers: Answers) -> Errors:
    errors: Errors = {}
    if answers.get("legal_form") not in Organisation.LegalForm.values:
        errors["legal_form"] = "Select your organisation's legal form"
    if answers.get("size_band") not in Organisation.SizeBand.values:
        errors["size_band"] = "Select the size of your organisation"
    if answers.get("is_vcse") not in (True, False):
        errors["is_vcse"] = "Select yes if your organisation is a voluntary, community or social enterprise"
    return errors


def _organisation_number_errors(answers: Answers) -> Errors:
    errors: Errors = {}
    number = _text(answers, "companies_house_number").upper()
    if number and not COMPANY_NUMBER.match(number):
        errors["companies_house_number"] = "Enter the 8-character Companies House number, like 01234567"
    elif not number and answers.get("legal_form") in COMPANY_FORMS:
        errors["companies_house_number"] = "Enter your Companies House number"
    if answers.get("legal_form") == "cio" and not _text(answers, "charity_number"):
        errors["charity_number"] = "Enter your registered charity number"
    return errors


def exclusion_errors(answers: Answers, ctx: Context) -> Errors:
    errors: Errors = {}
    for ground, label in GROUNDS.items():
        answer = answers.get(ground)
        if answer not in ("yes", "no"):
            errors[ground] = f"Answer yes or no: {label.lower()}"
        elif answer == "yes":
            _long_text(errors, answers, f"{ground}_details", "Tell us what happened")
            _long_text(
                errors, answers, f"{ground}_self_cleaning", "Tell us what you have done to put it right"
            )
    return errors


def financial_errors(answers: Answers, ctx: Context) -> Errors:
    """Year 1 is the most recent financial year. A second, earlier year is asked for but optional, so that
    a new organisation with one year of accounts can still apply; if given, both its fields are needed."""
    errors = _year_errors(answers, ctx, "1")
    if any(answers.get(name) not in (None, "") for name in ("turnover_year_2", "financial_year_end_2")):
        errors.update(_year_errors(answers, ctx, "2"))
        end_1, end_2 = (
            parse_date(answers.get("financial_year_end_1")),
            parse_date(answers.get("financial_year_end_2")),
        )
        if end_1 and end_2 and end_2 >= end_1:
            errors["financial_year_end_2"] = "The earlier year must end before the most recent year"
    if answers.get("evidence_type") not in EVIDENCE_TYPES:
        errors["evidence_type"] = "Select how you can show your turnover"
    elif answers.get("evidence_type") == "other" and not _text(answers, "evidence_details"):
        errors["evidence_details"] = "Tell us how you can show your turnover"
    return errors


def _year_errors(answers: Answers, ctx: Context, year: str) -> Errors:
    errors: Errors = {}
    if _pounds(answers.get(f"turnover_year_{year}")) is None:
        errors[f"turnover_year_{year}"] = "Enter the turnover in whole pounds, like 125000"
    year_end = parse_date(answers.get(f"financial_year_end_{year}"))
    if year_end is None:
        errors[f"financial_year_end_{year}"] = "Enter the date the financial year ended"
    elif year_end > ctx.today:
        errors[f"financial_year_end_{year}"] = "Enter a financial year that has ended"
    return errors


def cyber_errors(answers: Answers, ctx: Context) -> Errors:
    level = answers.get("level")
    if level not in CYBER_LEVELS:
        return {"level": "Select the cyber security certificate you hold"}
    if level == "none":
        return {}
    errors: Errors = {}
    if not _text(answers, "certificate_number"):
        errors["certificate_number"] = "Enter the certificate number"
    expiry = parse_date(answers.get("expiry_date"))
    if expiry is None:
        errors["expiry_date"] = "Enter the date the certificate expires"
    elif expiry <= ctx.today:
        errors["expiry_date"] = "This certificate has expired. Renew it, or select the level you hold now"
    return errors


def insurance_errors(answers: Answers, ctx: Context) -> Errors:
    will_obtain = _is_true(answers.get("will_obtain_before_contract"))
    errors: Errors = {}
    for name in INSURANCES:
        value = answers.get(name)
        if value in (None, "") and will_obtain:
            continue
        if _pounds(value) is None:
            errors[name] = "Enter the amount of cover in whole pounds, like 5000000"
    return errors


def case_study_errors(study: Answers, today: date) -> Errors:
    errors: Errors = {}
    for name in ("title", "who_for"):
        if not _text(study, name):
            errors[name] = "Enter a title" if name == "title" else "Tell us who the service was for"
    _long_text(errors, study, "what_was_done", "Tell us what you did")
    _long_text(errors, study, "outcome", "Tell us what difference it made")
    start, end = parse_date(study.get("start_date")), parse_date(study.get("end_date"))
    if start is None:
        errors["start_date"] = "Enter the date the work started"
    elif start > today:
        errors["start_date"] = "The start date must be today or in the past"
    if end is None:
        errors["end_date"] = "Enter the date the work ended"
    elif start is not None and end < start:
        errors["end_date"] = "The end date must be the same as or after the start date"
    return errors


def choice_errors(descriptor: str, case_studies: Any, *, today: date | None = None) -> Errors:
    """Errors in one category choice: keys `descriptor`, `case_studies`, `case_studies-<i>-<field>`."""
    today = today or timezone.localdate()
    errors: Errors = {}
    _long_text(errors, {"descriptor": descriptor}, "descriptor", "Describe the service you offer")
    if not isinstance(case_studies, list) or len(case_studies) != 2:
        errors["case_studies"] = "Give two case studies"
        return errors
    for index, study in enumerate(case_studies):
        for name, message in case_study_errors(study if isinstance(study, dict) else {}, today).items():
            errors[f"case_studies-{index}-{name}"] = message
    return errors


def categories_errors(answers: Answers, ctx: Context) -> Errors:
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


def regions_errors(answers: Answers, ctx: Context) -> Errors:
    if _is_true(answers.get("all_regions")):
        return {}
    chosen = answers.get("regions")
    if not isinstance(chosen, list) or not chosen:
        return {"regions": "Choose at least one region, or all regions"}
    if set(chosen) - ctx.region_codes:
        return {"regions": "Choose regions from the list"}
    return {}


def partnerships_errors(answers: Answers, ctx: Context) -> Errors:
    errors: Errors = {}
    bidding_as = answers.get("bidding_as")
    if bidding_as not in BIDDING_AS:
        errors["bidding_as"] = "Select whether you will work on your own or as part of a consortium"
    elif bidding_as == "consortium":
        _people(errors, answers, "consortium_members", "Add the other members of the consortium")
    if answers.get("uses_subcontractors") not in (True, False):
        errors["uses_subcontractors"] = "Select yes if you will use subcontractors"
    elif answers["uses_subcontractors"]:
        _people(errors, answers, "subcontractors", "Add your subcontractors")
    return errors


def agreement_errors(answers: Answers, ctx: Context) -> Errors:
    if not answers.get("version"):
        return {"agreement": "Read and accept the framework agreement"}
    if answers["version"] != ctx.agreement_version:
        return {"agreement": "The framework agreement has changed. Read and accept the current version"}
    return {}


def declaration_errors(answers: Answers, ctx: Context) -> Errors:
    errors: Errors = {}
    if not _text(answers, "full_name"):
        errors["full_name"] = "Enter your full name"
    if not _text(answers, "role"):
        errors["role"] = "Enter your role in the organisation"
    if answers.get("confirmed") is not True:
        errors["confirmed"] = "Confirm that the information you have given is true"
    return errors


# The sections -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]  # the keys `section_save` keeps; empty when saved by its own service
    validate: Callable[[Answers, Context], Errors]


SECTIONS = (
    Section(
        "organisation",
        "About your organisation",
        (*ORGANISATION_FIELDS, "parent_organisation"),
        organisation_errors,
    ),
    Section(
        "exclusion",
        "Grounds for exclusion",
        tuple(f"{ground}{suffix}" for ground in GROUNDS for suffix in ("", "_details", "_self_cleaning")),
        exclusion_errors,
    ),
    Section(
        "financial",
        "Financial information",
        (
            "turnover_year_1",
            "financial_year_end_1",
            "turnover_year_2",
            "financial_year_end_2",
            "evidence_type",
            "evidence_details",
        ),
        financial_errors,
    ),
    Section("cyber", "Cyber security", ("level", "certificate_number", "expiry_date"), cyber_errors),
    Section("insurance", "Insurance", (*INSURANCES, "will_obtain_before_contract"), insurance_errors),
    Section("categories", "Service categories and case studies", (), categories_errors),
    Section("regions", "Regions you want to work in", ("all_regions", "regions"), regions_errors),
    Section(
        "partnerships",
        "Partnerships, consortia and subcontractors",
        ("bidding_as", "consortium_members", "uses_subcontractors", "subcontractors"),
        partnerships_errors,
    ),
    Section("agreement", "Framework agreement", (), agreement_errors),
    Section("declaration", "Declaration", ("full_name", "role", "confirmed"), declaration_errors),
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
    ctx = Context(application=application, today=today or timezone.localdate())
    return section(slug).validate(answers_for_section or {}, ctx)


def section_status(application: Application, slug: str, *, today: date | None = None) -> str:
    answers = answers_for(application, slug)
    marked = slug in application.completed_sections
    if marked and not section_errors(slug, answers, application=application, today=today):
        return COMPLETED
    has_answers = bool(answers.get("choices")) if slug == "categories" else bool(answers)
    return IN_PROGRESS if has_answers or marked else NOT_STARTED


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
    if _is_true(regions.get("all_regions")):
        return list(Region.objects.active().values_list("code", flat=True))
    return list(regions.get("regions") or [])
