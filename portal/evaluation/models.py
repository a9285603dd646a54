"""The abstract models of evaluation (docs/adr/0012-tendering-and-evaluation.md): each app's concrete
evaluators, declarations, scores and agreed scores inherit their fields from these and add foreign keys to
their own bids and criteria."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EvaluatorBase(models.Model):
    """A person named to evaluate: a commissioner or an MoJ admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ConflictDeclarationBase(models.Model):
    """An evaluator's signed statement about one bidder: no conflict, or a conflict with its details."""

    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ScoreBase(models.Model):
    """One evaluator's score of one criterion of one bid, with the comment that justifies it."""

    score = models.PositiveSmallIntegerField()
    comment = models.TextField()
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ModeratedScoreBase(models.Model):
    """The agreed score of one criterion of one bid, and why."""

    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
