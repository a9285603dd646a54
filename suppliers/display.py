"""A Selection Questionnaire's answers as readable rows: questions' labels and plain values, not keys,
codes, ISO dates or bare numbers.

One reader for every place that shows answers: "check your answers" and a sent version's page (through
`templates/suppliers/includes/answers.html`), the MoJ admins' review and the PDF of a submitted version.
It reads the shape of `Application.snapshot` (or `selectors.answers_preview` for a draft): {"answers":
{slug: answers}, "categories": [choice, …], "organisation": {profile fields}}. Values are plain text;
templates escape them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat

from portal.models import Organisation, Region
from suppliers import sections
from suppliers.models import Application, SupportingDocument

NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Document:
    name: str
    size: str
    pk: int | None  # None when the stored file no longer exists: shown without a link


@dataclass(frozen=True)
class CaseStudy:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class CategoryAnswers:
    code: str
    name: str
    descriptor: str
    case_studies: list[CaseStudy]
    documents: list[Document]


@dataclass(frozen=True)
class SectionAnswers:
    slug: str
    title: str
    rows: list[Row] = field(default_factory=list)
    categories: list[CategoryAnswers] = field(default_factory=list)  # the categories section only


# Values -------------------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _or_not_given(value: Any) -> str:
    return _plain(value) or NOT_GIVEN


def long_date(value: Any) -> str:
    day = sections.parse_date(value)
    return dateformat.format(day, "j F Y") if day else _or_not_given(value)


def pounds(value: Any) -> str:
    """Whole pounds as stored (an int, or a string like "12,500") as "£12,500"."""
    cleaned = "" if isinstance(value, bool) else _plain(value).lstrip("£").replace(",", "")
    return f"£{int(cleaned):,}" if cleaned.isdigit() else _or_not_given(value)


def yes_no(value: Any) -> str:
    if value in (True, "yes"):
        return "Yes"
    if value in (False, "no"):
        return "No"
    return NOT_GIVEN


def _choice(choices: dict[str, str], value: Any) -> str:
    return str(choices.get(value, _or_not_given(value)))


def _people(people: Any) -> str:
    if not isinstance(people, list) or not people:
        return "None"
    lines = []
    for person in people:
        person = person if isinstance(person, dict) else {}
        lines.append(f"{_plain(person.get('name'))}: {_plain(person.get('role'))}")
    return "\n".join(lines)


# Sections -----------------------------------------------------------------------------------------


def _organisation_rows(answers: dict[str, Any]) -> list[Row]:
    address = [answers.get(name) for name in ("address_line_1", "address_line_2", "town", "postcode")]
    return [
        Row("Legal name", _or_not_given(answers.get("legal_name"))),
        Row("Trading name", _or_not_given(answers.get("trading_name"))),
        Row("Kind of organisation", _choice(dict(Organisation.LegalForm.choices), answers.get("legal_form"))),
        Row("Companies House number", _or_not_given(answers.get("companies_house_number"))),
        Row("Charity number", _or_not_given(answers.get("charity_number"))),
        Row("Voluntary, community or social enterprise (VCSE)", yes_no(answers.get("is_vcse"))),
        Row("Size", _choice(dict(Organisation.SizeBand.choices), answers.get("size_band"))),
        Row("Registered address", "\n".join(_plain(line) for line in address if _plain(line)) or NOT_GIVEN),
        Row("Main contact", _or_not_given(answers.get("contact_name"))),
        Row("Main contact's e-mail address", _or_not_given(answers.get("contact_email"))),
        Row("Main contact's telephone number", _or_not_given(answers.get("contact_phone"))),
        Row("Parent organisation", _or_not_given(answers.get("parent_organisation"))),
    ]


def _exclusion_rows(answers: dict[str, Any]) -> list[Row]:
    rows = []
    for ground, label in sections.GROUNDS.items():
        rows.append(Row(f"{label}?", yes_no(answers.get(ground))))
        if answers.get(ground) == "yes":
            rows.append(Row("What happened", _or_not_given(answers.get(f"{ground}_details"))))
            rows.append(
                Row(
                    "What they have done to put it right",
                    _or_not_given(answers.get(f"{ground}_self_cleaning")),
                )
            )
    return rows


def _financial_rows(answers: dict[str, Any]) -> list[Row]:
    rows = [
        Row("Turnover in the most recent financial year", pounds(answers.get("turnover_year_1"))),
        Row("That financial year ended on", long_date(answers.get("financial_year_end_1"))),
        Row("Turnover in the year before", pounds(answers.get("turnover_year_2"))),
        Row("The year before ended on", long_date(answers.get("financial_year_end_2"))),
        Row(
            "How they can show their turnover", _choice(sections.EVIDENCE_TYPES, answers.get("evidence_type"))
        ),
    ]
    if answers.get("evidence_type") == "other":
        rows.append(Row("How they can show it", _or_not_given(answers.get("evidence_details"))))
    return rows


def _cyber_rows(answers: dict[str, Any]) -> list[Row]:
    rows = [Row("Cyber security certificate", _choice(sections.CYBER_LEVELS, answers.get("level")))]
    if answers.get("level") not in (None, "", "none"):
        rows.append(Row("Certificate number", _or_not_given(answers.get("certificate_number"))))
        rows.append(Row("Expiry date", long_date(answers.get("expiry_date"))))
    return rows


def _insurance_rows(answers: dict[str, Any]) -> list[Row]:
    return [
        Row("Employer's liability insurance", pounds(answers.get("employers_liability"))),
        Row("Public liability insurance", pounds(answers.get("public_liability"))),
        Row("Professional indemnity insurance", pounds(answers.get("professional_indemnity"))),
        Row(
            "Will get any missing insurance before a contract starts",
            yes_no(answers.get("will_obtain_before_contract") is True),
        ),
    ]


def _regions_rows(answers: dict[str, Any]) -> list[Row]:
    if answers.get("all_regions") is True:
        return [Row("Regions", "All of England and Wales")]
    codes = answers.get("regions") or []
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Row("Regions", "\n".join(names.get(code, code) for code in codes) or NOT_GIVEN)]


def _partnerships_rows(answers: dict[str, Any]) -> list[Row]:
    rows = [Row("Delivering services", _choice(sections.BIDDING_AS, answers.get("bidding_as")))]
    if answers.get("bidding_as") == "consortium":
        rows.append(Row("Consortium members", _people(answers.get("consortium_members"))))
    rows.append(Row("Uses subcontractors", yes_no(answers.get("uses_subcontractors"))))
    if answers.get("uses_subcontractors") is True:
        rows.append(Row("Subcontractors", _people(answers.get("subcontractors"))))
    return rows


def _agreement_rows(answers: dict[str, Any]) -> list[Row]:
    if not answers.get("version"):
        return [Row("Framework agreement", "Not accepted yet")]
    accepted_at = _plain(answers.get("accepted_at"))[:10]
    return [
        Row("Framework agreement", f"{_plain(answers.get('title'))} (version {_plain(answers['version'])})"),
        Row("Accepted by", _or_not_given(answers.get("accepted_by_email"))),
        Row("Accepted on", long_date(accepted_at)),
    ]


def _declaration_rows(answers: dict[str, Any]) -> list[Row]:
    confirmed = "Yes" if answers.get("confirmed") is True else "No"
    return [
        Row("Full name", _or_not_given(answers.get("full_name"))),
        Row("Role in the organisation", _or_not_given(answers.get("role"))),
        Row("Confirmed that the information is true and complete", confirmed),
    ]


ROWS = {
    "organisation": _organisation_rows,
    "exclusion": _exclusion_rows,
    "financial": _financial_rows,
    "cyber": _cyber_rows,
    "insurance": _insurance_rows,
    "regions": _regions_rows,
    "partnerships": _partnerships_rows,
    "agreement": _agreement_rows,
    "declaration": _declaration_rows,
}


# Categories ---------------------------------------------------------------------------------------


def _case_study(index: int, study: Any) -> CaseStudy:
    study = study if isinstance(study, dict) else {}
    return CaseStudy(
        title=f"Case study {index + 1}: {_plain(study.get('title')) or 'no title'}",
        rows=[
            Row("Who was it for?", _or_not_given(study.get("who_for"))),
            Row("Started", long_date(study.get("start_date"))),
            Row("Ended", long_date(study.get("end_date"))),
            Row("What did they do?", _or_not_given(study.get("what_was_done"))),
            Row("What difference did it make?", _or_not_given(study.get("outcome"))),
        ],
    )


def _stored_documents(application: Application | None) -> dict[str, list[SupportingDocument]]:
    """The application's documents by category code, to link the snapshot's documents to their files."""
    if application is None or application.pk is None:
        return {}
    documents = SupportingDocument.objects.filter(category_choice__application=application).select_related(
        "category_choice__category"
    )
    by_code: dict[str, list[SupportingDocument]] = defaultdict(list)
    for document in documents:
        by_code[document.category_choice.category.code].append(document)
    return by_code


def _documents(listed: list[dict[str, Any]], stored: list[SupportingDocument]) -> list[Document]:
    remaining = list(stored)
    documents = []
    for listed_document in listed:
        name = _plain(listed_document.get("name"))
        match = next((document for document in remaining if document.original_name == name), None)
        if match is not None:
            remaining.remove(match)
        documents.append(
            Document(name=name, size=filesizeformat(listed_document.get("size") or 0), pk=match and match.pk)
        )
    return documents


def category_answers(
    snapshot: dict[str, Any], application: Application | None = None
) -> list[CategoryAnswers]:
    stored = _stored_documents(application)
    return [
        CategoryAnswers(
            code=choice["category"],
            name=choice.get("category_name") or choice["category"],
            descriptor=_plain(choice.get("descriptor")),
            case_studies=[
                _case_study(index, study) for index, study in enumerate(choice.get("case_studies") or [])
            ],
            documents=_documents(choice.get("documents") or [], stored.get(choice["category"], [])),
        )
        for choice in snapshot.get("categories") or []
    ]


def answer_sections(
    snapshot: dict[str, Any] | None, application: Application | None = None
) -> list[SectionAnswers]:
    """Every section of the questionnaire, in order, as labelled rows (categories as `categories`).

    `application` links supporting documents to their stored files; without it they are listed only.
    """
    snapshot = snapshot or {}
    answers = snapshot.get("answers") or {}
    result = []
    for section in sections.SECTIONS:
        if section.slug == "categories":
            result.append(
                SectionAnswers(
                    section.slug, section.title, categories=category_answers(snapshot, application)
                )
            )
            continue
        section_answers = answers.get(section.slug) or {}
        if section.slug == "organisation":
            section_answers = {**(snapshot.get("organisation") or {}), **section_answers}
        result.append(SectionAnswers(section.slug, section.title, rows=ROWS[section.slug](section_answers)))
    return result


@dataclass(frozen=True)
class GroundAnswered:
    ground: str
    label: str
    mandatory: bool
    details: str
    self_cleaning: str


def grounds_answered_yes(snapshot: dict[str, Any] | None) -> list[GroundAnswered]:
    """The exclusion grounds answered yes, with what happened and the self-cleaning evidence."""
    exclusion = ((snapshot or {}).get("answers") or {}).get("exclusion") or {}
    return [
        GroundAnswered(
            ground=ground,
            label=sections.GROUNDS[ground],
            mandatory=ground in sections.MANDATORY_GROUNDS,
            details=_plain(exclusion.get(f"{ground}_details")),
            self_cleaning=_plain(exclusion.get(f"{ground}_self_cleaning")),
        )
        for ground in sections.exclusion_yes_grounds((snapshot or {}).get("answers") or {})
    ]
