"""Market warming notices (docs/domain.md §5): drafted, published and withdrawn by the commissioners
of their regions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from calloffs.models import (
    MarketWarmingNotice,
)
from calloffs.services.competitions import alert_on_commit
from calloffs.services.ownership import check_covers, check_owns
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import User
from portal.page_cache import public_pages_changed

NOTICE_NOT_A_DRAFT = "This notice has been published, so it cannot be changed."


# Market warming notices --------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeData:
    title: str
    summary: str = ""
    category_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()
    invitation_date: date | None = None
    expected_deadline: date | None = None
    contract_start: date | None = None
    value_low_pence: int | None = None
    value_high_pence: int | None = None
    event_at: datetime | None = None
    event_place: str = ""


def _notice_problems(data: NoticeData, *, complete: bool, today: date) -> list[RuleBroken]:
    problems = []
    if not data.title.strip():
        problems.append(RuleBroken("Enter a title", field="title"))
    if not data.region_ids:
        problems.append(RuleBroken("Select at least one region", field="regions"))
    low, high = data.value_low_pence, data.value_high_pence
    if (low is not None and low < 0) or (high is not None and high < 0):
        problems.append(RuleBroken("Estimated values must be £0 or more", field="value_low"))
    elif low is not None and high is not None and low > high:
        problems.append(
            RuleBroken("The lowest estimated value must not be more than the highest", field="value_low")
        )
    for name, value in (("invitation_date", data.invitation_date), ("contract_start", data.contract_start)):
        if complete and value is not None and value < today:
            problems.append(RuleBroken("Enter a date in the future", field=name))
    if data.invitation_date and data.expected_deadline and data.expected_deadline <= data.invitation_date:
        problems.append(
            RuleBroken("The deadline must be after the invitation opens", field="expected_deadline")
        )
    if data.expected_deadline and data.contract_start and data.contract_start <= data.expected_deadline:
        problems.append(RuleBroken("The contract must start after the deadline", field="contract_start"))
    if (data.event_at is None) != (not data.event_place.strip()):
        problems.append(
            RuleBroken("Give both the date and the place of the event, or neither", field="event_place")
        )
    if complete:
        required = {
            "summary": (data.summary.strip(), "Enter a summary"),
            "categories": (data.category_ids, "Select at least one service category"),
            "invitation_date": (data.invitation_date, "Enter when the invitation should open"),
            "expected_deadline": (data.expected_deadline, "Enter the expected submission deadline"),
            "contract_start": (data.contract_start, "Enter the expected contract start"),
        }
        problems += [
            RuleBroken(message, field=name) for name, (value, message) in required.items() if not value
        ]
    return problems


def notice_save(
    *, user: User, data: NoticeData, notice: MarketWarmingNotice | None = None
) -> MarketWarmingNotice:
    """Create or change a draft market warming notice."""
    check_covers(user, data.region_ids)
    raise_problems(_notice_problems(data, complete=False, today=timezone.localdate()))
    with transaction.atomic():
        if notice is None:
            notice = MarketWarmingNotice(created_by=user)
        else:
            check_owns(user, notice)
            notice = locked(MarketWarmingNotice, notice.pk)
            if notice.status != MarketWarmingNotice.Status.DRAFT:
                raise RuleBroken(NOTICE_NOT_A_DRAFT)
        for name in (
            "title",
            "summary",
            "invitation_date",
            "expected_deadline",
            "contract_start",
            "value_low_pence",
            "value_high_pence",
            "event_at",
            "event_place",
        ):
            setattr(notice, name, getattr(data, name))
        created = notice.pk is None
        notice.save()
        notice.categories.set(data.category_ids)
        notice.regions.set(data.region_ids)
        audit_record(
            actor=user,
            action="notice.created" if created else "notice.changed",
            summary=f"Market warming notice {'drafted' if created else 'changed'}: {notice.title}",
            obj=notice,
        )
    return notice


def _notice_data(notice: MarketWarmingNotice) -> NoticeData:
    return NoticeData(
        title=notice.title,
        summary=notice.summary,
        category_ids=frozenset(notice.categories.values_list("pk", flat=True)),
        region_ids=frozenset(notice.regions.values_list("pk", flat=True)),
        invitation_date=notice.invitation_date,
        expected_deadline=notice.expected_deadline,
        contract_start=notice.contract_start,
        value_low_pence=notice.value_low_pence,
        value_high_pence=notice.value_high_pence,
        event_at=notice.event_at,
        event_place=notice.event_place,
    )


def notice_problems(notice: MarketWarmingNotice) -> list[RuleBroken]:
    """Everything that stops a draft notice being published."""
    return _notice_problems(_notice_data(notice), complete=True, today=timezone.localdate())


def notice_publish(*, notice: MarketWarmingNotice, user: User) -> MarketWarmingNotice:
    """Publish a draft notice: it becomes public. (Alerts to interested organisations come next.)"""
    check_owns(user, notice)
    with transaction.atomic():
        notice = locked(MarketWarmingNotice, notice.pk)
        if notice.status != MarketWarmingNotice.Status.DRAFT:
            raise RuleBroken("This notice has already been published.")
        raise_problems(notice_problems(notice))
        notice.status = MarketWarmingNotice.Status.PUBLISHED
        notice.published_at = timezone.now()
        notice.save(update_fields=["status", "published_at"])
        audit_record(actor=user, action="notice.published", summary=f"Published: {notice.title}", obj=notice)
        public_pages_changed()  # the finder and the public pages show it
        alert_on_commit("notice_published_alerts_send", notice.pk)
    return notice


def notice_withdraw(*, notice: MarketWarmingNotice, user: User, reason: str) -> MarketWarmingNotice:
    check_owns(user, notice)
    if not reason.strip():
        raise RuleBroken("Tell organisations why the notice is withdrawn", field="reason")
    with transaction.atomic():
        notice = locked(MarketWarmingNotice, notice.pk)
        if notice.status == MarketWarmingNotice.Status.WITHDRAWN:
            raise RuleBroken("This notice has already been withdrawn.")
        notice.status = MarketWarmingNotice.Status.WITHDRAWN
        notice.withdrawn_reason = reason.strip()
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["status", "withdrawn_reason", "withdrawn_at"])
        audit_record(
            actor=user, action="notice.withdrawn", summary=f"Withdrawn: {reason.strip()}", obj=notice
        )
        public_pages_changed()  # the finder and the public pages show it
    return notice
