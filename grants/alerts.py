"""Grant round alerts (docs/domain.md §6 and §7), through the call-offs' alert mechanism (ADR 0011): the same
fan-out in batches (`calloffs.alerts.alerts_send`), the same inbox-message claim (once per organisation
and round), the same personal preferences (`AlertPreference`) and unsubscribe link.

Who: every organisation whose grants registration is accepted and chose at least one of the round's
regions, read when the fan-out runs, so a change of regions counts at once. Qualification onto the
framework plays no part.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from calloffs.alerts import alerts_send
from grants.models import GrantApplication, GrantRound, Registration

ROUND_OPENED = "grant_round_opened"
ROUND_CLOSING = "grant_round_closing"
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
