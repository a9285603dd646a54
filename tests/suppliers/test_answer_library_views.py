"""The answer library on the Selection Questionnaire's own pages (ADR 0023): a service category's page
offers "Use an earlier answer" for its descriptor and each case study's long-text fields, the
organisation's own earlier answers, put in the field unsaved; the normal save judges the word limit.
Never another organisation's words, never to staff."""

import pytest
from django.urls import reverse

from portal import answer_library
from portal.models import LibraryAnswer, source_key
from suppliers import sections
from suppliers.models import CategoryChoice
from tests.portal.library_factories import LibraryAnswerFactory
from tests.portal.test_kept_forms import signed_in_then_timed_out
from tests.suppliers.factories import complete_application, submitted_application

pytestmark = pytest.mark.django_db

OUTCOME_2 = "case_studies-1-outcome"  # the form field's name the engine gives case study 2's outcome
CASE_STUDY = {
    "title": "Housing first",
    "who_for": "Prison leavers in Leeds",
    **{f"start_date_{part}": value for part, value in enumerate(("1", "4", "2024"))},
    **{f"end_date_{part}": value for part, value in enumerate(("31", "3", "2025"))},
    "what_was_done": "We found flats.",
    "outcome": "41 of 50 kept their tenancy.",
}
EARLIER = "Forty people housed within a week of release; none returned to prison in the first year."


def test_a_category_page_has_a_field_for_the_descriptor_and_each_case_studys_long_texts():
    fields = answer_library.long_text_fields(sections.CATEGORY_CHOICE)
    assert [(f.key, f.label, f.library_key) for f in fields] == [
        ("descriptor", "Service descriptor", "descriptor"),
        ("case_studies-0-what_was_done", "Case study 1: What did you do?", "case_studies-1-what_was_done"),
        ("case_studies-0-outcome", "Case study 1: What difference did it make?", "case_studies-1-outcome"),
        ("case_studies-1-what_was_done", "Case study 2: What did you do?", "case_studies-2-what_was_done"),
        ("case_studies-1-outcome", "Case study 2: What difference did it make?", "case_studies-2-outcome"),
    ]
    assert all(f.question.word_limit == sections.MAX_WORDS for f in fields)
    # Each field's library key is the key its own saved answer is kept under.
    saved = {"descriptor": "D", "case_studies": [{"what_was_done": "A", "outcome": "B"}] * 2}
    kept = [key for key, _, _ in answer_library.long_texts(sections.CATEGORY_CHOICE.questions, saved)]
    assert kept == [f.library_key for f in fields]
    assert answer_library.long_text_field(sections.CATEGORY_CHOICE, "case_studies-2-outcome") is None
    assert answer_library.long_text_field(sections.CATEGORY_CHOICE, "case_studies-0-title") is None


def _draft(organisation, user):
    application = complete_application(organisation, user)
    return application, application.category_choices.get()


def _urls(application, choice, key=OUTCOME_2):
    page = reverse("suppliers:category_edit", args=[application.pk, choice.pk])
    return page, reverse("suppliers:category_earlier_answers", args=[application.pk, choice.pk, key])


def test_a_case_study_lists_the_organisations_own_earlier_answers_but_not_its_own(
    client, alice, bob, organisation_a, organisation_b, django_assert_max_num_queries
):
    application, choice = _draft(organisation_a, alice)
    own = LibraryAnswerFactory(organisation=organisation_a, question="Outcomes", text=EARLIER)
    LibraryAnswerFactory(organisation=organisation_b, question="Outcomes", text="Their words.")
    page_url, library_url = _urls(application, choice)
    client.force_login(bob)
    assert library_url in client.get(page_url).content.decode()
    with django_assert_max_num_queries(12):
        response = client.get(library_url)
    listed = [answer.source for answer, _ in response.context["answers"]]
    assert own.source in listed and "Their words." not in response.content.decode()
    assert f"{source_key(choice)}:case_studies-1-outcome" in listed  # case study 1's, on the same page
    assert f"{source_key(choice)}:case_studies-2-outcome" not in listed  # the answer being edited
    assert f"{page_url}?question={OUTCOME_2}&amp;answer={own.pk}" in response.content.decode()


def test_use_this_answer_puts_it_in_that_field_unsaved(client, bob, alice, organisation_a):
    application, choice = _draft(organisation_a, alice)
    own = LibraryAnswerFactory(organisation=organisation_a, question="Outcomes", text=EARLIER)
    page_url, _ = _urls(application, choice)
    client.force_login(bob)

    response = client.get(page_url, {"question": OUTCOME_2, "answer": own.pk})

    assert "Not saved yet" in response.content.decode()
    form = response.context["form"]
    assert form.initial[OUTCOME_2] == EARLIER
    assert form.initial["case_studies-0-outcome"] == choice.case_studies[0]["outcome"]  # the others kept
    assert CategoryChoice.objects.get(pk=choice.pk).case_studies == choice.case_studies


