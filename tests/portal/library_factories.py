"""Answers in an organisation's answer library, made straight in the table (the apps' services keep it
in real use: tests/calloffs/test_answer_reuse.py and the grants and questionnaire tests show that)."""

from __future__ import annotations

import factory

from portal import answer_library
from portal.models import LibraryAnswer
from tests.factories import OrganisationFactory


class LibraryAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryAnswer
        skip_postgeneration_save = True  # a second save would write the vector back as empty

    organisation = factory.SubFactory(OrganisationFactory)
    kind = LibraryAnswer.Kind.TENDER
    source = factory.Sequence(lambda n: f"tests.answer:{n}")
    source_label = factory.Sequence(lambda n: f"Tender for competition {n}, lot 1")
    question = "Quality"
    text = "We will do it well."

    @factory.post_generation
    def indexed(answer, create, extracted, **kwargs):
        """Its search vector stored, as `answer_library.remember` does (PostgreSQL only)."""
        if create:
            answer_library.index(LibraryAnswer.objects.filter(pk=answer.pk))
