"""Reads of the shared core, scoped to who is asking."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from portal import contributions
from portal.models import AuditEvent, Delivery, Message, User


def inbox_for_user(user: User) -> QuerySet[Message]:
    """The person's messages, each with `is_read` for this person."""
    return Message.objects.for_user(user).with_read_by(user).only("pk", "subject", "created_at")


def unread_count(user: User) -> int:
    return Message.objects.for_user(user).unread_by(user).count()


def failed_deliveries() -> QuerySet[Delivery]:
    """E-mails that could not be sent, newest failure first (for MoJ admins)."""
    return (
        visible_deliveries()
        .filter(status=Delivery.Status.FAILED)
        .defer("body_text", "body_html")
        .order_by("-failed_at", "-pk")
    )


def failed_delivery_count() -> int:
    return Delivery.objects.filter(status=Delivery.Status.FAILED).count()


def visible_messages() -> QuerySet[Message]:
    """Every message for staff's eyes (the admin), but those an app hides for now
    (`contributions.hidden_messages`)."""
    hidden = contributions.hidden_messages()
    return Message.objects.exclude(hidden) if hidden is not None else Message.objects.all()


def visible_deliveries() -> QuerySet[Delivery]:
    hidden = contributions.hidden_messages()
    deliveries = Delivery.objects.all()
    return (
        deliveries.exclude(message__in=Message.objects.filter(hidden)) if hidden is not None else deliveries
    )


def visible_audit_events() -> QuerySet[AuditEvent]:
    """Every audit event but those an app hides for now (`contributions.hidden_audit_events`)."""
    hidden = contributions.hidden_audit_events()
    return AuditEvent.objects.exclude(hidden) if hidden is not None else AuditEvent.objects.all()


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = visible_audit_events()
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_email__icontains=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, zone))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, zone))
    return events
