"""The PDFs of qualification: a submitted version of the Selection Questionnaire, its outcome letter,
and each version of the framework agreement. The `*_context` functions give what the templates show, so
it can be read without a PDF.

None is ever rendered in a request (a sent version's PDF can run to more than a hundred pages): each is
a stored PDF (`portal.stored_pdfs`, kinds registered by `stored_pdf_kinds`), rendered once by a task
queued when the questionnaire is sent, decided or the agreement published, stored privately and then
served as a file. What they show never changes: a sent version is frozen, a decision final, and a
published agreement never edited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from weasyprint.document import Document

from portal.pdf import pdf_document, pdf_render
from portal.stored_pdfs import StoredPdfKind
from suppliers import display, selectors
from suppliers.context_processors import qualification_rules
from suppliers.models import Application, CategoryChoice, FrameworkAgreement

APPLICATION = "suppliers.application"
OUTCOME_LETTER = "suppliers.outcome_letter"
AGREEMENT = "suppliers.agreement"
APPLICATION_TEMPLATE = "pdf/application.html"
OUTCOME_LETTER_TEMPLATE = "pdf/outcome_letter.html"


def _organisation_answers(application: Application) -> dict[str, Any]:
    """The organisation's details as sent: its profile then, with the answers it confirmed."""
    snapshot = application.snapshot or {}
    answers = (snapshot.get("answers") or {}).get("organisation") or {}
    return {**(snapshot.get("organisation") or {}), **answers}


def application_context(application: Application) -> dict[str, Any]:
    snapshot = application.snapshot or {}
    organisation = _organisation_answers(application)
    submitted_by = snapshot.get("submitted_by") or getattr(application.submitted_by, "email", "")
    return {
        "application": application,
        "organisation_name": organisation.get("legal_name") or str(application.organisation),
        "submitted_at": timezone.localtime(application.submitted_at) if application.submitted_at else None,
        "submitted_by": submitted_by,
        "sections": display.answer_sections(snapshot),
        "declaration": (snapshot.get("answers") or {}).get("declaration") or {},
    }


def application_pdf(application: Application) -> bytes:
    """The version as the organisation sent it: every section's answers, categories and declaration."""
    return application_pdf_document(application).write_pdf()


def application_pdf_document(application: Application) -> Document:
    """The same, laid out (its pages can be counted): `make bench` times it."""
    return pdf_document(APPLICATION_TEMPLATE, application_context(application))


def outcome_letter_context(application: Application) -> dict[str, Any]:
    """What the outcome letter says; the inbox message of the outcome says the same (one template)."""
    organisation = _organisation_answers(application)
    decided_on = (
        timezone.localdate(application.decided_at) if application.decided_at else timezone.localdate()
    )
    choices = list(application.category_choices.filter(is_new=True).select_related("category"))
    address = [organisation.get(name) for name in ("address_line_1", "address_line_2", "town", "postcode")]
    return {
        "application": application,
        "organisation_name": organisation.get("legal_name") or str(application.organisation),
        "contact_name": organisation.get("contact_name") or "",
        "address": [line for line in address if line],
        "letter_date": decided_on,
        "successful": application.outcome == Application.Outcome.SUCCESSFUL,
        "excluded": application.exclusion_decision == Application.ExclusionDecision.EXCLUDED,
        "passed": [choice for choice in choices if choice.outcome == CategoryChoice.Outcome.PASS],
        "choices": choices,
        "qualified": list(selectors.qualified_categories_after(application)),
        "retry": selectors.retry_status_for(application.organisation, decided_on),
        **qualification_rules(None),  # rendered without a request, so the context processor is called here
    }


def outcome_letter_pdf(application: Application) -> bytes:
    """A letter to the organisation: the outcome, each new category's result with its feedback, what it is
    now qualified for and when it can apply again."""
    return pdf_render(OUTCOME_LETTER_TEMPLATE, outcome_letter_context(application))


def agreement_context(agreement: FrameworkAgreement) -> dict[str, Any]:
    return {"agreement": agreement, "blocks": display.agreement_blocks(agreement.body)}


def stored_pdf_kinds() -> list[StoredPdfKind]:
    """Qualification's stored PDFs (`SuppliersConfig.stored_pdf_kinds`): every sent version, every
    decided version's outcome letter, every version of the framework agreement (public, once each)."""
    return [
        StoredPdfKind(
            name=APPLICATION,
            model=Application,
            field="pdf",
            template=APPLICATION_TEMPLATE,
            context=application_context,
            should_exist=~Q(status=Application.Status.DRAFT),
            related=("organisation", "submitted_by"),
        ),
        StoredPdfKind(
            name=OUTCOME_LETTER,
            model=Application,
            field="outcome_letter",
            template=OUTCOME_LETTER_TEMPLATE,
            context=outcome_letter_context,
            should_exist=Q(status=Application.Status.DECIDED),
            related=("organisation",),
        ),
        StoredPdfKind(
            name=AGREEMENT,
            model=FrameworkAgreement,
            field="pdf",
            template="pdf/agreement.html",
            context=agreement_context,
        ),
    ]
