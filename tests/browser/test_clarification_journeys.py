"""Clarification questions in Chromium, every page audited: a supplier asks a question that names its
organisation; the commissioner rewords it, answers, and publishes it as an amendment; another supplier
reads it on the competition's page and in its e-mail without learning who asked; and the first supplier,
whose tender was already submitted, confirms it again from its dashboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from calloffs.models import ClarificationQuestion, Tender
from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import submitted_tender
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ASKED = "At Alpha Futures CIC we already run twelve flats in Durham. May we count them as move-on places?"
REWORDED = "May a bidder count the move-on flats it already runs?"
ANSWER = "Yes. Say how many you run and where, in your answer to the quality criterion."


def test_a_question_is_answered_to_every_bidder_without_naming_the_asker(
    page, context, audit, live_server, carol, alice, organisation_a, bea, organisation_b
):
    standing_for(organisation_b)  # so the publication alerts organisation B
    competition = f.live_competition(carol, title="Housing support in Teesside")
    tender = submitted_tender(competition.lots.get(), organisation_a, alice)
    competition_url = f"{live_server.url}/opportunities/competitions/{competition.pk}/"

    # Alice asks; an empty question is refused first.
    sign_in_as(context, live_server, alice)
    page.goto(competition_url)
    audit("the competition")
    page.get_by_role("link", name="Ask a question").click()
    audit("ask a question")
    page.get_by_role("button", name="Send your question").click()
    audit("ask: nothing typed")
    expect(page.get_by_role("link", name="Enter your question")).to_be_visible()
    page.get_by_label("Your question").fill(ASKED)
    page.get_by_role("button", name="Send your question").click()
    audit("question sent")
    expect(page.get_by_text("Your question has been sent to the commissioner")).to_be_visible()
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    context.clear_cookies()

    # Carol rewords it, answers, and publishes it as a change to the invitation.
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()
    page.get_by_role("link", name="Housing support in Teesside").click()
    audit("the commissioner's competition")
    page.get_by_role("link", name="See and answer clarification questions").click()
    audit("clarification questions")
    expect(page.get_by_text(ASKED)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Answer")).click()
    audit("answer a question")
    page.get_by_label("The question as it will be published").fill(REWORDED)
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label("This answer changes the invitation").check()
    page.get_by_role("button", name="Publish the question and answer").click()
    audit("published")
    expect(page.get_by_text("Question and answer published to every bidder")).to_be_visible()
    question = ClarificationQuestion.objects.get()
    assert question.published_question == REWORDED and question.amendment.number == 1
    context.clear_cookies()

    # Bea reads it on the page and in her e-mail, and cannot tell who asked.
    sign_in_as(context, live_server, bea)
    page.goto(competition_url)
    audit("the competition, with its answer")
    expect(page.get_by_text(REWORDED)).to_be_visible()
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    expect(page.get_by_text("Alpha Futures")).to_have_count(0)
    email = next(
        message for message in mail.outbox if bea.email in message.to and "Clarification" in message.subject
    )
    assert REWORDED in email.body and ANSWER in email.body
    assert "Alpha" not in email.body and alice.email not in email.body
    context.clear_cookies()

    # Alice's tender was submitted before the amendment: her dashboard sends her to confirm it.
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    audit("dashboard: a tender to confirm")
    page.get_by_role("link", name=re.compile("^Action needed: confirm your tender")).click()
    audit("confirm the tender")
    expect(page.get_by_role("heading", name="Amendment 1", exact=False)).to_be_visible()
    page.get_by_role("button", name="Confirm your tender stands").click()
    audit("tender confirmed")
    expect(page.get_by_text("You have confirmed your tender")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Action needed"))).to_have_count(0)
    assert Tender.objects.get(pk=tender.pk).confirmed_amendment == 1
