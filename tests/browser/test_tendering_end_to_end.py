"""Issue 10 end to end in Chromium, every page audited: two suppliers build their tenders (one sees what
is missing, is refused while incomplete and asks a clarification question), submit and download their
receipts; before the deadline the commissioner sees only counts; after it (the deadline moved in the
database) she opens the tenders, an evaluator declares and scores, she moderates and awards the lot; each
bidder downloads its own outcome letter from its tender's page, and a losing bidder's letter does not name
the other losing bidder."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from playwright.sync_api import expect

from calloffs import pdfs
from calloffs.models import ClarificationQuestion, OutcomeLetter, Tender
from portal.pdf import STATIC_BASE
from tests.browser.conftest import sign_in_as
from tests.browser.tendering_steps import (
    declare_no_conflicts,
    documents_and_forms,
    download,
    respond,
    score_every_criterion,
    submit,
    submit_tender,
    supply_chain_without_partners,
)
from tests.calloffs import evaluation_factories as ef
from tests.calloffs.tender_factories import past_deadline, submitted_tender
from tests.calloffs.tender_helpers import biddable_competition, qualify
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Housing support in Teesside"
QUESTION = "May we count the move-on flats we already run in Durham?"


def open_own_tender(page, live_server, audit) -> None:
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Your tenders", exact=True).click()
    audit("your tenders")
    page.get_by_role("link", name=re.compile(f"^{TITLE}")).click()
    audit("the task list")


def start_tender(page, live_server, audit) -> None:
    page.goto(live_server.url + "/opportunities/")
    page.get_by_role("link", name=TITLE).click()
    audit("the competition")
    page.get_by_role("button", name="Start your tender for lot 1").click()
    expect(page.get_by_text("You have completed 0 of 8 tasks")).to_be_visible()
    audit("a new tender")


def letter_text(letter: OutcomeLetter) -> str:
    """What the letter's PDF is rendered from (the machine has no PDF text extractor)."""
    context = {**pdfs.outcome_letter_context(letter), "static_base": STATIC_BASE}
    return render_to_string("pdf/tender_outcome_letter.html", context)


