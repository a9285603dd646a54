"""The grants portal in Chromium, every page audited: an organisation qualified on the framework learns it
must still register for grants, registers, is accepted, hears of a North East round, is stopped by an
eligibility question and then applies; a commissioner builds a round with three kinds of question, opens
it, amends it, and cancels another; after a round closes, its application is assessed, awarded, and the
applicant accepts its offer."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from grants.models import Decision, GrantApplication, GrantRound, Registration
from grants.services import assessment
from tests.browser.conftest import sign_in_as
from tests.grants import factories as f
from tests.suppliers.factories import PDF_BYTES
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_date(page, group: str, day: str, month: str, year: str) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(day)
    fieldset.get_by_label("Month").fill(month)
    fieldset.get_by_label("Year").fill(year)


def answer_the_round_questions(page, *, women: str, look) -> None:
    """From an application's task list, answer the factories' round questions and save; `look` checks
    each page on the way (an accessibility audit, or reading it)."""
    page.get_by_role("link", name="Your answers", exact=True).click()
    look("answers")
    page.get_by_label("What will the grant pay for?").fill("A mentor for each woman leaving custody.")
    page.get_by_label("How many women will you support?").fill(women)
    page.get_by_label("Tyneside").check()
    page.get_by_role("button", name="Save and continue").click()
    look("answers saved")


def test_an_organisation_registers_is_accepted_is_alerted_and_applies(
    page, context, audit, live_server, alice, ada, carol, organisation_a, tmp_path
):
    standing_for(organisation_a, regions=("north-east",))  # qualified on the framework
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("Grants: register your organisation")).click()
    audit("grants home")
    expect(page.get_by_text("does not register you")).to_be_visible()
    page.get_by_role("link", name="Register for grants").click()
    audit("registration")
    page.get_by_label("How many trustees or directors").fill("six")
    page.get_by_role("button", name="Save and continue").click()
    audit("registration errors")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("How many trustees or directors")).to_have_value("six")

    page.get_by_label("How many trustees or directors").fill("6")
    page.get_by_label("Annual income for your last financial year").fill("400,000")
    fill_date(page, "When did that financial year end?", "31", "3", "2026")
    page.get_by_label("Safeguarding").check()
    page.get_by_label("Women", exact=True).check()
    page.get_by_label("North East").check()
    accounts = tmp_path / "accounts.pdf"
    accounts.write_bytes(PDF_BYTES)
    page.get_by_label("Your latest accounts").set_input_files(str(accounts))
    page.get_by_role("button", name="Save and continue").click()
    audit("check registration")
    page.get_by_role("button", name="Send your registration").click()
    audit("registration sent")
    expect(page.get_by_text("Waiting for a decision")).to_be_visible()
    context.clear_cookies()

    sign_in_as(context, live_server, ada)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Grants registrations to decide").click()
    audit("registrations to decide")
    page.get_by_role("link", name=organisation_a.legal_name).click()
    audit("registration review")
    page.get_by_label(re.compile("Accept")).check()
    page.get_by_role("button", name="Record the decision").click()
    audit("decided")
    assert Registration.objects.get(organisation=organisation_a).is_registered
    context.clear_cookies()
    decision = next(m for m in mail.outbox if alice.email in m.to and "grants registration" in m.subject)
    assert "accepted" in decision.subject

    grant_round = f.open_round(carol)  # a North East round opens; its alert goes once this commits
    alert = next(m for m in mail.outbox if alice.email in m.to and grant_round.title in m.subject)
    link = re.search(r"https?://\S*/grants/rounds/\d+/", alert.body).group(0)
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + urlsplit(link).path)
    audit("round page")
    page.get_by_role("button", name="Apply for this grant").click()
    audit("eligibility")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    audit("not eligible")
    expect(page.get_by_text(f.ELIGIBILITY_REASON)).to_be_visible()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    audit("task list")

    answer_the_round_questions(page, women="40", look=audit)
    page.get_by_role("link", name="Your budget", exact=True).click()
    audit("budget")
    page.get_by_label("Cost line 1: year").select_option("1")
    page.get_by_label("Cost line 1: what it is for").fill("Mentor")
    page.get_by_label("Cost line 1: amount (£)").fill("150,000")
    page.get_by_role("button", name="Save and continue").click()
    audit("budget over the limit")
    expect(page.get_by_text("the largest grant a year is £100,000").first).to_be_visible()
    page.get_by_label("Cost line 1: amount (£)").fill("40,000")
    page.get_by_role("button", name="Save and continue").click()
    audit("budget saved")
    page.get_by_role("link", name="Check your answers and send").click()
    audit("check your answers")
    page.get_by_label("Your full name").fill("Alice Able")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_role("button", name="Sign and send the application").click()
    audit("receipt")
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    assert GrantApplication.objects.get(organisation=organisation_a).is_submitted
    assert any(alice.email in m.to and "We received your grant application" in m.subject for m in mail.outbox)


def test_a_commissioner_builds_a_round_with_three_kinds_of_question_and_opens_it(
    page, context, audit, live_server, carol
):
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name=re.compile("Grant rounds: build")).click()
    audit("grant rounds")
    page.get_by_role("link", name="Create a grant round").click()
    audit("new round")
    page.get_by_label("Title").fill("Young adults' mentoring")
    page.get_by_label("Purpose").fill("Mentoring for young adults (18 to 25) on probation.")
    page.get_by_label("North East").check()
    page.get_by_label("Total budget (£)").fill("300,000")
    fill_date(page, "Opening date", "1", "1", "2027")
    fill_date(page, "Closing date", "1", "3", "2027")
    page.get_by_role("button", name="Save").click()
    audit("round errors")
    expect(page.get_by_text("Enter the decision date").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Young adults' mentoring")
    fill_date(page, "Decision date", "1", "5", "2027")
    page.get_by_role("button", name="Save").click()
    audit("round saved")

    page.get_by_role("link", name="Add an eligibility question").click()
    audit("eligibility question")
    page.get_by_label("Question (answered yes or no)").fill("Do you work with young adults?")
    page.get_by_role("group", name="Which answer makes an organisation ineligible?").get_by_label(
        "No"
    ).check()
    page.get_by_label("What an ineligible organisation is told").fill(
        "This round is for work with young adults."
    )
    page.get_by_role("button", name="Add the question").click()
    audit("eligibility question added")

    for label, kind in (
        ("What will you do?", "Long text, with a word limit"),
        ("How much will it cost a year?", "An amount of money"),
        ("Which age group?", "One choice from a list"),
        ("Anything else?", "Short text"),
    ):
        page.get_by_role("link", name="Add an application question").click()
        audit(f"question: {kind}")
        page.get_by_label("Question", exact=True).fill(label)
        page.get_by_label(kind).check()
        if kind.startswith("Long text"):
            page.get_by_label("Word limit (long text only)").fill("250")
        if kind.startswith("One choice"):
            page.get_by_label("Choices (one choice or several only)").fill("18 to 21\n22 to 25")
        page.get_by_role("group", name="Must applicants answer it?").get_by_label("Yes").check()
        page.get_by_role("button", name="Add the question").click()
    audit("questions added")
    page.get_by_role("button", name="Remove Anything else?").click()
    audit("question removed")

    page.get_by_role("link", name="Set the assessment criteria").click()
    audit("criteria")
    page.get_by_label("Criterion 1", exact=True).fill("Need")
    page.get_by_label("Weighting of criterion 1 (%)").fill("70")
    page.get_by_label("Criterion 2", exact=True).fill("Value for money")
    page.get_by_label("Weighting of criterion 2 (%)").fill("20")
    page.get_by_role("button", name="Save the criteria").click()
    audit("criteria errors")
    expect(page.get_by_text("The weightings must add up to 100%: they add up to 90%").first).to_be_visible()
    page.get_by_label("Weighting of criterion 2 (%)").fill("30")
    page.get_by_role("button", name="Save the criteria").click()

    page.get_by_role("link", name="Preview the round as applicants see it").click()
    audit("preview")
    expect(page.get_by_role("group", name="Which age group?")).to_be_visible()
    page.get_by_role("link", name="Back to the round").click()
    page.get_by_role("button", name="Publish the round").click()
    audit("published")
    grant_round = GrantRound.objects.get(title="Young adults' mentoring")
    assert grant_round.status == GrantRound.Status.OPEN
    assert [q["kind"] for q in grant_round.questions] == ["long_text", "money", "choice"]

    page.get_by_role("link", name="Amend the round").click()
    audit("amend")
    page.get_by_role("link", name="Change Which age group?").click()
    expect(page.get_by_label("Question", exact=True)).to_have_value("Which age group?")
    page.get_by_label("Choices (one choice or several only)").fill("18 to 21")
    page.get_by_role("button", name="Continue").click()
    audit("amended question errors")
    expect(page.get_by_text("Enter at least two choices, one a line").first).to_be_visible()
    page.get_by_label("Choices (one choice or several only)").fill("18 to 21\n22 to 25\n26 and over")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Add an application question").click()
    audit("amendment: add a question")
    page.get_by_label("Question", exact=True).fill("Who are your partners?")
    page.get_by_label("Short text").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Remove How much will it cost a year?").click()
    audit("amendment: questions changed")
    expect(page.get_by_text("You have removed: How much will it cost a year?")).to_be_visible()
    page.get_by_label("What changed").fill("The closing date is a week later, and the questions are clearer.")
    fill_date(page, "New closing date (optional)", "8", "3", "2027")
    page.get_by_role("button", name="Amend the round").click()
    audit("amended")
    grant_round.refresh_from_db()
    assert grant_round.version == 2
    assert [q["label"] for q in grant_round.questions] == [
        "What will you do?",
        "Which age group?",
        "Who are your partners?",
    ]
    assert len(grant_round.amended_keys) == 2

    page.get_by_role("link", name="Cancel the round").click()
    audit("cancel")
    page.get_by_role("button", name="Cancel the round").click()
    audit("cancel errors")
    page.get_by_label("Reason").fill("The fund was withdrawn.")
    page.get_by_role("button", name="Cancel the round").click()
    audit("cancelled")
    grant_round.refresh_from_db()
    assert grant_round.status == GrantRound.Status.CANCELLED


def test_a_closed_round_is_assessed_and_the_applicant_accepts_its_offer(
    page, context, audit, live_server, alice, ada, carol
):
    """After the close: the commissioner names an assessor (herself), declares and scores, moderates and
    awards; the applicant reads the outcome from its e-mail and accepts the offer with name and role; the
    public grants-awarded page then lists it."""
    grant_round = f.closed_round_with_applications(carol, ada, alice)
    organisation = alice.membership.organisation.legal_name
    sign_in_as(context, live_server, carol)
    page.goto(live_server.url + f"/grants/commissioning/{grant_round.pk}/")
    page.get_by_role("link", name="Assessment and decisions").click()
    audit("assessment")
    page.get_by_label("Who should assess?").select_option(
        label=f"{carol.display_name} ({carol.get_role_display()})"
    )
    page.get_by_role("button", name="Name assessor").click()
    audit("assessor named")
    page.get_by_role("link", name="declare any conflicts of interest").click()
    audit("declarations")
    page.get_by_role("button", name="Sign declarations").click()
    audit("declaration errors")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("No conflict").check()
    page.get_by_role("button", name="Sign declarations").click()

    page.get_by_role("link", name=f"Score {organisation}").click()
    audit("scores")
    for criterion in ("Need", "Value for money"):
        page.get_by_role("group", name=f"Score for {criterion}, 0 to 4").get_by_label("3").check()
        page.get_by_label(f"Comment on {criterion}").fill(f"Good evidence on {criterion.lower()}.")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Scores saved")).to_be_visible()

    page.get_by_role("link", name=f"Moderate {organisation}").click()
    audit("moderation")
    expect(page.get_by_text("Good evidence on need.")).to_be_visible()
    for criterion in ("Need", "Value for money"):
        page.get_by_role("group", name=f"Score for {criterion}, 0 to 4").get_by_label("3").check()
        page.get_by_label(f"Why this agreed score on {criterion}").fill("Agreed by the panel.")
    page.get_by_role("button", name="Save agreed scores").click()

    page.get_by_role("link", name=f"Decide on {organisation}").click()
    audit("decision")
    page.get_by_label("Award a grant").check()
    page.get_by_label("Amount a year (£), if you award").fill("30,000")
    page.get_by_label("How many months, if you award").fill("24")
    fill_date(page, "Start date, if you award", "1", "4", "2027")
    page.get_by_label("Feedback for the applicant").fill("A clear plan with strong evidence of need.")
    page.get_by_role("button", name="Record the decision and send the letter").click()
    audit("decided")
    expect(page.get_by_text("Awarded: £60,000")).to_be_visible()
    context.clear_cookies()

    letter = next(m for m in mail.outbox if alice.email in m.to and "successful" in m.subject)
    link = re.search(r"https?://\S*/grants/applications/\d+/outcome/", letter.body).group(0)
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + urlsplit(link).path)
    audit("outcome")
    expect(page.get_by_text("A clear plan with strong evidence of need.")).to_be_visible()
    expect(page.get_by_role("link", name="Your outcome letter (PDF)")).to_be_visible()
    page.get_by_label("Your full name").fill("Alice Able")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_role("button", name="Accept the grant").click()
    audit("offer accepted")
    expect(page.get_by_text("Alice Able (Director) accepted the grant")).to_be_visible()

    page.goto(live_server.url + "/grants/awarded/")
    audit("grants awarded")
    expect(page.get_by_text(organisation)).to_be_visible()


def test_a_visitor_finds_rounds_by_region_and_an_applicant_declines_its_offer(
    page, context, audit, live_server, alice, ada, carol
):
    """The two buttons the other journeys leave unclicked: the open rounds' filter, and declining an
    offer (the money then goes back to the round)."""
    f.open_round(carol, title="Mentoring in the North East")
    page.goto(live_server.url + reverse("grants:round_list"))
    page.get_by_label("Region").select_option(label="London")
    page.get_by_role("button", name="Filter").click()
    audit("open rounds in London")
    expect(page.get_by_text("Mentoring in the North East")).to_have_count(0)
    page.get_by_label("Region").select_option(label="North East")
    page.get_by_role("button", name="Filter").click()
    audit("open rounds in the North East")
    expect(page.get_by_text("Mentoring in the North East")).to_be_visible()

    grant_round = f.closed_round_with_applications(carol, ada, alice, title="Closed round")
    application = grant_round.applications.get()
    f.moderated(carol, application)
    decision = assessment.decide(
        user=carol,
        application=application,
        award=True,
        feedback="A strong plan.",
        amount_per_year_pence=30_000_00,
        duration_months=24,
        starts_on=date(2027, 4, 1),
    )
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + reverse("grants:application_outcome", args=[application.pk]))
    audit("offer")
    page.get_by_role("button", name="Decline the offer").click()
    audit("offer declined")
    expect(page.get_by_text("Your organisation declined this offer")).to_be_visible()
    decision.refresh_from_db()
    assert decision.offer == Decision.Offer.DECLINED
