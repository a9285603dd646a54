"""Sending e-mail. Called from Celery tasks, which are queued only after the change commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from portal.models import Membership, Message


def email_send(*, to: list[str], subject: str, body: str, html_body: str = "") -> None:
    email = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=settings.DEFAULT_FROM_EMAIL)
    if html_body:
        email.attach_alternative(html_body, "text/html")
    email.send()


def message_recipients(message: Message) -> list[str]:
    if message.recipient_user_id:
        return [message.recipient_user.email]
    members = Membership.objects.filter(
        organisation_id=message.recipient_organisation_id, user__is_active=True
    )
    return sorted(members.values_list("user__email", flat=True))


def message_email_send(*, message_id: int) -> None:
    """E-mail a copy of an inbox message, once: a retried task does not send it twice."""
    claimed = Message.objects.filter(pk=message_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return
    message = Message.objects.select_related("recipient_user").get(pk=message_id)
    recipients = message_recipients(message)
    if not recipients:
        return
    body = render_to_string(
        "emails/message.txt", {"message": message, "inbox_url": f"{settings.SITE_URL}/messages/{message.pk}/"}
    )
    for recipient in recipients:  # one e-mail each, so colleagues' addresses are not shared
        email_send(to=[recipient], subject=message.subject, body=body)


def email_check(*, to: list[str], subject: str, body: str) -> None:
    """Build the message now, inside the change that sends it: a header that could not be sent (a line
    break in the subject, a bad address) then undoes the change instead of failing after it is saved."""
    EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=settings.DEFAULT_FROM_EMAIL
    ).message()
