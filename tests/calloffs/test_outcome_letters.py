"""Outcome letters of awards (calloffs.pdfs and the messages of calloffs.services.awards): each bidder
sees its own scores and rationale, the winner's scores and the totals, and the standstill's end; never
another losing bidder's name or scores. One letter per bidder per decision, its PDF stored once."""

import pytest
from django.core import mail
from django.template.loader import render_to_string

from calloffs import pdfs
from calloffs.models import Evaluator, OutcomeLetter, Score
from calloffs.services import awards
from portal import stored_pdfs
from portal.models import Message
from portal.pdf import STATIC_BASE
from tests.calloffs.award_factories import decidable_lot
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decidable(carol, organisation_a, organisation_b, alice, bea):
    return decidable_lot(carol, organisation_a, organisation_b)


@pytest.fixture
def awarded(decidable, carol, django_capture_on_commit_callbacks):
    """Lot 1 awarded to organisation A (the best tender); B and Gamma lose."""
    with django_capture_on_commit_callbacks(execute=True):
        award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    return award


def letter_of(award, tender) -> OutcomeLetter:
    return OutcomeLetter.objects.get(award=award, tender=tender)


def letter_html(letter) -> str:
    return render_to_string(
        "pdf/tender_outcome_letter.html", {**pdfs.outcome_letter_context(letter), "static_base": STATIC_BASE}
    )


def message_of(tender) -> Message:
    return Message.objects.get(kind="tender_outcome", recipient_organisation=tender.organisation)


def emails_to(tender) -> list[str]:
    addresses = set(tender.organisation.memberships.values_list("user__email", flat=True))
    return [message.body for message in mail.outbox if set(message.to) & addresses]


def test_a_losing_bidder_sees_its_own_scores_and_rationale_the_winners_scores_and_the_totals(
    decidable, awarded
):
    page = letter_html(letter_of(awarded, decidable.second))
    assert "Your tender was not successful" in page
    assert "Agreed by the panel: Quality for Beta Housing Trust" in page  # own rationale
    assert "Agreed by the panel: Price for Beta Housing Trust" in page
    # Beta scored 3 and 2; the winner 4 and 3: totals 3/4*60 + 2/4*40 = 65.00 and 4/4*60 + 3/4*40 = 90.00
    assert "65.00" in page and "90.00" in page
    assert "Alpha Futures CIC" in page  # the winner is named
    assert "midnight at the end of" in page


def test_a_losing_bidders_letter_never_shows_another_losing_bidder(decidable, awarded):
    """Beta's letter (the PDF's HTML, its message and e-mail) says nothing of Gamma, the other loser,
    nor of the winner's rationale."""
    bodies = [
        letter_html(letter_of(awarded, decidable.second)),
        message_of(decidable.second).body,
        *emails_to(decidable.second),
    ]
    assert len(bodies) >= 3
    for body in bodies:
        assert "Beta Housing Trust" in body or "Your tender was not successful" in body
        assert "Gamma" not in body
        assert "25.00" not in body  # Gamma's total (1/4*60 + 1/4*40)
        assert "for Alpha Futures CIC" not in body  # the winner's rationale stays with the winner
    gamma = letter_html(letter_of(awarded, decidable.third))
    assert "Beta Housing Trust" not in gamma and "65.00" not in gamma and "25.00" in gamma


def test_the_winners_letter_says_what_happens_next(decidable, awarded):
    page = letter_html(letter_of(awarded, decidable.best))
    assert "Your tender was successful" in page
    assert "What happens next" in page and "you should not start work" in page
    assert "Beta Housing Trust" not in page and "Gamma" not in page
    assert "Agreed by the panel: Quality for Alpha Futures CIC" in page
    assert "What happens next" in message_of(decidable.best).body


def test_every_bidder_gets_a_message_and_an_email_with_the_letter_to_download(decidable, awarded):
    for tender in (decidable.best, decidable.second, decidable.third):
        letter = letter_of(awarded, tender)
        message = message_of(tender)
        assert f"/tenders/{tender.pk}/letters/{letter.pk}.pdf" in message.body
    assert emails_to(decidable.second)
    assert message_of(decidable.second).subject.startswith("Your tender was not successful")


def test_the_pdf_is_rendered_once_after_commit_and_a_second_run_does_nothing(decidable, awarded):
    letter = letter_of(awarded, decidable.second)
    assert letter.pdf  # rendered by the task queued on commit (Celery runs eagerly in tests)
    stored = letter.pdf.name
    assert letter.pdf.open("rb").read(5) == b"%PDF-"
    assert stored_pdfs.stored_pdf_make.delay(pdfs.OUTCOME_LETTER, letter.pk).get() is False
    letter.refresh_from_db()
    assert letter.pdf.name == stored


def test_deciding_again_after_a_withdrawal_writes_new_letters_and_each_decision_once(
    decidable, awarded, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_withdraw(award=awarded, user=carol, reason="A scoring error was found")
    withdrawn = Message.objects.filter(kind="tender_award_withdrawn")
    assert withdrawn.count() == 3
    assert (
        "A scoring error was found" in withdrawn.get(recipient_organisation=decidable.third.organisation).body
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = awards.award_lot(lot=decidable.lot, tender=decidable.second, user=carol)
    assert OutcomeLetter.objects.filter(award=awarded).count() == 3
    assert OutcomeLetter.objects.filter(award=second).count() == 3
    assert Message.objects.filter(kind="tender_outcome").count() == 6
    awards._letters_send(second)  # sending again (a retried task) adds nothing
    assert OutcomeLetter.objects.filter(award=second).count() == 3
    assert Message.objects.filter(kind="tender_outcome").count() == 6


def test_no_suitable_bidder_tells_every_bidder_its_scores(
    decidable, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award = awards.no_suitable_bidder(lot=decidable.lot, user=carol)
    page = letter_html(letter_of(award, decidable.second))
    assert "We have not awarded this lot" in page and "65.00" in page
    assert "Alpha Futures CIC" not in page and "Gamma" not in page and "standstill" not in page


@pytest.mark.parametrize("evaluators", [1, 2])
def test_the_letter_names_the_evaluator_or_the_evaluators_as_there_were(
    decidable, awarded, carol, evaluators
):
    people = [carol, AdminFactory()][:evaluators]
    criteria = list(decidable.competition.criteria.all())
    for person in people:
        evaluator, _ = Evaluator.objects.get_or_create(
            competition=decidable.competition, user=person, defaults={"named_by": carol}
        )
        for criterion in criteria:
            Score.objects.update_or_create(
                evaluator=evaluator,
                tender=decidable.second,
                criterion=criterion,
                defaults={"score": 2, "comment": "Fair"},
            )
    page = letter_html(letter_of(awarded, decidable.second))
    assert "evaluation panel" not in page
    if evaluators == 1:
        assert "by the evaluator." in page and "evaluators" not in page
    else:
        assert "by each of the 2 evaluators, and one score agreed between them" in page
