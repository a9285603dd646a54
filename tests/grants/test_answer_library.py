"""A grant application's long-text answers are kept in its organisation's answer library by the service
that saves them (ADR 0023), so a tender question can reuse them; never read by anyone else."""

import pytest
from django.urls import reverse

from grants.models import GrantApplication
from grants.services import applications
from portal import answer_library
from portal.models import LibraryAnswer, source_key
from tests.grants import factories
from tests.portal.library_factories import LibraryAnswerFactory

pytestmark = pytest.mark.django_db


def test_saving_an_application_keeps_its_long_text_answers_in_the_library(alice, ada, carol, bea):
    factories.registered(alice, ada)
    grant_round = factories.open_round(carol)
    application = factories.ready_application(alice, grant_round)
    kept = LibraryAnswer.objects.get(kind=LibraryAnswer.Kind.GRANT_APPLICATION)
    long_text = grant_round.questions[0]
    assert kept.source == f"{source_key(application)}:{long_text['key']}"
    assert (kept.question, kept.text) == ("What will the grant pay for?", "A mentor for each woman.")
    assert kept.source_label == f"Grant application to {grant_round.title}"
    # The short answers ("How many women…", the area) are not long text: not in the library.
    assert LibraryAnswer.objects.filter(organisation=alice.membership.organisation).count() == 1 + (
        LibraryAnswer.objects.exclude(kind=LibraryAnswer.Kind.GRANT_APPLICATION).count()
    )
    assert kept in answer_library.earlier_answers(user=alice, question="What will you pay for?")
    assert answer_library.earlier_answers(user=bea, question="What will you pay for?") == []
    assert answer_library.earlier_answers(user=carol, question="What will you pay for?") == []


def test_clearing_an_answer_forgets_it(alice, ada, carol):
    factories.registered(alice, ada)
    grant_round = factories.open_round(carol)
    application = factories.ready_application(alice, grant_round)
    key = grant_round.questions[0]["key"]
    applications.application_answers_save(user=alice, application=application, answers={key: ""})
    assert not LibraryAnswer.objects.filter(kind=LibraryAnswer.Kind.GRANT_APPLICATION).exists()


def test_use_an_earlier_answer_on_an_application_question(
    client, alice, ada, carol, bob, organisation_a, organisation_b, django_assert_max_num_queries
):
    factories.registered(alice, ada)
    application = factories.ready_application(alice, factories.open_round(carol))
    key = application.grant_round.questions[0]["key"]
    own = LibraryAnswerFactory(organisation=organisation_a, question="What will it pay for?", text="Mentors.")
    LibraryAnswerFactory(organisation=organisation_b, question="What will it pay for?", text="Their words.")
    client.force_login(bob)
    answers_url = reverse("grants:application_answers", args=[application.pk])
    library_url = reverse("grants:application_earlier_answers", args=[application.pk, key])
    assert library_url in client.get(answers_url).content.decode()
    with django_assert_max_num_queries(12):
        page = client.get(library_url).content.decode()
    assert "Mentors." in page and "Their words." not in page
    assert "A mentor for each woman." not in page  # the answer being edited is not offered to itself
    page = client.get(f"{answers_url}?question={key}&answer={own.pk}").content.decode()
    assert "Not saved yet" in page and "Mentors.</textarea>" in page
    assert GrantApplication.objects.get(pk=application.pk).answers[key] == "A mentor for each woman."
    other = reverse("grants:application_earlier_answers", args=[application.pk, "no-such-question"])
    assert client.get(other).status_code == 404
