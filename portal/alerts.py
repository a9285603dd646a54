"""Opportunity alerts, the shared part (docs/domain.md §7, docs/adr/0011-opportunity-alerts.md): the
fan-out in batches, each person's e-mail preferences, the daily summary and the signed unsubscribe link.

The apps keep their own kinds, wording and who-to-alert selectors (`calloffs.alerts`, `grants.alerts`) and
call `alerts_send` with them. They name their kinds and the categories each alert is about through their
`AppConfig` hooks `alert_kinds` and `alert_categories` (`portal.contributions`), which the daily summary
reads, so this module imports no app.

The inbox message is the claim: the outbox sends one message of a kind about a source to an organisation,
ever (docs/adr/0003-message-delivery-outbox.md), so a fan-out is safe to run again after a crash or a
retry. Every alert e-mail carries a signed link that turns the person's alert e-mails off without signing
in, and the List-Unsubscribe headers (RFC 8058) that let a mail program do the same in one click.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.utils import timezone

from portal import contributions
from portal.audit import audit_record
from portal.emails import Personal
from portal.exceptions import RuleBroken
from portal.models import AlertPreference, Message, ServiceCategory, User
from portal.services import message_send, messages_send_bulk

LONDON = ZoneInfo("Europe/London")
BATCH_SIZE = 500  # organisations per transaction of the fan-out (settings.ALERT_BATCH_SIZE overrides it)

# These three strings were chosen when alerts lived in call-offs and must not change: the salt signs the
# links in e-mails already sent, and the digest's kind and source make it once per person and day.
UNSUBSCRIBE_SALT = "calloffs.alerts.unsubscribe"
DIGEST = "calloff_digest"
DIGEST_SOURCE_PREFIX = "calloffs.digest:"


# Each person's e-mails ---------------------------------------------------------------------------


def wants_email_now(preference: AlertPreference | None, category_ids: Collection[int]) -> bool:
    return preference is None or (
        preference.frequency == AlertPreference.Frequency.INSTANT
        and wants_categories(preference, category_ids)
    )


def wants_categories(preference: AlertPreference, category_ids: Collection[int]) -> bool:
    chosen = {category.pk for category in preference.categories.all()}
    return not chosen or not category_ids or bool(chosen.intersection(category_ids))


def unsubscribe_token(user_id: int) -> str:
    """The same token for the same person every time (no timestamp): links never expire, and every
    e-mail's link and List-Unsubscribe header agree."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(user_id)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The person a link was made for, or None for a link that was changed or made up."""
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None


def unsubscribe_url(user_id: int) -> str:
    """The page behind the link, which calls `unsubscribe`: the app that shows the person's e-mail
    settings gives its address (`alert_unsubscribe_path`), since the core names no app's URL."""
    return settings.SITE_URL + contributions.alert_unsubscribe_path(unsubscribe_token(user_id))


def unsubscribe_text(user_id: int) -> str:
    return (
        "\n\nTo stop e-mails about opportunities, follow this link (you do not need to sign in): "
        f"{unsubscribe_url(user_id)}"
    )


def unsubscribe_headers(user_id: int) -> dict[str, str]:
    """The headers with which a mail program offers its own "Unsubscribe" button, which POSTs to the link
    (RFC 8058 one-click)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_personal(user_id: int) -> Personal:
    """What every alert e-mail adds for its reader: the unsubscribe link, in the text and the headers."""
    return Personal(text=unsubscribe_text(user_id), headers=unsubscribe_headers(user_id))


def _personal(
    organisation_ids: Iterable[int], category_ids: Collection[int]
) -> Callable[[int], Personal | None]:
    """For the members of these organisations: the unsubscribe link added to their e-mail, or None when
    they want no e-mail now. One query for everyone's preferences."""
    preferences = {
        preference.user_id: preference
        for preference in AlertPreference.objects.filter(
            user__membership__organisation_id__in=list(organisation_ids)
        ).prefetch_related("categories")
    }

    def personal(user_id: int) -> Personal | None:
        if not wants_email_now(preferences.get(user_id), category_ids):
            return None
        return unsubscribe_personal(user_id)

    return personal


# The fan-out -------------------------------------------------------------------------------------


