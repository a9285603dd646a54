"""Awards, standstill, contracts and outcome letters (docs/domain.md §5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import Organisation, User

from .competitions import Lot
from .tenders import Tender, tender_file_upload_to


class Award(models.Model):
    """The decision on a lot: awarded to one tender, or no suitable bidder. At most one standing decision
    per lot (a partial unique constraint, so two simultaneous clicks cannot both succeed); a decision
    withdrawn during the standstill stays on record beside the next one."""

    class Outcome(models.TextChoices):
        AWARDED = "awarded", "Awarded"
        NO_SUITABLE_BIDDER = "no_suitable_bidder", "No suitable bidder"

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="awards")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    tender = models.ForeignKey(Tender, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    standstill_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contract may be recorded; none for no suitable bidder."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["lot", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=Q(withdrawn_at__isnull=True), name="award_one_standing_per_lot"
            ),
            models.CheckConstraint(
                name="award_names_tender_when_awarded",
                condition=Q(outcome="awarded", tender__isnull=False, standstill_ends_at__isnull=False)
                | Q(outcome="no_suitable_bidder", tender__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.lot}"


class Contract(models.Model):
    """The contract recorded after the standstill: what the public award notice shows."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    value_pence = models.BigIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(name="contract_value_positive", condition=Q(value_pence__gt=0)),
            models.CheckConstraint(
                name="contract_ends_after_start", condition=Q(end_date__gt=models.F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"Contract for {self.award.lot} with {self.organisation}"


class OutcomeLetter(models.Model):
    """One bidder's letter about one award decision, rendered once to PDF by a worker."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="letters")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="letters")
    pdf = models.FileField(upload_to=tender_file_upload_to, max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award", "tender"], name="outcome_letter_once"),
        ]

    def __str__(self) -> str:
        return f"Outcome letter for tender {self.tender_id}"
