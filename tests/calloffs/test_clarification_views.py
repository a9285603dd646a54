"""The pages of clarification questions and re-confirmation: every refusal is shown on the form with what
was typed kept, and outsiders get 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calloffs.models import ClarificationQuestion, Competition
from calloffs.services import clarifications, competitions
from calloffs.services.clarifications import MAX_QUESTION_WORDS
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import submitted_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition(carol):
    return f.live_competition(carol)


def asked(competition, user, text="Can we bid with a partner?"):
    return clarifications.clarification_ask(competition=competition, user=user, question=text)


def test_the_competition_page_links_to_asking_a_question(client, competition):
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert reverse("calloffs:question_ask", args=[competition.pk]) in page
    assert "No clarification has been published yet." in page


def test_asking_keeps_what_was_typed_when_it_is_too_long(client, competition, alice):
    client.force_login(alice)
    url = reverse("calloffs:question_ask", args=[competition.pk])
    too_long = " ".join(["word"] * (MAX_QUESTION_WORDS + 1))
    response = client.post(url, {"question": too_long})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and f"{MAX_QUESTION_WORDS} words or fewer" in page
    assert too_long in page
    assert client.post(url, {"question": ""}).content.decode().count("Enter your question") >= 1
    assert not ClarificationQuestion.objects.exists()

    response = client.post(url, {"question": "Can we bid with a partner?"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Your question has been sent to the commissioner" in response.content.decode()
    assert ClarificationQuestion.objects.get().asked_by == alice


def test_after_the_clarification_deadline_there_is_no_form(client, competition, alice):
    Competition.objects.filter(pk=competition.pk).update(
        clarification_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(alice)
    url = reverse("calloffs:question_ask", args=[competition.pk])
    page = client.get(url).content.decode()
    assert "You can no longer ask a question" in page and "Send your question" not in page
    page = client.post(url, {"question": "Too late?"}).content.decode()
    assert "The deadline for clarification questions has passed." in page and "Too late?" in page
    assert not ClarificationQuestion.objects.exists()


def test_a_draft_competition_has_no_question_page(client, carol, alice):
    client.force_login(alice)
    draft = f.publishable_competition(carol)
    assert client.get(reverse("calloffs:question_ask", args=[draft.pk])).status_code == 404


def test_answering_keeps_what_was_typed_on_a_refusal(client, competition, carol, alice):
    question = asked(competition, alice)
    client.force_login(carol)
    url = reverse("calloffs:clarification_answer", args=[question.pk])
    assert "Can we bid with a partner?" in client.get(url).content.decode()  # the form starts from it
    response = client.post(url, {"published_question": "May bidders work with partners?", "answer": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter your answer" in page
    assert "May bidders work with partners?" in page

    Competition.objects.filter(pk=competition.pk).update(
        submission_deadline=timezone.now() + timedelta(days=3),
        clarification_deadline=timezone.now() + timedelta(days=1),
    )
    data = {
        "published_question": "May bidders work with partners?",
        "answer": "Yes, as subcontractors.",
        "changes_invitation": "on",
    }
    page = client.post(url, data).content.decode()
    assert "move the deadline" in page and "Yes, as subcontractors." in page
    question.refresh_from_db()
    assert question.published_at is None


def test_answering_publishes_and_lists_it(client, competition, carol, alice):
    question = asked(competition, alice)
    client.force_login(carol)
    data = {"published_question": "May bidders work with partners?", "answer": "Yes, as subcontractors."}
    response = client.post(reverse("calloffs:clarification_answer", args=[question.pk]), data, follow=True)
    page = response.content.decode()
    assert "Question and answer published to every bidder" in page
    assert "May bidders work with partners?" in page
    question.refresh_from_db()
    assert question.published_at is not None
    client.logout()
    public = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert "May bidders work with partners?" in public and "Can we bid with a partner?" not in public


def test_the_commissioners_competition_page_counts_questions_waiting(client, competition, carol, alice):
    asked(competition, alice)
    asked(competition, alice, "And another?")
    client.force_login(carol)
    page = client.get(reverse("calloffs:competition_manage", args=[competition.pk])).content.decode()
    assert "2 questions are waiting for an answer." in page
    assert reverse("calloffs:clarification_list", args=[competition.pk]) in page


def test_a_commissioner_of_another_region_gets_404(client, competition, colin, alice):
    question = asked(competition, alice)
    client.force_login(colin)
    assert client.get(reverse("calloffs:clarification_answer", args=[question.pk])).status_code == 404
    assert client.get(reverse("calloffs:clarification_list", args=[competition.pk])).status_code == 404


def test_a_bidder_reads_the_amendments_and_confirms(client, competition, carol, alice, bea):
    tender = submitted_tender(competition.lots.get(), alice.membership.organisation, alice)
    competitions.competition_amend(competition=competition, user=carol, summary="Weekend support is needed.")
    url = reverse("calloffs:tender_reconfirm", args=[tender.pk])
    client.force_login(bea)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Amendment 1" in page and "Weekend support is needed." in page
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "You have confirmed your tender" in response.content.decode()
    tender.refresh_from_db()
    assert tender.confirmed_amendment == 1
    page = client.post(url).content.decode()
    assert "govuk-error-summary" in page and "already confirmed" in page


def test_staff_are_not_offered_a_question_to_ask(client, competition, carol):
    client.force_login(carol)
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert "Suppliers can ask questions until" in page
    assert reverse("calloffs:question_ask", args=[competition.pk]) not in page