def alerts_send(
    *,
    kind: str,
    source: models.Model | str,
    context: dict,
    organisation_ids: Iterable[int],
    category_ids: Collection[int],
) -> int:
    """One message to each organisation, in batches (one transaction each); organisations that already
    have it are skipped. Returns how many were new."""
    ids = sorted(set(organisation_ids))
    size = getattr(settings, "ALERT_BATCH_SIZE", BATCH_SIZE)
    sent = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        sent += messages_send_bulk(
            kind=kind,
            source=source,
            context=context,
            organisations=batch,
            personal=_personal(batch, category_ids),
        )
    return sent


# The daily summary -------------------------------------------------------------------------------


def london_date(now: datetime) -> str:
    return now.astimezone(LONDON).date().isoformat()


def digest_send(*, preference: AlertPreference, now: datetime | None = None) -> Message | None:
    """One person's daily summary: the alerts their organisation received since their last summary, in
    the categories they chose. At most one a day (the message is once per kind, source and person)."""
    now = now or timezone.now()
    user = preference.user
    membership = getattr(user, "membership", None)
    if membership is None or not user.is_active:
        return None
    key = f"{DIGEST_SOURCE_PREFIX}{london_date(now)}"
    since = preference.last_digest_at or preference.updated_at
    messages = list(
        Message.objects.filter(
            recipient_organisation_id=membership.organisation_id,
            kind__in=contributions.alert_kinds(),
            created_at__gt=since,
            created_at__lte=now,
        ).order_by("created_at", "pk")
    )
    categories = contributions.alert_categories(messages)
    messages = [m for m in messages if wants_categories(preference, categories.get(m.source, set()))]
    if not messages or Message.objects.filter(kind=DIGEST, source=key, recipient_user=user).exists():
        return None
    with transaction.atomic():
        digest = message_send(
            kind=DIGEST,
            source=key,
            context={"messages": messages},
            user=user,
            personal=unsubscribe_personal,
        )
        AlertPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
    return digest


def digests_send(*, now: datetime | None = None) -> int:
    """Every daily summary due (the beat runs it once a morning). Returns how many were sent."""
    preferences = AlertPreference.objects.filter(frequency=AlertPreference.Frequency.DAILY).select_related(
        "user__membership"
    )
    return sum(
        digest_send(preference=p, now=now) is not None for p in preferences.prefetch_related("categories")
    )


# Changing preferences ----------------------------------------------------------------------------


def preference_for(user: User) -> AlertPreference:
    """The person's preference, or the default (unsaved): at once, every category."""
    return AlertPreference.objects.filter(user=user).first() or AlertPreference(user=user)


def preference_save(*, user: User, frequency: str, categories: Iterable[ServiceCategory]) -> AlertPreference:
    if not user.is_supplier:
        raise RuleBroken("Only people in supplier organisations receive opportunity alerts.")
    if frequency not in AlertPreference.Frequency.values:
        raise RuleBroken("Choose how often you want e-mails about opportunities", field="frequency")
    categories = list(categories)
    with transaction.atomic():
        preference, _ = AlertPreference.objects.select_for_update().get_or_create(user=user)
        if frequency == AlertPreference.Frequency.DAILY and preference.frequency != frequency:
            preference.last_digest_at = timezone.now()  # the first summary holds what comes from now
        preference.frequency = frequency
        preference.updated_at = timezone.now()
        preference.save()
        preference.categories.set(categories)
        audit_record(
            actor=user,
            action="alerts.preferences_saved",
            summary=f"Opportunity e-mails: {preference.get_frequency_display()}",
            obj=preference,
            changes={"frequency": frequency, "categories": [c.number for c in categories]},
        )
    return preference


def unsubscribe(*, token: str) -> User:
    """Turn off a person's opportunity e-mails from the signed link in an e-mail (no sign-in)."""
    user = user_for_unsubscribe_token(token)
    if user is None:
        raise RuleBroken("This unsubscribe link is not valid. Sign in to change your e-mail settings.")
    with transaction.atomic():
        preference, _ = AlertPreference.objects.select_for_update().get_or_create(user=user)
        preference.frequency = AlertPreference.Frequency.NEVER
        preference.updated_at = timezone.now()
        preference.save(update_fields=["frequency", "updated_at"])
        audit_record(
            actor=None,
            action="alerts.unsubscribed",
            summary=f"{user.email} turned off opportunity e-mails from an e-mail's link",
            obj=preference,
        )
    return user
