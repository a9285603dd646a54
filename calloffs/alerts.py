"""Opportunity alerts (DOMAIN.md §7, docs/adr/0011-opportunity-alerts.md).

A published competition reaches, as an inbox message, every organisation eligible for at least one of
its lots; a published market warming notice every organisation interested in its categories and regions;
an amendment, a withdrawal or a published clarification every organisation the competition reached or
that started a tender for it; a deadline reminder (7 days and 1 day before) every organisation with a
tender it has not submitted. The message row is the claim:
the outbox sends one message of a kind about a source to an organisation, ever, so the fan-out (a Celery
task in `calloffs.tasks`, in batches) is safe to run again after a crash or a retry.

Each person's e-mails follow their `AlertPreference`: at once, in a daily summary, or none, for every
category or the ones they chose. Every alert e-mail carries a signed link that turns them off without
signing in, and the List-Unsubscribe headers (RFC 8058) that let a mail program do the same in one click.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from calloffs import rules
from calloffs.models import (
    AlertPreference,
    Amendment,
    ClarificationQuestion,
    Competition,
    MarketWarmingNotice,
    Tender,
)
from portal.audit import audit_record
from portal.clock import london
from portal.emails import Personal
from portal.exceptions import RuleBroken
from portal.models import Message, ServiceCategory, User, source_key
from portal.services import message_send, messages_send_bulk
from suppliers.models import Application
from suppliers.sections import chosen_region_codes
from suppliers.selectors import eligible_organisations

PUBLISHED = "calloff_published"
AMENDED = "calloff_amended"
WITHDRAWN = "calloff_withdrawn"
NOTICE_PUBLISHED = "notice_published"
CLARIFICATION = "calloff_clarification"
DEADLINE_REMINDER = "calloff_deadline_reminder"
DIGEST = "calloff_digest"
# Grant rounds' alerts (grants.alerts) go through the same fan-out, preferences and daily summary.
ALERT_KINDS = (
    PUBLISHED,
    AMENDED,
    WITHDRAWN,
    NOTICE_PUBLISHED,
    CLARIFICATION,
    DEADLINE_REMINDER,
    "grant_round_opened",
    "grant_round_closing",
)
BATCH_SIZE = 500  # organisations per transaction of the fan-out (settings.ALERT_BATCH_SIZE overrides it)

UNSUBSCRIBE_SALT = "calloffs.alerts.unsubscribe"


# Who is alerted ----------------------------------------------------------------------------------


def eligible_organisation_ids(competition: Competition) -> set[int]:
    """Every organisation that can bid for at least one lot, as `calloffs.rules.eligibility` judges it:
    one query per lot and region."""
    deadline = london(competition.submission_deadline).date()
    ids: set[int] = set()
    for lot in competition.lots.select_related("category").prefetch_related("regions"):
        needed = lot.minimum_turnover_pence
        for region in lot.regions.all():
            ids.update(
                eligible_organisations(
                    category=lot.category,
                    region=region,
                    min_turnover=None if needed is None else -(-needed // 100),  # whole pounds, rounded up
                    min_cyber_level=competition.minimum_cyber_level,
                    # The rules accept a certificate that expires on the deadline day itself.
                    cyber_valid_on=deadline - timedelta(days=1),
                ).values_list("pk", flat=True)
            )
    return ids


def interested_organisation_ids(notice: MarketWarmingNotice) -> set[int]:
    """Organisations whose questionnaire (any version, draft or sent) chose one of the notice's categories
    and one of its regions."""
    category_ids = set(notice.categories.values_list("pk", flat=True))
    region_codes = set(notice.regions.values_list("code", flat=True))
    questionnaires = Application.objects.filter(category_choices__category__in=category_ids).distinct()
    return {
        organisation_id
        for organisation_id, answers in questionnaires.values_list("organisation_id", "answers")
        if region_codes.intersection(chosen_region_codes(answers or {}))
    }


def alerted_organisation_ids(competition: Competition) -> list[int]:
    return list(
        Message.objects.filter(kind=PUBLISHED, source=source_key(competition)).values_list(
            "recipient_organisation_id", flat=True
        )
    )


def tendering_organisation_ids(competition: Competition, *, unsubmitted: bool = False) -> set[int]:
    """Organisations that started a tender for the competition; with `unsubmitted`, only those with a
    tender not submitted (a draft, or one they withdrew)."""
    tenders = Tender.objects.filter(competition=competition)
    if unsubmitted:
        tenders = tenders.filter(status__in=[Tender.Status.DRAFT, Tender.Status.WITHDRAWN])
    return set(tenders.values_list("organisation_id", flat=True))


def following_organisation_ids(competition: Competition) -> set[int]:
    """Who hears of a competition's changes: the organisations its publication reached, and those that
    started a tender for it (they may have become eligible since)."""
    return set(alerted_organisation_ids(competition)) | tendering_organisation_ids(competition)


@dataclass(frozen=True)
class AlertedSummary:
    count: int
    first_at: datetime | None
    last_at: datetime | None


def alerted_summary(competition: Competition) -> AlertedSummary:
    """How many organisations the competition's publication reached, and when: from the messages."""
    row = Message.objects.filter(kind=PUBLISHED, source=source_key(competition)).aggregate(
        count=Count("pk"), first_at=Min("created_at"), last_at=Max("created_at")
    )
    return AlertedSummary(**row)


