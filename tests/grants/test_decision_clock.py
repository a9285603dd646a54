"""The grants registration's decision clock (issue 22, docs/adr/0020): set when it is sent, shown in the
grants team's queue and on the organisation's page, reminders once each, time to decision published."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grants import statistics
from grants.models import Registration
from grants.services import registration as registration_services
from portal import working_days
from portal.clock import LONDON, london
from portal.models import Message
from portal.statistics import Period
from tests.factories import AdminFactory, MembershipFactory, OrganisationFactory
from tests.grants.factories import registered, sent_registration

pytestmark = pytest.mark.django_db


def arrived(registration: Registration, at: datetime) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(
        submitted_at=at, decide_by=working_days.decide_by(at, 10)
    )
    registration.refresh_from_db()
    return registration


def test_sending_sets_the_date_from_the_settings(alice):
    registration = sent_registration(alice)
    assert registration.decide_by == working_days.decide_by(registration.submitted_at, 10)
    with override_settings(GRANTS_REGISTRATION_DECISION_WORKING_DAYS=5):
        Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.RETURNED)
        again = registration_services.registration_submit(user=alice, registration=registration)
    assert again.decide_by == working_days.decide_by(again.submitted_at, 5)


def test_the_queue_is_soonest_due_first_and_the_organisation_sees_its_date(client, alice, bea, ada):
    later = sent_registration(alice)
    sooner = arrived(sent_registration(bea), timezone.now() - timedelta(days=30))
    client.force_login(ada)
    queue = client.get(reverse("grants:registration_queue"))
    assert [registration.pk for registration, _ in queue.context["registrations"]] == [sooner.pk, later.pk]
    html = queue.content.decode()
    assert html.index("Beta Housing Trust") < html.index("Alpha Futures CIC")
    assert "Overdue by" in html
    review = client.get(reverse("grants:registration_review", args=[later.pk])).content.decode()
    assert "Decide by" in review

    client.force_login(alice)
    home = client.get(reverse("grants:home")).content.decode()
    day = london(later.decide_by)
    assert f"We will decide by <strong>{day.day} {day:%B %Y} at 11:59pm</strong>" in home
    assert "That is 10 working days after it arrived" in home


def test_the_team_is_reminded_before_and_when_overdue_once_each_and_afresh_when_sent_again(alice, ada):
    AdminFactory(email="abe@justice.example")
    # Sent on Thursday 2 April 2026, before Easter: day 10 is Monday 20 April.
    registration = arrived(sent_registration(alice), datetime(2026, 4, 2, 11, tzinfo=LONDON))
    assert london(registration.decide_by).date() == date(2026, 4, 20)

    send = registration_services.decision_reminders_send
    assert send(now=datetime(2026, 4, 14, 9, tzinfo=LONDON)) == 0  # 4 working days left
    assert send(now=datetime(2026, 4, 15, 9, tzinfo=LONDON)) == 2  # 3 left: both of the team
    assert send(now=datetime(2026, 4, 16, 9, tzinfo=LONDON)) == 0
    assert send(now=datetime(2026, 4, 21, 0, 1, tzinfo=LONDON)) == 2  # overdue
    assert send(now=datetime(2026, 4, 22, 9, tzinfo=LONDON)) == 0
    assert Message.objects.filter(kind="grants_registration_decision_overdue").count() == 2

    registration_services.registration_decide(
        user=ada, registration=registration, accept=False, reasons="No."
    )
    registration = registration_services.registration_submit(
        user=alice, registration=registration, now=datetime(2026, 4, 23, 10, tzinfo=LONDON)
    )
    assert london(registration.decide_by).date() == date(2026, 5, 8)  # May Day, 4 May, skipped
    assert send(now=datetime(2026, 5, 6, 9, tzinfo=LONDON)) == 2


def test_time_to_decision_is_published_by_quarter(ada):
    period = Period(2026, None, timezone.now())
    for n, working in enumerate((3, 8, 12)):
        organisation = OrganisationFactory(legal_name=f"Charity {n}")
        user = MembershipFactory(organisation=organisation, user__email=f"c{n}@example.org").user
        registration = registered(user, ada)
        arrival = datetime(2026, 7, 1, 10, tzinfo=LONDON)
        Registration.objects.filter(pk=registration.pk).update(
            submitted_at=arrival,
            decide_by=working_days.decide_by(arrival, 10),
            decided_at=datetime.combine(
                working_days.add_working_days(date(2026, 7, 1), working), time(9), LONDON
            ),
        )
    figure = statistics._time_to_decision_figure(period)
    assert figure.rows[1].label == "Quarter 2: July to September"
    # Two of three decided on time: a part of 2 is suppressed.
    assert [cell.text for cell in figure.rows[1].cells] == ["3", "8 working days", "fewer than 3"]
    assert [cell.text for cell in figure.rows[0].cells] == ["0", "none yet", "none yet"]


def test_the_migration_gives_registrations_already_waiting_their_date(alice):
    from django.apps import apps

    migration = importlib.import_module("grants.migrations.0004_decision_clock")
    waiting = arrived(sent_registration(alice), datetime(2026, 4, 2, 11, tzinfo=LONDON))
    Registration.objects.filter(pk=waiting.pk).update(decide_by=None)
    migration.clocks_for_waiting(apps, None)
    waiting.refresh_from_db()
    assert london(waiting.decide_by).date() == date(2026, 4, 20)
