"""A tender's receipt: what the bidder is given when a version is submitted, on the receipt page and as a
PDF. Both read the version's frozen snapshot (`receipt_context`), so they never disagree with what was
sent. The PDF is rendered once, in the background, after the submission commits
(`calloffs.tasks.tender_receipt_pdf_prepare`), and stored privately under a random name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from calloffs.models import TenderVersion, tender_file_upload_to
from portal.pdf import pdf_render


def receipt_context(version: TenderVersion) -> dict[str, Any]:
    snapshot = version.snapshot
    return {
        "version": version,
        "snapshot": snapshot,
        "submitted_at": datetime.fromisoformat(snapshot["submitted_at"]),
    }


def receipt_pdf(version: TenderVersion) -> bytes:
    return pdf_render("pdf/tender_receipt.html", receipt_context(version))


def receipt_pdf_prepare(*, version_id: int) -> bool:
    """Render and store a version's receipt once: nothing if it exists; if two runs race, the second
    one's file is deleted. True if this run stored it."""
    version = TenderVersion.objects.get(pk=version_id)
    if version.receipt_pdf:
        return False
    name = default_storage.save(tender_file_upload_to(version, ""), ContentFile(receipt_pdf(version)))
    stored = TenderVersion.objects.filter(pk=version_id, receipt_pdf="").update(receipt_pdf=name)
    if not stored:
        default_storage.delete(name)
    return bool(stored)
