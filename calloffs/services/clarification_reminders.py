"""Reminders to answer clarification questions (docs/adr/0020-decision-clocks.md): each question is due an
answer by its `answer_by` (`calloffs.services.clarifications.answer_by`); the commissioners who may answer
it are reminded before that and once it has passed, once each, through the outbox."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from calloffs.models import ClarificationQuestion, Competition
from portal import decision_clocks, decision_reminders
from portal.models import User


def responsible_commissioners(competition: Competition) -> list[int]:
    """The active commissioners who cover every region of the competition: those who may answer it."""
    region_ids = set(competition.regions.values_list("pk", flat=True))
    if not region_ids:
        return []
    return list(
        User.objects.filter(role=User.Role.COMMISSIONER, is_active=True)
        .annotate(covered=Count("regions", filter=Q(regions__in=region_ids), distinct=True))
        .filter(covered=len(region_ids))
        .values_list("pk", flat=True)
    )


def answer_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the competition's commissioners of each unanswered question due an answer within the
    reminder's working days, and again once it is overdue: once each, however often or concurrently
    this runs. Questions of competitions that have closed are left: they can no longer be answered.
    Returns how many messages were new."""
    now = now or timezone.now()
    waiting = (
        ClarificationQuestion.objects.filter(
            published_at__isnull=True,
            answer_by__lte=decision_clocks.reminders_from(now),
            competition__in=Competition.objects.open(now),
        )
        .select_related("competition")
        .order_by("answer_by", "pk")
    )
    return decision_reminders.reminders_send(
        cases=waiting,
        due=lambda question: question.answer_by,
        recipients=lambda question: responsible_commissioners(question.competition),
        kind="clarification_answer",
        action="clarification.answer",
        context_name="question",
        described=lambda question: f"Clarification on {question.competition.title}: answer",
        now=now,
    )
