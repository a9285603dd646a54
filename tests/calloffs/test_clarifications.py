"""Clarification questions (docs/domain.md §5, issue 10 point 5): asked until the clarification deadline by
the server's clock, word-limited, answered by the commissioner who manages the competition, published to
every organisation following it without ever saying who asked; an answer that changes the invitation is
an amendment, and submitted tenders must then be confirmed again."""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calloffs import alerts, selectors, tasks
from calloffs.models import ClarificationQuestion, Competition, Tender
from calloffs.services import clarifications, competitions
from calloffs.services.clarifications import MAX_QUESTION_WORDS
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Delivery, Message
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import past_deadline, started_tender, submitted_tender
from tests.factories import MembershipFactory, OrganisationFactory
from tests.glossary_check import without_glossary_links
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db

IDENTIFYING = "At Alpha Futures CIC in Durham we run twelve flats: may we count them as move-on places?"
REWORDED = "May a bidder count the move-on flats it already runs?"
ANSWER = "Yes: say how many you run and where, in your answer to the quality criterion."


@pytest.fixture
def competition(carol):
    return f.live_competition(carol)


def ask(competition, user, text=IDENTIFYING, **kwargs):
    return clarifications.clarification_ask(competition=competition, user=user, question=text, **kwargs)


def publish(question, user, **kwargs):
    values = {"published_question": REWORDED, "answer": ANSWER, **kwargs}
    return clarifications.clarification_publish(question=question, user=user, **values)


# Asking ------------------------------------------------------------------------------------------


def test_a_supplier_asks_until_the_clarification_deadline_instant(competition, alice):
    deadline = competition.clarification_deadline
    question = ask(competition, alice, now=deadline - timedelta(microseconds=1))
    assert (question.organisation, question.asked_by, question.question) == (
        alice.membership.organisation,
        alice,
        IDENTIFYING,
    )
    assert AuditEvent.objects.filter(action="clarification.asked", actor=alice).exists()
    with pytest.raises(RuleBroken, match="deadline for clarification questions has passed"):
        ask(competition, alice, now=deadline)
    assert ClarificationQuestion.objects.count() == 1


def test_the_server_clock_decides_not_the_callers(competition, alice):
    Competition.objects.filter(pk=competition.pk).update(clarification_deadline=timezone.now())
    competition.refresh_from_db()
    with pytest.raises(RuleBroken, match="has passed"):
        ask(competition, alice)


def test_a_question_is_limited_in_words(competition, alice):
    ask(competition, alice, " ".join(["word"] * MAX_QUESTION_WORDS))
    with pytest.raises(RuleBroken) as refused:
        ask(competition, alice, " ".join(["word"] * (MAX_QUESTION_WORDS + 1)))
    assert refused.value.field == "question"
    assert str(MAX_QUESTION_WORDS) in refused.value.message
    with pytest.raises(RuleBroken, match="Enter your question"):
        ask(competition, alice, "   ")


def test_only_people_in_supplier_organisations_ask_and_only_about_an_open_competition(
    competition, carol, alice
):
    with pytest.raises(RuleBroken, match="supplier organisations"):
        ask(competition, carol)
    draft = f.publishable_competition(carol)
    with pytest.raises(RuleBroken, match="has passed"):
        ask(draft, alice)
    competitions.competition_cancel(competition=competition, user=carol, reason="Budget withdrawn")
    with pytest.raises(RuleBroken, match="has passed"):
        ask(competition, alice)


# Answering and publishing ------------------------------------------------------------------------


def test_only_the_commissioner_who_manages_the_competition_publishes(competition, alice, carol, colin, ada):
    question = ask(competition, alice)
    for outsider in (colin, alice):
        with pytest.raises(RuleBroken):
            publish(question, outsider)
    publish(question, carol)
    question.refresh_from_db()
    assert (question.published_question, question.answer, question.answered_by) == (REWORDED, ANSWER, carol)
    assert AuditEvent.objects.get(action="clarification.published").changes == {"reworded": True}
    with pytest.raises(RuleBroken, match="already been answered"):
        publish(question, ada)


def test_publishing_needs_the_question_and_an_answer(competition, alice, carol):
    question = ask(competition, alice)
    with pytest.raises(RuleBroken) as refused:
        publish(question, carol, published_question=" ", answer="")
    assert {p.field for p in refused.value.problems} == {"published_question", "answer"}
    question.refresh_from_db()
    assert question.published_at is None


def test_nothing_is_published_once_the_competition_has_closed(competition, alice, carol):
    question = ask(competition, alice)
    with pytest.raises(RuleBroken, match="while the competition is open"):
        publish(question, carol, now=competition.submission_deadline)


def test_an_answer_that_changes_the_invitation_is_an_amendment(competition, alice, carol):
    question = ask(competition, alice)
    publish(question, carol, changes_invitation=True)
    amendment = competition.amendments.get()
    question.refresh_from_db()
    assert question.amendment == amendment
    assert ANSWER in amendment.summary
    assert amendment.number == 1


