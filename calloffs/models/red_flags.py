"""Red flags (docs/adr/0021-red-flags.md): integrity indicators computed about each competition by a
scheduled run, replaced as a whole by every run. Staff only; a flag is a prompt to look, not a finding."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .competitions import Competition


class RedFlag(models.Model):
    class Source(models.TextChoices):
        CARDINAL = "cardinal", "Open Contracting Partnership indicator"
        PORTAL = "portal", "Portal check"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="red_flags")
    code = models.CharField(max_length=10, help_text="R003 (Cardinal's codes) or P001 (the portal's own).")
    source = models.CharField(max_length=10, choices=Source.choices)
    value = models.FloatField(help_text="The indicator's output, as Cardinal defines it (1.0 for a yes).")
    details = models.JSONField(
        default=dict, blank=True, help_text="Numbers and lot numbers only: never a bidder's name or id."
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["competition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="red_flag_once_per_competition"),
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.competition}"
