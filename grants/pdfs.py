"""The PDFs of a sent grant application and of a decision's outcome letter, each rendered once in the
background (`portal.pdf`), as suppliers does for the Selection Questionnaire."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from grants import selectors
from grants.models import Decision, GrantApplication, application_pdf_upload_to, outcome_letter_upload_to
from portal.pdf import pdf_render


def application_context(application: GrantApplication) -> dict[str, Any]:
    return {"application": application, **selectors.application_summary(application)}


def application_pdf(application: GrantApplication) -> bytes:
    return pdf_render("grants/pdf/application.html", application_context(application))


def application_pdf_prepare(*, application_id: int) -> bool:
    """Store the sent application's PDF under a random name, once (a second run does nothing)."""
    application = GrantApplication.objects.select_related("grant_round", "organisation").get(
        pk=application_id
    )
    if not application.is_submitted or application.pdf:
        return False
    name = default_storage.save(
        application_pdf_upload_to(application, ""), ContentFile(application_pdf(application))
    )
    stored = GrantApplication.objects.filter(pk=application_id, pdf="").update(pdf=name)
    if not stored:
        default_storage.delete(name)
    return bool(stored)


def outcome_letter_context(decision: Decision) -> dict[str, Any]:
    application = decision.application
    return {"decision": decision, "application": application, "grant_round": application.grant_round}


def outcome_letter_pdf(decision: Decision) -> bytes:
    return pdf_render("grants/pdf/outcome_letter.html", outcome_letter_context(decision))


def outcome_letter_prepare(*, decision_id: int) -> bool:
    """Store a decision's outcome letter under a random name, once (a second run does nothing)."""
    decision = Decision.objects.select_related("application__grant_round", "application__organisation").get(
        pk=decision_id
    )
    if decision.letter_pdf:
        return False
    name = default_storage.save(
        outcome_letter_upload_to(decision, ""), ContentFile(outcome_letter_pdf(decision))
    )
    stored = Decision.objects.filter(pk=decision_id, letter_pdf="").update(letter_pdf=name)
    if not stored:
        default_storage.delete(name)
    return bool(stored)