def test_an_answer_that_changes_the_invitation_late_must_move_the_deadline(competition, alice, carol):
    question = ask(competition, alice)
    late = competition.submission_deadline - timedelta(days=3)
    with pytest.raises(RuleBroken) as refused:
        publish(question, carol, changes_invitation=True, now=late)
    assert "new_deadline" in {p.field for p in getattr(refused.value, "problems", [refused.value])}
    question.refresh_from_db()
    assert question.published_at is None and not competition.amendments.exists()


# Who hears, and that nobody learns who asked ------------------------------------------------------


@pytest.fixture
def followers(
    competition, carol, organisation_a, alice, organisation_b, bea, django_capture_on_commit_callbacks
):
    """Organisation B was alerted when the competition was published; C started a tender since (it
    qualified after); D neither. Alice (organisation A, not alerted) asks."""
    standing_for(organisation_b)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.competition_published_alerts_send(competition_id=competition.pk)
    assert alerts.alerted_organisation_ids(competition) == [organisation_b.pk]
    c, d = OrganisationFactory(legal_name="Gamma Homes"), OrganisationFactory(legal_name="Delta Care")
    carl = MembershipFactory(organisation=c, user__email="carl@gamma.example").user
    MembershipFactory(organisation=d, user__email="dee@delta.example")
    started_tender(competition.lots.get(), c, carl)
    return {"b": organisation_b, "c": c, "d": d}


