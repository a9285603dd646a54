"""Qualification onto the framework: the Selection Questionnaire (SQ) and what it grants (docs/domain.md §4).

An organisation fills in one `Application` at a time (a draft); once submitted it is frozen, an MoJ admin
records a pass or fail for each new `CategoryChoice`, and the decision grants `Qualification` rows and
records the organisation's regions of interest (`OrganisationRegion`). Every submitted version is kept.

Answers live in `Application.answers` as JSON, one dict per section (see `suppliers.sections`), except
the chosen categories, which are rows (`CategoryChoice`) because each is assessed separately and carries
its own files.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal import uploads
from portal.models import Organisation, Region, ServiceCategory, User


class ApplicationQuerySet(models.QuerySet):
    def drafts(self) -> ApplicationQuerySet:
        return self.filter(status=Application.Status.DRAFT)

    def submitted(self) -> ApplicationQuerySet:
        """Sent and waiting for a decision."""
        return self.filter(status=Application.Status.SUBMITTED)

    def decided(self) -> ApplicationQuerySet:
        return self.filter(status=Application.Status.DECIDED)

    def sent(self) -> ApplicationQuerySet:
        """Submitted or decided: every version the organisation sent us."""
        return self.exclude(status=Application.Status.DRAFT)


def application_pdf_upload_to(instance: Application, filename: str) -> str:
    """A random name in private storage: never guessable from the application."""
    return f"{uploads.random_name('sq-pdf')}.pdf"


def outcome_letter_upload_to(instance: Application, filename: str) -> str:
    return f"{uploads.random_name('sq-letters')}.pdf"


def agreement_pdf_upload_to(instance: FrameworkAgreement, filename: str) -> str:
    return f"{uploads.random_name('agreement-pdf')}.pdf"


class Application(models.Model):
    """One version of an organisation's Selection Questionnaire."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        DECIDED = "decided", "Decided"

    class Outcome(models.TextChoices):
        NONE = "", "No outcome yet"
        SUCCESSFUL = "successful", "Successful"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"

    class ExclusionDecision(models.TextChoices):
        NONE = "", "Not decided"
        NOT_NEEDED = "not_needed", "Not needed: no exclusion ground answered yes"
        ACCEPTED = "accepted", "Accepted: self-cleaning or mitigation accepted"
        EXCLUDED = "excluded", "Excluded"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    number = models.PositiveIntegerField(help_text="1, 2, 3… within the organisation.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="Section slug → that section's answers.")
    completed_sections = models.JSONField(
        default=list, blank=True, help_text="Slugs the organisation saved as complete."
    )
    snapshot = models.JSONField(null=True, blank=True, help_text="Everything as it was when submitted.")
    exclusion_decision = models.CharField(
        max_length=20, choices=ExclusionDecision.choices, default=ExclusionDecision.NONE, blank=True
    )
    exclusion_note = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decide_by = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When submitted: the end of the working day by which an MoJ admin decides (ADR 0020).",
    )
    decision_extended_at = models.DateTimeField(null=True, blank=True)
    decision_extension_reason = models.TextField(blank=True, help_text="Told to the organisation.")
    pdf = models.FileField(
        upload_to=application_pdf_upload_to,
        max_length=200,
        blank=True,
        help_text="The sent version as PDF, rendered once in the background (portal.stored_pdfs).",
    )
    outcome_letter = models.FileField(
        upload_to=outcome_letter_upload_to,
        max_length=200,
        blank=True,
        help_text="The outcome letter as PDF, rendered once in the background (portal.stored_pdfs).",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="application_number_unique"),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="draft"), name="application_one_draft"
            ),
            models.CheckConstraint(
                name="application_outcome_iff_decided",
                condition=Q(status="decided", outcome__in=["successful", "unsuccessful"])
                | (~Q(status="decided") & Q(outcome="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} application {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class CategoryChoice(models.Model):
    """A service category the organisation applies for in one application, with its evidence."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided"
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="category_choices")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    descriptor = models.TextField(blank=True, help_text="The service descriptor, up to 500 words.")
    case_studies = models.JSONField(default=list, blank=True, help_text="Two case studies, as dicts.")
    is_new = models.BooleanField(
        default=True, help_text="Not already qualified when submitted: only new categories are assessed."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    feedback = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "category__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "category"], name="category_choice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} in {self.application}"


def document_upload_to(instance: SupportingDocument, filename: str) -> str:
    """A random name: the uploader's file name is never used as a path."""
    return uploads.random_name("sq")


class SupportingDocument(models.Model):
    """A file supporting one category choice. Checked by content before it is stored."""

    category_choice = models.ForeignKey(CategoryChoice, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Qualification(models.Model):
    """The organisation is on the framework for this category (in every region it chose)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="qualifications")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="qualifications")
    granted_by = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="qualifications")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "category__number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="qualification_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.category}"


class OrganisationRegion(models.Model):
    """A region the organisation wants to work in. Not assessed; recorded when an application is decided
    and the organisation is (still) qualified. The latest such application's choice replaces the last."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="framework_regions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "region"], name="organisation_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.region}"


class FrameworkAgreement(models.Model):
    """A version of the standard framework agreement. Published versions are never edited."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=False)
    pdf = models.FileField(
        upload_to=agreement_pdf_upload_to,
        max_length=200,
        blank=True,
        help_text="This version as PDF, rendered once in the background (portal.stored_pdfs).",
    )

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_agreement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class CyberReminder(models.Model):
    """One reminder per certificate expiry: the row is the claim, so no reminder is ever sent twice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    expiry_date = models.DateField()
    level = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "expiry_date"], name="cyber_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: certificate expiring {self.expiry_date}"


class OrganisationStandingQuerySet(models.QuerySet):
    def not_excluded(self) -> OrganisationStandingQuerySet:
        return self.exclude(exclusion_decision=Application.ExclusionDecision.EXCLUDED)

    def with_certificate(self) -> OrganisationStandingQuerySet:
        """Standings that declare a cyber certificate: a level other than "none", with its expiry date."""
        return self.filter(cyber_rank__gt=0, cyber_expiry_date__isnull=False)


class OrganisationStanding(models.Model):
    """What call-offs judge an organisation on (docs/domain.md §5), as typed columns: the facts of its latest
    decided application. Written by `application_decide` in the decision's transaction, so that "turnover
    at least £2m and Cyber Essentials Plus valid on the deadline, not excluded" is one database query.

    `cyber_rank` orders the levels (`suppliers.standing.CYBER_RANKS`: none 0, Cyber Essentials 1, Cyber
    Essentials Plus 2, IASME Governance 3, IASME Gold 4), so "at least Cyber Essentials Plus" is
    `cyber_rank__gte=2`.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="standing")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="+", help_text="The decided application."
    )
    decided_at = models.DateTimeField()
    turnover = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Annual turnover of the latest financial year, in whole pounds."
    )
    financial_year_end = models.DateField(null=True, blank=True, help_text="When that financial year ended.")
    cyber_level = models.CharField(max_length=40, default="none", help_text="A code of CYBER_LEVELS.")
    cyber_rank = models.PositiveSmallIntegerField(default=0, help_text="0 for none; higher is stronger.")
    cyber_certificate_number = models.CharField(max_length=200, blank=True)
    cyber_expiry_date = models.DateField(null=True, blank=True)
    exclusion_decision = models.CharField(
        max_length=20, choices=Application.ExclusionDecision.choices, blank=True
    )
    size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices, blank=True)
    is_vcse = models.BooleanField("voluntary, community or social enterprise (VCSE)", default=False)

    objects = OrganisationStandingQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__legal_name"]
        indexes = [models.Index(fields=["cyber_expiry_date"], name="standing_cyber_expiry")]
        constraints = [
            models.CheckConstraint(
                name="standing_no_certificate_no_expiry",
                condition=Q(cyber_rank__gt=0) | Q(cyber_expiry_date__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: standing from application {self.application_id}"

    @property
    def is_excluded(self) -> bool:
        return self.exclusion_decision == Application.ExclusionDecision.EXCLUDED


class PartnerSearch(models.Model):
    """The organisation says, for one category and region, that it is looking for a lead partner to bid
    with, or for subcontractors: the provider list filters on it and each competition's page lists the
    qualified organisations for its lots that said so, with their published contact details."""

    class LookingFor(models.TextChoices):
        LEAD_PARTNER = "lead_partner", "A lead partner to bid with, as its subcontractor or consortium member"
        SUBCONTRACTORS = "subcontractors", "Subcontractors, to bid as lead"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partner_searches")
    looking_for = models.CharField(max_length=20, choices=LookingFor.choices)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "looking_for", "category__number", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "looking_for", "category", "region"], name="partner_search_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_looking_for_display()} ({self.category}, {self.region})"
