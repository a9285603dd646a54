"""A tender's receipt: what the bidder is given when a version is submitted, on the receipt page and as a
PDF. Both read the version's frozen snapshot (`receipt_context`), so they never disagree with what was
sent. The PDF is a stored PDF (`portal.stored_pdfs`): rendered once by a task queued when the submission
commits, stored privately under a random name, never rendered in a request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from calloffs.models import TenderVersion
from portal.pdf import pdf_render
from portal.stored_pdfs import StoredPdfKind

RECEIPT = "calloffs.tender_receipt"
RECEIPT_TEMPLATE = "pdf/tender_receipt.html"


def receipt_context(version: TenderVersion) -> dict[str, Any]:
    snapshot = version.snapshot
    return {
        "version": version,
        "snapshot": snapshot,
        "submitted_at": datetime.fromisoformat(snapshot["submitted_at"]),
    }


def receipt_pdf(version: TenderVersion) -> bytes:
    return pdf_render(RECEIPT_TEMPLATE, receipt_context(version))


def receipt_kind() -> StoredPdfKind:
    """Every submitted version has its receipt (`CalloffsConfig.stored_pdf_kinds`)."""
    return StoredPdfKind(
        name=RECEIPT,
        model=TenderVersion,
        field="receipt_pdf",
        template=RECEIPT_TEMPLATE,
        context=receipt_context,
    )
