"""The clarification question's clock (issue 22, docs/adr/0020): answered within a number of working days
of being asked and never after the deadline for tenders; shown to the commissioner, soonest due first,
and to the organisation that asked; the commissioners reminded once each."""

import importlib
from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from calloffs import statistics as calloff_statistics
from calloffs.models import ClarificationQuestion, Competition
from calloffs.services import clarification_reminders, clarifications
from portal import decision_clocks, working_days
from portal.clock import LONDON, london
from portal.models import Message
from portal.statistics import Period
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db


def a_working_day_ahead() -> datetime:
    """10am on a working day at least a week ahead: the competition is open then, and for weeks after."""
    day = timezone.localdate() + timedelta(days=6)
    return datetime.combine(working_days.next_working_day(day), time(10), LONDON)


@pytest.fixture
def competition(carol):
    competition = f.live_competition(carol)
    asked = a_working_day_ahead()
    Competition.objects.filter(pk=competition.pk).update(
        clarification_deadline=asked + timedelta(days=21), submission_deadline=asked + timedelta(days=35)
    )
    competition.refresh_from_db()
    return competition


def ask(competition, user, now):
    return clarifications.clarification_ask(competition=competition, user=user, question="May we?", now=now)


def test_a_question_is_due_an_answer_3_working_days_after_it_is_asked(competition, alice):
    asked = a_working_day_ahead()
    question = ask(competition, alice, asked)
    assert question.answer_by == working_days.decide_by(asked, 3)
    with override_settings(CLARIFICATION_ANSWER_WORKING_DAYS=8):
        assert ask(competition, alice, asked).answer_by == working_days.decide_by(asked, 8)


def test_never_after_the_deadline_for_tenders(competition, alice):
    asked = a_working_day_ahead()
    deadline = asked + timedelta(days=1, hours=2)
    Competition.objects.filter(pk=competition.pk).update(
        clarification_deadline=asked + timedelta(hours=1), submission_deadline=deadline
    )
    competition.refresh_from_db()
    assert ask(competition, alice, asked).answer_by == deadline


def test_the_commissioner_sees_the_soonest_due_first_and_the_asker_sees_the_date(
    client, competition, alice, carol
):
    first = ask(competition, alice, timezone.now())
    second = ask(competition, alice, timezone.now())
    ClarificationQuestion.objects.filter(pk=second.pk).update(answer_by=timezone.now() - timedelta(hours=1))
    client.force_login(carol)
    page = client.get(reverse("calloffs:clarification_list", args=[competition.pk]))
    assert [question.pk for question, _ in page.context["waiting"]] == [second.pk, first.pk]
    html = page.content.decode()
    assert "Answer by" in html and "Overdue" in html

    client.force_login(alice)
    html = client.get(reverse("calloffs:question_ask", args=[competition.pk])).content.decode()
    first.refresh_from_db()
    day = london(first.answer_by)
    assert f"The commissioner will answer by {day.day} {day:%B %Y} at 11:59pm" in html


def test_the_commissioners_covering_the_competition_are_reminded_once_each(competition, alice, carol, colin):
    asked = a_working_day_ahead()
    question = ask(competition, alice, asked)  # due by the end of the third working day on
    send = clarification_reminders.answer_reminders_send

    assert send(now=asked) == 1  # 3 working days left: at once
    assert send(now=asked + timedelta(hours=5)) == 0
    reminders = Message.objects.filter(kind="clarification_answer_due_soon")
    assert [m.recipient_user_id for m in reminders] == [carol.pk]  # colin covers London, not the North East
    assert competition.title in reminders.get().subject

    overdue = question.answer_by + timedelta(microseconds=1)
    assert send(now=overdue) == 1
    assert send(now=overdue + timedelta(days=1)) == 0
    assert Message.objects.filter(kind="clarification_answer_overdue", recipient_user=carol).count() == 1


def test_an_answered_question_and_a_closed_competition_are_reminded_of_no_more(competition, alice, carol):
    asked = a_working_day_ahead()
    answered = ask(competition, alice, asked)
    clarifications.clarification_publish(
        question=answered, user=carol, published_question="May we?", answer="Yes.", now=asked
    )
    assert clarification_reminders.answer_reminders_send(now=asked + timedelta(hours=1)) == 0
    ask(competition, alice, asked)
    after_the_deadline = competition.submission_deadline + timedelta(minutes=1)
    assert clarification_reminders.answer_reminders_send(now=after_the_deadline) == 0


def test_time_to_answer_is_published_by_quarter(competition, alice, carol):
    asked = a_working_day_ahead()
    for days in (1, 2, 5):
        question = ask(competition, alice, asked)
        ClarificationQuestion.objects.filter(pk=question.pk).update(
            published_at=datetime.combine(working_days.add_working_days(asked.date(), days), time(12), LONDON)
        )
    year, quarter = decision_clocks.quarter_of(asked.date())
    figure = calloff_statistics._time_to_answer_figure(Period(year, None, timezone.now()))
    assert figure.title == "Time to answer: clarification questions"
    assert figure.columns == ("Quarter", "Answered", "Median time to answer", "Answered on time")
    assert "waited for an answer" in figure.summary
    cells = [cell.text for cell in figure.rows[quarter - 1].cells]
    # Two of three answered within 3 working days: a part of 2 is suppressed.
    assert cells == ["3", "2 working days", "fewer than 3"]


def test_the_migration_gives_questions_waiting_for_an_answer_their_date(competition, alice):
    from django.apps import apps

    migration = importlib.import_module("calloffs.migrations.0008_clarification_answer_by")
    asked = a_working_day_ahead()
    question = ask(competition, alice, asked)
    ClarificationQuestion.objects.filter(pk=question.pk).update(answer_by=None)
    migration.clocks_for_waiting(apps, None)
    question.refresh_from_db()
    assert question.answer_by == working_days.decide_by(asked, 3)
