"""The inbox and the e-mail outbox (docs/adr/0003-message-delivery-outbox.md).

A message has a kind and a source and reaches each recipient once; each person has their own read
state; each e-mail address gets one delivery row, written with the change and sent once by its id.
"""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal import emails, selectors, services
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Delivery, Message, MessageRead
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def notice(*, source="tests:notice", subject="Your outcome", text="You passed.", **recipient):
    return services.message_send(
        kind="test_notice", source=source, context={"subject": subject, "text": text}, **recipient
    )


@pytest.fixture
def smtp_fails(monkeypatch):
    """Make sending fail with the given SMTP error, `times` times, then succeed."""

    def fail(error, times=1_000):
        calls = {"n": 0}
        real = emails._email

        def sending(delivery):
            calls["n"] += 1
            if calls["n"] <= times:
                raise error
            real(delivery)

        monkeypatch.setattr(emails, "_email", sending)
        return calls

    return fail


# Recording a message ------------------------------------------------------------------------------


def test_a_message_to_an_organisation_is_one_delivery_per_active_member(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    MembershipFactory(organisation=organisation_a, user__email="gone@alpha.example", user__is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = notice(organisation=organisation_a)

    assert Message.objects.for_user(bob).get() == message
    deliveries = Delivery.objects.filter(message=message)
    assert sorted(deliveries.values_list("address", flat=True)) == [
        "alice@alpha.example",
        "bob@alpha.example",
    ]
    assert set(deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "bob@alpha.example"]
    assert "You passed." in mail.outbox[0].body


def test_the_inbox_links_are_relative_and_the_email_links_absolute(
    organisation_a, alice, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example"
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            kind="test_notice",
            source="tests:links",
            context={
                "subject": "S",
                "text": "T",
                "link": "/qualification/",
                "link_text": "Your qualification",
            },
            organisation=organisation_a,
        )

    assert '<a class="govuk-link" href="/qualification/">Your qualification</a>' in message.body
    body = mail.outbox[0].body
    assert "Your qualification (https://portal.example/qualification/)" in body
    assert f"https://portal.example/messages/{message.pk}/" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_recorded_or_sent_when_the_change_is_rolled_back(organisation_a, alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        notice(organisation=organisation_a)
        raise RuntimeError

    assert not Message.objects.exists()
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_the_same_kind_and_source_reaches_an_organisation_once(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notice(organisation=organisation_a)
        again = notice(organisation=organisation_a, subject="Said twice")

    assert again == first
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_same_kind_and_source_reaches_a_person_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notice(user=alice)
        again = notice(user=alice)

    assert again == first
    assert [email.to for email in mail.outbox] == [["alice@alpha.example"]]


def test_another_source_kind_or_recipient_is_another_message(organisation_a, organisation_b, alice):
    notice(organisation=organisation_a, source="tests:one")
    notice(organisation=organisation_a, source="tests:two")
    notice(organisation=organisation_b, source="tests:one")
    notice(user=alice, source="tests:one")

    assert Message.objects.count() == 4


@pytest.mark.parametrize("recipient", ["organisation", "user"])
def test_the_database_refuses_a_second_message_of_a_kind_and_source(recipient, organisation_a, alice):
    to = (
        {"recipient_organisation": organisation_a}
        if recipient == "organisation"
        else {"recipient_user": alice}
    )
    Message.objects.create(kind="k", source="s:1", subject="a", body="a", **to)

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(kind="k", source="s:1", subject="b", body="b", **to)


def test_a_source_may_be_a_model_instance(organisation_a, alice):
    message = notice(organisation=organisation_a, source=alice)

    assert message.source == f"portal.user:{alice.pk}"


def test_personal_messages_are_not_shown_to_colleagues(alice, bob):
    notice(user=alice)

    assert Message.objects.for_user(alice).count() == 1
    assert Message.objects.for_user(bob).count() == 0


def test_user_text_is_escaped_in_the_stored_body(organisation_a):
    message = notice(organisation=organisation_a, text='<script>alert("x")</script>')

    assert "<script>" not in message.body
    assert "&lt;script&gt;" in message.body


def test_a_subject_longer_than_the_column_is_cut_to_fit(organisation_a):
    message = notice(organisation=organisation_a, subject="An alert " * 40)

    assert len(message.subject) == 200


# Read state ---------------------------------------------------------------------------------------


def test_read_state_is_per_person(organisation_a, alice, bob):
    message = notice(organisation=organisation_a)

    services.message_mark_read(message=message, user=alice)
    services.message_mark_read(message=message, user=alice)

    assert selectors.unread_count(alice) == 0
    assert selectors.unread_count(bob) == 1
    assert MessageRead.objects.count() == 1
    assert [m.is_read for m in selectors.inbox_for_user(bob)] == [False]
    assert [m.is_read for m in selectors.inbox_for_user(alice)] == [True]


def test_opening_a_message_marks_it_read_for_that_person_only(client, organisation_a, alice, bob):
    message = notice(organisation=organisation_a)
    client.force_login(bob)

    response = client.get(reverse("portal:message_detail", args=[message.pk]))

    assert response.status_code == 200
    assert "You passed." in response.content.decode()
    assert selectors.unread_count(bob) == 0
    assert selectors.unread_count(alice) == 1


# Sending one delivery -----------------------------------------------------------------------------


def queued(organisation_a):
    """A message to Alice alone, its delivery written but not yet sent (no commit hook has run)."""
    notice(organisation=organisation_a)
    return Delivery.objects.get()


def test_a_delivery_is_sent_once_however_often_the_task_runs(organisation_a, alice):
    delivery = queued(organisation_a)

    emails.delivery_send(delivery_id=delivery.pk)
    emails.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert len(mail.outbox) == 1


def test_a_delivery_claimed_by_another_worker_is_not_sent_again(organisation_a, alice):
    delivery = queued(organisation_a)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING, claimed_at=timezone.now())

    assert emails.delivery_send(delivery_id=delivery.pk) is None
    assert mail.outbox == []


def test_a_copy_of_a_retry_handed_out_before_its_time_makes_no_attempt(
    organisation_a, alice, settings, smtp_fails
):
    """Redis hands out again, every visibility timeout, a retry waiting for its countdown: such a copy,
    run before the row's time, must not try again early (nor use up the attempts)."""
    settings.DELIVERY_BACKOFF_SECONDS = 60
    delivery = queued(organisation_a)
    smtp_fails(smtplib.SMTPResponseException(451, b"Try again later"), times=1)
    assert emails.delivery_send(delivery_id=delivery.pk, due_by=timezone.now()) == 60

    early = timezone.now() + timedelta(seconds=30)
    assert emails.delivery_send(delivery_id=delivery.pk, due_by=early) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    assert mail.outbox == []

    on_time = delivery.due_at + timedelta(seconds=1)
    assert emails.delivery_send(delivery_id=delivery.pk, due_by=on_time) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_temporary_smtp_error_is_recorded_and_tried_again_after_a_backoff(
    organisation_a, alice, settings, smtp_fails
):
    settings.DELIVERY_BACKOFF_SECONDS = 60
    delivery = queued(organisation_a)
    smtp_fails(smtplib.SMTPResponseException(451, b"Try again later"), times=2)

    assert emails.delivery_send(delivery_id=delivery.pk) == 60
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    assert "451" in delivery.last_error
    assert delivery.due_at > timezone.now() + timedelta(seconds=50)

    assert emails.delivery_send(delivery_id=delivery.pk) == 120  # the wait doubles
    assert emails.delivery_send(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 3)
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_up_to_its_ceiling(settings):
    settings.DELIVERY_BACKOFF_SECONDS, settings.DELIVERY_BACKOFF_MAX_SECONDS = 60, 300

    assert [emails.backoff_seconds(n) for n in range(1, 6)] == [60, 120, 240, 300, 300]


def test_after_the_last_attempt_the_failure_is_recorded(organisation_a, alice, settings, smtp_fails):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    delivery = queued(organisation_a)
    smtp_fails(ConnectionRefusedError(111, "Connection refused"))

    for _ in range(5):
        emails.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)
    assert delivery.failed_at is not None
    assert "Connection refused" in delivery.last_error
    assert list(selectors.failed_deliveries()) == [delivery]


def test_a_permanent_smtp_refusal_fails_at_once(organisation_a, alice, smtp_fails):
    delivery = queued(organisation_a)
    smtp_fails(smtplib.SMTPRecipientsRefused({"alice@alpha.example": (550, b"No such mailbox")}))

    assert emails.delivery_send(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)


def test_the_eager_task_retries_until_sent(
    organisation_a, alice, smtp_fails, django_capture_on_commit_callbacks
):
    smtp_fails(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), times=1)

    with django_capture_on_commit_callbacks(execute=True):
        notice(organisation=organisation_a)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


# The re-queue -------------------------------------------------------------------------------------


def test_the_requeue_finds_deliveries_left_queued_and_takes_back_dead_claims(organisation_a, settings):
    settings.DELIVERY_REQUEUE_AFTER_SECONDS, settings.DELIVERY_LEASE_SECONDS = 300, 600
    now = timezone.now()
    members = [MembershipFactory(organisation=organisation_a) for _ in range(5)]
    notice(organisation=organisation_a)
    lost, fresh, backing_off, dead, alive = (
        Delivery.objects.get(address=member.user.email) for member in members
    )
    Delivery.objects.filter(pk=lost.pk).update(due_at=now - timedelta(minutes=6))
    Delivery.objects.filter(pk=fresh.pk).update(due_at=now - timedelta(minutes=1))
    Delivery.objects.filter(pk=backing_off.pk).update(due_at=now + timedelta(minutes=10), attempts=2)
    Delivery.objects.filter(pk=dead.pk).update(
        status=Delivery.Status.SENDING,
        claimed_at=now - timedelta(minutes=11),
        due_at=now - timedelta(hours=1),
    )
    Delivery.objects.filter(pk=alive.pk).update(
        status=Delivery.Status.SENDING, claimed_at=now - timedelta(minutes=9), due_at=now - timedelta(hours=1)
    )

    assert sorted(emails.deliveries_requeue(now=now)) == sorted([lost.pk, dead.pk])
    assert emails.deliveries_requeue(now=now) == []  # each is given a fresh time
    dead.refresh_from_db()
    assert dead.status == Delivery.Status.QUEUED
    assert "stopped" in dead.last_error


def test_the_beat_schedule_runs_the_requeue_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deliveries-requeue"]

    assert (entry["task"], entry["schedule"]) == ("portal.tasks.deliveries_requeue", 60.0)


def test_the_requeue_task_sends_what_was_left(organisation_a, alice, settings):
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 0
    delivery = queued(organisation_a)  # the broker never heard of it

    from portal.tasks import deliveries_requeue

    assert deliveries_requeue() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert deliveries_requeue() == 0
    assert len(mail.outbox) == 1


def test_a_broker_that_cannot_be_reached_leaves_the_delivery_queued(
    organisation_a, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from portal import tasks

    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.delivery_send, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        message = notice(organisation=organisation_a)

    assert Message.objects.get() == message
    assert Delivery.objects.get().status == Delivery.Status.QUEUED
    assert mail.outbox == []


# Failed e-mails: MoJ admins send them again ------------------------------------------------------


def failed(organisation_a, error="SMTPServerDisconnected: gone"):
    notice(organisation=organisation_a)
    delivery = Delivery.objects.get(address="alice@alpha.example")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=6, last_error=error, failed_at=timezone.now()
    )
    return delivery


def test_an_moj_admin_sends_a_failed_email_again(
    organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    delivery = failed(organisation_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_retry(delivery=delivery, by=ada)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert AuditEvent.objects.filter(action="delivery.retried", actor=ada).exists()
    assert len(mail.outbox) == 1


def test_only_moj_admins_send_failed_emails_again(organisation_a, alice):
    delivery = failed(organisation_a)

    with pytest.raises(RuleBroken):
        services.delivery_retry(delivery=delivery, by=alice)
    with pytest.raises(RuleBroken):
        services.deliveries_retry_failed(by=alice)


def test_an_email_that_has_not_failed_is_not_sent_again(organisation_a, alice, ada):
    delivery = queued(organisation_a)

    with pytest.raises(RuleBroken):
        services.delivery_retry(delivery=delivery, by=ada)


def test_the_failed_emails_page_lists_them_and_sends_them_all_again(client, organisation_a, alice, bob, ada):
    failed(organisation_a, error="SMTPDataError: (554, 'Message rejected')")
    client.force_login(ada)

    page = client.get(reverse("portal:failed_deliveries")).content.decode()
    assert "Message rejected" in page
    assert "alice@alpha.example" in page
    assert "bob@alpha.example" not in page  # Bob's e-mail did not fail

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda callback, **kwargs: callback())
        response = client.post(reverse("portal:failed_deliveries"), follow=True)

    assert "1 e-mail queued to be sent again" in response.content.decode()
    assert not Delivery.objects.filter(status=Delivery.Status.FAILED).exists()
    assert AuditEvent.objects.filter(action="delivery.retried_all").exists()
    assert [email.to for email in mail.outbox] == [["alice@alpha.example"]]


def test_the_dashboard_links_moj_admins_to_failed_emails(client, organisation_a, alice, ada):
    failed(organisation_a)
    client.force_login(ada)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert reverse("portal:failed_deliveries") in page
    assert "Failed e-mails (1 to look at)" in page


# Fan-out ------------------------------------------------------------------------------------------


def test_the_bulk_service_sends_to_many_in_a_few_queries(django_assert_max_num_queries):
    organisations = [OrganisationFactory() for _ in range(30)]
    for organisation in organisations:
        MembershipFactory(organisation=organisation)
        MembershipFactory(organisation=organisation)
    people = [UserFactory() for _ in range(10)]

    # PostgreSQL: 6 queries and a savepoint; SQLite splits the deliveries' insert into batches.
    with django_assert_max_num_queries(10):
        created = services.messages_send_bulk(
            kind="test_notice",
            source="tests:alert",
            context={"subject": "A new opportunity", "text": "Have a look."},
            organisations=organisations,
            users=people,
        )

    assert created == 40
    assert Delivery.objects.count() == 70


def test_the_bulk_service_is_safe_to_run_twice(organisation_a, organisation_b, alice, bea, bob):
    notice(organisation=organisation_a, source="tests:alert")  # A had it already

    created = services.messages_send_bulk(
        kind="test_notice",
        source="tests:alert",
        context={"subject": "Alert", "text": "Once."},
        organisations=[organisation_a, organisation_b.pk],
    )
    again = services.messages_send_bulk(
        kind="test_notice",
        source="tests:alert",
        context={"subject": "Alert", "text": "Once."},
        organisations=[organisation_a, organisation_b],
    )

    assert (created, again) == (1, 0)
    assert Message.objects.count() == 2
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "alice@alpha.example",
        "bea@beta.example",
        "bob@alpha.example",
    ]


def test_the_bulk_service_queues_its_deliveries_after_commit(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_send_bulk(
            kind="test_notice",
            source="tests:alert",
            context={"subject": "Alert", "text": "Once."},
            organisations=[organisation_a],
        )

    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "bob@alpha.example"]


def test_the_sender_says_per_person_what_each_e_mail_adds_or_that_there_is_none_now(
    organisation_a, alice, bob
):
    def personal(user_id: int) -> str | None:
        return None if user_id == bob.pk else f"\n\nYour own link: /personal/{user_id}/"

    services.messages_send_bulk(
        kind="test_notice",
        source="tests:alert",
        context={"subject": "Alert", "text": "Once."},
        organisations=[organisation_a],
        personal=personal,
    )

    delivery = Delivery.objects.get()  # none for bob: he wants no e-mail now
    assert delivery.address == "alice@alpha.example"
    assert "Once." in delivery.body_text and f"Your own link: /personal/{alice.pk}/" in delivery.body_text
    assert Message.objects.get().recipient_organisation == organisation_a  # the inbox has it all the same


# E-mails that are not messages --------------------------------------------------------------------


def test_invitations_are_deliveries_whose_secret_link_is_not_kept_once_sent(
    organisation_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            organisation=organisation_a, invited_by=alice, email="new@alpha.example", as_admin=False
        )

    delivery = Delivery.objects.get(kind="invitation")
    assert (delivery.address, delivery.status, delivery.body_text) == ("new@alpha.example", "sent", "")
    assert "/invitations/" in mail.outbox[0].body


def test_account_emails_go_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "sam@newcharity.example",
                "password1": "a-long-passphrase",
                "password2": "a-long-passphrase",
            },
        )

    delivery = Delivery.objects.get()
    assert delivery.kind == "account.email_confirmation_signup"
    assert delivery.status == Delivery.Status.SENT
    assert mail.outbox[0].to == ["sam@newcharity.example"]


