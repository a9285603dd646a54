"""The grants portal (docs/domain.md §6, docs/adr/0014-grants-portal.md).

An organisation registers for grants (`Registration`, its own questionnaire and decision, separate from
qualification onto the framework); a commissioner runs grant rounds (`GrantRound`, with its eligibility
and application questions stored as questionnaire-engine data, and `AssessmentCriterion`); a registered
organisation applies once per round (`GrantApplication`, its files and its signed `GrantDeclaration`).
After the close, assessment (ADR 0012) uses concrete models inheriting `portal.evaluation`'s abstract
bases (`Assessor`, `ConflictDeclaration`, `Score`, `ModeratedScore`), with foreign keys to
`GrantApplication` (the bid) and `AssessmentCriterion` (the criterion). A `Decision` per application
awards or declines, with its outcome letter; an award is an offer the applicant accepts (`OfferAcceptance`,
a signed form) or declines, and an accepted offer becomes a `Grant`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from grants.rules import LONGEST_DURATION_MONTHS, offer_answer_by
from portal import uploads
from portal.clock import has_passed
from portal.evaluation.models import ConflictDeclarationBase, EvaluatorBase, ModeratedScoreBase, ScoreBase
from portal.models import Organisation, Region
from portal.signatures import SignatureBase

PENCE = 100
DEFAULT_MIN_AWARD_PENCE = 8_000 * PENCE  # public HMPPS grant scheme: about £8,000 to £250,000 a year
DEFAULT_MAX_AWARD_PENCE = 250_000 * PENCE
DEFAULT_INCOME_MULTIPLE = 2  # the 2026-29 scheme: annual income at least twice the yearly grant


def accounts_upload_to(instance: Registration, filename: str) -> str:
    return uploads.random_name("grants-accounts")


def application_file_upload_to(instance: ApplicationFile, filename: str) -> str:
    return uploads.random_name("grants-files")


def application_pdf_upload_to(instance: GrantApplication, filename: str) -> str:
    return f"{uploads.random_name('grants-pdf')}.pdf"


def outcome_letter_upload_to(instance: Decision, filename: str) -> str:
    return f"{uploads.random_name('grants-letters')}.pdf"


class Registration(models.Model):
    """An organisation's registration for grants: the grants questionnaire's answers, the regions it
    wants alerts for, and the MoJ grants team's decision. One per organisation; a returned registration
    is corrected and sent again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent"
        SUBMITTED = "submitted", "Waiting for a decision"
        ACCEPTED = "accepted", "Registered"
        RETURNED = "returned", "Returned to you"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="grants_registration"
    )
    answers = models.JSONField(default=dict, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    accounts = models.FileField(upload_to=accounts_upload_to, blank=True)
    accounts_name = models.CharField(max_length=200, blank=True)
    accounts_content_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decide_by = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When sent: the end of the working day by which the grants team decides (ADR 0020).",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reasons = models.TextField(blank=True)
    #: Registered once accepted; a later change of details keeps it registered.
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Grants registration of {self.organisation}"

    @property
    def is_registered(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_editable(self) -> bool:
        return self.status != self.Status.SUBMITTED


class GrantRoundQuerySet(models.QuerySet):
    def published(self) -> GrantRoundQuerySet:
        return self.filter(status__in=[GrantRound.Status.OPEN, GrantRound.Status.DECIDED])

    def open_now(self, now=None) -> GrantRoundQuerySet:
        now = now or timezone.now()
        return self.filter(status=GrantRound.Status.OPEN, opens_at__lte=now, closes_at__gt=now)


class GrantRound(models.Model):
    """A commissioner's grant round for their own regions. Open (published) until its closing instant by
    the server's clock, then closed (the state is not stored: `is_closed`); decided; or cancelled."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Published"
        DECIDED = "decided", "Decided"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    purpose = models.TextField()
    fund = models.CharField(max_length=200, default="Regional Outcomes and Innovation Fund (ROIF)")
    regions = models.ManyToManyField(Region, related_name="grant_rounds")
    total_budget_pence = models.PositiveBigIntegerField()
    min_award_pence = models.PositiveBigIntegerField(default=DEFAULT_MIN_AWARD_PENCE)
    max_award_pence = models.PositiveBigIntegerField(default=DEFAULT_MAX_AWARD_PENCE)
    max_duration_months = models.PositiveSmallIntegerField(default=LONGEST_DURATION_MONTHS)
    #: Legal forms (Organisation.LegalForm values) that may apply; empty: every kind.
    organisation_kinds = models.JSONField(default=list, blank=True)
    #: Annual income at least this many times the yearly grant asked for; 0: no income rule.
    income_multiple = models.PositiveSmallIntegerField(default=DEFAULT_INCOME_MULTIPLE)
    #: [{"key", "label", "ineligible_answer": bool, "reason": str}]
    eligibility_questions = models.JSONField(default=list, blank=True)
    #: Questionnaire-engine questions as data (`portal.questionnaires.engine.Question.to_dict`).
    questions = models.JSONField(default=list, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    decision_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    #: Keys of the questions the latest amendment changed, for applicants to review.
    amended_keys = models.JSONField(default=list, blank=True)
    amendment_note = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = GrantRoundQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_closed(self, now=None) -> bool:
        return self.status == self.Status.OPEN and has_passed(self.closes_at, now)

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and has_passed(self.opens_at, now)
            and not has_passed(self.closes_at, now)
        )

    def state_label(self, now=None) -> str:
        if self.status == self.Status.OPEN:
            now = now or timezone.now()
            if not has_passed(self.opens_at, now):
                return "Opening soon"
            return "Closed" if has_passed(self.closes_at, now) else "Open"
        return self.get_status_display()


class AssessmentCriterion(models.Model):
    """What applications are scored against; a round's weightings total 100."""

    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weighting = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weighting}%)"