# Each person's e-mails ---------------------------------------------------------------------------


def wants_email_now(preference: AlertPreference | None, category_ids: Collection[int]) -> bool:
    return preference is None or (
        preference.frequency == AlertPreference.Frequency.INSTANT
        and _wants_categories(preference, category_ids)
    )


def _wants_categories(preference: AlertPreference, category_ids: Collection[int]) -> bool:
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
    return settings.SITE_URL + reverse("calloffs:alerts_unsubscribe", args=[unsubscribe_token(user_id)])


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
    source: object,
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


def _lot_category_ids(competition: Competition) -> set[int]:
    return set(competition.lots.values_list("category_id", flat=True))


def competition_published_alerts_send(*, competition_id: int) -> int:
    competition = Competition.objects.filter(pk=competition_id, status=Competition.Status.LIVE).first()
    if competition is None:  # withdrawn (or never published) before the alert went
        return 0
    return alerts_send(
        kind=PUBLISHED,
        source=competition,
        context={"competition": competition},
        organisation_ids=eligible_organisation_ids(competition),
        category_ids=_lot_category_ids(competition),
    )


def amendment_alerts_send(*, amendment_id: int) -> int:
    amendment = Amendment.objects.select_related("competition").get(pk=amendment_id)
    competition = amendment.competition
    return alerts_send(
        kind=AMENDED,
        source=amendment,
        context={"competition": competition, "amendment": amendment},
        organisation_ids=following_organisation_ids(competition),
        category_ids=_lot_category_ids(competition),
    )


def competition_withdrawn_alerts_send(*, competition_id: int) -> int:
    competition = Competition.objects.get(pk=competition_id)
    return alerts_send(
        kind=WITHDRAWN,
        source=competition,
        context={"competition": competition},
        organisation_ids=following_organisation_ids(competition),
        category_ids=_lot_category_ids(competition),
    )


def notice_published_alerts_send(*, notice_id: int) -> int:
    notice = MarketWarmingNotice.objects.filter(
        pk=notice_id, status=MarketWarmingNotice.Status.PUBLISHED
    ).first()
    if notice is None:
        return 0
    return alerts_send(
        kind=NOTICE_PUBLISHED,
        source=notice,
        context={"notice": notice},
        organisation_ids=interested_organisation_ids(notice),
        category_ids=set(notice.categories.values_list("pk", flat=True)),
    )


def clarification_alerts_send(*, question_id: int) -> int:
    """A published question and its answer, to every organisation following the competition and to the
    one that asked, in the same words for all: the context holds nothing about who asked."""
    question = (
        ClarificationQuestion.objects.filter(pk=question_id, published_at__isnull=False)
        .select_related("competition", "amendment")
        .first()
    )
    if question is None or question.competition.status != Competition.Status.LIVE:
        return 0
    competition = question.competition
    return alerts_send(
        kind=CLARIFICATION,
        source=question,
        context={
            "competition": competition,
            "published_question": question.published_question,
            "answer": question.answer,
            "amendment": question.amendment,
        },
        organisation_ids=following_organisation_ids(competition) | {question.organisation_id},
        category_ids=_lot_category_ids(competition),
    )


def deadline_reminder_source(competition: Competition, days: int) -> str:
    """Once per competition, reminder and organisation: the outbox's (kind, source, recipient)."""
    return f"{source_key(competition)}:{days}-days"