def test_the_descriptor_takes_an_earlier_answer_too(client, alice, organisation_a):
    application, choice = _draft(organisation_a, alice)
    own = LibraryAnswerFactory(organisation=organisation_a, question="Our service", text=EARLIER)
    page_url, library_url = _urls(application, choice, key="descriptor")
    client.force_login(alice)
    assert client.get(library_url).status_code == 200
    response = client.get(page_url, {"question": "descriptor", "answer": own.pk})
    assert response.context["form"].initial["descriptor"] == EARLIER


def test_another_organisations_answer_or_a_field_not_on_the_page_finds_nothing(
    client, alice, bob, ada, organisation_a, organisation_b
):
    application, choice = _draft(organisation_a, alice)
    theirs = LibraryAnswerFactory(organisation=organisation_b, question="Outcomes", text="Their words.")
    own = LibraryAnswerFactory(organisation=organisation_a, question="Outcomes", text=EARLIER)
    page_url, _ = _urls(application, choice)
    client.force_login(bob)

    for query in (
        {"question": OUTCOME_2, "answer": theirs.pk},
        {"question": "case_studies-0-title", "answer": own.pk},  # not a long-text field
        {"question": OUTCOME_2, "answer": "x"},
    ):
        response = client.get(page_url, query)
        assert "Not saved yet" not in response.content.decode(), query
        assert response.context["form"].initial[OUTCOME_2] == choice.case_studies[1]["outcome"]
        assert "Their words." not in response.content.decode()
    for key in ("case_studies-0-title", "case_studies-9-outcome", "nothing"):
        assert client.get(_urls(application, choice, key=key)[1]).status_code == 404
    # Staff have no organisation: no library at all, whatever id they hold.
    assert (
        answer_library.chosen(ada, sections.CATEGORY_CHOICE, {"question": OUTCOME_2, "answer": own.pk})
        is None
    )
    assert answer_library.earlier_answers(user=ada, question="Outcomes") == []


def test_the_word_limit_applies_when_it_is_saved_and_what_was_typed_is_kept(client, alice, organisation_a):
    application, choice = _draft(organisation_a, alice)
    too_long = " ".join(["word"] * (sections.MAX_WORDS + 1))
    own = LibraryAnswerFactory(organisation=organisation_a, question="Outcomes", text=too_long)
    page_url, library_url = _urls(application, choice)
    client.force_login(alice)
    assert "longer than this question's limit" in client.get(library_url).content.decode()
    assert client.get(page_url, {"question": OUTCOME_2, "answer": own.pk}).status_code == 200
    data = {"descriptor": "Supported housing."}
    for index in range(sections.CASE_STUDIES):
        data.update({f"case_studies-{index}-{key}": value for key, value in CASE_STUDY.items()})
    data[OUTCOME_2] = too_long  # the earlier answer, sent as the page had it

    response = client.post(page_url, {**data, "action": "finish"})

    assert response.status_code == 200
    assert f"Use {sections.MAX_WORDS} words or fewer" in response.content.decode()
    assert response.context["form"].data[OUTCOME_2] == too_long


def test_a_sent_questionnaire_offers_no_earlier_answers(client, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    choice = application.category_choices.get()
    client.force_login(alice)
    response = client.get(_urls(application, choice)[1])
    assert response.url == reverse("suppliers:application_detail", args=[application.pk])
    assert LibraryAnswer.objects.filter(organisation=organisation_a).exists()


def test_what_was_typed_before_a_sign_out_is_not_lost_by_using_an_earlier_answer(
    client, alice, organisation_a
):
    application, choice = _draft(organisation_a, alice)
    own = LibraryAnswerFactory(organisation=organisation_a, question="Our service", text=EARLIER)
    page_url, _ = _urls(application, choice)
    typed = "Typed as the session ran out."
    signed_in_then_timed_out(client, alice, page_url)
    client.post(page_url, {"descriptor": typed}, HTTP_REFERER=f"http://testserver{page_url}")
    client.force_login(alice)

    chosen = client.get(page_url, {"question": "descriptor", "answer": own.pk}).content.decode()
    assert "Not saved yet" in chosen and typed not in chosen
    # The kept form comes back at the page's own address, still there after the earlier answer was seen.
    assert typed in client.get(page_url).content.decode()
