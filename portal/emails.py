"""The wording and the sending of messages and e-mail (docs/adr/0003-message-delivery-outbox.md).

Wording: one template per kind, `templates/emails/<kind>.html`, with a `subject` block and a `body` block
of plain HTML (p, h2, h3, ul and li, a, strong). The inbox shows that HTML, its links relative to the
site; the e-mail says the same words as plain text, its links made absolute from SITE_URL.

Sending: one `Delivery` row per address, written with the change; `delivery_send` claims the row
(queued → sending) so that a second run of the task, or a second worker, sends nothing twice.
"""

from __future__ import annotations

import html
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.urls import reverse
from django.utils import timezone

from portal.glossary import link_terms
from portal.models import Delivery, Message

logger = logging.getLogger(__name__)


# Wording ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Personal:
    """What one person's copy of an e-mail adds to the common one: text after the body (an unsubscribe
    link) and headers (List-Unsubscribe)."""

    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Worded:
    subject: str
    html: str


def worded(kind: str, context: dict[str, Any]) -> Worded:
    """The subject (plain text) and body (escaped HTML) of `templates/emails/<kind>.html`."""
    # The one template engine is Django's.
    template = cast(DjangoTemplate, get_template(f"emails/{kind}.html")).template
    nodes = cast(list[BlockNode], template.nodelist.get_nodes_by_type(BlockNode))
    blocks = {node.name: node for node in nodes}
    if "subject" not in blocks or "body" not in blocks:
        raise ValueError(f"emails/{kind}.html needs a subject block and a body block.")
    rendering = Context(context)
    with rendering.bind_template(template):
        subject: str = blocks["subject"].render(rendering)
        body: str = blocks["body"].render(rendering)
    subject = " ".join(html.unescape(subject).split())
    body = link_terms(body.strip(), reverse("portal:glossary"))  # terms of art explained where first used
    return Worded(subject=subject[: Message._meta.get_field("subject").max_length], html=body)


class _PlainText(HTMLParser):
    """Our templates' small HTML as plain text: blocks become paragraphs, list items lines that start with
    a dash, and each link its text followed by the absolute address."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "table", "tr", "blockquote", "address"}
    BREAK = "\x00"

    def __init__(self, site_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.site_url = site_url
        self.paragraphs: list[tuple[bool, str]] = []
        self.current: list[str] = []
        self.in_item = False
        self.link: tuple[str, int] | None = None

    def flush(self) -> None:
        lines = ("".join(self.current)).split(self.BREAK)
        text = "\n".join(" ".join(line.split()) for line in lines).strip()
        if text:
            self.paragraphs.append((self.in_item, text))
        self.current, self.in_item = [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.flush()
        elif tag == "li":
            self.flush()
            self.in_item = True
        elif tag == "br":
            self.current.append(self.BREAK)
        elif tag == "a":
            self.link = (dict(attrs).get("href") or "", len(self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS or tag == "li":
            self.flush()
        elif tag == "a" and self.link:
            href, start = self.link
            self.link = None
            address = self.site_url + href if href.startswith("/") else href
            text = " ".join("".join(self.current[start:]).split())
            if href and text != address:
                self.current.append(f" ({address})")

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def text(self) -> str:
        self.flush()
        out = ""
        previous_item = False
        for is_item, text in self.paragraphs:
            if out:
                out += "\n" if is_item and previous_item else "\n\n"
            out += f"- {text}" if is_item else text
            previous_item = is_item
        return out


def plain_text(body_html: str, *, site_url: str | None = None) -> str:
    """A body's words as plain text for e-mail, with links made absolute (from SITE_URL)."""
    parser = _PlainText(settings.SITE_URL if site_url is None else site_url)
    parser.feed(body_html)
    parser.close()
    return parser.text()


