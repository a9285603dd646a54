"""A page loaded a moment before another change (a second tab, a double click) holds a stale instance.
Each grants service, called with it, reads its row again under a lock and judges the state there: it is
refused with a plain sentence, or changes nothing. No grants state moves backwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.models import ApplicationFile, GrantApplication, GrantDeclaration, GrantRound, Registration
from grants.services import applications, assessment, rounds
from grants.services import registration as registration_services
from portal.exceptions import RuleBroken
from tests.grants import factories as f


def stale(instance):
    """The instance as a page loaded it: a copy nobody refreshes."""
    return type(instance).objects.get(pk=instance.pk)


# Registration ------------------------------------------------------------------------------------


def test_a_stale_send_does_not_reopen_an_accepted_registration(alice, ada, organisation_a):
    draft = registration_services.registration_save(
        user=alice, organisation=organisation_a, answers=f.registration_answers(), accounts=f.accounts()
    )
    second_tab = stale(draft)
    sent = registration_services.registration_submit(user=alice, registration=draft)
    registration_services.registration_decide(user=ada, registration=sent, accept=True)

    with pytest.raises(RuleBroken, match="already registered for grants"):
        registration_services.registration_submit(user=alice, registration=second_tab)

    registration = Registration.objects.get(pk=draft.pk)
    assert registration.status == Registration.Status.ACCEPTED
    assert registration.is_registered


def test_a_stale_decision_does_not_decide_a_registration_again(alice, ada):
    sent = f.sent_registration(alice)
    second_tab = stale(sent)
    accepted = registration_services.registration_decide(user=ada, registration=sent, accept=True)

    with pytest.raises(RuleBroken, match="not waiting for a decision"):
        registration_services.registration_decide(
            user=ada, registration=second_tab, accept=False, reasons="Upload 2026 accounts"
        )

    registration = Registration.objects.get(pk=sent.pk)
    assert registration.status == Registration.Status.ACCEPTED
    assert registration.decided_at == accepted.decided_at
    assert registration.return_reasons == ""


def test_a_save_after_acceptance_keeps_the_decision(alice, ada, organisation_a):
    accepted = f.registered(alice, ada)

    saved = registration_services.registration_save(
        user=alice, organisation=organisation_a, answers=f.registration_answers(income="500,000")
    )

    assert saved.pk == accepted.pk
    registration = Registration.objects.get(pk=accepted.pk)
    assert registration.status == Registration.Status.ACCEPTED
    assert (registration.decided_at, registration.accepted_at) == (accepted.decided_at, accepted.accepted_at)
    assert registration.answers["annual_income"] == "500,000"


def test_a_save_while_the_grants_team_decides_is_refused(alice, organisation_a):
    sent = f.sent_registration(alice)

    with pytest.raises(RuleBroken, match="with the grants team"):
        registration_services.registration_save(
            user=alice, organisation=organisation_a, answers=f.registration_answers(income="1")
        )

    assert Registration.objects.get(pk=sent.pk).answers == sent.answers


# Grant rounds ------------------------------------------------------------------------------------


@pytest.fixture
def published_from_another_tab(carol):
    """A draft loaded by one page, then published from another: (the stale draft, the round now)."""
    draft = f.publishable_round(carol)
    second_tab = stale(draft)
    published = rounds.round_publish(user=carol, grant_round=draft, now=draft.opens_at)
    return second_tab, published


def assert_unchanged(published: GrantRound) -> None:
    now = GrantRound.objects.get(pk=published.pk)
    assert now.status == GrantRound.Status.OPEN
    assert now.published_at == published.published_at
    assert (now.title, now.questions, now.eligibility_questions) == (
        published.title,
        published.questions,
        published.eligibility_questions,
    )
    assert list(now.criteria.values_list("name", "weighting")) == [("Need", 60), ("Value for money", 40)]


def test_saving_a_rounds_draft_form_never_unpublishes_it(carol, published_from_another_tab):
    second_tab, published = published_from_another_tab

    with pytest.raises(RuleBroken, match="no longer a draft"):
        rounds.round_save(
            user=carol, data=f.round_data(title="Changed in a stale tab"), grant_round=second_tab
        )

    assert_unchanged(published)


def test_a_stale_draft_page_adds_no_question_to_a_published_round(carol, published_from_another_tab):
    second_tab, published = published_from_another_tab

    with pytest.raises(RuleBroken, match="no longer a draft"):
        rounds.round_question_add(
            user=carol,
            grant_round=second_tab,
            label="A late question",
            hint="",
            kind="text",
            required=True,
            word_limit=None,
            choices=[],
        )

    assert_unchanged(published)


def test_a_stale_draft_page_removes_no_question_from_a_published_round(carol, published_from_another_tab):
    second_tab, published = published_from_another_tab

    with pytest.raises(RuleBroken, match="no longer a draft"):
        rounds.round_question_remove(user=carol, grant_round=second_tab, key=published.questions[0]["key"])

    assert_unchanged(published)


def test_a_stale_draft_page_adds_no_eligibility_question_once_published(carol, published_from_another_tab):
    second_tab, published = published_from_another_tab

    with pytest.raises(RuleBroken, match="no longer a draft"):
        rounds.round_eligibility_question_add(
            user=carol,
            grant_round=second_tab,
            label="Are you based in the region?",
            ineligible_answer=False,
            reason="This round is for organisations based in the region.",
        )

    assert_unchanged(published)


def test_a_stale_draft_page_does_not_replace_a_published_rounds_criteria(carol, published_from_another_tab):
    second_tab, published = published_from_another_tab

    with pytest.raises(RuleBroken, match="no longer a draft"):
        rounds.round_criteria_set(user=carol, grant_round=second_tab, criteria=[("Everything", 100)])

    assert_unchanged(published)


def test_a_stale_publish_does_not_publish_a_cancelled_draft(carol):
    draft = f.publishable_round(carol)
    second_tab = stale(draft)
    rounds.round_cancel(user=carol, grant_round=draft, reason="The money went elsewhere.")

    with pytest.raises(RuleBroken, match="cannot be published"):
        rounds.round_publish(user=carol, grant_round=second_tab, now=draft.opens_at)

    grant_round = GrantRound.objects.get(pk=draft.pk)
    assert grant_round.status == GrantRound.Status.CANCELLED
    assert grant_round.published_at is None


def test_a_stale_amendment_does_not_amend_a_cancelled_round(carol):
    open_round = f.open_round(carol)
    second_tab = stale(open_round)
    rounds.round_cancel(user=carol, grant_round=open_round, reason="The money went elsewhere.")

    with pytest.raises(RuleBroken, match="Only an open round can be amended"):
        rounds.round_amend(
            user=carol,
            grant_round=second_tab,
            note="A later close.",
            closes_at=open_round.closes_at + timedelta(days=7),
        )

    grant_round = GrantRound.objects.get(pk=open_round.pk)
    assert grant_round.status == GrantRound.Status.CANCELLED
    assert (grant_round.version, grant_round.closes_at) == (open_round.version, open_round.closes_at)


def test_an_amendment_built_on_an_older_version_is_refused(carol):
    open_round = f.open_round(carol)
    second_tab = stale(open_round)
    first, *others = open_round.questions
    theirs = [{**first, "label": "What will the grant pay for, and for whom?"}, *others]
    mine = [first, *others[:-1]]  # built from version 1: would undo their change and remove a question
    rounds.round_amend(user=carol, grant_round=open_round, note="Clearer first question.", questions=theirs)

    with pytest.raises(RuleBroken, match="amended this round a moment ago"):
        rounds.round_amend(user=carol, grant_round=second_tab, note="One question fewer.", questions=mine)

    grant_round = GrantRound.objects.get(pk=open_round.pk)
    assert grant_round.version == 2
    assert grant_round.questions == theirs
    assert grant_round.amendment_note == "Clearer first question."


def test_a_stale_cancel_keeps_the_first_cancellation(carol):
    open_round = f.open_round(carol)
    second_tab = stale(open_round)
    rounds.round_cancel(user=carol, grant_round=open_round, reason="The money went elsewhere.")

    with pytest.raises(RuleBroken, match="already been cancelled"):
        rounds.round_cancel(user=carol, grant_round=second_tab, reason="Another reason.")

    assert GrantRound.objects.get(pk=open_round.pk).cancel_reason == "The money went elsewhere."


def test_a_stale_cancel_does_not_cancel_a_decided_round(carol, ada, alice):
    grant_round = f.closed_round_with_applications(carol, ada, alice)
    second_tab = stale(grant_round)
    (application,) = assessment.sent_applications(grant_round)
    f.moderated(carol, application)
    assessment.decide(
        user=carol, application=application, award=False, feedback="Not enough evidence of need."
    )
    assert GrantRound.objects.get(pk=grant_round.pk).status == GrantRound.Status.DECIDED

    with pytest.raises(RuleBroken, match="decided, so it cannot be cancelled"):
        rounds.round_cancel(user=carol, grant_round=second_tab, reason="Too late.")

    grant_round.refresh_from_db()
    assert (grant_round.status, grant_round.cancel_reason) == (GrantRound.Status.DECIDED, "")


# Applications ------------------------------------------------------------------------------------


@pytest.fixture
def round_with_a_file_question(carol):
    draft = f.publishable_round(carol)
    rounds.round_question_add(
        user=carol,
        grant_round=draft,
        label="Your safeguarding policy",
        hint="",
        kind="file",
        required=False,
        word_limit=None,
        choices=[],
    )
    return rounds.round_publish(user=carol, grant_round=draft, now=draft.opens_at)


@pytest.fixture
def sent_from_another_tab(alice, bob, ada, round_with_a_file_question):
    """An application ready to send, loaded by Alice's page; then Bob, her colleague, sends it:
    (Alice's stale copy, the application now)."""
    f.registered(alice, ada)
    ready = f.ready_application(alice, round_with_a_file_question)
    second_tab = stale(ready)
    sent = applications.application_submit(
        user=bob, application=ready, signed_name="Bob Baker", signed_role="Chair"
    )
    return second_tab, sent


def assert_still_sent(sent: GrantApplication) -> None:
    now = GrantApplication.objects.get(pk=sent.pk)
    assert now.status == GrantApplication.Status.SUBMITTED
    assert now.submitted_at == sent.submitted_at
    assert (now.eligibility_answers, now.eligibility_passed) == (sent.eligibility_answers, True)
    assert (now.answers, now.budget) == (sent.answers, sent.budget)
    assert not now.files.exists()
    assert GrantDeclaration.objects.filter(application=sent).count() == 1


def test_a_sent_application_never_goes_back_to_draft(alice, sent_from_another_tab):
    second_tab, sent = sent_from_another_tab
    key = sent.grant_round.eligibility_questions[0]["key"]

    for answer in (True, False):  # eligible (draft) or not (ineligible): neither undoes the sending
        with pytest.raises(RuleBroken, match="has been sent"):
            applications.application_eligibility_answer(
                user=alice, application=second_tab, answers={key: answer}
            )

    assert_still_sent(sent)


def test_a_stale_page_saves_no_answers_to_a_sent_application(alice, sent_from_another_tab):
    second_tab, sent = sent_from_another_tab
    first_key = sent.grant_round.questions[0]["key"]

    with pytest.raises(RuleBroken, match="has been sent"):
        applications.application_answers_save(
            user=alice, application=second_tab, answers={first_key: "Changed after sending."}
        )

    assert_still_sent(sent)


def test_a_stale_page_adds_no_file_to_a_sent_application(alice, sent_from_another_tab):
    second_tab, sent = sent_from_another_tab
    file_key = sent.grant_round.questions[-1]["key"]

    with pytest.raises(RuleBroken, match="has been sent"):
        applications.application_file_add(
            user=alice, application=second_tab, question_key=file_key, uploaded_file=f.accounts()
        )

    assert_still_sent(sent)
    assert not ApplicationFile.objects.exists()


def test_a_stale_page_saves_no_budget_to_a_sent_application(alice, sent_from_another_tab):
    second_tab, sent = sent_from_another_tab

    with pytest.raises(RuleBroken, match="has been sent"):
        applications.application_budget_save(
            user=alice, application=second_tab, lines=[{"year": 1, "item": "Mentor", "amount": "1"}]
        )

    assert_still_sent(sent)


def test_a_double_click_sends_an_application_once(alice, sent_from_another_tab):
    second_tab, sent = sent_from_another_tab

    with pytest.raises(RuleBroken, match="has been sent"):
        applications.application_submit(
            user=alice, application=second_tab, signed_name="Alice Able", signed_role="Director"
        )

    assert_still_sent(sent)


def test_answers_saved_from_a_stale_page_keep_a_colleagues_answers(alice, bob, ada, carol):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = f.ready_application(alice, grant_round)
    second_tab = stale(application)
    first, second = (q["key"] for q in grant_round.questions[:2])
    applications.application_answers_save(user=bob, application=application, answers={first: "Bob's answer."})

    applications.application_answers_save(user=alice, application=second_tab, answers={second: "25"})

    answers = GrantApplication.objects.get(pk=application.pk).answers
    assert (answers[first], answers[second]) == ("Bob's answer.", "25")


def test_no_application_starts_on_a_round_cancelled_since_its_page_loaded(alice, ada, carol):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    second_tab = stale(grant_round)
    rounds.round_cancel(user=carol, grant_round=grant_round, reason="The money went elsewhere.")

    with pytest.raises(RuleBroken, match="not open for applications"):
        applications.application_start(user=alice, grant_round=second_tab)

    assert not GrantApplication.objects.exists()


def test_starting_twice_gives_the_one_application(alice, bob, ada, carol):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)

    first = applications.application_start(user=alice, grant_round=grant_round)
    again = applications.application_start(user=bob, grant_round=stale(grant_round))

    assert first.pk == again.pk
    assert GrantApplication.objects.count() == 1