def deadline_reminders_send(*, now: datetime | None = None) -> int:
    """The reminders due now (`rules.reminder_due`, by London's wall clock), to each organisation with a
    tender for the competition that it has not submitted. The beat runs it every hour; a reminder already
    sent to an organisation is never sent again. Returns how many messages were new."""
    now = now or timezone.now()
    window = timedelta(days=max(rules.DEADLINE_REMINDER_DAYS) + 1)
    sent = 0
    for competition in Competition.objects.open(now).filter(submission_deadline__lte=now + window):
        days = rules.reminder_due(competition.submission_deadline, now)
        organisation_ids = tendering_organisation_ids(competition, unsubmitted=True) if days else set()
        if organisation_ids:
            sent += alerts_send(
                kind=DEADLINE_REMINDER,
                source=deadline_reminder_source(competition, days),
                context={"competition": competition, "days": days},
                organisation_ids=organisation_ids,
                category_ids=_lot_category_ids(competition),
            )
    return sent


RECHECK_WITHIN = timedelta(days=1)


def recent_alert_sources(*, now: datetime | None = None) -> dict[str, list[int]]:
    """What was published, amended or withdrawn in the last day, by the task that alerts it: the beat's
    safety net (`calloffs.tasks.alerts_recheck`) runs each fan-out again, which sends only what is missing
    (a fan-out lost because the broker was down when the change committed, an organisation that became
    eligible since)."""
    since = (now or timezone.now()) - RECHECK_WITHIN
    live = Competition.objects.live().filter(published_at__gte=since)
    return {
        "competition_published_alerts_send": list(live.values_list("pk", flat=True)),
        "amendment_alerts_send": list(
            Amendment.objects.filter(made_at__gte=since).values_list("pk", flat=True)
        ),
        "competition_withdrawn_alerts_send": list(
            Competition.objects.filter(status=Competition.Status.WITHDRAWN, ended_at__gte=since).values_list(
                "pk", flat=True
            )
        ),
        "notice_published_alerts_send": list(
            MarketWarmingNotice.objects.published()
            .filter(published_at__gte=since)
            .values_list("pk", flat=True)
        ),
        "clarification_alerts_send": list(
            ClarificationQuestion.objects.filter(published_at__gte=since).values_list("pk", flat=True)
        ),
    }


# The daily summary -------------------------------------------------------------------------------


def _categories_by_source(messages: list[Message]) -> dict[str, set[int]]:
    """The categories each alert is about, by its source key, in three queries."""
    keys = {message.source for message in messages}
    by_key: dict[str, set[int]] = {}
    competition_label = Competition._meta.label_lower
    amendments = Amendment.objects.filter(
        pk__in=[key.split(":")[1] for key in keys if key.startswith(Amendment._meta.label_lower + ":")]
    ).values_list("pk", "competition_id")
    competition_of = {f"{Amendment._meta.label_lower}:{pk}": c for pk, c in amendments}
    competition_ids = {int(k.split(":")[1]) for k in keys if k.startswith(competition_label + ":")}
    competition_ids |= set(competition_of.values())
    lot_categories: dict[int, set[int]] = {}
    for competition_id, category_id in Competition.objects.filter(pk__in=competition_ids).values_list(
        "pk", "lots__category_id"
    ):
        lot_categories.setdefault(competition_id, set()).add(category_id)
    notice_label = MarketWarmingNotice._meta.label_lower
    notice_ids = [k.split(":")[1] for k in keys if k.startswith(notice_label + ":")]
    for notice_id, category_id in MarketWarmingNotice.categories.through.objects.filter(
        marketwarmingnotice_id__in=notice_ids
    ).values_list("marketwarmingnotice_id", "servicecategory_id"):
        by_key.setdefault(f"{notice_label}:{notice_id}", set()).add(category_id)
    for key in keys:
        if key.startswith(competition_label + ":"):
            by_key[key] = lot_categories.get(int(key.split(":")[1]), set())
        elif key in competition_of:
            by_key[key] = lot_categories.get(competition_of[key], set())
    return by_key


def digest_send(*, preference: AlertPreference, now: datetime | None = None) -> Message | None:
    """One person's daily summary: the alerts their organisation received since their last summary, in
    the categories they chose. At most one a day (the message is once per kind, source and person)."""
    now = now or timezone.now()
    user = preference.user
    membership = getattr(user, "membership", None)
    if membership is None or not user.is_active:
        return None
    key = f"calloffs.digest:{london(now).date().isoformat()}"
    since = preference.last_digest_at or preference.updated_at
    messages = list(
        Message.objects.filter(
            recipient_organisation_id=membership.organisation_id,
            kind__in=ALERT_KINDS,
            created_at__gt=since,
            created_at__lte=now,
        ).order_by("created_at", "pk")
    )
    categories = _categories_by_source(messages)
    messages = [m for m in messages if _wants_categories(preference, categories.get(m.source, set()))]
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
