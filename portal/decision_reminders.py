"""Reminders of decision clocks (docs/adr/0020-decision-clocks.md), written once for every kind of case:
each case due within the reminder's working days is reminded of once, and once more when overdue,
through the outbox (the message's source names the case and its date, so a run repeated or run
concurrently sends nothing new, and an extended date is reminded of afresh)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from django.db import models, transaction

from portal import decision_clocks
from portal.audit import audit_record
from portal.services import messages_send_bulk

Case = TypeVar("Case", bound=models.Model)


def reminders_send(
    *,
    cases: Iterable[Case],
    due: Callable[[Case], datetime | None],
    recipients: Callable[[Case], Iterable[int]],
    kind: str,
    action: str,
    context_name: str,
    described: Callable[[Case], str],
    now: datetime,
) -> int:
    """Send the reminders due now for `cases`: message kind `{kind}_{due_soon|overdue}` to the users
    `recipients` names, with the case as `context_name` and its time left; each new one audited as
    `{action}_{due_soon|overdue}_reminder_sent`, summarised from `described`. Returns how many messages
    were new."""
    sent = 0
    for case in cases:
        due_at = due(case)
        reminder = decision_clocks.reminder_due(due_at, now) if due_at else None
        if due_at is None or reminder is None:
            continue
        with transaction.atomic():
            new = messages_send_bulk(
                kind=f"{kind}_{reminder}",
                source=decision_clocks.reminder_source(case, due_at),
                context={context_name: case, "time_left": decision_clocks.time_left(due_at, now)},
                users=recipients(case),
            )
            if new:
                audit_record(
                    actor=None,
                    action=f"{action}_{reminder}_reminder_sent",
                    summary=f"{described(case)} {reminder.replace('_', ' ')}, {new} reminded",
                    obj=case,
                )
        sent += new
    return sent
