"""The audit log's one writer. Services call it inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from portal.models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    summary: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. If this write fails, the surrounding transaction (the change) fails with it."""
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=person,
        actor_email=person.email if person is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        changes=changes or {},
    )


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs from `data`, as {field: [old, new]}, for an audit summary."""
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [str(old), str(new)]
    return changes


def audit_records(
    *, actor: User | None, action: str, events: Sequence[tuple[models.Model, str]]
) -> list[AuditEvent]:
    """Append one event per (object, summary), in one insert: a step that writes a row per bidder audits
    each row without a query each."""
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=person,
            actor_email=person.email if person is not None else "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary=summary,
            changes={},
        )
        for obj, summary in events
    )