def test_two_suppliers_tender_and_read_their_outcome_letters_after_evaluation_and_award(
    page, context, audit, live_server, carol, ada, alice, bea, organisation_a, organisation_b
):
    qualify(organisation_a, alice)
    qualify(organisation_b, bea)
    competition = biddable_competition(carol, title=TITLE)
    lot = competition.lots.get()

    # Alice builds her tender: what is missing, a refusal, a question, then everything and the receipt.
    sign_in_as(context, live_server, alice)
    start_tender(page, live_server, audit)
    respond(page, audit, "Quality", "We house people on the day they leave prison.")
    expect(page.get_by_text("You have completed 1 of 8 tasks")).to_be_visible()
    page.get_by_role("link", name="Check and submit your tender").click()
    expect(page.locator("#missing").get_by_role("link", name="Complete: Price")).to_be_visible()
    audit("what is missing")
    page.get_by_role("button", name="Submit your tender").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Complete: Price")
    audit("submit refused")
    assert not Tender.objects.filter(status=Tender.Status.SUBMITTED).exists()

    page.get_by_role("link", name="Find an opportunity", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Ask a question").click()
    audit("ask a question")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send your question").click()
    expect(page.get_by_text("Your question has been sent to the commissioner")).to_be_visible()
    audit("question sent")
    assert ClarificationQuestion.objects.get().question == QUESTION

    open_own_tender(page, live_server, audit)
    page.get_by_role("link", name="Price", exact=True).click()
    page.fill("textarea[name=text]", "Our prices are in the financial model.")
    page.get_by_role("button", name="Save your response").click()
    documents_and_forms(page, audit, signer="Alice Able")
    supply_chain_without_partners(page, audit)
    expect(page.get_by_text("You have completed 8 of 8 tasks")).to_be_visible()
    submit_tender(page, audit)
    alpha = Tender.objects.get(organisation=organisation_a)
    expect(page.locator(".govuk-panel")).to_contain_text(alpha.current_version.receipt_number)
    page.reload()
    download(page, "Download your receipt (PDF)")
    context.clear_cookies()

    # Bea builds and submits hers.
    sign_in_as(context, live_server, bea)
    start_tender(page, live_server, audit)
    respond(page, audit, "Quality", "Our caseworkers meet every person at the gate.")
    respond(page, audit, "Price", "Our prices are in the financial model.")
    documents_and_forms(page, audit, signer="Bea Brown")
    supply_chain_without_partners(page, audit)
    submit_tender(page, audit)
    beta = Tender.objects.get(organisation=organisation_b)
    page.reload()
    download(page, "Download your receipt (PDF)")
    context.clear_cookies()

    # A third bidder, built in the database, so that a losing bidder's letter can be checked for the other.
    gamma_organisation = OrganisationFactory(legal_name="Gamma Resettlement Ltd", is_vcse=False)
    gamma_user = MembershipFactory(organisation=gamma_organisation, is_admin=True).user
    qualify(gamma_organisation, gamma_user)
    gamma = submitted_tender(lot, gamma_organisation, gamma_user)

    # Before the deadline the commissioner sees how many tenders there are, and nothing of who sent them.
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Competitions", exact=True).click()
    page.get_by_role("link", name=TITLE).first.click()
    audit("the commissioner's competition, before the deadline")
    main = page.locator("main")
    expect(main).to_contain_text("Tenders are sealed")
    # The page's "Evaluation" link, not the glossary's entry linked from the heading "Evaluation criteria".
    main.get_by_role("link", name="Evaluation", exact=True).and_(
        main.locator("[href$='/evaluation/']")
    ).click()
    audit("evaluation, before the deadline")
    expect(main.locator(".govuk-summary-list")).to_contain_text(re.compile(r"Tenders submitted\s*3"))
    expect(page.get_by_role("button", name="Open tenders")).to_have_count(0)
    for name in ("Alpha Futures", "Beta Housing", "Gamma Resettlement"):
        expect(main).not_to_contain_text(name)
    page.goto(live_server.url + reverse("calloffs:evaluation_tender", args=[competition.pk, alpha.pk]))
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    audit("a tender before the deadline: not found")

    # After the deadline she opens them and names herself and Ada as evaluators.
    past_deadline(competition)
    page.goto(live_server.url + reverse("calloffs:competition_manage", args=[competition.pk]))
    audit("the competition, closed")
    page.get_by_role("link", name="Evaluation: open the tenders").click()
    page.get_by_role("button", name="Open tenders").click()
    expect(main).to_contain_text("3 tenders opened")
    audit("opened")
    page.get_by_role("link", name="Evaluators").click()
    audit("evaluators")
    for person in (carol, ada):
        page.select_option("select[name=person]", value=str(person.pk))
        submit(page)
        audit(f"named {person.email}")

    # Ada declares no conflict and scores both tenders that came through the pages.
    context.clear_cookies()
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + reverse("calloffs:evaluation", args=[competition.pk]))
    audit("ada's evaluation")
    page.get_by_role("link", name="Your conflict of interest declarations").click()
    audit("ada's declarations")
    declare_no_conflicts(page, audit, [alpha, beta, gamma])
    for tender, scores in ((alpha, [4, 3]), (beta, [3, 2])):
        page.get_by_role("link", name=f"Score the tender of {tender.organisation.legal_name}").click()
        audit(f"ada scores {tender.organisation}")
        score_every_criterion(page, competition, scores, "comment", "Ada's reasons from the evidence")
        submit(page)
        audit(f"ada scored {tender.organisation}")

    # Carol declares, scores, moderates both, and (Gamma's scores agreed in the database) awards to Alpha.
    context.clear_cookies()
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + reverse("calloffs:declarations", args=[competition.pk]))
    audit("carol's declarations")
    declare_no_conflicts(page, audit, [alpha, beta, gamma])
    for evaluator in (ada, carol):
        ef.score(evaluator, gamma, [1, 1])
    ef.moderate(carol, gamma, [1, 1])
    for tender, scores in ((alpha, [4, 3]), (beta, [3, 2])):
        name = tender.organisation.legal_name
        page.get_by_role("link", name=f"Score the tender of {name}").click()
        score_every_criterion(page, competition, scores, "comment", "Carol's reasons")
        submit(page)
        audit(f"carol scored {name}")
        page.get_by_role("link", name=f"Moderate the tender of {name}").click()
        audit(f"moderating {name}")
        expect(main).to_contain_text("Ada's reasons from the evidence")
        score_every_criterion(page, competition, scores, "rationale", f"Agreed for {name}")
        submit(page)
        audit(f"ranking after moderating {name}")
        page.get_by_role("link", name="Back to the evaluation").click()
    page.get_by_role("link", name="Back to the competition").click()
    page.get_by_role("link", name="Decide lot 1: County Durham").click()
    audit("the lot's ranked tenders")
    page.get_by_label(re.compile("^Alpha Futures CIC")).check()
    page.get_by_role("button", name="Award the lot").click()
    expect(page.get_by_role("heading", name="Awarded to Alpha Futures CIC")).to_be_visible()
    audit("awarded")
    context.clear_cookies()

    # Each bidder downloads its own letter from its tender's page; a loser's letter names no other loser.
    letters = {letter.tender_id: letter for letter in OutcomeLetter.objects.select_related("tender")}
    assert set(letters) == {alpha.pk, beta.pk, gamma.pk}
    for user, tender in ((alice, alpha), (bea, beta)):
        sign_in_as(context, live_server, user)
        open_own_tender(page, live_server, audit)
        expect(page.get_by_role("link", name=re.compile("^Outcome letter for lot 1"))).to_have_count(1)
        downloaded = download(page, re.compile("^Outcome letter for lot 1"))
        letter = OutcomeLetter.objects.get(pk=letters[tender.pk].pk)
        assert downloaded == letter.pdf.read()
        context.clear_cookies()
    assert "Your tender was successful" in letter_text(letters[alpha.pk])
    losing = letter_text(letters[beta.pk])
    assert "Your tender was not successful" in losing and "Alpha Futures CIC" in losing
    assert "Gamma" not in losing and "25.00" not in losing  # Gamma's total: 1/4 of 60 plus 1/4 of 40