def test_a_published_answer_reaches_followers_and_the_asker_but_never_names_the_asker(
    competition, alice, carol, organisation_a, followers, client, django_capture_on_commit_callbacks
):
    question = ask(competition, alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(question, carol)

    messages = Message.objects.filter(kind=alerts.CLARIFICATION)
    assert {m.recipient_organisation_id for m in messages} == {
        organisation_a.pk,
        followers["b"].pk,
        followers["c"].pk,
    }
    assert sorted(email.to[0] for email in mail.outbox) == [
        alice.email,
        "bea@beta.example",
        "carl@gamma.example",
    ]
    secrets = [organisation_a.legal_name, alice.email, alice.full_name, IDENTIFYING, "Alpha"]
    others = [m for m in messages if m.recipient_organisation_id != organisation_a.pk]
    others_text = [m.subject + m.body for m in others] + [
        d.subject + d.body_text for d in Delivery.objects.filter(message__in=others)
    ]
    assert others_text and all(REWORDED in text and ANSWER in text for text in others_text[:2])
    for text in others_text:
        for secret in secrets:
            assert secret not in text
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert REWORDED in page and ANSWER in page
    for secret in secrets:
        assert secret not in page
    assert alerts.clarification_alerts_send(question_id=question.pk) == 0  # once per organisation


def test_the_commissioners_pages_show_the_question_but_not_who_asked(competition, alice, carol, client):
    question = ask(competition, alice, "Can we bid for part of the lot?")
    client.force_login(carol)
    for url in (
        reverse("calloffs:clarification_list", args=[competition.pk]),
        reverse("calloffs:clarification_answer", args=[question.pk]),
        reverse("calloffs:competition_manage", args=[competition.pk]),
    ):
        page = client.get(url).content.decode()
        assert alice.email not in page and alice.full_name not in page and "Alpha Futures" not in page
    page = client.get(reverse("calloffs:clarification_list", args=[competition.pk])).content.decode()
    assert "Can we bid for part of the lot?" in without_glossary_links(page)


def test_an_unpublished_question_is_shown_to_nobody_but_its_organisation(
    competition, alice, bob, bea, client
):
    ask(competition, alice, "Is the budget fixed?")
    assert (
        "Is the budget fixed?"
        not in client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    )
    url = reverse("calloffs:question_ask", args=[competition.pk])
    client.force_login(bob)
    assert "Is the budget fixed?" in client.get(url).content.decode()  # a colleague
    client.force_login(bea)
    assert "Is the budget fixed?" not in client.get(url).content.decode()


# Re-confirming a submitted tender after an amendment -----------------------------------------------


def test_a_submitted_tender_must_be_confirmed_again_after_an_amendment(competition, carol, alice, bob, bea):
    tender = submitted_tender(competition.lots.get(), alice.membership.organisation, alice)
    organisation_id = tender.organisation_id
    assert not selectors.tenders_needing_reconfirmation(organisation_id).exists()
    competitions.competition_amend(competition=competition, user=carol, summary="Weekend support is needed.")
    competitions.competition_amend(competition=competition, user=carol, summary="And bank holidays.")
    listed = list(selectors.tenders_needing_reconfirmation(organisation_id))
    assert listed == [tender] and listed[0].latest_amendment == 2

    with pytest.raises(RuleBroken, match="Only people in the organisation"):
        clarifications.tender_reconfirm(tender=tender, user=bea)
    clarifications.tender_reconfirm(tender=tender, user=bob)
    tender.refresh_from_db()
    assert tender.confirmed_amendment == 2
    assert AuditEvent.objects.filter(action="tender.reconfirmed", actor=bob).exists()
    assert not selectors.tenders_needing_reconfirmation(organisation_id).exists()
    with pytest.raises(RuleBroken, match="already confirmed"):
        clarifications.tender_reconfirm(tender=tender, user=bob)


def test_the_pages_quick_check_lists_the_same_tenders_as_the_full_query(competition, carol):
    """`tenders_to_reconfirm` asks a plain question first; whatever each tender's state, it lists exactly
    what `tenders_needing_reconfirmation` lists, in one query when there is nothing to confirm."""
    lot = competition.lots.get()
    closed = f.live_competition(carol)
    for amended in (competition, competition, closed, closed):
        competitions.competition_amend(competition=amended, user=carol, summary="Weekend support too.")
    closed = past_deadline(closed)
    states = itertools.product((0, 1, 2), (0, 1, 2), (True, False), (competition, closed))
    for confirmed, version_amendment, submitted, where in states:
        organisation = OrganisationFactory()
        if submitted:
            tender = submitted_tender(where.lots.get() if where == closed else lot, organisation, carol)
            tender.current_version.amendment_number = version_amendment
            tender.current_version.save(update_fields=["amendment_number"])
        else:
            tender = started_tender(where.lots.get() if where == closed else lot, organisation, carol)
        Tender.objects.filter(pk=tender.pk).update(confirmed_amendment=confirmed)
        expected = list(selectors.tenders_needing_reconfirmation(organisation.pk))
        assert selectors.tenders_to_reconfirm(organisation.pk) == expected
        assert bool(expected) == (
            submitted and where == competition and max(confirmed, version_amendment) < 2
        ), (confirmed, version_amendment, submitted)
    organisation = OrganisationFactory()
    with CaptureQueriesContext(connection) as queries:
        assert selectors.tenders_to_reconfirm(organisation.pk) == []
    assert len(queries) == 1


def test_a_tender_submitted_after_the_amendment_needs_no_confirmation(competition, carol, alice):
    competitions.competition_amend(competition=competition, user=carol, summary="Weekend support is needed.")
    tender = submitted_tender(competition.lots.get(), alice.membership.organisation, alice)
    tender.current_version.amendment_number = 1
    tender.current_version.save(update_fields=["amendment_number"])
    assert not selectors.tenders_needing_reconfirmation(tender.organisation_id).exists()
    with pytest.raises(RuleBroken, match="already confirmed"):
        clarifications.tender_reconfirm(tender=tender, user=alice)


def test_only_a_submitted_tender_before_the_deadline_is_confirmed(competition, carol, alice):
    lot = competition.lots.get()
    draft = started_tender(lot, alice.membership.organisation, alice)
    competitions.competition_amend(competition=competition, user=carol, summary="Weekend support is needed.")
    with pytest.raises(RuleBroken, match="Only a submitted tender"):
        clarifications.tender_reconfirm(tender=draft, user=alice)
    Tender.objects.filter(pk=draft.pk).delete()
    tender = submitted_tender(lot, alice.membership.organisation, alice)
    with pytest.raises(RuleBroken, match="deadline has passed"):
        clarifications.tender_reconfirm(tender=tender, user=alice, now=competition.submission_deadline)


def test_the_dashboard_lists_tenders_to_confirm_first(competition, carol, alice, client):
    tender = submitted_tender(competition.lots.get(), alice.membership.organisation, alice)
    client.force_login(alice)
    assert "Action needed" not in client.get(reverse("portal:dashboard")).content.decode()
    competitions.competition_amend(competition=competition, user=carol, summary="Weekend support is needed.")
    response = client.get(reverse("portal:dashboard"))
    first = response.context["links"][0]
    assert first.href == reverse("calloffs:tender_reconfirm", args=[tender.pk])
    assert first.text.startswith("Action needed: confirm your tender") and "amendment 1" in first.text


def test_the_beats_safety_net_sends_a_lost_clarification_alert_once(
    competition, alice, carol, organisation_a, django_capture_on_commit_callbacks
):
    question = ask(competition, alice)
    publish(question, carol)  # its alert was queued after a commit that never ran its callbacks here
    assert not Message.objects.filter(kind=alerts.CLARIFICATION).exists()
    assert alerts.recent_alert_sources()["clarification_alerts_send"] == [question.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.alerts_recheck() >= 1
    assert list(
        Message.objects.filter(kind=alerts.CLARIFICATION).values_list("recipient_organisation_id", flat=True)
    ) == [organisation_a.pk]
    assert alerts.clarification_alerts_send(question_id=question.pk) == 0
