"""Clarification questions (docs/domain.md §5): asked by a supplier until the clarification deadline, answered
to every supplier who can see the competition, never saying who asked."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from portal.models import Organisation, User

from .competitions import Amendment, Competition


class ClarificationQuestion(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="clarifications")
    # Who asked is kept for the record and never shown or sent to anyone but the asker and staff.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer_by = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When asked: by when the commissioner answers it (docs/adr/0020).",
    )
    question = models.TextField(help_text="As the supplier asked it.")
    published_question = models.TextField(
        blank=True,
        help_text="As published: the commissioner may reword it so it does not identify the asker.",
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    amendment = models.ForeignKey(
        Amendment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clarifications",
        help_text="Set when the answer changed the invitation.",
    )

    class Meta:
        ordering = ["competition", "published_at", "asked_at", "pk"]

    def __str__(self) -> str:
        return f"Clarification {self.pk} on {self.competition}"
