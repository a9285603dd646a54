"""Grant round alerts (docs/domain.md §6 and §7), through the shared alerts of `portal.alerts` (ADR 0011): the
fan-out in batches (`alerts_send`), the inbox-message claim (once per organisation and round), each
person's preferences (`portal.models.AlertPreference`), the daily summary and the unsubscribe link.

Who: every organisation whose grants registration is accepted and chose at least one of the round's
regions, read when the fan-out runs, so a change of regions counts at once. Qualification onto the
framework plays no part.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from grants.models import GrantApplication, GrantRound, Registration
from portal.alerts import alerts_send
from portal.models import Message

ROUND_OPENED = "grant_round_opened"
ROUND_CLOSING = "grant_round_closing"
ALERT_KINDS = (ROUND_OPENED, ROUND_CLOSING)  # `GrantsConfig.alert_kinds`
REMINDER_BEFORE = timedelta(days=7)


def registered_organisation_ids(grant_round: GrantRound) -> set[int]:
    return set(
        Registration.objects.filter(accepted_at__isnull=False, regions__in=grant_round.regions.all())
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def round_opened_alerts_send(*, round_id: int, now: datetime | None = None) -> int:
    """Alert the round's registered organisations once it is open; nothing for a round not (yet) open."""
    grant_round = GrantRound.objects.filter(pk=round_id).first()
    if grant_round is None or not grant_round.accepts_applications(now):
        return 0
    return alerts_send(
        kind=ROUND_OPENED,
        source=grant_round,
        context={"grant_round": grant_round},
        organisation_ids=registered_organisation_ids(grant_round),
        category_ids=(),
    )


def closing_reminders_send(*, now: datetime | None = None) -> int:
    """7 days before a round closes: a reminder to each organisation whose application is not sent."""
    now = now or timezone.now()
    sent = 0
    due = GrantRound.objects.open_now(now).filter(closes_at__lte=now + REMINDER_BEFORE)
    for grant_round in due:
        unsent = GrantApplication.objects.filter(grant_round=grant_round).exclude(
            status=GrantApplication.Status.SUBMITTED
        )
        sent += alerts_send(
            kind=ROUND_CLOSING,
            source=grant_round,
            context={"grant_round": grant_round},
            organisation_ids=unsent.values_list("organisation_id", flat=True),
            category_ids=(),
        )
    return sent


def rounds_to_alert(*, now: datetime | None = None) -> list[int]:
    """Rounds open now that opened in the last day: the beat's safety net sends what is missing (an alert
    queued for the opening time and lost, an organisation registered since)."""
    now = now or timezone.now()
    return list(
        GrantRound.objects.open_now(now)
        .filter(opens_at__gte=now - timedelta(days=1))
        .values_list("pk", flat=True)
    )


def rounds_unalerted(*, now: datetime | None = None) -> list[int]:
    """Of `rounds_to_alert`, those whose opening alert reached nobody yet: the beat's quick recheck, every
    minute, queues them. This is how a round published to open later is alerted when it opens, and how an
    alert whose queueing failed (the broker down) goes within a minute of the broker coming back."""
    ids = rounds_to_alert(now=now)
    keys = {f"{GrantRound._meta.label_lower}:{pk}": pk for pk in ids}
    reached = set(
        Message.objects.filter(kind=ROUND_OPENED, source__in=list(keys)).values_list("source", flat=True)
    )
    return [pk for key, pk in keys.items() if key not in reached]
