"""Call-off opportunity alerts (docs/domain.md §7, docs/adr/0011-opportunity-alerts.md): who hears of what.

A published competition reaches, as an inbox message, every organisation eligible for at least one of
its lots; a published market warming notice every organisation interested in its categories and regions;
an amendment, a withdrawal or a published clarification every organisation the competition reached or
that started a tender for it; a deadline reminder (7 days and 1 day before) every organisation with a
tender it has not submitted.

The shared steps live in `portal.alerts`: the fan-out in batches (the inbox message is the claim, so the
Celery tasks in `calloffs.tasks` are safe to run again), each person's preferences, the daily summary and
the unsubscribe link. This module binds them to call-offs' kinds, wording and selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min
from django.utils import timezone

from calloffs import rules
from calloffs.models import (
    Amendment,
    ClarificationQuestion,
    Competition,
    MarketWarmingNotice,
    Tender,
)
from portal.alerts import alerts_send
from portal.clock import london
from portal.models import Message, source_key
from suppliers.models import Application
from suppliers.sections import chosen_region_codes
from suppliers.selectors import eligible_organisations

PUBLISHED = "calloff_published"
AMENDED = "calloff_amended"
WITHDRAWN = "calloff_withdrawn"
NOTICE_PUBLISHED = "notice_published"
CLARIFICATION = "calloff_clarification"
DEADLINE_REMINDER = "calloff_deadline_reminder"
# Call-offs' kinds of alert (`CalloffsConfig.alert_kinds`): they follow each person's preferences and go
# into the daily summary.
ALERT_KINDS = (PUBLISHED, AMENDED, WITHDRAWN, NOTICE_PUBLISHED, CLARIFICATION, DEADLINE_REMINDER)


# Who is alerted ----------------------------------------------------------------------------------


def eligible_organisation_ids(competition: Competition, *, enough: int | None = None) -> set[int]:
    """Every organisation that can bid for at least one lot, as `calloffs.rules.eligibility` judges it:
    one query per lot and region. With `enough`, it stops once it has found that many: enough to tell one
    organisation from several (the red flag P003) without reading every eligible one."""
    assert competition.submission_deadline is not None  # alerts are about published competitions
    deadline = london(competition.submission_deadline).date()
    ids: set[int] = set()
    for lot in competition.lots.select_related("category").prefetch_related("regions"):
        needed = lot.minimum_turnover_pence
        for region in lot.regions.all():
            found = eligible_organisations(
                category=lot.category,
                region=region,
                min_turnover=None if needed is None else -(-needed // 100),  # whole pounds, rounded up
                min_cyber_level=competition.minimum_cyber_level,
                # The rules accept a certificate that expires on the deadline day itself.
                cyber_valid_on=deadline - timedelta(days=1),
            ).values_list("pk", flat=True)
            # Unordered and cut at `enough`, so that the database stops at the first few it finds.
            ids.update(found if enough is None else found.order_by()[:enough])
            if enough is not None and len(ids) >= enough:
                return ids
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


# The fan-out -------------------------------------------------------------------------------------


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
        if days and organisation_ids:
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


# Each fan-out task's kind of message and the model of its source: what `unsent_alert_sources` looks for.
_TASK_MESSAGES = {
    "competition_published_alerts_send": (PUBLISHED, Competition),
    "amendment_alerts_send": (AMENDED, Amendment),
    "competition_withdrawn_alerts_send": (WITHDRAWN, Competition),
    "notice_published_alerts_send": (NOTICE_PUBLISHED, MarketWarmingNotice),
    "clarification_alerts_send": (CLARIFICATION, ClarificationQuestion),
}


def unsent_alert_sources(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Of the last day's publications, amendments, withdrawals and clarifications, those whose alert
    reached nobody yet: the fan-out was never queued (the broker was down when the change committed) or
    has not run. The beat's quick recheck (`calloffs.tasks.alerts_recheck_unsent`, every minute) queues
    them again; it costs a few small queries when there is nothing to do. A fan-out that reached nobody
    because nobody is eligible is looked at again each minute for that day, which is cheap too."""
    unsent: dict[str, list[int]] = {}
    for task_name, ids in recent_alert_sources(now=now).items():
        kind, model = _TASK_MESSAGES[task_name]
        keys = {f"{model._meta.label_lower}:{pk}": pk for pk in ids}
        messages = Message.objects.filter(kind=kind, source__in=list(keys))
        reached = set(messages.values_list("source", flat=True).distinct())
        unsent[task_name] = [pk for key, pk in keys.items() if key not in reached]
    return unsent


# The daily summary -------------------------------------------------------------------------------


def categories_by_source(messages: list[Message]) -> dict[str, set[int]]:
    """The categories each call-off alert is about, by its source key, in three queries (the daily
    summary asks, through `CalloffsConfig.alert_categories`)."""
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
