"""Never type it twice, in Chromium, every page audited: a supplier starting a new tender uses an earlier
answer from the answer library for one question (edited, then saved), then copies the rest of an earlier
tender's responses, is told to choose one when it does not, checks the copied response and saves it; a
grant application starts from an earlier application the same way; a supplier updating its Selection
Questionnaire uses an earlier tender answer as a case study."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calloffs.models import TenderResponse
from calloffs.services import tenders as services
from grants.services import applications
from suppliers import services as sq_services
from suppliers.models import CategoryChoice
from tests.browser.conftest import sign_in_as
from tests.calloffs.tender_helpers import biddable_competition, complete, qualify
from tests.grants import factories as grants_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EARLIER_ANSWER = "We house people on the day they leave prison, with a key worker for the first month."


def test_a_supplier_reuses_an_earlier_answer_in_a_new_tender(
    page, context, audit, live_server, carol, alice, organisation_a
):
    qualify(organisation_a, alice)
    earlier_lot = biddable_competition(carol, title="Accommodation in Durham").lots.get()
    earlier = complete(services.tender_start(lot=earlier_lot, user=alice), alice)
    quality = earlier.competition.criteria.get(name="Quality")
    services.response_save(tender=earlier, criterion=quality, user=alice, text=EARLIER_ANSWER)
    competition = biddable_competition(carol)
    sign_in_as(context, live_server, alice)

    page.goto(f"{live_server.url}/opportunities/competitions/{competition.pk}/")
    page.get_by_role("button", name="Start your tender for lot 1").click()
    expect(page.get_by_role("heading", name="Your tender")).to_be_visible()
    audit("the new tender")

    # One question: an earlier answer from the library, put in the field, edited, then saved.
    page.get_by_role("link", name="Quality", exact=True).click()
    page.get_by_role("link", name="Use an earlier answer").click()
    expect(page.get_by_role("heading", name="Use an earlier answer")).to_be_visible()
    audit("the earlier answers")
    card = page.locator(".govuk-summary-card").filter(has_text=EARLIER_ANSWER[:40])
    card.get_by_role("button", name=re.compile("^Use this answer")).click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    expect(page.locator("textarea[name=text]")).to_have_value(EARLIER_ANSWER)
    audit("an earlier answer in the field")
    assert not TenderResponse.objects.filter(tender__competition=competition).exists()
    page.fill("textarea[name=text]", EARLIER_ANSWER + " In Newcastle too.")
    page.get_by_role("button", name="Save your response").click()
    expect(page.get_by_text("Quality: response saved")).to_be_visible()

    # The rest: copied from the earlier tender, each to check before submitting.
    page.get_by_role("link", name="Copy the responses of an earlier tender").click()
    audit("copying an earlier tender")
    page.get_by_role("button", name="Copy the responses").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the tender to copy responses from")
    audit("copying without a choice")
    page.get_by_label("Accommodation in Durham, lot 1", exact=False).check()
    page.get_by_role("button", name="Copy the responses").click()
    expect(page.get_by_text("1 response copied: check each one, then save it")).to_be_visible()
    expect(page.get_by_text("Copied: check before you submit")).to_have_count(1)
    audit("the task list with a copied response")

    page.get_by_role("link", name="Price", exact=True).click()
    expect(page.get_by_text("This response was copied from an earlier tender")).to_be_visible()
    audit("a copied response")
    page.get_by_role("button", name="Save your response").click()
    expect(page.get_by_text("Price: response saved")).to_be_visible()
    expect(page.get_by_text("Copied: check before you submit")).to_have_count(0)
    new = TenderResponse.objects.filter(tender__competition=competition).order_by("criterion__position")
    assert [(r.text, r.needs_review) for r in new] == [
        (EARLIER_ANSWER + " In Newcastle too.", False),
        ("We will do it well.", False),
    ]


def test_a_grant_application_starts_from_an_earlier_one(page, context, audit, live_server, alice, ada, carol):
    grants_factories.registered(alice, ada)
    earlier_round = grants_factories.open_round(carol, title="Mentoring in Durham")
    grants_factories.ready_application(alice, earlier_round)
    new_round = grants_factories.open_round(carol)
    new = applications.application_start(user=alice, grant_round=new_round)
    key = new_round.eligibility_questions[0]["key"]
    applications.application_eligibility_answer(user=alice, application=new, answers={key: True})
    sign_in_as(context, live_server, alice)

    page.goto(f"{live_server.url}{reverse('grants:application_detail', args=[new.pk])}")
    page.get_by_role("link", name="Copy the answers of an earlier application").click()
    audit("copying an earlier application")
    page.get_by_role("button", name="Copy the answers").click()
    error_summary = page.locator(".govuk-error-summary")
    expect(error_summary).to_contain_text("Choose the application to copy answers from")
    audit("copying without a choice")
    page.get_by_label("Your application to Mentoring in Durham").check()
    page.get_by_role("button", name="Copy the answers").click()
    expect(page.get_by_text("2 answers copied: check your answers, then save them")).to_be_visible()
    expect(page.get_by_text("Copied: check before you send")).to_be_visible()
    audit("the application with copied answers")
    page.get_by_role("link", name="Your answers", exact=True).click()
    expect(page.get_by_text("Copied from an earlier application")).to_be_visible()
    audit("the copied answers")
    page.get_by_role("link", name="What will the grant pay for?", exact=True).click()
    audit("the earlier answers for a grant question")
    card = page.locator(".govuk-summary-card").filter(has_text="Grant application to Mentoring in Durham")
    card.get_by_role("button", name=re.compile("^Use this answer")).click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    audit("an earlier answer in a grant question")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Copied: check before you send")).to_have_count(0)
    new.refresh_from_db()
    assert new.copied_keys == []


def test_a_supplier_uses_an_earlier_tender_answer_as_a_case_study(
    page, context, audit, live_server, carol, alice, organisation_a
):
    qualify(organisation_a, alice)
    tender = complete(services.tender_start(lot=biddable_competition(carol).lots.get(), user=alice), alice)
    quality = tender.competition.criteria.get(name="Quality")
    services.response_save(tender=tender, criterion=quality, user=alice, text=EARLIER_ANSWER)
    draft = sq_services.application_start(organisation=organisation_a, user=alice)
    choice = draft.category_choices.get()
    sign_in_as(context, live_server, alice)

    page.goto(f"{live_server.url}{reverse('suppliers:category_edit', args=[draft.pk, choice.pk])}")
    audit("a service category's page")
    page.get_by_role("link", name="Case study 2: What difference did it make?").click()
    expect(page.get_by_role("heading", name="Use an earlier answer")).to_be_visible()
    audit("the earlier answers for a case study")
    card = page.locator(".govuk-summary-card").filter(has_text=EARLIER_ANSWER[:40])
    card.get_by_role("button", name=re.compile("^Use this answer")).click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    outcome = page.locator("textarea[name=case_studies-1-outcome]")
    expect(outcome).to_have_value(EARLIER_ANSWER)
    audit("an earlier answer in a case study")
    assert CategoryChoice.objects.get(pk=choice.pk).case_studies[1]["outcome"] != EARLIER_ANSWER
    outcome.fill(EARLIER_ANSWER + " Most stayed housed.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Accommodation: saved.")).to_be_visible()
    saved = CategoryChoice.objects.get(pk=choice.pk).case_studies
    assert saved[1]["outcome"] == EARLIER_ANSWER + " Most stayed housed."
    assert saved[0]["outcome"] == choice.case_studies[0]["outcome"]
