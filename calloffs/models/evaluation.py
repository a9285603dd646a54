"""Evaluation of a competition's tenders after opening: the shared rules and fields are in
`portal.evaluation`; these are the call-off's rows."""

from __future__ import annotations

from django.db import models

from portal.evaluation.models import ConflictDeclarationBase, EvaluatorBase, ModeratedScoreBase, ScoreBase

from .competitions import Competition, EvaluationCriterion
from .tenders import Tender


class Evaluator(EvaluatorBase):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="evaluators")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="calloff_evaluator_once"),
        ]


class ConflictDeclaration(ConflictDeclarationBase):
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="declarations")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="declarations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "tender"], name="calloff_declaration_once"),
        ]


class Score(ScoreBase):
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="scores")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "tender", "criterion"], name="calloff_score_once"),
        ]


class ModeratedScore(ModeratedScoreBase):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "criterion"], name="calloff_moderated_score_once"),
        ]