class GrantApplication(models.Model):
    """One organisation's application to one round: eligibility answers, the round's questions'
    answers, the budget, then the signed declaration and submission (before the close)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent"
        INELIGIBLE = "ineligible", "Not eligible"
        SUBMITTED = "submitted", "Sent"

    grant_round = models.ForeignKey(GrantRound, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grant_applications"
    )
    eligibility_answers = models.JSONField(default=dict, blank=True)
    eligibility_passed = models.BooleanField(default=False)
    answers = models.JSONField(default=dict, blank=True)
    copied_keys = models.JSONField(
        default=list,
        blank=True,
        help_text="The questions whose answers were copied from an earlier application and not yet "
        "checked: it cannot be sent until someone saves the answers.",
    )
    #: [{"year": 1, "item": "Caseworker salary", "amount": "12,000"}] as typed (whole pounds)
    budget = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    round_version = models.PositiveSmallIntegerField(default=1)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=application_pdf_upload_to, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant_round", "organisation"], name="one_grant_application_per_round"
            )
        ]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} to {self.grant_round}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ApplicationFile(models.Model):
    """A file answering one FILE question of an application, checked by `portal.uploads`."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="files")
    question_key = models.CharField(max_length=60)
    file = models.FileField(upload_to=application_file_upload_to)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question_key"], name="one_file_per_grant_question"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GrantDeclaration(SignatureBase):
    """The applicant's declaration, signed in the portal (text: templates/signed_forms/grant_declaration)."""

    application = models.OneToOneField(GrantApplication, on_delete=models.CASCADE, related_name="declaration")

    def __str__(self) -> str:
        return f"Declaration signed by {self.signed_name}"


class Assessor(EvaluatorBase):
    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="assessors")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grant_round", "user"], name="grant_assessor_once")]


class ConflictDeclaration(ConflictDeclarationBase):
    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="declarations")
    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="declarations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessor", "application"], name="grant_declaration_once")
        ]


class Score(ScoreBase):
    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessor", "application", "criterion"], name="grant_score_once")
        ]


class ModeratedScore(ModeratedScoreBase):
    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="moderated_scores"
    )
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="grant_moderated_score_once")
        ]


class Decision(models.Model):
    """The commissioner's decision on one sent application: an award (an offer: so much a year for so
    many months from a start date) or a decline, with feedback; its outcome letter's PDF is rendered once
    by a worker. An award's offer is then accepted (`OfferAcceptance`) or declined by the applicant."""

    class Outcome(models.TextChoices):
        AWARD = "award", "Awarded"
        DECLINE = "decline", "Not awarded"

    class Offer(models.TextChoices):
        NONE = "", "No offer"
        OPEN = "open", "Waiting for your answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    application = models.OneToOneField(GrantApplication, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amount_per_year_pence = models.PositiveBigIntegerField(default=0)
    duration_months = models.PositiveSmallIntegerField(default=0)
    starts_on = models.DateField(null=True, blank=True)
    #: What the award holds against the round's budget: a year's amount pro rata over the months.
    total_pence = models.PositiveBigIntegerField(default=0)
    feedback = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    letter_pdf = models.FileField(upload_to=outcome_letter_upload_to, blank=True)
    offer = models.CharField(max_length=10, choices=Offer.choices, default=Offer.NONE, blank=True)
    offer_answered_at = models.DateTimeField(null=True, blank=True)
    offer_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="decline", total_pence=0, offer="")
                | models.Q(outcome="award", total_pence__gt=0, starts_on__isnull=False),
                name="grant_decision_award_has_terms",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.application}"

    @property
    def is_award(self) -> bool:
        return self.outcome == self.Outcome.AWARD

    @property
    def answer_by(self) -> date | None:
        """An award's last day (London time) for the applicant to accept or decline the offer."""
        return offer_answer_by(timezone.localdate(self.decided_at)) if self.is_award else None


class OfferAcceptance(SignatureBase):
    """The applicant's acceptance of a grant offer, signed in the portal (text:
    templates/signed_forms/grant_offer_terms.html)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="acceptance")

    def __str__(self) -> str:
        return f"Offer accepted by {self.signed_name}"


class Grant(models.Model):
    """A grant awarded: written when an offer is accepted, shown publicly."""

    application = models.OneToOneField(GrantApplication, on_delete=models.PROTECT, related_name="grant")
    amount_pence = models.PositiveBigIntegerField(help_text="The whole grant, every year.")
    amount_per_year_pence = models.PositiveBigIntegerField(default=0)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at", "pk"]

    def __str__(self) -> str:
        return f"Grant to {self.application.organisation_id}"
