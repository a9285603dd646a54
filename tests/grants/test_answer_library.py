"""A grant application's long-text answers are kept in its organisation's answer library by the service
that saves them (ADR 0023), so a tender question can reuse them; never read by anyone else."""

import pytest

from grants.services import applications
from portal import answer_library
from portal.models import LibraryAnswer, source_key
from tests.grants import factories

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
