"""Starting a grant application from an earlier one (issue 21; ADR 0023): the typed answers to questions
with the same wording are copied, never over an answer given, each to check; sending waits until the
answers are saved again; only the organisation's own earlier applications; the page keeps the choice on
error."""

import re

import pytest
from django.urls import reverse

from grants.models import GrantApplication
from grants.rules import answers_to_copy
from grants.services import applications
from portal.exceptions import Problems, RuleBroken
from portal.models import AuditEvent
from portal.questionnaires.engine import Kind, Question
from tests.grants import factories

pytestmark = pytest.mark.django_db


def test_only_typed_answers_to_the_same_question_not_yet_given_are_copied():
    questions = [
        Question("a", "What will the grant pay for?", Kind.LONG_TEXT),
        Question("b", "How many women?", Kind.TEXT),
        Question("c", "Which area?", Kind.CHOICE, choices={"x": "X"}),
        Question("d", "Who are you?", Kind.LONG_TEXT),
    ]
    earlier = [
        Question("p", "what will the grant pay for", Kind.LONG_TEXT),
        Question("q", "How many women?", Kind.LONG_TEXT),  # another kind: not copied
        Question("r", "Which area?", Kind.CHOICE, choices={"x": "X"}),  # a choice: never copied
        Question("s", "Who are you?", Kind.LONG_TEXT),
    ]
    earlier_answers = {"p": "Mentors.", "q": "Forty", "r": "x", "s": "A charity."}
    plan = answers_to_copy(questions, {"d": "Given already."}, earlier, earlier_answers)
    assert plan == {"a": "Mentors."}


@pytest.fixture
def earlier_and_new(alice, ada, carol):
    factories.registered(alice, ada)
    earlier = factories.ready_application(alice, factories.open_round(carol, title="Mentoring in Durham"))
    new_round = factories.open_round(carol)
    new = applications.application_start(user=alice, grant_round=new_round)
    key = new_round.eligibility_questions[0]["key"]
    applications.application_eligibility_answer(user=alice, application=new, answers={key: True})
    return earlier, GrantApplication.objects.get(pk=new.pk)


def test_copying_marks_the_answers_to_check_and_sending_waits_for_them(earlier_and_new, alice):
    earlier, new = earlier_and_new
    assert applications.application_answers_copy(user=alice, application=new, earlier=earlier) == 2
    new.refresh_from_db()
    labels = {q["key"]: q["label"] for q in new.grant_round.questions}
    assert sorted(labels[key] for key in new.copied_keys) == [
        "How many women will you support?",
        "What will the grant pay for?",
    ]
    copied = AuditEvent.objects.filter(action="grants.application_answers_copied", object_id=str(new.pk))
    assert copied.exists()
    problems = [p.message for p in applications.application_problems(new)]
    assert "Check the copied answer: What will the grant pay for?" in problems
    applications.application_answers_save(user=alice, application=new, answers=dict(new.answers))
    new.refresh_from_db()
    assert new.copied_keys == []
    assert not [p for p in applications.application_problems(new) if p.message.startswith("Check the copied")]


def test_copying_refuses_another_organisations_application_and_when_nothing_matches(
    earlier_and_new, alice, bea
):
    earlier, new = earlier_and_new
    with pytest.raises(RuleBroken, match="Only people in the organisation"):
        applications.application_answers_copy(user=bea, application=new, earlier=earlier)
    with pytest.raises(RuleBroken, match="earlier applications"):
        applications.application_answers_copy(user=alice, application=new, earlier=new)
    applications.application_answers_copy(user=alice, application=new, earlier=earlier)
    with pytest.raises((RuleBroken, Problems), match="nothing was copied"):  # all answered now
        applications.application_answers_copy(user=alice, application=new, earlier=earlier)


def test_the_copy_page_copies_and_keeps_the_choice_on_error(
    client, earlier_and_new, bob, django_assert_max_num_queries
):
    earlier, new = earlier_and_new
    client.force_login(bob)
    url = reverse("grants:application_copy", args=[new.pk])
    assert url in client.get(reverse("grants:application_detail", args=[new.pk])).content.decode()
    with django_assert_max_num_queries(12):
        assert "Your application to Mentoring in Durham" in client.get(url).content.decode()
    page = client.post(url, {}).content.decode()
    assert "govuk-error-summary" in page and "Choose the application to copy answers from" in page
    response = client.post(url, {"earlier": earlier.pk})
    assert response.status_code == 302
    task_list = client.get(response.url).content.decode()
    assert "2 answers copied" in task_list and "Copied: check before you send" in task_list
    page = client.get(reverse("grants:application_answers", args=[new.pk])).content.decode()
    assert "Copied from an earlier application" in page
    page = client.post(url, {"earlier": earlier.pk}).content.decode()  # again: nothing left to copy
    assert "nothing was copied" in page and re.search(rf'value="{earlier.pk}"\s+checked', page)
