"""Reminders to answer clarification questions (docs/adr/0020-decision-clocks.md): each question is due an
answer by its `answer_by` (`calloffs.services.clarifications.answer_by`); the commissioners who may answer
it are reminded before that and once it has passed, once each, through the outbox."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from calloffs.models import ClarificationQuestion, Competition
from portal import decision_clocks
from portal.audit import audit_record
from portal.models import User
from portal.services import messages_send_bulk


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
    sent = 0
    for question in waiting:
        due = question.answer_by
        kind = decision_clocks.reminder_due(due, now) if due else None
        if due is None or kind is None:
            continue
        with transaction.atomic():
            new = messages_send_bulk(
                kind=f"clarification_answer_{kind}",
                source=decision_clocks.reminder_source(question, due),
                context={"question": question, "time_left": decision_clocks.time_left(due, now)},
                users=responsible_commissioners(question.competition),
            )
            if new:
                audit_record(
                    actor=None,
                    action=f"clarification.answer_{kind}_reminder_sent",
                    summary=f"Clarification on {question.competition.title}: answer "
                    f"{kind.replace('_', ' ')}, {new} reminded",
                    obj=question,
                )
        sent += new
    return sent
