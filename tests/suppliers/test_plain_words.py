"""The supplier's questionnaire speaks to them ("you"), uses one term for the service descriptor, and
explains cohort categories, regulation 57 and the cyber levels where they appear (issue 7 §1)."""

import pytest
from django.urls import reverse

from suppliers import services
from suppliers.sections import CYBER_LEVEL_HINTS, CYBER_LEVELS
from tests.suppliers.factories import SECTION_ANSWERS, category, complete_application, exclusion_answers

pytestmark = pytest.mark.django_db

THIRD_PERSON = ["What did they do?", "How they can show", "What they have done", "if it has one"]


def page(client, application, slug):
    return client.get(reverse("suppliers:section_edit", args=[application.pk, slug])).content.decode()


def test_check_your_answers_speaks_to_the_supplier(client, alice, organisation_a):
    financial = {
        **SECTION_ANSWERS["financial"],
        "evidence_type": "other",
        "evidence_details": "Bank letters.",
    }
    application = complete_application(
        organisation_a,
        alice,
        exclusion=exclusion_answers(fraud="A director was convicted."),
        financial=financial,
    )
    client.force_login(alice)

    html = client.get(reverse("suppliers:check_answers", args=[application.pk])).content.decode()

    for phrase in [
        "What did you do?",
        "How you can show your turnover",
        "What have you done to put it right?",
    ]:
        assert phrase in html, phrase
    for phrase in THIRD_PERSON:
        assert phrase not in html, phrase


def test_the_questionnaire_pages_speak_to_the_supplier(client, alice, organisation_a):
    client.force_login(alice)
    application = services.application_start(organisation=organisation_a, user=alice)

    html = "".join(page(client, application, slug) for slug in ("organisation", "exclusion", "financial"))

    assert "What kind of organisation are you?" in html
    for phrase in THIRD_PERSON:
        assert phrase not in html, phrase


def test_a_category_page_says_service_descriptor_and_explains_a_cohort_category(
    client, alice, organisation_a
):
    client.force_login(alice)
    application = services.application_start(organisation=organisation_a, user=alice)
    choice = services.category_choice_save(
        application=application, user=alice, category=category("women"), descriptor="", case_studies=[]
    )

    html = client.get(reverse("suppliers:category_edit", args=[application.pk, choice.pk])).content.decode()

    assert "Service descriptor" in html
    assert "Describe the service you offer in this category</label>" not in html
    assert "A cohort category is a service category defined by who the service is for" in html


def test_the_exclusion_page_explains_regulation_57(client, alice, organisation_a):
    client.force_login(alice)
    application = services.application_start(organisation=organisation_a, user=alice)

    html = page(client, application, "exclusion")

    assert "Regulation 57 of the Public Contracts Regulations 2015 is the part of the law" in html


def test_each_cyber_level_is_explained_without_naming_itself(client, alice, organisation_a):
    client.force_login(alice)
    application = services.application_start(organisation=organisation_a, user=alice)

    html = page(client, application, "cyber")

    for level, label in CYBER_LEVELS.items():
        hint = CYBER_LEVEL_HINTS[level]
        assert label.split(" (")[0] not in hint, level  # no level defined by its own name
        assert len(hint.split()) >= 10, level  # what it is, in plain words, not a slogan
        assert hint.split(":")[0][:40] in html, level
