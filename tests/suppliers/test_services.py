"""Filling in and submitting a Selection Questionnaire: starting, saving sections, submitting."""

from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Message
from suppliers import sections, selectors, services
from suppliers.models import Application, CategoryChoice, FrameworkAgreement, Qualification
from tests.suppliers.factories import (
    FrameworkAgreementFactory,
    case_study,
    category,
    complete_application,
    decide,
    decided_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


# Starting -----------------------------------------------------------------------------------------


def test_starting_prefills_the_organisation_section_from_the_profile_but_leaves_it_to_confirm(
    organisation_a, alice
):
    application = services.application_start(organisation=organisation_a, user=alice)

    assert (application.number, application.status) == (1, Application.Status.DRAFT)
    assert application.answers["organisation"]["legal_name"] == "Alpha Futures CIC"
    assert sections.section_status(application, "organisation") == sections.IN_PROGRESS
    assert sections.section_status(application, "financial") == sections.NOT_STARTED
    assert AuditEvent.objects.filter(action="sq.started", object_id=str(application.pk)).exists()


def test_starting_again_returns_the_draft_already_open(organisation_a, alice, bob):
    first = services.application_start(organisation=organisation_a, user=alice)

    assert services.application_start(organisation=organisation_a, user=bob) == first
    assert Application.objects.count() == 1


def test_someone_from_another_organisation_cannot_start_or_edit(organisation_a, alice, bea):
    with pytest.raises(RuleBroken):
        services.application_start(organisation=organisation_a, user=bea)
    application = services.application_start(organisation=organisation_a, user=alice)
    with pytest.raises(RuleBroken):
        services.section_save(application=application, user=bea, slug="cyber", data={}, mark_complete=False)


def test_a_later_version_starts_from_the_previous_answers_but_every_section_needs_confirming(
    organisation_a, alice, ada
):
    first = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    decide(first, ada, women="fail")

    second = services.application_start(organisation=organisation_a, user=alice)

    assert second.number == 2
    assert second.answers["financial"] == first.answers["financial"]
    assert "agreement" not in second.answers and "declaration" not in second.answers
    assert sorted(second.category_choices.values_list("category__code", flat=True)) == [
        "accommodation",
        "women",
    ]
    statuses = sections.section_statuses(second)
    assert sections.COMPLETED not in statuses.values()
    assert statuses["declaration"] == sections.NOT_STARTED


def test_starting_is_refused_during_a_wait(organisation_a, alice):
    today = timezone.localdate()
    for days_ago in (60, 30, 10):
        decided_application(organisation_a, on=today - timedelta(days=days_ago), successful=False)

    with pytest.raises(RuleBroken, match="You can apply again from"):
        services.application_start(organisation=organisation_a, user=alice)


# Saving sections -----------------------------------------------------------------------------------


def test_an_invalid_section_is_saved_but_not_marked_complete(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)

    errors = services.section_save(
        application=application,
        user=alice,
        slug="cyber",
        data={"level": "cyber_essentials"},
        mark_complete=True,
    )

    assert set(errors) == {"certificate_number", "expiry_date"}
    application.refresh_from_db()
    assert application.answers["cyber"] == {"level": "cyber_essentials"}
    assert sections.section_status(application, "cyber") == sections.IN_PROGRESS


def test_a_valid_section_saved_as_complete_is_completed_and_audited(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    data = {
        "level": "iasme_gold",
        "certificate_number": "G-1",
        "expiry_date": date.today() + timedelta(days=90),
    }

    assert (
        services.section_save(
            application=application, user=alice, slug="cyber", data=data, mark_complete=True
        )
        == {}
    )

    application.refresh_from_db()
    assert application.answers["cyber"]["expiry_date"] == (date.today() + timedelta(days=90)).isoformat()
    assert sections.section_status(application, "cyber") == sections.COMPLETED
    assert AuditEvent.objects.filter(action="sq.section_saved", changes__section="cyber").exists()


def test_saving_without_marking_complete_puts_the_section_back_in_progress(organisation_a, alice):
    application = complete_application(organisation_a, alice)

    services.section_save(
        application=application, user=alice, slug="declaration", data={"full_name": "A"}, mark_complete=False
    )

    assert sections.section_status(application, "declaration") == sections.IN_PROGRESS


def test_only_the_section_fields_are_kept(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    data = {"level": "none", "is_admin": True}

    services.section_save(application=application, user=alice, slug="cyber", data=data, mark_complete=True)

    assert application.answers["cyber"] == {"level": "none"}


def test_a_saved_choice_reports_what_is_missing(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    choice = services.category_choice_save(
        application=application,
        user=alice,
        category=category("women"),
        descriptor="",
        case_studies=[case_study(end_date="2020-01-01")],
    )

    assert set(sections.choice_errors(choice.descriptor, choice.case_studies)) == {
        "descriptor",
        "case_studies",
    }
    assert sections.section_status(application, "categories") == sections.IN_PROGRESS


def test_a_closed_category_cannot_be_chosen(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    closed = category("women")
    closed.is_active = False
    closed.save()

    with pytest.raises(RuleBroken, match="not open"):
        services.category_choice_save(
            application=application, user=alice, category=closed, descriptor="x", case_studies=[]
        )


def test_removing_a_category(organisation_a, alice):
    application = complete_application(organisation_a, alice, categories=("accommodation", "women"))

    services.category_choice_remove(
        choice=application.category_choices.get(category__code="women"), user=alice
    )

    assert list(application.category_choices.values_list("category__code", flat=True)) == ["accommodation"]


def test_only_the_current_agreement_can_be_accepted(organisation_a, alice):
    old = FrameworkAgreementFactory(is_current=False)
    application = services.application_start(organisation=organisation_a, user=alice)

    with pytest.raises(RuleBroken, match="replaced"):
        services.agreement_accept(application=application, user=alice, agreement=old)


def test_accepting_the_agreement_records_who_and_which_version(organisation_a, alice):
    agreement = FrameworkAgreementFactory()
    application = services.application_start(organisation=organisation_a, user=alice)

    services.agreement_accept(application=application, user=alice, agreement=agreement)

    accepted = Application.objects.get(pk=application.pk).answers["agreement"]
    assert (accepted["version"], accepted["accepted_by_email"]) == (agreement.version, "alice@alpha.example")
    assert sections.section_status(application, "agreement") == sections.COMPLETED


# Submitting ---------------------------------------------------------------------------------------


def test_submitting_freezes_a_snapshot_and_sends_a_receipt_to_every_member(
    organisation_a, alice, bob, django_capture_on_commit_callbacks
):
    application = complete_application(organisation_a, alice)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, user=bob)

    application.refresh_from_db()
    assert (application.status, application.submitted_by) == (Application.Status.SUBMITTED, bob)
    assert application.snapshot["answers"]["cyber"]["level"] == "cyber_essentials"
    assert application.snapshot["categories"][0]["category"] == "accommodation"
    assert application.snapshot["organisation"]["legal_name"] == "Alpha Futures CIC"
    message = Message.objects.get(recipient_organisation=organisation_a)
    assert message.subject == "We have received your Selection Questionnaire"
    assert sorted(email.to[0] for email in mail.outbox) == ["alice@alpha.example", "bob@alpha.example"]
    assert AuditEvent.objects.filter(action="sq.submitted", actor=bob).exists()


def test_submitting_with_a_section_incomplete_is_refused_and_names_it(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    services.section_save(application=application, user=alice, slug="insurance", data={}, mark_complete=True)

    with pytest.raises(RuleBroken, match="Still to complete: Insurance"):
        services.application_submit(application=application, user=alice)

    assert Application.objects.get(pk=application.pk).status == Application.Status.DRAFT
    assert not Message.objects.exists()


def test_every_section_is_checked_again_on_the_server_clock_at_submission(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    expiry = date.fromisoformat(application.answers["cyber"]["expiry_date"])
    after_expiry = timezone.make_aware(datetime.combine(expiry, time(12)))

    with pytest.raises(RuleBroken, match="Cyber security"):
        services.application_submit(application=application, user=alice, now=after_expiry)


def test_a_new_version_of_the_agreement_must_be_accepted_before_submitting(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    FrameworkAgreement.objects.update(is_current=False)
    FrameworkAgreementFactory(version="2.0")

    with pytest.raises(RuleBroken, match="Framework agreement"):
        services.application_submit(application=application, user=alice)


def test_submitting_is_refused_during_a_wait(organisation_a, alice):
    application = complete_application(organisation_a, alice)  # drafted before the third outcome came
    today = timezone.localdate()
    for days_ago in (90, 40, 1):
        decided_application(organisation_a, on=today - timedelta(days=days_ago), successful=False)

    wait_until = selectors.retry_status_for(organisation_a).wait_until
    with pytest.raises(RuleBroken, match="You can apply again from"):
        services.application_submit(application=application, user=alice)
    assert wait_until is not None


def test_submitting_is_refused_while_the_last_application_is_being_assessed(organisation_a, alice):
    submitted_application(organisation_a, alice)
    second = complete_application(organisation_a, alice)

    with pytest.raises(RuleBroken, match="still assessing"):
        services.application_submit(application=second, user=alice)


def test_a_submitted_application_cannot_be_changed(organisation_a, alice):
    application = submitted_application(organisation_a, alice)
    choice = application.category_choices.get()

    with pytest.raises(RuleBroken, match="cannot be changed"):
        services.section_save(application=application, user=alice, slug="cyber", data={}, mark_complete=False)
    with pytest.raises(RuleBroken, match="cannot be changed"):
        services.category_choice_remove(choice=choice, user=alice)
    with pytest.raises(RuleBroken, match="cannot be changed"):
        services.application_submit(application=application, user=alice)
    with pytest.raises(RuleBroken, match="cannot be changed"):
        services.agreement_accept(
            application=application, user=alice, agreement=FrameworkAgreement.objects.get(is_current=True)
        )


def test_only_categories_not_already_qualified_are_marked_new(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, categories=("accommodation",)), ada)

    update = submitted_application(organisation_a, alice, categories=("accommodation", "women"))

    new = dict(update.category_choices.values_list("category__code", "is_new"))
    assert new == {"accommodation": False, "women": True}
    assert Qualification.objects.filter(organisation=organisation_a).count() == 1
    assert CategoryChoice.objects.filter(application=update, outcome="pending").count() == 2


# Invariants the database keeps ------------------------------------------------------------------


def test_the_database_allows_one_draft_per_organisation(organisation_a, alice):
    services.application_start(organisation=organisation_a, user=alice)

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(organisation=organisation_a, number=2, created_by=alice)


def test_the_database_refuses_an_outcome_without_a_decision(organisation_a, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            organisation=organisation_a, number=1, created_by=alice, outcome="successful"
        )


def test_if_the_audit_row_cannot_be_written_nothing_is_submitted(organisation_a, alice):
    application = complete_application(organisation_a, alice)

    with (
        mock.patch("suppliers.services.audit_record", side_effect=DatabaseError("audit unavailable")),
        pytest.raises(DatabaseError),
    ):
        services.application_submit(application=application, user=alice)

    assert Application.objects.get(pk=application.pk).status == Application.Status.DRAFT
    assert not Message.objects.exists()
