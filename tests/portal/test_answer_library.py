"""The answer library (portal/answer_library.py): only the asking person's own organisation's answers,
ever; most relevant first by the question's words; one query however many there are; and the engine's
long-text answers (rows included) found and kept."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from portal import answer_library
from portal.models import LibraryAnswer
from portal.questionnaires.engine import Kind, Question
from tests.factories import AdminFactory, CommissionerFactory
from tests.portal.library_factories import LibraryAnswerFactory

pytestmark = pytest.mark.django_db


# The question's words: pure --------------------------------------------------------------------------


def test_the_words_of_a_question_leave_out_the_words_that_say_nothing():
    words = answer_library.query_words("How will you support people leaving prison into housing? Explain.")
    assert words == ["support", "people", "leaving", "prison", "housing"]


@given(st.text(max_size=300))
def test_query_words_are_safe_for_a_full_text_query_and_bounded(question):
    words = answer_library.query_words(question)
    assert len(words) <= answer_library.MAX_QUERY_WORDS
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[a-z0-9]{3,}", word) for word in words)
    assert not set(words) & answer_library.STOP_WORDS


# Whose answers ---------------------------------------------------------------------------------------


def test_a_person_sees_only_their_own_organisations_answers(alice, bea, organisation_a, organisation_b):
    own = LibraryAnswerFactory(organisation=organisation_a, question="Housing", text="Our housing work.")
    theirs = LibraryAnswerFactory(organisation=organisation_b, question="Housing", text="Their housing work.")
    assert answer_library.earlier_answers(user=alice, question="Housing") == [own]
    assert answer_library.earlier_answers(user=bea, question="Housing") == [theirs]
    assert answer_library.answer_for(alice, theirs.pk) is None  # never another organisation's words
    assert answer_library.answer_for(alice, own.pk) == own


@pytest.mark.parametrize("make_staff", [CommissionerFactory, AdminFactory])
def test_staff_see_no_answers_at_all_not_even_a_draft(make_staff, organisation_a):
    answer = LibraryAnswerFactory(organisation=organisation_a)
    staff = make_staff()
    assert answer_library.earlier_answers(user=staff, question=answer.question) == []
    assert answer_library.answer_for(staff, answer.pk) is None


def test_an_answer_id_that_is_not_a_number_finds_nothing(alice):
    assert answer_library.answer_for(alice, "1 OR 1=1") is None
    assert answer_library.answer_for(alice, None) is None


# Most relevant first, in one query ---------------------------------------------------------------------


def test_the_answers_closest_to_the_question_come_first_then_the_newest(alice, organisation_a):
    now = timezone.now()
    unrelated = LibraryAnswerFactory(
        organisation=organisation_a, question="Price", text="Our rates are fair.", updated_at=now
    )
    in_text = LibraryAnswerFactory(
        organisation=organisation_a,
        question="Delivery",
        text="We find housing for people leaving prison.",
        updated_at=now - timedelta(days=2),
    )
    in_question = LibraryAnswerFactory(
        organisation=organisation_a,
        question="Housing for people leaving prison",
        text="We find housing for people leaving prison.",
        updated_at=now - timedelta(days=5),
    )
    found = answer_library.earlier_answers(user=alice, question="Housing people leaving prison")
    assert found == [in_question, in_text, unrelated]


def test_a_question_without_meaningful_words_lists_the_newest_first(alice, organisation_a):
    older = LibraryAnswerFactory(organisation=organisation_a, updated_at=timezone.now() - timedelta(days=1))
    newer = LibraryAnswerFactory(organisation=organisation_a)
    assert answer_library.earlier_answers(user=alice, question="How will you?") == [newer, older]


def test_the_answer_being_edited_is_not_offered_to_itself(alice, organisation_a):
    itself = LibraryAnswerFactory(organisation=organisation_a, source="calloffs.tenderresponse:1")
    other = LibraryAnswerFactory(organisation=organisation_a)
    found = answer_library.earlier_answers(user=alice, question="Quality", exclude_source=itself.source)
    assert found == [other]


def test_the_search_over_a_thousand_answers_is_one_query_and_shows_the_closest(alice, organisation_a):
    LibraryAnswer.objects.bulk_create(
        LibraryAnswer(
            organisation=organisation_a,
            kind=LibraryAnswer.Kind.TENDER,
            source=f"tests.bulk:{n}",
            source_label=f"Tender {n}",
            question=f"Question {n} about accommodation",
            text="We help people find somewhere to live. " * 20,
        )
        for n in range(1_000)
    )
    answer_library.index(LibraryAnswer.objects.all())
    with CaptureQueriesContext(connection) as queries:
        found = answer_library.earlier_answers(user=alice, question="Accommodation for people")
    assert len(queries) == 1
    assert len(found) == answer_library.SHOWN


# Kept by the services that save answers ----------------------------------------------------------------


def test_remember_keeps_one_copy_per_answer_and_a_blank_answer_is_forgotten(organisation_a):
    kept = answer_library.remember(
        organisation_id=organisation_a.pk,
        kind=LibraryAnswer.Kind.TENDER,
        source="calloffs.tenderresponse:9",
        source_label="Tender",
        question="Quality",
        text=" First words ",
    )
    assert kept is not None and kept.text == "First words"
    answer_library.remember(
        organisation_id=organisation_a.pk,
        kind=LibraryAnswer.Kind.TENDER,
        source="calloffs.tenderresponse:9",
        source_label="Tender",
        question="Quality",
        text="Better words",
    )
    assert list(LibraryAnswer.objects.values_list("text", flat=True)) == ["Better words"]
    answer_library.remember(
        organisation_id=organisation_a.pk,
        kind=LibraryAnswer.Kind.TENDER,
        source="calloffs.tenderresponse:9",
        source_label="Tender",
        question="Quality",
        text="  ",
    )
    assert not LibraryAnswer.objects.exists()


CASE_STUDIES = (
    Question("summary", "Summary", Kind.LONG_TEXT, word_limit=100),
    Question("name", "Name"),
    Question(
        "case_studies",
        "Case studies",
        Kind.ROWS,
        rows=(Question("title", "Title"), Question("what", "What did you do?", Kind.LONG_TEXT)),
        row_label="Case study",
    ),
)


def test_the_long_text_answers_of_a_questionnaire_rows_included_are_found():
    answers = {
        "summary": "We run hostels.",
        "name": "Alpha",
        "case_studies": [{"title": "Leeds", "what": "A hostel in Leeds."}, {"title": "York", "what": ""}],
    }
    assert answer_library.long_texts(CASE_STUDIES, answers) == [
        ("summary", "Summary", "We run hostels."),
        ("case_studies-1-what", "Case study 1: What did you do?", "A hostel in Leeds."),
        ("case_studies-2-what", "Case study 2: What did you do?", ""),
    ]


def test_a_questionnaire_is_remembered_and_forgotten_by_its_source(alice, organisation_a):
    answers = {"summary": "We run hostels.", "case_studies": [{"what": "A hostel in Leeds."}]}
    answer_library.remember_questionnaire(
        organisation_id=organisation_a.pk,
        kind=LibraryAnswer.Kind.QUESTIONNAIRE,
        source="suppliers.categorychoice:3",
        source_label="Selection Questionnaire, Accommodation",
        questions=CASE_STUDIES,
        answers=answers,
    )
    assert sorted(LibraryAnswer.objects.values_list("source", flat=True)) == [
        "suppliers.categorychoice:3:case_studies-1-what",
        "suppliers.categorychoice:3:summary",
    ]
    answer_library.forget_questionnaire(source="suppliers.categorychoice:3")
    assert not LibraryAnswer.objects.exists()
