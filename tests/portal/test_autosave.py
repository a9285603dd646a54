"""Autosave of long answers (portal.autosave, docs/adr/0022-never-lose-work.md): a tender's quality
response, a questionnaire category's descriptor and case studies, and a grant application's answers are
saved as drafts through the page's own service call, which judges who is asking, the deadline and the
rules; a draft is never sent by itself, and a refused one says why."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from calloffs.models import Tender
from calloffs.services import tenders as tender_services
from grants.models import GrantApplication
from grants.services import applications as grant_applications
from portal.models import AuditEvent, KeptForm
from tests.calloffs.factories import live_competition
from tests.calloffs.tender_factories import past_deadline
from tests.calloffs.tender_helpers import qualify
from tests.grants import factories as grant_factories
from tests.suppliers.factories import complete_application

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_X_AUTOSAVE": "draft", "HTTP_ACCEPT": "application/json"}
TYPED = "We meet each person on the day they leave prison"


@pytest.fixture
def tender(carol, organisation_a, alice, bob):
    qualify(organisation_a, alice)
    lot = live_competition(carol, minimum_cyber_level="cyber_essentials").lots.get()
    return tender_services.tender_start(lot=lot, user=bob)


@pytest.fixture
def criterion(tender):
    return tender.competition.criteria.filter(max_words__isnull=False).first()


def test_a_quality_response_is_saved_as_a_draft_and_never_submitted(client, bob, tender, criterion):
    client.force_login(bob)
    page = reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])
    assert "data-autosave" in client.get(page).content.decode()

    response = client.post(page, {"text": TYPED}, **AUTOSAVE)

    assert response.status_code == 200
    assert response.json()["saved_at"].endswith(("am", "pm")) or response.json()["saved_at"] in (
        "midday",
        "midnight",
    )
    assert tender.responses.get(criterion=criterion).text == TYPED
    tender.refresh_from_db()
    assert tender.status == Tender.Status.DRAFT and not tender.versions.exists()
    assert AuditEvent.objects.filter(action="tender.response_saved", actor=bob).exists()


def test_a_response_over_the_word_limit_is_not_saved_and_says_why(client, bob, tender, criterion):
    client.force_login(bob)
    page = reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])
    response = client.post(page, {"text": "word " * (criterion.max_words + 1)}, **AUTOSAVE)
    assert response.status_code == 422
    assert f"Use {criterion.max_words} words or fewer" in response.json()["problem"]
    assert not tender.responses.exists()


def test_after_the_deadline_nothing_is_saved(client, bob, tender, criterion):
    client.force_login(bob)
    past_deadline(tender.competition)
    page = reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])
    response = client.post(page, {"text": TYPED}, **AUTOSAVE)
    assert response.status_code == 422 and "deadline" in response.json()["problem"]
    assert not tender.responses.exists()


def test_another_organisation_cannot_autosave_into_a_tender(client, bea, tender, criterion):
    client.force_login(bea)
    page = reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])
    assert client.post(page, {"text": TYPED}, **AUTOSAVE).status_code == 404
    assert not tender.responses.exists()


def test_a_category_descriptor_is_saved_as_a_draft(client, alice, organisation_a):
    application = complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    page = reverse("suppliers:category_edit", args=[application.pk, choice.pk])
    client.force_login(alice)
    assert "data-autosave" in client.get(page).content.decode()

    response = client.post(page, {"descriptor": TYPED}, **AUTOSAVE)

    assert response.status_code == 200 and "saved_at" in response.json()
    choice.refresh_from_db()
    assert choice.descriptor == TYPED
    application.refresh_from_db()
    assert application.is_draft


def test_a_grant_applications_answers_are_saved_as_a_draft(client, alice, ada, carol):
    grant_factories.registered(alice, ada)
    grant_round = grant_factories.open_round(carol)
    application = grant_applications.application_start(user=alice, grant_round=grant_round)
    key = grant_round.eligibility_questions[0]["key"]
    grant_applications.application_eligibility_answer(
        user=alice, application=application, answers={key: True}
    )
    page = reverse("grants:application_answers", args=[application.pk])
    client.force_login(alice)
    assert "data-autosave" in client.get(page).content.decode()
    first_question = grant_round.questions[0]["key"]

    response = client.post(page, {first_question: TYPED}, **AUTOSAVE)

    assert response.status_code == 200, response.content
    application.refresh_from_db()
    assert application.answers[first_question] == TYPED
    assert application.status == GrantApplication.Status.DRAFT


def test_an_autosave_after_the_sign_out_is_kept_and_answered_as_such(client, bob, tender, criterion):
    page = reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])
    client.force_login(bob)
    client.get(page)
    Session.objects.all().delete()

    response = client.post(page, {"text": TYPED}, **AUTOSAVE)

    assert response.status_code == 401 and response.json()["seconds_left"] == 0
    assert "You have been signed out" in response.json()["problem"]
    assert not tender.responses.exists()
    assert KeptForm.objects.get(user=bob).fields == {"text": [TYPED]}
