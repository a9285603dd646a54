"""Tenders (docs/domain.md §5; docs/adr/0012-tendering-and-evaluation.md): one per organisation per lot.

A tender is worked on as a draft by its organisation's people, then submitted; each submission freezes a
`TenderVersion` (receipt number, server time, SHA-256 of every file and of the whole, a snapshot), so a
bidder may withdraw and submit again before the deadline and every version is kept. Nobody outside the
bidding organisation may read any of it before the competition's deadline (`calloffs.sealed`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import Organisation, User
from portal.signatures import SignatureBase

from .competitions import ChecklistItem, Competition, EvaluationCriterion, Lot


def tender_file_upload_to(instance: models.Model, filename: str) -> str:
    """A random name: the uploader's file name is never used as a path."""
    from portal import uploads

    return uploads.random_name("tenders")


class Tender(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Not submitted"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="tenders")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="tenders")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tenders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitter = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A person the organisation's admin names to submit; admins always may.",
    )
    as_consortium_lead = models.BooleanField(
        null=True, blank=True, help_text="Bidding as the lead of a consortium. None: not yet answered."
    )
    has_subcontractors = models.BooleanField(null=True, blank=True, help_text="None: not yet answered.")
    current_version = models.ForeignKey(
        "TenderVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_amendment = models.PositiveSmallIntegerField(
        default=0, help_text="The last amendment number the bidder confirmed its submitted tender against."
    )
    excluded_reason = models.TextField(
        blank=True, help_text="Set at the deadline when the organisation was no longer eligible."
    )
    non_compliant_reason = models.TextField(blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["lot", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "organisation"], name="tender_one_per_lot_and_organisation"
            ),
            models.CheckConstraint(
                name="tender_submitted_has_version",
                condition=~Q(status="submitted") | Q(current_version__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Tender {self.pk} for {self.lot}"

    @property
    def ever_submitted(self) -> bool:
        """Submitted at least once, perhaps withdrawn since (a tender never goes back to draft). Only
        such a tender has versions, and only its organisation's submitted tenders get outcome letters."""
        return self.status != self.Status.DRAFT


class TenderVersion(models.Model):
    """One submission, frozen: what the bidder sent, when, and the receipt they were given."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    receipt_number = models.CharField(max_length=40, unique=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    amendment_number = models.PositiveSmallIntegerField(
        default=0, help_text="The competition's latest amendment when this was submitted."
    )
    sha256 = models.CharField(max_length=64, help_text="Of the snapshot, which holds each file's SHA-256.")
    snapshot = models.JSONField()
    receipt_pdf = models.FileField(upload_to=tender_file_upload_to, max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="tender_version_number_unique"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class TenderResponse(models.Model):
    """The written quality response to one evaluation criterion."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    needs_review = models.BooleanField(
        default=False,
        help_text="Copied from an earlier tender and not yet checked: the tender cannot be submitted until "
        "someone saves it.",
    )
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "criterion"], name="tender_response_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to criterion {self.criterion_id}"


class TenderFile(models.Model):
    """An uploaded document: for a checklist item (the financial model) or a criterion answered by a
    document. One per item or criterion; a new upload replaces it. Checked by content like every upload."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="files")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=tender_file_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="tender_file_for_item_or_criterion",
                condition=Q(checklist_item__isnull=False, criterion__isnull=True)
                | Q(checklist_item__isnull=True, criterion__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["tender", "checklist_item"],
                condition=Q(checklist_item__isnull=False),
                name="tender_file_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["tender", "criterion"],
                condition=Q(criterion__isnull=False),
                name="tender_file_once_per_criterion",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class TenderSignature(SignatureBase):
    """A checklist item signed in the portal (form of tender, conflicts of interest, submission checklist)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="signatures")
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "checklist_item"], name="tender_signature_once_per_item"
            ),
        ]


class TenderPartner(models.Model):
    """A key subcontractor (docs/domain.md §5), or a consortium member when the organisation bids as lead."""

    class Kind(models.TextChoices):
        SUBCONTRACTOR = "subcontractor", "Key subcontractor"
        CONSORTIUM_MEMBER = "consortium_member", "Consortium member"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, help_text="What it will deliver.")
    share_percent = models.PositiveSmallIntegerField(help_text="Its share of the work, per cent.")
    is_vcse = models.BooleanField()

    class Meta:
        ordering = ["tender", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                name="tender_partner_share_a_percentage", condition=Q(share_percent__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return self.name
