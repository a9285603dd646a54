"""Evaluation in Chromium, every page audited: after the deadline the commissioner opens the tenders,
names evaluators (and removes one named by mistake); an MoJ admin evaluator declares a conflict with one
bidder and scores the other; the commissioner declares, scores, moderates with the individual scores
beside her, marks a tender non-compliant and reads the ranking."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calloffs.models import Competition, ConflictDeclaration, ModeratedScore, Score, Tender
from tests.browser.conftest import sign_in_as
from tests.browser.tendering_steps import score_every_criterion, submit
from tests.calloffs import evaluation_factories as ef
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_tenders_are_opened_evaluated_moderated_and_ranked(
    page, context, audit, live_server, carol, ada, alice, bea, organisation_a, organisation_b
):
    ed = AdminFactory(email="ed@justice.example", full_name="Ed Extra")
    ef.qualify(organisation_a, alice)
    ef.qualify(organisation_b, bea)
    competition, (alpha, beta) = ef.closed_with_tenders(
        carol, [(organisation_a, alice), (organisation_b, bea)]
    )
    ef.tender_file(alpha)

    # The commissioner sees only counts, then opens the tenders.
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + reverse("calloffs:competition_manage", args=[competition.pk]))
    audit("competition, sealed")
    expect(page.locator("main")).not_to_contain_text("Alpha Futures")
    page.get_by_role("link", name="Evaluation: open the tenders").click()
    audit("evaluation, sealed")
    expect(page.locator("main")).to_contain_text("Tenders submitted")
    page.get_by_role("button", name="Open tenders").click()
    audit("opened")
    expect(page.locator("main")).to_contain_text("2 tenders opened")
    assert Competition.objects.get(pk=competition.pk).opened_by == carol

    # Evaluators: a missing choice is refused; carol, ada and (by mistake) ed are named; ed is removed.
    page.get_by_role("link", name="Evaluators").click()
    submit(page)
    audit("evaluators, error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who should evaluate")
    for person in (carol, ada, ed):
        page.select_option("select[name=person]", value=str(person.pk))
        submit(page)
        audit(f"named {person.email}")
    page.get_by_role("button", name="Remove Ed Extra").click()
    audit("removed ed")
    expect(page.locator("main table")).not_to_contain_text("Ed Extra")
    expect(page.locator("main table")).to_contain_text(ada.display_name)

    # Ada declares a conflict with Beta (details needed), no conflict with Alpha, and scores Alpha.
    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + reverse("calloffs:evaluation", args=[competition.pk]))
    audit("ada's evaluation")
    page.get_by_role("link", name="Your conflict of interest declarations").click()
    audit("declarations")
    page.check(f"input[name=has_conflict_{alpha.pk}][value=no]")
    page.check(f"input[name=has_conflict_{beta.pk}][value=yes]")
    submit(page)
    audit("declarations, error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the conflict of interest")
    page.fill(f"textarea[name=details_{beta.pk}]", "I was a trustee of Beta Housing Trust until 2025")
    submit(page)
    audit("declared")
    assert ConflictDeclaration.objects.filter(evaluator__user=ada, has_conflict=True, tender=beta).exists()
    expect(page.locator("main")).to_contain_text("None: you declared a conflict")
    page.get_by_role("link", name="Read the tender of Alpha Futures CIC").click()
    audit("alpha's tender")
    expect(page.get_by_role("link", name="financial-model.pdf")).to_be_visible()
    page.get_by_role("link", name="Score this tender").click()
    audit("scores")
    submit(page)
    audit("scores, error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a score")
    score_every_criterion(page, competition, [2, 3], "comment", "Ada's evidence-based reasons")
    submit(page)
    audit("scored")
    assert Score.objects.filter(evaluator__user=ada).count() == 2

    # Carol declares no conflicts, scores Alpha on her own, then moderates it with both scores beside her.
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + reverse("calloffs:declarations", args=[competition.pk]))
    audit("carol's declarations")
    page.check(f"input[name=has_conflict_{alpha.pk}][value=no]")
    page.check(f"input[name=has_conflict_{beta.pk}][value=no]")
    submit(page)
    page.get_by_role("link", name="Score the tender of Alpha Futures CIC").click()
    audit("carol's scores")
    expect(page.locator("main")).not_to_contain_text("Ada's evidence-based reasons")
    score_every_criterion(page, competition, [4, 3], "comment", "Carol's reasons")
    submit(page)
    page.get_by_role("link", name="Moderate the tender of Alpha Futures CIC").click()
    audit("moderation")
    expect(page.locator("main")).to_contain_text("Ada's evidence-based reasons")
    expect(page.locator("main")).to_contain_text("Carol's reasons")
    score_every_criterion(page, competition, [3, 3], "rationale", "Agreed at the moderation meeting")
    submit(page)
    audit("ranking after moderation")
    assert ModeratedScore.objects.filter(tender=alpha).count() == 2

    # Beta is marked non-compliant; the ranking shows Alpha first and Beta unranked with the reason.
    page.goto(live_server.url + reverse("calloffs:evaluation_tender", args=[competition.pk, beta.pk]))
    page.get_by_role("link", name="Mark it non-compliant").click()
    audit("non-compliant")
    submit(page)
    audit("non-compliant, error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the tender does not comply")
    page.fill("textarea[name=reason]", "The financial model is missing")
    submit(page)
    audit("ranking")
    rows = page.locator("main table tbody tr")
    expect(rows.nth(0)).to_contain_text("1")
    expect(rows.nth(0)).to_contain_text("Alpha Futures CIC")
    expect(rows.nth(0)).to_contain_text("75.00")
    expect(rows.nth(1)).to_contain_text("Not ranked")
    expect(rows.nth(1)).to_contain_text("Non-compliant: The financial model is missing")
    assert Tender.objects.get(pk=beta.pk).non_compliant_reason == "The financial model is missing"