# Wording as plain text ----------------------------------------------------------------------------


def test_plain_text_keeps_paragraphs_lists_and_links():
    html = (
        '<p class="govuk-body">Dear <strong>Alpha</strong>,</p><h2>Your categories</h2>'
        "<ul><li>Women</li><li>Accommodation &amp; housing</li></ul>"
        '<p>Read <a href="/letter/">your letter</a> or <a href="https://gov.uk">https://gov.uk</a>.<br>Thanks</p>'
    )

    assert emails.plain_text(html, site_url="https://portal.example") == (
        "Dear Alpha,\n\nYour categories\n\n- Women\n- Accommodation & housing\n\n"
        "Read your letter (https://portal.example/letter/) or https://gov.uk.\nThanks"
    )


# Messages from before kinds -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_messages_become_legacy_with_html_bodies_and_personal_reads_kept():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("portal", "0005_single_line_names")]
    executor = MigrationExecutor(connection)
    # Forward again to every app's latest migration, not only portal 0006: going back to 0005 also undid
    # the migrations that depend on it, which the tests after this one need.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        person = old.get_model("portal", "User").objects.create(email="old@example.com", role="supplier")
        read = old.get_model("portal", "Message").objects.create(
            recipient_user=person, subject="Old", body="Line one\n\n<b>two</b>", read_at=timezone.now()
        )
    finally:
        MigrationExecutor(connection).migrate(latest)

    message = Message.objects.get(pk=read.pk)
    assert (message.kind, message.source) == ("legacy", f"portal.message:{read.pk}")
    assert message.body == "<p>Line one</p>\n\n<p>&lt;b&gt;two&lt;/b&gt;</p>"
    assert MessageRead.objects.filter(message=message, user_id=person.pk).exists()
    assert not Delivery.objects.exists()
