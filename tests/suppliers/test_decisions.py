"""Assessing a Selection Questionnaire: category outcomes, exclusion decisions, the overall outcome."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Message
from suppliers import selectors, services
from suppliers.models import Application, CategoryChoice, OrganisationRegion, Qualification
from tests.suppliers.factories import (
    decide,
    decided_application,
    exclusion_answers,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def qualified_codes(organisation) -> list[str]:
    return sorted(
        Qualification.objects.filter(organisation=organisation).values_list("category__code", flat=True)
    )


def region_codes(organisation) -> list[str]:
    return sorted(
        OrganisationRegion.objects.filter(organisation=organisation).values_list("region__code", flat=True)
    )


def choice(application, code: str) -> CategoryChoice:
    return application.category_choices.select_related("category").get(category__code=code)


def test_one_pass_and_one_fail_is_successful_and_qualifies_for_exactly_the_pass(
    organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    services.category_outcome_record(
        choice=choice(application, "accommodation"), admin=ada, outcome="pass", feedback=""
    )
    services.category_outcome_record(
        choice=choice(application, "women"),
        admin=ada,
        outcome="fail",
        feedback="The case studies were not about women.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, admin=ada)

    application.refresh_from_db()
    assert (application.status, application.outcome) == ("decided", "successful")
    assert application.exclusion_decision == Application.ExclusionDecision.NOT_NEEDED
    assert qualified_codes(organisation_a) == ["accommodation"]
    assert region_codes(organisation_a) == ["north-east", "yorkshire-humber"]
    message = Message.objects.get(recipient_organisation=organisation_a, subject__contains="successful")
    assert "The case studies were not about women." in message.body
    assert "Women: not passed" in message.body
    assert f"/qualification/{application.pk}/outcome-letter/" in message.body
    assert any("not about women" in email.body for email in mail.outbox)
    assert AuditEvent.objects.filter(action="sq.decided", actor=ada).exists()
    assert AuditEvent.objects.filter(action="sq.category_assessed").count() == 2


def test_qualified_for_is_categories_times_regions(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, categories=("accommodation", "women")), ada)

    pairs = {(c.code, r.code) for c, r in selectors.qualified_for(organisation_a)}

    assert pairs == {
        ("accommodation", "north-east"),
        ("accommodation", "yorkshire-humber"),
        ("women", "north-east"),
        ("women", "yorkshire-humber"),
    }


def test_a_fail_needs_feedback(organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice)

    with pytest.raises(RuleBroken, match="feedback") as refusal:
        services.category_outcome_record(
            choice=choice(application, "accommodation"), admin=ada, outcome="fail", feedback="  "
        )
    assert refusal.value.field == "feedback"


def test_every_new_category_must_be_decided_first(organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    services.category_outcome_record(
        choice=choice(application, "women"), admin=ada, outcome="pass", feedback=""
    )

    with pytest.raises(RuleBroken, match="Not decided: Accommodation"):
        services.application_decide(application=application, admin=ada)


def test_all_failing_is_unsuccessful_and_says_how_many_attempts_are_left(organisation_a, alice, ada):
    application = decide(submitted_application(organisation_a, alice), ada, accommodation="fail")

    assert application.outcome == Application.Outcome.UNSUCCESSFUL
    assert qualified_codes(organisation_a) == []
    assert region_codes(organisation_a) == []
    body = Message.objects.get(subject__contains="unsuccessful").body
    assert "You can apply 2 more times. If those are all unsuccessful, you must wait 6 months" in body


def test_a_third_unsuccessful_outcome_gives_the_date_to_apply_again(organisation_a, alice, ada):
    today = timezone.localdate()
    decided_application(organisation_a, on=today - timedelta(days=20), successful=False)
    decided_application(organisation_a, on=today - timedelta(days=10), successful=False)

    decide(submitted_application(organisation_a, alice), ada, accommodation="fail")

    status = selectors.retry_status_for(organisation_a)
    assert not status.can_apply
    assert "You can apply again from" in Message.objects.get(subject__contains="unsuccessful").body
    with pytest.raises(RuleBroken, match="wait six months"):
        services.application_start(organisation=organisation_a, user=alice)


def test_an_update_asking_for_nothing_new_does_not_reset_the_count_of_unsuccessful_attempts(
    organisation_a, alice, ada
):
    today = timezone.localdate()
    first = decide(submitted_application(organisation_a, alice, categories=("accommodation",)), ada)
    Application.objects.filter(pk=first.pk).update(decided_at=timezone.now() - timedelta(days=30))
    decided_application(organisation_a, on=today, successful=False)
    decided_application(organisation_a, on=today, successful=False)

    update = decide(submitted_application(organisation_a, alice, categories=("accommodation",)), ada)

    assert update.outcome == Application.Outcome.SUCCESSFUL  # nothing new failed, nothing new passed
    status = selectors.retry_status_for(organisation_a)
    assert (status.attempts_used, status.attempts_left) == (2, 1)


def test_an_application_in_which_a_category_passes_resets_the_count(organisation_a, alice, ada):
    # Decided yesterday at noon: today's noon is still to come before midday, after the decision below.
    yesterday = timezone.localdate() - timedelta(days=1)
    decided_application(organisation_a, on=yesterday, successful=False)
    decided_application(organisation_a, on=yesterday, successful=False)

    decide(submitted_application(organisation_a, alice), ada)

    assert selectors.retry_status_for(organisation_a).attempts_used == 0


# Exclusion ----------------------------------------------------------------------------------------


def test_a_mandatory_yes_needs_an_exclusion_decision_before_deciding(organisation_a, alice, ada):
    application = submitted_application(
        organisation_a, alice, exclusion=exclusion_answers(fraud="A conviction.")
    )
    services.category_outcome_record(
        choice=choice(application, "accommodation"), admin=ada, outcome="pass", feedback=""
    )

    with pytest.raises(RuleBroken, match="exclusion decision"):
        services.application_decide(application=application, admin=ada)


def test_a_mandatory_yes_without_accepted_self_cleaning_fails_every_category(organisation_a, alice, ada):
    application = submitted_application(
        organisation_a,
        alice,
        categories=("accommodation", "women"),
        exclusion=exclusion_answers(fraud="2021."),
    )
    services.category_outcome_record(
        choice=choice(application, "accommodation"), admin=ada, outcome="pass", feedback=""
    )
    services.exclusion_decide(
        application=application, admin=ada, decision="excluded", note="No evidence of self-cleaning."
    )

    services.application_decide(application=application, admin=ada)

    assert application.outcome == Application.Outcome.UNSUCCESSFUL
    assert set(application.category_choices.values_list("outcome", flat=True)) == {"fail"}
    assert qualified_codes(organisation_a) == []
    assert "No evidence of self-cleaning." in Message.objects.get(subject__contains="unsuccessful").body


def test_accepted_self_cleaning_lets_the_categories_decide(organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice, exclusion=exclusion_answers(fraud="2015."))
    services.exclusion_decide(
        application=application, admin=ada, decision="accepted", note="New board; independent audit."
    )

    decide(application, ada)

    assert application.outcome == Application.Outcome.SUCCESSFUL
    assert qualified_codes(organisation_a) == ["accommodation"]


def test_a_discretionary_yes_also_goes_to_a_person(organisation_a, alice, ada):
    application = submitted_application(
        organisation_a, alice, exclusion=exclusion_answers(poor_past_performance="A contract ended early.")
    )

    with pytest.raises(RuleBroken, match="exclusion decision"):
        decide(application, ada)


@pytest.mark.parametrize(
    ("grounds", "decision", "note", "message"),
    [
        ({"fraud": "2015."}, "not_needed", "", "answered yes"),
        ({"fraud": "2015."}, "accepted", "", "Explain"),
        ({}, "accepted", "Fine.", "nothing to accept"),
        ({}, "maybe", "", "Select a decision"),
    ],
)
def test_exclusion_decisions_that_are_refused(organisation_a, alice, ada, grounds, decision, note, message):
    application = submitted_application(organisation_a, alice, exclusion=exclusion_answers(**grounds))

    with pytest.raises(RuleBroken, match=message):
        services.exclusion_decide(application=application, admin=ada, decision=decision, note=note)


# Updates ------------------------------------------------------------------------------------------


def test_an_update_assesses_only_new_categories_and_keeps_what_was_qualified(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, categories=("accommodation",)), ada)
    update = submitted_application(
        organisation_a,
        alice,
        categories=("accommodation", "women"),
        regions={"all_regions": False, "regions": ["london"]},
    )

    with pytest.raises(RuleBroken, match="already qualified"):
        services.category_outcome_record(
            choice=choice(update, "accommodation"), admin=ada, outcome="fail", feedback="No."
        )
    decide(update, ada, women="fail")

    assert update.outcome == Application.Outcome.UNSUCCESSFUL
    assert qualified_codes(organisation_a) == ["accommodation"]
    assert region_codes(organisation_a) == ["london"]  # still qualified, so its regions are recorded


def test_an_update_with_only_new_regions_is_successful(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice), ada)

    update = decide(submitted_application(organisation_a, alice, regions={"all_regions": True}), ada)

    assert update.outcome == Application.Outcome.SUCCESSFUL
    assert len(region_codes(organisation_a)) == 12
    assert Qualification.objects.get(organisation=organisation_a).granted_by.number == 1


# Who may decide, and when -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_only_moj_admins_record_outcomes(organisation_a, alice, request, persona):
    application = submitted_application(organisation_a, alice)
    user = request.getfixturevalue(persona)

    with pytest.raises(RuleBroken, match="Only MoJ admins"):
        services.category_outcome_record(
            choice=choice(application, "accommodation"), admin=user, outcome="pass", feedback=""
        )
    with pytest.raises(RuleBroken, match="Only MoJ admins"):
        services.exclusion_decide(application=application, admin=user, decision="not_needed", note="")
    with pytest.raises(RuleBroken, match="Only MoJ admins"):
        services.application_decide(application=application, admin=user)
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED


def test_a_draft_or_decided_application_cannot_be_decided(organisation_a, alice, ada):
    decided = decide(submitted_application(organisation_a, alice), ada)
    draft = services.application_start(organisation=organisation_a, user=alice)

    for application in (decided, draft):
        with pytest.raises(RuleBroken, match="not been decided"):
            services.application_decide(application=application, admin=ada)
    with pytest.raises(RuleBroken, match="not been decided"):
        services.category_outcome_record(
            choice=choice(decided, "accommodation"), admin=ada, outcome="fail", feedback="Changed my mind."
        )
