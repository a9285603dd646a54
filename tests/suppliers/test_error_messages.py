"""Error messages name their field, so an error summary never lists the same message twice, and list
them in the page's order (issue 7 §1)."""

from datetime import date

import pytest
from django.urls import reverse

from suppliers import services
from suppliers.models import Application
from suppliers.sections import section_errors
from tests.suppliers.factories import category, exclusion_answers, submitted_application

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def errors(slug, answers):
    return section_errors(slug, answers, application=Application(), today=TODAY)


def assert_all_different(messages):
    messages = list(messages)
    assert len(messages) == len(set(messages)), messages


def blank_choice():
    return {"category": "women", "category_name": "Women", "descriptor": "", "case_studies": [{}, {}]}


def test_each_case_studys_messages_name_the_case_study():
    found = errors("categories", {"choices": [blank_choice()]})

    assert found["women-case_studies-0-title"] == "Enter a title for case study 1"
    assert found["women-case_studies-1-title"] == "Enter a title for case study 2"
    assert_all_different(found.values())


def test_a_word_limit_in_a_case_study_names_the_answer_and_the_case_study():
    study = {"what_was_done": "word " * 501}
    found = errors("categories", {"choices": [{**blank_choice(), "case_studies": [{}, study]}]})

    assert found["women-case_studies-1-what_was_done"] == (
        "Use 500 words or fewer for what you did in case study 2 (you used 501)"
    )


def test_each_insurance_message_names_the_insurance():
    found = errors("insurance", {})

    assert (
        found["public_liability"]
        == "Enter the public liability insurance cover in whole pounds, like 5000000"
    )
    assert_all_different(found.values())


def test_exclusion_follow_ups_name_their_ground():
    found = errors("exclusion", {**exclusion_answers(), "fraud": "yes", "bribery": "yes"})

    assert found["fraud_details"] == "Tell us what happened: fraud"
    assert_all_different(found.values())


def test_the_two_financial_years_have_different_messages():
    found = errors("financial", {"turnover_year_2": "1"})

    assert_all_different(found.values())
    assert list(found) == ["turnover_year_1", "financial_year_end_1", "financial_year_end_2", "evidence_type"]


def test_the_categories_page_lists_its_problems_once_each_in_the_page_order(client, alice, organisation_a):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)
    for code in ("finance-benefits-debt", "dependency-recovery"):  # 3 and 4: not alphabetical
        services.category_choice_save(
            application=application, user=alice, category=category(code), descriptor="", case_studies=[]
        )

    response = client.post(
        reverse("suppliers:section_edit", args=[application.pk, "categories"]), {"action": "complete"}
    )

    problems = response.context["problems"]
    assert [problem.split(":")[0] for problem in problems] == [
        "Finance, Benefits and Debt",
        "Dependency and Recovery",
    ]


def test_feedback_missing_for_a_fail_names_the_category(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    choice = application.category_choices.get()
    client.force_login(ada)

    response = client.post(
        reverse("suppliers:category_outcome", args=[application.pk, choice.pk]),
        {f"choice-{choice.pk}-outcome": "fail", f"choice-{choice.pk}-feedback": " "},
    )

    assert "Enter feedback for a fail on Accommodation" in response.content.decode()
