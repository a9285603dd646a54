"""Call-off competitions (docs/domain.md §5): market warming notices, and competitions (invitations to
tender) with their lots, evaluation criteria, submission checklist and amendments.

A draft may be incomplete: its fields are nullable so that a commissioner can save as they go, and
publishing (`calloffs.services.competition_publish`) judges everything at once with `calloffs.rules`.
"Closed" is never stored: a live competition is closed from its submission deadline, by the clock
(`Competition.state`, `CompetitionQuerySet.open()` and `.closed()`).

Money is whole pence (`*_pence`, integers), never floats. A lot's yearly values are a list of pence
per contract year; its total and estimated annual value (the average year) are stored beside them by
the service that saves the lot, so that the finder and the threshold can filter in the database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.clock import has_passed
from portal.evaluation.rules import DEFAULT_SCORE_MAX
from portal.models import Region, ServiceCategory, User
from suppliers.sections import CYBER_LEVELS

# The levels a lot can ask for: every certificate, Cyber Essentials at least (docs/domain.md §4).
CYBER_LEVEL_CHOICES = [(code, label) for code, label in CYBER_LEVELS.items() if code != "none"]
DEFAULT_CYBER_LEVEL = "cyber_essentials_plus"


class NoticeQuerySet(models.QuerySet):
    def published(self) -> NoticeQuerySet:
        return self.filter(status=MarketWarmingNotice.Status.PUBLISHED)


class MarketWarmingNotice(models.Model):
    """An early notice of a competition to come, so organisations can qualify in time (docs/domain.md §5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="+")
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    invitation_date = models.DateField(null=True, blank=True, help_text="When the invitation should open.")
    expected_deadline = models.DateField(null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    value_low_pence = models.BigIntegerField(null=True, blank=True)
    value_high_pence = models.BigIntegerField(null=True, blank=True)
    event_at = models.DateTimeField(null=True, blank=True, help_text="An engagement event, if any.")
    event_place = models.CharField(max_length=300, blank=True, help_text="An address or an online link.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="notice_value_range_in_order",
                condition=Q(value_low_pence__isnull=True)
                | Q(value_high_pence__isnull=True)
                | Q(value_low_pence__lte=models.F("value_high_pence")),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CompetitionQuerySet(models.QuerySet):
    def live(self) -> CompetitionQuerySet:
        """Published and not cancelled or decided: open or closed."""
        return self.filter(status=Competition.Status.LIVE)

    def open(self, now=None) -> CompetitionQuerySet:
        """Live and before the submission deadline: organisations can bid."""
        return self.live().filter(submission_deadline__gt=now or timezone.now())

    def closed(self, now=None) -> CompetitionQuerySet:
        """Live and at or past the submission deadline, waiting for an outcome."""
        return self.live().filter(submission_deadline__lte=now or timezone.now())

    def published(self) -> CompetitionQuerySet:
        """Everything the public may read: all but drafts."""
        return self.exclude(status=Competition.Status.DRAFT)


class Competition(models.Model):
    """An invitation to tender for one or more lots."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Open"
        AWARDED = "awarded", "Awarded"
        NO_SUITABLE_BIDDER = "no_suitable_bidder", "No suitable bidder"
        CANCELLED = "cancelled", "Cancelled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The states people see: the stored ones, and "closed", derived from the deadline.
    CLOSED = "closed"
    STATE_LABELS = {**dict(Status.choices), CLOSED: "Closed"}

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    notice = models.ForeignKey(
        MarketWarmingNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="competitions"
    )
    regions = models.ManyToManyField(
        Region, related_name="+", help_text="The regions it is run for; each lot is in one or more of them."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    minimum_cyber_level = models.CharField(
        max_length=40, choices=CYBER_LEVEL_CHOICES, default=DEFAULT_CYBER_LEVEL
    )
    clarification_deadline = models.DateTimeField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    expected_award_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    end_reason = models.TextField(
        blank=True, help_text="Why it was cancelled or withdrawn; bidders are told."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Cancelled, withdrawn or decided.")
    score_max = models.PositiveSmallIntegerField(
        default=DEFAULT_SCORE_MAX, help_text="Evaluators score each criterion from 0 to this."
    )
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When the commissioner opened the tenders, after the deadline."
    )
    opened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        ordering = ["submission_deadline", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="competition_published_has_deadline",
                condition=Q(status__in=["draft", "cancelled"])
                | Q(published_at__isnull=False, submission_deadline__isnull=False),
            ),
            models.CheckConstraint(
                name="competition_opened_after_deadline",
                condition=Q(opened_at__isnull=True) | Q(opened_at__gte=models.F("submission_deadline")),
            ),
            models.CheckConstraint(
                name="competition_clarification_before_deadline",
                condition=Q(clarification_deadline__isnull=True)
                | Q(submission_deadline__isnull=True)
                | Q(clarification_deadline__lt=models.F("submission_deadline")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def state(self, now=None) -> str:
        """The stored status, or "closed" for a live competition whose deadline has passed."""
        if self.status == self.Status.LIVE:
            assert self.submission_deadline is not None  # published, so it has a deadline
            if has_passed(self.submission_deadline, now):
                return self.CLOSED
        return self.status

    def state_label(self, now=None) -> str:
        return str(self.STATE_LABELS[self.state(now)])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_open(self, now=None) -> bool:
        return self.state(now) == self.Status.LIVE


class Lot(models.Model):
    """A part of a competition, let as its own contract: one category, one or more regions."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    regions = models.ManyToManyField(Region, related_name="+")
    yearly_values_pence = models.JSONField(
        default=list, help_text="Estimated value of each contract year, in whole pence, year 1 first."
    )
    total_value_pence = models.BigIntegerField(default=0)
    annual_value_pence = models.BigIntegerField(
        default=0, help_text="The estimated annual value: the average of the yearly values, rounded down."
    )
    contract_years = models.PositiveSmallIntegerField()
    extension_years = models.PositiveSmallIntegerField(default=0)
    people_per_year = models.PositiveIntegerField(null=True, blank=True, help_text="Expected volumes.")
    contract_start = models.DateField()
    minimum_turnover_pence = models.BigIntegerField(
        null=True, blank=True, help_text="Only for lots over the financial threshold."
    )

    class Meta:
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="lot_number_unique"),
            models.CheckConstraint(
                name="lot_turnover_at_most_twice_annual_value",
                condition=Q(minimum_turnover_pence__isnull=True)
                | Q(minimum_turnover_pence__lte=models.F("annual_value_pence") * 2),
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"

    @property
    def open_to_any_size(self) -> bool:
        return self.minimum_turnover_pence is None


class EvaluationCriterion(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    weighting = models.PositiveSmallIntegerField(help_text="Per cent; a competition's total is 100.")
    assessed = models.TextField(help_text="What is assessed.")
    max_words = models.PositiveIntegerField(null=True, blank=True, help_text="None: no written response.")

    class Meta:
        ordering = ["competition", "position"]
        verbose_name_plural = "evaluation criteria"

    def __str__(self) -> str:
        return f"{self.name} ({self.weighting}%)"


class ChecklistItem(models.Model):
    """One thing a tender must include (docs/domain.md §5). The tendering side checks them off."""

    class Kind(models.TextChoices):
        TEMPLATE_DOCUMENT = "template_document", "A document to fill in from a template and upload"
        SIGNED_FORM = "signed_form", "A form to sign in the portal"
        PORTAL_FORM = "portal_form", "A form to fill in in the portal"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    required = models.BooleanField(default=True)
    standard_code = models.SlugField(
        max_length=40, blank=True, help_text="Set for the six standard items; blank for added ones."
    )

    class Meta:
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "standard_code"],
                condition=~Q(standard_code=""),
                name="checklist_standard_item_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Amendment(models.Model):
    """A numbered, dated change to a live competition. Amendments stay visible to everyone."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(help_text="What changed, in plain words.")
    previous_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="amendment_number_unique"),
            models.CheckConstraint(
                name="amendment_deadline_never_earlier",
                condition=Q(new_deadline__gte=models.F("previous_deadline")),
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} to {self.competition}"

    @property
    def moved_deadline(self) -> bool:
        return self.new_deadline != self.previous_deadline


# Documents ------------------------------------------------------------------------------------------


def opportunity_document_upload_to(instance: OpportunityDocument, filename: str) -> str:
    """A random name: the uploader's file name is never used as a path."""
    from portal import uploads

    return uploads.random_name("calloffs")


class OpportunityDocument(models.Model):
    """A document published with a market warming notice or a competition (a specification, a template),
    checked by content (`portal.uploads`) before it is stored. Added to a draft, or to a live competition
    by an amendment, which it then names. Public once its notice or competition is."""

    notice = models.ForeignKey(
        MarketWarmingNotice, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    competition = models.ForeignKey(
        Competition, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=opportunity_document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="opportunity_document_has_one_owner",
                condition=Q(notice__isnull=False, competition__isnull=True, amendment__isnull=True)
                | Q(notice__isnull=True, competition__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def opportunity(self) -> Competition | MarketWarmingNotice:
        opportunity = self.competition if self.competition_id else self.notice
        assert opportunity is not None  # the check constraint: a competition or a notice
        return opportunity
