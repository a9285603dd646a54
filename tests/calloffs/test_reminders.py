"""Deadline reminders (issue 9): 7 days and 1 day before the submission deadline, by London's wall clock,
to each organisation that started a tender and has not submitted it; once per competition, reminder and
organisation, however often the hourly task runs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from calloffs import alerts, rules, tasks
from calloffs.models import Competition, Tender
from portal.clock import LONDON, london
from portal.models import Message
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import started_tender, submitted_tender
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def with_deadline(competition: Competition, deadline: datetime) -> Competition:
    Competition.objects.filter(pk=competition.pk).update(
        submission_deadline=deadline, clarification_deadline=deadline - timedelta(days=10)
    )
    competition.refresh_from_db()
    return competition


@pytest.fixture
def bidders(carol, organisation_a, alice, organisation_b, bea):
    """A drafts a tender, B submitted one, C withdrew its; D never started."""
    competition = f.live_competition(carol)
    lot = competition.lots.get()
    started_tender(lot, organisation_a, alice)
    submitted_tender(lot, organisation_b, bea)
    c = OrganisationFactory(legal_name="Gamma Homes")
    carl = MembershipFactory(organisation=c, user__email="carl@gamma.example").user
    Tender.objects.filter(pk=started_tender(lot, c, carl).pk).update(status=Tender.Status.WITHDRAWN)
    MembershipFactory(organisation=OrganisationFactory(legal_name="Delta Care"))
    return {"competition": competition, "unsubmitted": {organisation_a.pk, c.pk}}


def reminded(competition, days) -> set[int]:
    return set(
        Message.objects.filter(
            kind=alerts.DEADLINE_REMINDER, source=alerts.deadline_reminder_source(competition, days)
        ).values_list("recipient_organisation_id", flat=True)
    )


def test_reminders_go_7_days_and_1_day_before_to_unsubmitted_tenders_only_once(
    bidders, django_capture_on_commit_callbacks
):
    competition = bidders["competition"]
    deadline = competition.submission_deadline
    assert alerts.deadline_reminders_send(now=deadline - timedelta(days=7, seconds=1)) == 0

    mail.outbox.clear()
    week = deadline - timedelta(days=6, hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.deadline_reminders_send(now=week) == 2
    assert reminded(competition, 7) == bidders["unsubmitted"]
    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "carl@gamma.example"]
    assert competition.title in mail.outbox[0].subject
    assert alerts.deadline_reminders_send(now=week) == 0  # the task runs again: nothing twice
    assert alerts.deadline_reminders_send(now=week + timedelta(days=5)) == 0

    day = deadline - timedelta(hours=23)
    assert alerts.deadline_reminders_send(now=day) == 2
    assert alerts.deadline_reminders_send(now=day + timedelta(hours=1)) == 0
    assert reminded(competition, 1) == bidders["unsubmitted"]
    assert alerts.deadline_reminders_send(now=deadline) == 0
    assert Message.objects.filter(kind=alerts.DEADLINE_REMINDER).count() == 4


def test_an_organisation_that_starts_late_gets_only_the_reminder_due(bidders, carol, bea):
    competition = bidders["competition"]
    day = competition.submission_deadline - timedelta(hours=12)
    assert alerts.deadline_reminders_send(now=day) == 2
    assert reminded(competition, 7) == set()


def test_a_withdrawn_competition_reminds_nobody(bidders, carol):
    competition = bidders["competition"]
    deadline = competition.submission_deadline
    competition.status = Competition.Status.WITHDRAWN
    competition.save(update_fields=["status"])
    assert alerts.deadline_reminders_send(now=deadline - timedelta(hours=2)) == 0


def test_the_week_is_counted_on_londons_wall_clock_across_the_autumn_clock_change(bidders):
    """The deadline is 10:00 (GMT) on Wednesday 28 October 2026; the clocks went back on the 25th. The
    reminder is due at 10:00 (BST) on the 21st, 09:00 UTC, an hour before 168 hours before."""
    competition = with_deadline(bidders["competition"], datetime(2026, 10, 28, 10, tzinfo=LONDON))
    assert alerts.deadline_reminders_send(now=datetime(2026, 10, 21, 8, 59, tzinfo=UTC)) == 0
    assert alerts.deadline_reminders_send(now=datetime(2026, 10, 21, 9, 0, tzinfo=UTC)) == 2
    assert reminded(competition, 7) == bidders["unsubmitted"]


def test_the_day_is_counted_on_londons_wall_clock_across_the_spring_clock_change(bidders):
    """The deadline is 12:00 (BST) on Sunday 29 March 2026, the day the clocks went forward: the day's
    reminder is due at 12:00 (GMT) on the 28th, 12:00 UTC, an hour after 24 hours before."""
    competition = with_deadline(bidders["competition"], datetime(2026, 3, 29, 12, tzinfo=LONDON))
    assert alerts.deadline_reminders_send(now=datetime(2026, 3, 28, 11, 59, tzinfo=UTC)) == 2  # the week's
    assert reminded(competition, 1) == set()
    assert alerts.deadline_reminders_send(now=datetime(2026, 3, 28, 12, 0, tzinfo=UTC)) == 2
    assert reminded(competition, 1) == bidders["unsubmitted"]


@given(
    deadline=st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2035, 1, 1),
        timezones=st.just(LONDON),
        allow_imaginary=False,
    ),
    days=st.sampled_from(rules.DEADLINE_REMINDER_DAYS),
)
def test_a_reminder_is_due_at_the_deadlines_london_time_on_an_earlier_day(deadline, days):
    due = rules.reminder_due_at(deadline, days)
    wall_clock = london(deadline).replace(tzinfo=None) - timedelta(days=days)
    if london(wall_clock.replace(tzinfo=LONDON)).replace(tzinfo=None) == wall_clock:  # not in a gap
        assert london(due).replace(tzinfo=None) == wall_clock
    assert due < deadline
    assert rules.reminder_due(deadline, due) == days
    earlier = [d for d in rules.DEADLINE_REMINDER_DAYS if d > days]
    assert rules.reminder_due(deadline, due - timedelta(microseconds=1)) == (
        min(earlier) if earlier else None
    )
    assert rules.reminder_due(deadline, deadline) is None


def test_the_beat_runs_the_reminders_every_hour(bidders):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "calloffs.tasks.deadline_reminders_send" in schedule
    assert tasks.deadline_reminders_send.name == "calloffs.tasks.deadline_reminders_send"
    deadline = bidders["competition"].submission_deadline
    assert deadline - timedelta(days=7) > datetime.now(UTC)  # nothing is due yet
    assert tasks.deadline_reminders_send.delay().get() == 0
