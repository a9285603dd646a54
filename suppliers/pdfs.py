"""The two PDFs of qualification: a submitted version of the Selection Questionnaire, and the outcome
letter. Each is a pure function of the application (`portal.pdf.pdf_render`); the views that serve them
stay thin. The `*_context` functions give what the templates show, so it can be read without a PDF.

A submitted version's PDF can run to more than a hundred pages, far too long to render inside a web
request: it is rendered once, in the background, when the questionnaire is sent (its snapshot is
frozen, so the file never changes), stored privately and then served as a file
(`application_pdf_prepare`, queued by `services.application_submit`).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from weasyprint.document import Document

from portal.pdf import pdf_document, pdf_render
from suppliers import display, selectors
from suppliers.context_processors import qualification_rules
from suppliers.models import Application, CategoryChoice, application_pdf_upload_to


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
    return pdf_document("pdf/application.html", application_context(application))


def application_pdf_prepare(*, application_id: int) -> bool:
    """Render a sent version's PDF and keep it in private storage under a random name. Run by a Celery
    task, once per version: does nothing for a draft or when the file already exists, and if two runs
    race, the second one's file is deleted. True if this run stored the file."""
    application = Application.objects.select_related("organisation", "submitted_by").get(pk=application_id)
    if application.is_draft or application.pdf:
        return False
    name = default_storage.save(
        application_pdf_upload_to(application, ""), ContentFile(application_pdf(application))
    )
    stored = Application.objects.filter(pk=application_id, pdf="").update(pdf=name)
    if not stored:
        default_storage.delete(name)
    return bool(stored)


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
    return pdf_render("pdf/outcome_letter.html", outcome_letter_context(application))
