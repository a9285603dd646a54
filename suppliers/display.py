"""A Selection Questionnaire's answers as readable rows: questions' labels and plain values, not keys,
codes, ISO dates or bare numbers.

One reader for every place that shows answers: "check your answers" and a sent version's page (through
`templates/suppliers/includes/answers.html`), the MoJ admins' review and the PDF of a submitted version.
It reads the shape of `Application.snapshot` (or `selectors.answers_preview` for a draft): {"answers":
{slug: answers}, "categories": [choice, …], "organisation": {profile fields}}. Values are plain text;
templates escape them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.template.defaultfilters import filesizeformat

from portal.models import Region
from portal.questionnaires import engine as questionnaires
from portal.questionnaires.engine import Row  # a summary row, as the questionnaire engine makes them
from portal.wording import accounts_source
from suppliers import sections
from suppliers.models import Application, SupportingDocument

NOT_GIVEN = questionnaires.NOT_GIVEN


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


long_date = questionnaires.long_date
pounds = questionnaires.money_text


# Sections: rows derived from the declarations, except where a section is stored its own way ---------


def _regions_rows(answers: dict[str, Any]) -> list[Row]:
    if answers.get("all_regions") is True:
        return [Row("Regions", "All of England and Wales")]
    codes = answers.get("regions") or []
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Row("Regions", "\n".join(names.get(code, code) for code in codes) or NOT_GIVEN)]


def _agreement_rows(answers: dict[str, Any]) -> list[Row]:
    if not answers.get("version"):
        return [Row("Framework agreement", "Not accepted yet")]
    accepted_at = _plain(answers.get("accepted_at"))[:10]
    return [
        Row("Framework agreement", f"{_plain(answers.get('title'))} (version {_plain(answers['version'])})"),
        Row("Accepted by", _or_not_given(answers.get("accepted_by_email"))),
        Row("Accepted on", long_date(accepted_at)),
    ]


OWN_ROWS = {"regions": _regions_rows, "agreement": _agreement_rows}


# Categories ---------------------------------------------------------------------------------------


CASE_STUDY_QUESTIONS = sections.CATEGORY_CHOICE.question("case_studies").rows


def _case_study(index: int, study: Any) -> CaseStudy:
    study = study if isinstance(study, dict) else {}
    rows = [
        Row(question.summary_label or question.label, question.value_text(study))
        for question in CASE_STUDY_QUESTIONS
        if question.key != "title"
    ]
    return CaseStudy(title=f"Case study {index + 1}: {_plain(study.get('title')) or 'no title'}", rows=rows)


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
            Document(
                name=name,
                size=filesizeformat(listed_document.get("size") or 0),
                pk=match.pk if match is not None else None,
            )
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
        rows = (
            OWN_ROWS[section.slug](section_answers)
            if section.slug in OWN_ROWS
            else section.summary(section_answers)
        )
        if section.slug == "financial" and snapshot.get("financial_profile"):
            rows.insert(2, Row("Where that figure came from", _accounts_source(snapshot)))
        result.append(SectionAnswers(section.slug, section.title, rows=rows))
    return result


def _accounts_source(snapshot: dict[str, Any]) -> str:
    """Where the most recent year's turnover came from: the organisation's accounts, aged at sending for
    a sent questionnaire, or today for a draft (`portal.wording.accounts_source`)."""
    used = snapshot["financial_profile"]
    sent_at = snapshot.get("submitted_at")
    return accounts_source(
        year_end=date.fromisoformat(used["year_end"]),
        recorded_at=datetime.fromisoformat(used["recorded_at"]),
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
    )


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


def agreement_blocks(body: str) -> list[tuple[str, str | list[str]]]:
    """The agreement's text as ("paragraph", text) and ("list", items) blocks. Paragraphs are separated
    by a blank line; consecutive lines starting with "- " are a bulleted list."""
    blocks: list[tuple[str, str | list[str]]] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines: list[str] = []
        items: list[str] = []
        for line in (line.strip() for line in chunk.splitlines()):
            if line.startswith("- "):
                if lines:
                    blocks.append(("paragraph", "\n".join(lines)))
                    lines = []
                items.append(line[2:].strip())
            elif line:
                if items:
                    blocks.append(("list", items))
                    items = []
                lines.append(line)
        if lines:
            blocks.append(("paragraph", "\n".join(lines)))
        if items:
            blocks.append(("list", items))
    return blocks
