"""The Selection Questionnaire's service descriptor and case studies are kept in the organisation's answer
library by the service that saves a category (ADR 0023), and forgotten when the category is removed."""

import pytest

from portal import answer_library
from portal.models import LibraryAnswer, source_key
from suppliers import services
from tests.suppliers import factories

pytestmark = pytest.mark.django_db


def test_a_categorys_descriptor_and_case_studies_are_kept_and_forgotten_with_it(alice, organisation_a, bea):
    application = factories.complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    kept = LibraryAnswer.objects.filter(source__startswith=f"{source_key(choice)}:").order_by("question")
    assert [(a.kind, a.question) for a in kept] == [
        (LibraryAnswer.Kind.QUESTIONNAIRE, "Case study 1: What did you do?"),
        (LibraryAnswer.Kind.QUESTIONNAIRE, "Case study 1: What difference did it make?"),
        (LibraryAnswer.Kind.QUESTIONNAIRE, "Case study 2: What did you do?"),
        (LibraryAnswer.Kind.QUESTIONNAIRE, "Case study 2: What difference did it make?"),
        (LibraryAnswer.Kind.QUESTIONNAIRE, "Service descriptor"),
    ]
    assert all(answer.source_label == "Selection Questionnaire, Accommodation" for answer in kept)
    assert kept.get(question="Service descriptor").text == "We run supported housing for people on probation."
    assert answer_library.earlier_answers(user=bea, question="Service descriptor") == []

    services.category_choice_remove(choice=choice, user=alice)
    assert not LibraryAnswer.objects.exists()
