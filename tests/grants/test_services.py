"""The grants portal's rules, each judged by the services (the only way anything changes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from grants import alerts, rules
from grants.models import GrantApplication, GrantRound, Registration
from grants.services import applications, rounds
from grants.services import registration as registration_services
from portal.exceptions import RuleBroken
from portal.models import Message, Region
from tests.factories import MembershipFactory
from tests.grants import factories as f
from tests.suppliers.test_standing import standing_for

# Registration ------------------------------------------------------------------------------------


def test_a_registration_starts_from_the_organisation_profile(alice, organisation_a):
    registration = registration_services.registration_for(organisation_a)
    assert registration.pk is None
    assert registration.answers["legal_form"] == organisation_a.legal_form
    assert registration.answers["charity_number"] == organisation_a.charity_number


def test_a_registration_is_not_sent_without_answers_and_accounts(alice, organisation_a):
    registration = registration_services.registration_save(
        user=alice, organisation=organisation_a, answers={"trustees": "x"}
    )
    with pytest.raises(RuleBroken) as refused:
        registration_services.registration_submit(user=alice, registration=registration)
    fields = {problem.field for problem in refused.value.problems}
    assert {"trustees", "annual_income", "regions", "accounts"} <= fields
    registration.refresh_from_db()
    assert registration.status == Registration.Status.DRAFT
    assert registration.answers["trustees"] == "x"  # kept as typed


def test_accepting_a_registration_tells_the_organisation(alice, bob, ada, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = f.registered(alice, ada)
    assert registration.is_registered
    message = Message.objects.get(
        kind=registration_services.REGISTRATION_DECIDED, recipient_organisation=alice.membership.organisation
    )
    assert "accepted" in message.subject
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


def test_a_returned_registration_is_corrected_and_sent_again(alice, ada, django_capture_on_commit_callbacks):
    sent = f.sent_registration(alice)
    with pytest.raises(RuleBroken, match="Enter the reasons"):
        registration_services.registration_decide(user=ada, registration=sent, accept=False, reasons=" ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = registration_services.registration_decide(
            user=ada, registration=sent, accept=False, reasons="Upload 2026 accounts"
        )
    assert returned.status == Registration.Status.RETURNED and not returned.is_registered
    assert "Upload 2026 accounts" in mail.outbox[-1].body
    corrected = registration_services.registration_save(
        user=alice,
        organisation=returned.organisation,
        answers=f.registration_answers(),
        accounts=f.accounts(),
    )
    again = registration_services.registration_submit(user=alice, registration=corrected)
    assert again.status == Registration.Status.SUBMITTED
    accepted = registration_services.registration_decide(user=ada, registration=again, accept=True)
    assert accepted.is_registered
    assert (
        Message.objects.filter(kind=registration_services.REGISTRATION_DECIDED).count() == 2
    )  # one per decision


def test_a_sent_registration_cannot_be_changed_until_decided(alice, organisation_a):
    f.sent_registration(alice)
    with pytest.raises(RuleBroken, match="with the grants team"):
        registration_services.registration_save(
            user=alice, organisation=organisation_a, answers=f.registration_answers()
        )


def test_only_the_grants_team_decides_and_only_members_register(alice, bea, carol, organisation_a):
    sent = f.sent_registration(alice)
    with pytest.raises(RuleBroken):
        registration_services.registration_decide(user=carol, registration=sent, accept=True)
    with pytest.raises(RuleBroken):
        registration_services.registration_save(user=bea, organisation=organisation_a, answers={})


# Grant rounds ------------------------------------------------------------------------------------


def test_a_commissioner_runs_rounds_only_in_their_own_regions(colin, carol):
    with pytest.raises(RuleBroken, match="regions you commission for"):
        rounds.round_save(user=colin, data=f.round_data())
    assert rounds.round_save(user=carol, data=f.round_data()).pk


def test_the_defaults_follow_the_public_scheme():
    field = GrantRound._meta.get_field
    assert field("min_award_pence").default == 8_000_00
    assert field("max_award_pence").default == 250_000_00
    assert field("max_duration_months").default == 36
    assert field("income_multiple").default == 2


@pytest.mark.parametrize("months", [0, 37])
def test_the_longest_duration_is_36_months(carol, months):
    with pytest.raises(RuleBroken, match="36"):
        rounds.round_save(user=carol, data=f.round_data(max_duration_months=months))


@given(weightings=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6))
@settings(max_examples=40)
def test_criteria_weightings_must_total_100_with_none_at_0(weightings):
    criteria = [(f"Criterion {n}", weighting) for n, weighting in enumerate(weightings)]
    assert (rules.criteria_problems(criteria) == []) == (sum(weightings) == 100 and min(weightings) > 0)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([("Need", 100), ("Value", 0)], "Each criterion's weighting must be more than 0%"),
        ([("Need", 50), ("need ", 50)], "Give each criterion a different name"),
        ([("Need", 60), ("Value", 39)], "The weightings must add up to 100%: they add up to 99%"),
    ],
)
def test_a_rounds_criteria_are_judged_by_the_call_offs_rule(carol, criteria, message):
    """One judge of weightings (issue 17 point 4): the same refusal, word for word, on both paths."""
    from calloffs.rules import CriterionTerms
    from calloffs.rules import criteria_problems as calloff_problems

    grant_round = rounds.round_save(user=carol, data=f.round_data())
    with pytest.raises(RuleBroken) as refused:
        rounds.round_criteria_set(user=carol, grant_round=grant_round, criteria=criteria)
    assert message in [problem.message for problem in refused.value.problems]
    terms = [CriterionTerms(name, weighting, "How well", None) for name, weighting in criteria]
    assert message in [problem.message for problem in calloff_problems(terms)]
    assert not grant_round.criteria.exists()


def test_a_round_is_published_only_with_questions_and_criteria(carol):
    grant_round = rounds.round_save(user=carol, data=f.round_data())
    with pytest.raises(RuleBroken) as refused:
        rounds.round_publish(user=carol, grant_round=grant_round)
    assert {p.field for p in refused.value.problems} == {"questions", "criteria"}


def test_stored_questions_are_engine_data(carol):
    grant_round = f.publishable_round(carol)
    kinds = [q["kind"] for q in grant_round.questions]
    assert kinds == ["long_text", "text", "choice"]
    assert grant_round.questions[0]["word_limit"] == 200


def test_an_open_round_is_frozen_and_amended_as_a_new_version(
    carol, alice, ada, django_capture_on_commit_callbacks
):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    applications.application_start(user=alice, grant_round=grant_round)
    with pytest.raises(RuleBroken, match="amend"):
        rounds.round_question_add(
            user=carol,
            grant_round=grant_round,
            label="New",
            hint="",
            kind="text",
            required=True,
            word_limit=None,
            choices=[],
        )
    questions = [dict(q) for q in grant_round.questions]
    questions[1]["label"] = "How many women will you support each year?"
    with django_capture_on_commit_callbacks(execute=True):
        amended = rounds.round_amend(
            user=carol, grant_round=grant_round, note="Clearer question 2", questions=questions
        )
    assert amended.version == 2
    assert amended.amended_keys == [questions[1]["key"]]
    message = Message.objects.get(kind=rounds.ROUND_AMENDED)
    assert message.recipient_organisation_id == alice.membership.organisation_id
    assert "How many women will you support each year?" in message.body


def test_a_cancelled_round_takes_no_applications(carol, alice, ada):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    with pytest.raises(RuleBroken, match="reason"):
        rounds.round_cancel(user=carol, grant_round=grant_round, reason="")
    rounds.round_cancel(user=carol, grant_round=grant_round, reason="The fund was withdrawn")
    with pytest.raises(RuleBroken, match="not open"):
        applications.application_start(user=alice, grant_round=grant_round)


def test_an_application_started_before_its_round_was_cancelled_can_no_longer_be_changed(carol, alice, ada):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.ready_application(alice, grant_round)
    rounds.round_cancel(user=carol, grant_round=grant_round, reason="The fund was withdrawn")
    for change in (
        lambda: applications.application_answers_save(
            user=alice, application=application, answers=f.good_answers(grant_round)
        ),
        lambda: applications.application_submit(
            user=alice, application=application, signed_name="Alice Able", signed_role="Director"
        ),
    ):
        with pytest.raises(RuleBroken, match="has been cancelled"):
            change()
    application.refresh_from_db()
    assert not application.is_submitted


# Alerts ------------------------------------------------------------------------------------------


def test_an_opening_round_alerts_only_registered_organisations_in_its_regions_once(
    carol, ada, alice, bea, django_capture_on_commit_callbacks
):
    f.registered(alice, ada, regions=("north-east",))
    f.registered(bea, ada, regions=("london",))
    sent_only = MembershipFactory()
    f.sent_registration(sent_only.user)  # not yet accepted
    framework_only = MembershipFactory().organisation
    # Qualified on the framework in the North East, but not registered for grants:
    standing_for(framework_only, regions=("north-east",))
    with django_capture_on_commit_callbacks(execute=True):
        grant_round = f.open_round(carol)
    organisation_ids = set(
        Message.objects.filter(kind=alerts.ROUND_OPENED).values_list("recipient_organisation_id", flat=True)
    )
    assert organisation_ids == {alice.membership.organisation_id}
    assert alerts.round_opened_alerts_send(round_id=grant_round.pk) == 0  # once


def test_a_change_of_regions_counts_at_once_for_alerts(
    carol, ada, alice, organisation_a, django_capture_on_commit_callbacks
):
    f.registered(alice, ada, regions=("london",))
    registration_services.registration_save(
        user=alice,
        organisation=organisation_a,
        answers=f.registration_answers(regions=("london", "north-east")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        f.open_round(carol)
    assert Message.objects.filter(kind=alerts.ROUND_OPENED, recipient_organisation=organisation_a).exists()


def test_a_round_not_yet_open_alerts_nobody_until_it_opens(
    carol, ada, alice, django_capture_on_commit_callbacks
):
    f.registered(alice, ada)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        grant_round = f.open_round(carol, now=now, opens_at=now + timedelta(days=2))
    assert not Message.objects.filter(kind=alerts.ROUND_OPENED).exists()
    assert alerts.round_opened_alerts_send(round_id=grant_round.pk, now=now + timedelta(days=2)) == 1


def test_the_reminder_goes_7_days_before_closing_to_unsent_applications_only(carol, ada, alice, bea):
    f.registered(alice, ada)
    f.registered(bea, ada)
    grant_round = f.open_round(carol)
    applications.application_start(user=alice, grant_round=grant_round)
    f.submitted_application(bea, grant_round)
    assert alerts.closing_reminders_send(now=grant_round.closes_at - timedelta(days=8)) == 0
    assert alerts.closing_reminders_send(now=grant_round.closes_at - timedelta(days=7)) == 1
    assert alerts.closing_reminders_send(now=grant_round.closes_at - timedelta(days=6)) == 0  # once
    reminded = Message.objects.filter(kind=alerts.ROUND_CLOSING).values_list(
        "recipient_organisation_id", flat=True
    )
    assert list(reminded) == [alice.membership.organisation_id]


# Applications ------------------------------------------------------------------------------------


def test_only_registered_organisations_in_the_rounds_regions_apply(carol, ada, alice, bea):
    grant_round = f.open_round(carol)
    with pytest.raises(RuleBroken, match="register for grants"):
        applications.application_start(user=alice, grant_round=grant_round)
    f.registered(bea, ada, regions=("london",))
    with pytest.raises(RuleBroken, match="regions"):
        applications.application_start(user=bea, grant_round=grant_round)


def test_one_application_per_organisation_per_round(carol, ada, alice, bob):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    first = applications.application_start(user=alice, grant_round=grant_round)
    assert applications.application_start(user=bob, grant_round=grant_round) == first
    assert GrantApplication.objects.count() == 1


def test_an_ineligible_answer_stops_the_application_with_its_reason_and_may_be_changed(carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = applications.application_start(user=alice, grant_round=grant_round)
    key = grant_round.eligibility_questions[0]["key"]
    reason = applications.application_eligibility_answer(
        user=alice, application=application, answers={key: False}
    )
    assert reason == f.ELIGIBILITY_REASON
    with pytest.raises(RuleBroken, match="eligibility"):
        applications.application_answers_save(user=alice, application=application, answers={})
    assert (
        applications.application_eligibility_answer(user=alice, application=application, answers={key: True})
        is None
    )
    application.refresh_from_db()
    assert application.eligibility_passed and application.status == GrantApplication.Status.DRAFT


def test_a_round_for_some_kinds_of_organisation_stops_others(carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.open_round(carol, organisation_kinds=["cic"])
    application = applications.application_start(user=alice, grant_round=grant_round)
    key = grant_round.eligibility_questions[0]["key"]
    reason = applications.application_eligibility_answer(
        user=alice, application=application, answers={key: True}
    )
    assert reason and "kind of organisation" in reason


@pytest.mark.parametrize(
    ("amount", "problem"),
    [("7,999", "smallest"), ("8,000", None), ("100,000", None), ("100,001", "largest")],
)
def test_each_years_total_is_within_the_rounds_limits(carol, ada, alice, amount, problem):
    f.registered(alice, ada, income="10,000,000")
    application = f.ready_application(alice, f.open_round(carol))
    problems = applications.application_budget_save(
        user=alice, application=application, lines=[{"year": 1, "item": "Staff", "amount": amount}]
    )
    assert [p.message for p in problems if problem and problem in p.message] or (not problem and not problems)
    application.refresh_from_db()
    assert application.budget == [{"year": 1, "item": "Staff", "amount": amount}]  # kept as typed


def test_a_budget_year_beyond_the_longest_duration_is_refused():
    problems = rules.budget_problems(
        [{"year": 3, "item": "Staff", "amount": "10,000"}], min_pence=0, max_pence=10**9, max_years=2
    )
    assert [p.message for p in problems] == ["Select the year of cost line 1"]


@given(
    income=st.integers(min_value=0, max_value=1_000_000),
    yearly=st.integers(min_value=1, max_value=500_000),
    multiple=st.integers(min_value=0, max_value=4),
)
def test_income_must_be_the_multiple_of_the_largest_yearly_grant(income, yearly, multiple):
    problem = rules.income_problem(
        annual_income_pounds=income, yearly_grant_pence=yearly * 100, multiple=multiple
    )
    assert (problem is None) == (income >= yearly * multiple)


def test_the_income_rule_refuses_the_submission(carol, ada, alice):
    f.registered(alice, ada, income="60,000")  # asks 40,000 a year: needs 80,000
    application = f.ready_application(alice, f.open_round(carol))
    with pytest.raises(RuleBroken) as refused:
        applications.application_submit(user=alice, application=application, signed_name="A", signed_role="B")
    assert any("at least 2 times" in p.message for p in refused.value.problems)


def test_the_income_rule_can_be_switched_off_per_round(carol, ada, alice):
    f.registered(alice, ada, income="60,000")
    application = f.ready_application(alice, f.open_round(carol, income_multiple=0))
    assert applications.application_submit(
        user=alice, application=application, signed_name="A", signed_role="B"
    ).is_submitted


def test_sending_signs_the_declaration_and_sends_a_receipt_and_a_pdf(
    carol, ada, alice, django_capture_on_commit_callbacks
):
    f.registered(alice, ada)
    application = f.ready_application(alice, f.open_round(carol))
    with pytest.raises(RuleBroken) as refused:
        applications.application_submit(user=alice, application=application, signed_name="", signed_role="")
    assert {"signed_name", "signed_role"} <= {p.field for p in refused.value.problems}
    with django_capture_on_commit_callbacks(execute=True):
        sent = applications.application_submit(
            user=alice, application=application, signed_name="Alice Able", signed_role="Director"
        )
    sent.refresh_from_db()
    assert sent.declaration.text_version == applications.declaration_text(sent).version
    assert Message.objects.filter(
        kind=applications.APPLICATION_RECEIVED, recipient_organisation=sent.organisation
    ).exists()
    assert sent.pdf and sent.pdf.open("rb").read(5) == b"%PDF-"
    with pytest.raises(RuleBroken, match="sent"):
        applications.application_answers_save(user=alice, application=sent, answers={})


@pytest.mark.parametrize(("before", "accepted"), [(timedelta(microseconds=1), True), (timedelta(0), False)])
def test_the_close_is_judged_at_its_instant(carol, ada, alice, before, accepted):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.ready_application(alice, grant_round)
    now = grant_round.closes_at - before
    if accepted:
        assert applications.application_submit(
            user=alice, application=application, signed_name="A", signed_role="B", now=now
        ).is_submitted
    else:
        with pytest.raises(RuleBroken, match="closed"):
            applications.application_submit(
                user=alice, application=application, signed_name="A", signed_role="B", now=now
            )


def test_a_required_file_question_needs_a_checked_file(carol, ada, alice):
    f.registered(alice, ada)
    grant_round = f.publishable_round(carol)
    rounds.round_question_add(
        user=carol,
        grant_round=grant_round,
        label="Your safeguarding policy",
        hint="",
        kind="file",
        required=True,
        word_limit=None,
        choices=[],
    )
    grant_round = rounds.round_publish(
        user=carol, grant_round=GrantRound.objects.get(pk=grant_round.pk), now=grant_round.opens_at
    )
    application = f.ready_application(alice, grant_round)
    file_key = grant_round.questions[-1]["key"]
    assert "Upload a file for: Your safeguarding policy" in [
        p.message for p in applications.application_problems(application)
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(RuleBroken):
        applications.application_file_add(
            user=alice,
            application=application,
            question_key=file_key,
            uploaded_file=SimpleUploadedFile("x.exe", b"MZ\x90\x00"),
        )
    applications.application_file_add(
        user=alice, application=application, question_key=file_key, uploaded_file=f.accounts()
    )
    assert applications.application_problems(application) == []


def test_region_codes_in_the_registration_are_the_reference_regions(alice, organisation_a):
    registration = registration_services.registration_save(
        user=alice,
        organisation=organisation_a,
        answers=f.registration_answers(regions=("north-east", "wales")),
    )
    assert set(registration.regions.all()) == set(Region.objects.filter(code__in=["north-east", "wales"]))
