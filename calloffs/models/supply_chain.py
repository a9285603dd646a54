"""A contract's supply chain after the award (docs/domain.md §5; issue 12, points 5 and 6): its key
subcontractors, the lead provider's requests to change them and the commissioner's decisions, and the
yearly supply-chain reports."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import Organisation, User

from .awards import Contract


class ContractSubcontractor(models.Model):
    """A key subcontractor of a contract, for as long as it is one: copied from the winning tender when the
    contract is recorded, then started and ended by approved changes. Rows are never deleted, so the
    history stays."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subcontractors")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, help_text="What it delivers.")
    share_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    is_vcse = models.BooleanField()
    size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="contract_subcontractor_share_a_percentage",
                condition=Q(share_percent__isnull=True) | Q(share_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubcontractorChange(models.Model):
    """The lead provider's request to add, switch or end a key subcontractor, and the commissioner's
    decision on it."""

    class Kind(models.TextChoices):
        ADD = "add", "Add a subcontractor"
        SWITCH = "switch", "Switch a subcontractor for another"
        END = "end", "End a subcontract"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subcontractor_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subcontractor = models.ForeignKey(
        ContractSubcontractor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
        help_text="The subcontractor switched or ended.",
    )
    new_name = models.CharField(max_length=200, blank=True)
    new_role = models.CharField(max_length=300, blank=True)
    new_share_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    new_is_vcse = models.BooleanField(null=True, blank=True)
    new_size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices, blank=True)
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    started = models.ForeignKey(
        ContractSubcontractor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The subcontractor an approved add or switch started.",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="subcontractor_change_names_whom",
                condition=Q(kind="add", subcontractor__isnull=True)
                | Q(kind__in=["switch", "end"], subcontractor__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["subcontractor"],
                condition=Q(status="pending"),
                name="subcontractor_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class SupplyChainReport(models.Model):
    """The lead provider's report on its supply chain for one contract year. Year 1 runs from the start
    date to the day before the first anniversary; the report for it is asked for on that anniversary."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="supply_chain_reports")
    year = models.PositiveSmallIntegerField(help_text="The contract year it covers: 1, 2, …")
    requested_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="supply_chain_report_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"Supply chain report, year {self.year}, contract {self.contract_id}"


class SupplyChainReportLine(models.Model):
    """One subcontractor in a report: what it delivered, what it was paid, whether VCSE, its size."""

    report = models.ForeignKey(SupplyChainReport, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=200)
    delivers = models.CharField(max_length=300)
    amount_paid_pence = models.BigIntegerField()
    is_vcse = models.BooleanField()
    size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices)

    class Meta:
        ordering = ["report", "pk"]
        constraints = [
            models.CheckConstraint(
                name="supply_chain_line_paid_not_negative", condition=Q(amount_paid_pence__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name