def email_text(*, text: str, inbox_path: str = "") -> str:
    """The whole text of an e-mail: the body's text, a link to the message in the inbox, the sign-off."""
    inbox_url = settings.SITE_URL + inbox_path if inbox_path else ""
    return render_to_string("emails/email.txt", {"text": text, "inbox_url": inbox_url})


# Sending ------------------------------------------------------------------------------------------


def _permanent(error: Exception) -> bool:
    """An SMTP answer in the 500s will not change by trying again (no such mailbox, refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the `attempts`-th failed attempt: doubling, up to a ceiling."""
    return min(settings.DELIVERY_BACKOFF_SECONDS * 2 ** (attempts - 1), settings.DELIVERY_BACKOFF_MAX_SECONDS)


def _email(delivery: Delivery) -> None:
    email = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        to=[delivery.address],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers=delivery.headers or None,
    )
    if delivery.body_html:
        email.attach_alternative(delivery.body_html, "text/html")
    email.send()


def delivery_send(*, delivery_id: int, due_by: datetime | None = None) -> int | None:
    """Send one delivery, once. Returns the seconds to wait before the next attempt after a temporary
    failure, or None when there is nothing more to do (sent, failed for good, or not ours to send).

    With `due_by`, only a delivery due by then is claimed. The worker passes it: Redis hands out again,
    every visibility timeout, a retry waiting for its countdown, and such a copy must not make an attempt
    before the backoff the row records."""
    now = timezone.now()
    claimable = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED)
    if due_by is not None:
        claimable = claimable.filter(due_at__lte=due_by)
    claimed = claimable.update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None  # sent, failed, or being sent by someone else: a repeated task does nothing
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        _email(delivery)
    except Exception as error:  # any failure is recorded on the row, never left "sending"
        return _failure_record(delivery, error)
    sent: dict[str, Any] = {"status": Delivery.Status.SENT, "sent_at": timezone.now()}
    if delivery.message_id is None:
        # Account e-mails and invitations carry secret links; once sent they are not kept.
        sent |= {"body_text": "", "body_html": ""}
    Delivery.objects.filter(pk=delivery_id).update(**sent)
    return None


def _failure_record(delivery: Delivery, error: Exception) -> int | None:
    now = timezone.now()
    description = f"{type(error).__name__}: {error}"[:2000]
    ours = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at
    )
    if _permanent(error) or delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        ours.update(status=Delivery.Status.FAILED, failed_at=now, last_error=description)
        logger.error("delivery %s failed after %s attempts: %s", delivery.pk, delivery.attempts, description)
        return None
    wait = backoff_seconds(delivery.attempts)
    ours.update(status=Delivery.Status.QUEUED, due_at=now + timedelta(seconds=wait), last_error=description)
    logger.warning(
        "delivery %s attempt %s failed, again in %ss: %s", delivery.pk, delivery.attempts, wait, description
    )
    return wait


def deliveries_requeue(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """The deliveries to queue again: those left queued well past their time (the broker was down when
    they were written, or a retry was lost) and those whose sender died (a claim older than the lease,
    taken back). Each is given a fresh time, so the next run does not queue it again at once."""
    now = now or timezone.now()
    lease_ended = now - timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=lease_ended).update(
        status=Delivery.Status.QUEUED,
        due_at=now - timedelta(seconds=settings.DELIVERY_REQUEUE_AFTER_SECONDS),
        last_error="The worker sending it stopped before it finished.",
    )
    overdue = now - timedelta(seconds=settings.DELIVERY_REQUEUE_AFTER_SECONDS)
    ids = list(
        Delivery.objects.filter(Q(status=Delivery.Status.QUEUED) & Q(due_at__lte=overdue))
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(due_at=now)
    return ids


def email_check(*, to: list[str], subject: str, body: str) -> None:
    """Build the message now, inside the change that sends it: a header that could not be sent (a line
    break in the subject, a bad address) then undoes the change instead of failing after it is saved."""
    EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=settings.DEFAULT_FROM_EMAIL
    ).message()
