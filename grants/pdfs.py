"""The PDFs of a sent grant application and of a decision's outcome letter: stored PDFs
(`portal.stored_pdfs`), each rendered once by a task queued when the application is sent or the decision
made, never in a request, as suppliers does for the Selection Questionnaire."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from grants import selectors
from grants.models import Decision, GrantApplication
from portal.pdf import pdf_render
from portal.stored_pdfs import StoredPdfKind

APPLICATION = "grants.application"
OUTCOME_LETTER = "grants.outcome_letter"
APPLICATION_TEMPLATE = "grants/pdf/application.html"
OUTCOME_LETTER_TEMPLATE = "grants/pdf/outcome_letter.html"


def application_context(application: GrantApplication) -> dict[str, Any]:
    return {"application": application, **selectors.application_summary(application)}


def application_pdf(application: GrantApplication) -> bytes:
    return pdf_render(APPLICATION_TEMPLATE, application_context(application))


def outcome_letter_context(decision: Decision) -> dict[str, Any]:
    application = decision.application
    return {"decision": decision, "application": application, "grant_round": application.grant_round}


def outcome_letter_pdf(decision: Decision) -> bytes:
    return pdf_render(OUTCOME_LETTER_TEMPLATE, outcome_letter_context(decision))


def stored_pdf_kinds() -> list[StoredPdfKind]:
    """Every sent application and every decision's letter (`GrantsConfig.stored_pdf_kinds`)."""
    return [
        StoredPdfKind(
            name=APPLICATION,
            model=GrantApplication,
            field="pdf",
            template=APPLICATION_TEMPLATE,
            context=application_context,
            should_exist=Q(status=GrantApplication.Status.SUBMITTED),
            related=("grant_round", "organisation"),
        ),
        StoredPdfKind(
            name=OUTCOME_LETTER,
            model=Decision,
            field="letter_pdf",
            template=OUTCOME_LETTER_TEMPLATE,
            context=outcome_letter_context,
            related=("application__grant_round", "application__organisation"),
        ),
    ]
