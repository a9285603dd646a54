"""The Selection Questionnaire's decision clock (issue 22, docs/adr/0020): the decide-by date set when it
arrives, extended once with a reason the organisation is told, shown in the queue and on the
organisation's page, reminders to MoJ admins once each, and the time to decision published."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal import decision_clocks, working_days
from portal.clock import LONDON, london
from portal.exceptions import RuleBroken
from portal.models import Message
from portal.statistics import Period
from suppliers import services, statistics
from suppliers.models import Application
from tests.factories import AdminFactory, MembershipFactory, OrganisationFactory
from tests.suppliers.factories import complete_application, decide, submitted_application

pytestmark = pytest.mark.django_db


def arrived(application: Application, at: datetime, working: int = 10) -> Application:
    """As if the questionnaire had arrived at `at`."""
    Application.objects.filter(pk=application.pk).update(
        submitted_at=at, decide_by=working_days.decide_by(at, working)
    )
    application.refresh_from_db()
    return application


# Set when it arrives ------------------------------------------------------------------------------


def test_submitting_sets_the_date_10_working_days_on_and_the_receipt_says_it(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    now = timezone.now()

    services.application_submit(application=application, user=alice, now=now)

    application.refresh_from_db()
    assert application.decide_by == working_days.decide_by(now, 10)
    receipt = Message.objects.get(kind="sq_receipt")
    assert f"We will decide by {london(application.decide_by).day} " in receipt.body


@override_settings(QUESTIONNAIRE_DECISION_WORKING_DAYS=4)
def test_the_number_of_working_days_comes_from_the_settings(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    now = timezone.now()
    services.application_submit(application=application, user=alice, now=now)
    application.refresh_from_db()
    assert application.decide_by == working_days.decide_by(now, 4)


def test_sent_before_christmas_the_date_skips_the_bank_holidays(organisation_a, alice):
    # Wednesday 23 December 2026 at 4pm: day 10 is Monday 11 January 2027.
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 12, 23, 16, tzinfo=LONDON)
    )
    assert application.decide_by == datetime.combine(date(2027, 1, 11), time.max, LONDON)


# Extending once ------------------------------------------------------------------------------------


def test_an_admin_extends_the_date_once_to_15_working_days_and_the_organisation_is_told(
    organisation_a, alice, ada
):
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 12, 1, 10, tzinfo=LONDON)
    )
    now = datetime(2026, 12, 8, 9, tzinfo=LONDON)

    services.decision_date_extend(
        application=application, admin=ada, reason="We are checking references.", now=now
    )

    application.refresh_from_db()
    assert london(application.decide_by).date() == date(2026, 12, 22)  # 15 working days from 1 December
    assert application.decision_extension_reason == "We are checking references."
    message = Message.objects.get(kind="sq_decision_extended", recipient_organisation=organisation_a)
    assert "22 December 2026" in message.subject
    assert "We are checking references." in message.body
    with pytest.raises(RuleBroken, match="only once"):
        services.decision_date_extend(application=application, admin=ada, reason="Again.", now=now)


def test_only_an_admin_extends_and_only_before_the_date_passes_and_with_a_reason(organisation_a, alice, ada):
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 12, 1, 10, tzinfo=LONDON)
    )
    with pytest.raises(RuleBroken, match="Only MoJ admins"):
        services.decision_date_extend(application=application, admin=alice, reason="Because.")
    with pytest.raises(RuleBroken, match="Enter why"):
        services.decision_date_extend(application=application, admin=ada, reason="  ")
    after = application.decide_by + timedelta(microseconds=1)
    with pytest.raises(RuleBroken, match="has passed"):
        services.decision_date_extend(application=application, admin=ada, reason="Late.", now=after)
    decide(application, ada)
    with pytest.raises(RuleBroken, match="not been decided"):
        services.decision_date_extend(application=application, admin=ada, reason="Too late.")
    assert not Message.objects.filter(kind="sq_decision_extended").exists()


# Pages ---------------------------------------------------------------------------------------------


def test_the_queue_shows_the_soonest_due_first_with_the_time_left(
    client, ada, alice, bea, organisation_a, organisation_b
):
    now = timezone.now()
    later = arrived(submitted_application(organisation_a, alice), now - timedelta(days=1))
    sooner = submitted_application(organisation_b, bea, categories=("women",))
    Application.objects.filter(pk=sooner.pk).update(decide_by=now - timedelta(days=3))
    client.force_login(ada)

    response = client.get(reverse("suppliers:review_queue"))

    assert [row.application.pk for row in response.context["rows"]] == [sooner.pk, later.pk]
    html = response.content.decode()
    assert "Soonest due first" in html
    assert "Overdue" in html
    assert decision_clocks.time_left(later.decide_by, now).words in html


def test_the_review_page_shows_the_date_and_extending_it_tells_the_organisation(
    django_assert_max_num_queries, client, ada, alice, organisation_a
):
    application = submitted_application(organisation_a, alice)
    client.force_login(ada)
    review = client.get(reverse("suppliers:review_detail", args=[application.pk])).content.decode()
    extend_url = reverse("suppliers:decision_extend", args=[application.pk])
    assert "Decide by" in review and extend_url in review

    with django_assert_max_num_queries(12):
        assert client.get(extend_url).status_code == 200
    empty = client.post(extend_url, {"reason": ""})
    assert empty.status_code == 200
    assert "Enter why you need longer to decide" in empty.content.decode()

    done = client.post(extend_url, {"reason": "We are waiting for a reference."})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.decision_extended_at is not None
    review = client.get(reverse("suppliers:review_detail", args=[application.pk])).content.decode()
    assert extend_url not in review
    assert "We are waiting for a reference." in review
    assert client.get(extend_url).status_code == 302  # nothing more to extend


def test_the_organisation_sees_the_date_on_its_qualification_page(client, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    client.force_login(alice)
    html = client.get(reverse("suppliers:qualification_status")).content.decode()
    day = london(application.decide_by)
    assert f"We will decide by <strong>{day.day} {day:%B %Y} at 11:59pm</strong>" in html
    assert "That is 10 working days after it arrived" in html


@override_settings(QUESTIONNAIRE_DECISION_WORKING_DAYS=7, QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS=12)
def test_the_pages_show_the_numbers_from_the_settings(client, alice, organisation_a):
    submitted_application(organisation_a, alice)
    client.force_login(alice)
    html = client.get(reverse("suppliers:qualification_status")).content.decode()
    assert "That is 7 working days after it arrived" in html
    assert "to 12 working days" in html
    how = client.get(reverse("portal:how_qualification_works")).content.decode()
    assert "We decide within 7 working days of receiving your questionnaire" in how
    assert "once, to 12 working days" in how


# Reminders ------------------------------------------------------------------------------------------


def reminders(kind: str) -> list[tuple[int, str]]:
    return list(Message.objects.filter(kind=f"sq_decision_{kind}").values_list("recipient_user_id", "source"))


def test_admins_are_reminded_3_working_days_before_and_when_overdue_once_each(
    organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    other_admin = AdminFactory(email="abe@justice.example")
    # Arrived Monday 30 November 2026: due by the end of Monday 14 December.
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 11, 30, 10, tzinfo=LONDON)
    )

    assert services.decision_reminders_send(now=datetime(2026, 12, 8, 23, tzinfo=LONDON)) == 0  # 4 days left
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decision_reminders_send(now=datetime(2026, 12, 9, 7, tzinfo=LONDON)) == 2  # 3 left
    assert services.decision_reminders_send(now=datetime(2026, 12, 10, 7, tzinfo=LONDON)) == 0  # sent already
    assert sorted(user for user, _ in reminders("due_soon")) == sorted([ada.pk, other_admin.pk])
    assert {e.to[0] for e in mail.outbox if "Decide Alpha" in e.subject} == {ada.email, other_admin.email}

    assert (
        services.decision_reminders_send(now=datetime(2026, 12, 14, 23, 59, tzinfo=LONDON)) == 0
    )  # due today
    assert services.decision_reminders_send(now=datetime(2026, 12, 15, 0, 0, tzinfo=LONDON)) == 2
    assert services.decision_reminders_send(now=datetime(2026, 12, 16, 9, tzinfo=LONDON)) == 0
    assert len(reminders("overdue")) == 2

    decide(application, ada)  # a decided case is reminded of no more
    Application.objects.filter(pk=application.pk).update(decide_by=datetime(2026, 12, 20, tzinfo=LONDON))
    assert services.decision_reminders_send(now=datetime(2026, 12, 21, tzinfo=LONDON)) == 0


def test_an_extended_date_is_reminded_of_again(organisation_a, alice, ada):
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 11, 30, 10, tzinfo=LONDON)
    )
    assert services.decision_reminders_send(now=datetime(2026, 12, 9, 7, tzinfo=LONDON)) == 1
    services.decision_date_extend(
        application=application, admin=ada, reason="References.", now=datetime(2026, 12, 9, 8, tzinfo=LONDON)
    )
    application.refresh_from_db()
    assert london(application.decide_by).date() == date(2026, 12, 21)
    assert services.decision_reminders_send(now=datetime(2026, 12, 10, 7, tzinfo=LONDON)) == 0
    assert services.decision_reminders_send(now=datetime(2026, 12, 16, 7, tzinfo=LONDON)) == 1
    assert len({source for _, source in reminders("due_soon")}) == 2


def test_reminders_count_working_days_over_christmas(organisation_a, alice, ada):
    # Arrived Monday 14 December 2026: due by the end of Wednesday 30 December, Christmas Day and the
    # substitute Boxing Day skipped. Three working days before it (24, 29 and 30 left) is 23 December,
    # a week of the calendar before.
    application = arrived(
        submitted_application(organisation_a, alice), datetime(2026, 12, 14, 10, tzinfo=LONDON)
    )
    assert london(application.decide_by).date() == date(2026, 12, 30)
    assert services.decision_reminders_send(now=datetime(2026, 12, 22, 7, tzinfo=LONDON)) == 0
    assert services.decision_reminders_send(now=datetime(2026, 12, 23, 7, tzinfo=LONDON)) == 1


# Statistics --------------------------------------------------------------------------------------------


def test_time_to_decision_is_published_by_quarter_with_small_numbers_suppressed(ada):
    period = Period(2026, None, timezone.now())
    assert [row.cells[1].text for row in statistics._time_to_decision_figure(period).rows] == ["none yet"] * 4

    def decided_after(name: str, working: int) -> None:
        """Arrived on Monday 2 November 2026 (quarter 3), decided `working` working days later."""
        organisation = OrganisationFactory(legal_name=name)
        user = MembershipFactory(organisation=organisation, user__email=f"{name.lower()}@example.org").user
        application = decide(submitted_application(organisation, user), ada)
        arrival = datetime(2026, 11, 2, 10, tzinfo=LONDON)
        decided = datetime.combine(
            working_days.add_working_days(date(2026, 11, 2), working), time(12), LONDON
        )
        Application.objects.filter(pk=application.pk).update(
            submitted_at=arrival, decide_by=working_days.decide_by(arrival, 10), decided_at=decided
        )

    decided_after("Ash", 4)
    decided_after("Birch", 12)
    figure = statistics._time_to_decision_figure(period)
    assert [cell.text for cell in figure.rows[2].cells] == ["fewer than 3", "fewer than 3", "fewer than 3"]

    decided_after("Cedar", 9)
    figure = statistics._time_to_decision_figure(period)
    assert figure.rows[2].label == "Quarter 3: October to December"
    # Two of the three on time: a part of 2 is suppressed like any other small number.
    assert [cell.text for cell in figure.rows[2].cells] == ["3", "9 working days", "fewer than 3"]
    decided_after("Damson", 10)  # decided at midday on its last day: on time
    figure = statistics._time_to_decision_figure(period)
    assert [cell.text for cell in figure.rows[2].cells] == ["4", "10 working days", "75%"]
    assert [row.cells[0].text for row in figure.rows[:2]] == ["0", "0"]


def test_an_overdue_date_is_no_longer_offered_for_extension(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    Application.objects.filter(pk=application.pk).update(decide_by=timezone.now() - timedelta(minutes=1))
    client.force_login(ada)
    review = client.get(reverse("suppliers:review_detail", args=[application.pk])).content.decode()
    assert "Overdue" in review
    assert reverse("suppliers:decision_extend", args=[application.pk]) not in review
    refused = client.post(reverse("suppliers:decision_extend", args=[application.pk]), {"reason": "Late."})
    assert "The decision date has passed" in refused.content.decode()


def test_the_migration_gives_questionnaires_already_waiting_their_date(
    organisation_a, alice, bea, organisation_b, ada
):
    from django.apps import apps

    migration = importlib.import_module("suppliers.migrations.0009_decision_clock")
    waiting = arrived(submitted_application(organisation_a, alice), datetime(2026, 12, 23, 16, tzinfo=LONDON))
    decided = decide(submitted_application(organisation_b, bea, categories=("women",)), ada)
    Application.objects.filter(pk__in=[waiting.pk, decided.pk]).update(decide_by=None)

    migration.clocks_for_waiting(apps, None)

    waiting.refresh_from_db()
    decided.refresh_from_db()
    assert waiting.decide_by == datetime.combine(date(2027, 1, 11), time.max, LONDON)
    assert decided.decide_by is None  # decided before there was a clock: not judged against one
