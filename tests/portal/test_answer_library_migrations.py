"""Answers saved before the answer library existed are put in it by one data migration per app that owns
answers (ADR 0023), exactly as the services keep them: the answers are saved through the services, the
library emptied, and the migration must write back what the services wrote. Run on SQLite here, and on
PostgreSQL (with its search vectors) when DATABASE_URL names one."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from calloffs.models import TenderResponse
from calloffs.services import tenders as tender_services
from grants.models import GrantApplication
from portal import answer_library
from portal.models import LibraryAnswer, source_key
from suppliers import sections
from tests.calloffs.tender_helpers import biddable_competition, complete, qualify
from tests.grants import factories as grants_factories
from tests.portal.library_factories import LibraryAnswerFactory
from tests.suppliers.factories import complete_application

pytestmark = pytest.mark.django_db

fill_tenders = import_module("calloffs.migrations.0010_tender_responses_into_library").fill
fill_questionnaires = import_module("suppliers.migrations.0010_category_answers_into_library").fill
category_choice_questions = import_module(
    "suppliers.migrations.0010_category_answers_into_library"
).category_choice_questions
fill_applications = import_module("grants.migrations.0006_application_answers_into_library").fill

KEPT = ("source", "organisation_id", "kind", "source_label", "question", "text")


def kept(**filters) -> list[tuple]:
    return list(LibraryAnswer.objects.filter(**filters).order_by("source").values_list(*KEPT))


def historical_apps(app_label: str, migration: str):
    """The models as the migration sees them (these are the latest migrations, so the tables match)."""
    return MigrationLoader(connection).project_state((app_label, migration)).apps


def refilled(fill, **filters) -> list[tuple]:
    """What the migration writes, with its historical models, in a library emptied of what the services
    wrote."""
    label, name = fill.__module__.split(".")[0], fill.__module__.rsplit(".", 1)[1]
    LibraryAnswer.objects.filter(**filters).delete()
    fill(historical_apps(label, name), None)
    return kept(**filters)


def test_tender_responses_are_filled_in_as_the_service_keeps_them(carol, alice, organisation_a):
    qualify(organisation_a, alice)
    tender = complete(
        tender_services.tender_start(lot=biddable_competition(carol).lots.get(), user=alice), alice
    )
    responses = TenderResponse.objects.filter(tender=tender)
    by_service = kept(kind=LibraryAnswer.Kind.TENDER)
    assert len(by_service) == responses.count() > 0

    assert refilled(fill_tenders, kind=LibraryAnswer.Kind.TENDER) == by_service
    for response in responses:
        assert LibraryAnswer.objects.get(source=source_key(response)).updated_at == response.updated_at


def test_a_copied_response_not_yet_checked_is_left_out(carol, alice, organisation_a):
    qualify(organisation_a, alice)
    tender = complete(
        tender_services.tender_start(lot=biddable_competition(carol).lots.get(), user=alice), alice
    )
    copied = TenderResponse.objects.filter(tender=tender).first()
    TenderResponse.objects.filter(pk=copied.pk).update(needs_review=True)

    sources = [row[0] for row in refilled(fill_tenders, kind=LibraryAnswer.Kind.TENDER)]

    assert source_key(copied) not in sources and sources


def test_descriptors_and_case_studies_are_filled_in_as_the_service_keeps_them(alice, organisation_a):
    application = complete_application(organisation_a, alice, categories=("accommodation", "women"))
    by_service = kept(kind=LibraryAnswer.Kind.QUESTIONNAIRE)
    assert len(by_service) == 2 * 5

    assert refilled(fill_questionnaires, kind=LibraryAnswer.Kind.QUESTIONNAIRE) == by_service
    application.refresh_from_db()
    assert {a.updated_at for a in LibraryAnswer.objects.all()} == {application.updated_at}


def test_the_migration_declares_the_questionnaires_long_text_questions_as_they_are_today():
    def long_texts(questions):
        answers = {"descriptor": "D", "case_studies": [{"what_was_done": "A", "outcome": "B"}] * 2}
        return answer_library.long_texts(questions, answers)

    assert long_texts(category_choice_questions()) == long_texts(sections.CATEGORY_CHOICE.questions)


def test_application_answers_are_filled_in_as_the_service_keeps_them_but_not_unchecked_copies(
    alice, ada, bea, carol
):
    grants_factories.registered(alice, ada)
    first = grants_factories.ready_application(alice, grants_factories.open_round(carol))
    second = grants_factories.ready_application(alice, grants_factories.open_round(carol, title="Again"))
    by_service = kept(kind=LibraryAnswer.Kind.GRANT_APPLICATION)
    assert len(by_service) == 2
    key = first.grant_round.questions[0]["key"]
    GrantApplication.objects.filter(pk=second.pk).update(copied_keys=[key])

    filled = refilled(fill_applications, kind=LibraryAnswer.Kind.GRANT_APPLICATION)

    assert filled == [row for row in by_service if row[0] == f"{source_key(first)}:{key}"]
    assert LibraryAnswer.objects.get().updated_at == first.created_at
    assert answer_library.earlier_answers(user=bea, question="What will the grant pay for?") == []


def test_an_answer_saved_again_since_is_left_as_it_is_and_nothing_is_doubled(alice, organisation_a):
    application = complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    source = f"{source_key(choice)}:descriptor"
    LibraryAnswer.objects.filter(source=source).update(text="Saved again since.")
    before = LibraryAnswer.objects.count()

    fill_questionnaires(apps, None)
    fill_questionnaires(apps, None)

    assert LibraryAnswer.objects.count() == before
    assert LibraryAnswer.objects.get(source=source).text == "Saved again since."


def test_filled_answers_are_found_by_their_words(alice, organisation_a):
    """On PostgreSQL the migration stores the search vectors the ranking reads, as `remember` does."""
    complete_application(organisation_a, alice)
    LibraryAnswer.objects.all().delete()
    LibraryAnswerFactory(organisation=organisation_a, question="Price", text="Our rates.")
    fill_questionnaires(apps, None)

    found = answer_library.earlier_answers(user=alice, question="Service descriptor: supported housing")

    assert found[0].question == "Service descriptor"
    if connection.vendor == "postgresql":
        assert not LibraryAnswer.objects.filter(search_vector__isnull=True).exists()
