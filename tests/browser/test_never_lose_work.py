"""Never lose work (issue 21 point 1, docs/adr/0022-never-lose-work.md), in Chromium with a short idle time:
the time-out warning opens in time, takes focus, is clean for axe-core and keeps the session going; left
alone it signs the person out; a session that runs out mid-answer, with or without JavaScript, loses not a
word once they sign in again (only a chosen file, and the page says so)."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calloffs.services import tenders as tender_services
from portal import kept_forms
from tests.browser.conftest import sign_in_as
from tests.browser.tendering_steps import PDF_FILE
from tests.calloffs.tender_helpers import biddable_competition, qualify
from tests.factories import PASSWORD
from tests.suppliers.factories import complete_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Seconds: the warning opens after IDLE - WARNING, and gives WARNING to answer it.
IDLE = 30
WARNING = 24
WAIT_MS = (IDLE + 15) * 1000

BEFORE = "We meet each person at the prison gate on the day they leave, and stay with them"
AFTER = " until they have a tenancy of their own."


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_COOKIE_AGE = IDLE
    settings.SESSION_TIMEOUT_WARNING_SECONDS = WARNING


def session_expiry():
    return Session.objects.get().expire_date


def sign_in_through_the_form(page, user) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main [type=submit]").last.click()


def test_the_warning_takes_focus_and_keeps_the_session_going(
    page, context, audit, live_server, short_sessions, bob
):
    sign_in_as(context, live_server, bob)
    page.goto(live_server.url + reverse("portal:inbox"))
    audit("a signed-in page, the warning shut")
    dialog = page.get_by_role("dialog", name=re.compile("about to be signed out"))
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Messages").first.focus()

    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#timeout-heading")).to_be_focused()
    expect(dialog.locator("#timeout-message")).to_have_text(re.compile(r"sign you out in \d+ seconds if"))
    announced = dialog.locator("[aria-live=polite]")
    expect(announced).to_have_text(re.compile(r"^For your security, we will sign you out in \d+ seconds\.$"))
    audit("the warning open")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()  # focus stays in the dialog

    before = session_expiry()
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("link", name="Messages").first).to_be_focused()  # back where it was
    assert session_expiry() > before

    # It opens again as the new idle time runs down; Escape also keeps the session going.
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    before = session_expiry()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_function("() => true")
    assert session_expiry() > before
    expect(page).to_have_url(re.compile(reverse("portal:inbox")))


def test_left_alone_the_warning_signs_the_person_out(page, context, audit, live_server, short_sessions, bob):
    sign_in_as(context, live_server, bob)
    page.goto(live_server.url + reverse("portal:inbox"))

    expect(page.get_by_role("heading", name="You have been signed out", level=1)).to_be_visible(
        timeout=WAIT_MS * 2
    )
    audit("signed out")
    page.goto(live_server.url + reverse("portal:inbox"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_warning_signs_the_person_out_when_they_ask(page, context, live_server, short_sessions, bob):
    sign_in_as(context, live_server, bob)
    page.goto(live_server.url + reverse("portal:inbox"))
    dialog = page.get_by_role("dialog", name=re.compile("about to be signed out"))
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert not any(SESSION_KEY in session.get_decoded() for session in Session.objects.all())


@pytest.fixture
def response_page(carol, organisation_a, alice, bob):
    qualify(organisation_a, alice)
    tender = tender_services.tender_start(lot=biddable_competition(carol).lots.get(), user=bob)
    criterion = tender.competition.criteria.filter(max_words__isnull=False).first()
    return tender, criterion, reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])


def test_a_session_that_runs_out_mid_answer_keeps_every_word(
    page, context, audit, live_server, short_sessions, bob, response_page
):
    _, _, address = response_page
    sign_in_as(context, live_server, bob)
    page.goto(live_server.url + address)

    answer = page.get_by_role("textbox", name="Your response")
    answer.press_sequentially(BEFORE)
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Saved at \d"))  # a draft, every word
    audit("an answer saved as a draft while typing")

    # Nothing is typed for the rest of the idle time: the warning comes, and then the sign-out.
    expect(page.get_by_role("heading", name="You have been signed out", level=1)).to_be_visible(
        timeout=WAIT_MS * 2
    )
    page.get_by_role("link", name="Sign in again").click()
    sign_in_through_the_form(page, bob)
    page.goto(live_server.url + address)
    expect(answer).to_have_value(BEFORE)


def test_words_typed_as_the_session_ends_are_kept_through_signing_in_again(
    page, context, audit, live_server, bob, response_page
):
    tender, criterion, address = response_page
    sign_in_as(context, live_server, bob)
    page.goto(live_server.url + address)
    answer = page.get_by_role("textbox", name="Your response")
    answer.press_sequentially(BEFORE)
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Saved at \d"))

    Session.objects.update(expire_date=timezone.now())  # the session ends on the server
    answer.press_sequentially(AFTER)

    # The draft could not be saved: the page says so, and stays, as it holds what was typed.
    expect(page.get_by_role("status")).to_contain_text("You have been signed out")
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible()
    expect(page.locator("#timeout-ended-heading")).to_be_focused()
    audit("signed out with typing on the page")
    ended.get_by_role("button", name="Continue").click()
    expect(ended).to_be_hidden()
    page.get_by_role("button", name="Save your response").click()

    sign_in_through_the_form(page, bob)
    expect(page.get_by_role("heading", name=criterion.name, level=1)).to_be_visible()
    expect(page.get_by_text("We kept what you typed: it is in the form below")).to_be_visible()
    expect(answer).to_have_value(BEFORE + AFTER)
    audit("back on the page with every word")
    page.get_by_role("button", name="Save your response").click()
    expect(page.get_by_text(f"{criterion.name}: response saved")).to_be_visible()
    assert tender.responses.get(criterion=criterion).text == BEFORE + AFTER


def test_without_javascript_an_upload_sent_after_the_sign_out_keeps_what_was_typed(
    no_script_page, audit_without_script, live_server, alice, organisation_a
):
    page = no_script_page
    application = complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    address = reverse("suppliers:category_edit", args=[application.pk, choice.pk])
    sign_in_as(page.context, live_server, alice)
    page.goto(live_server.url + address)
    page.fill("textarea[name=descriptor]", BEFORE + AFTER)
    page.set_input_files("input[name=file]", files=[PDF_FILE])
    Session.objects.update(expire_date=timezone.now())  # the idle time has passed

    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_text(kept_forms.SIGN_IN_AGAIN)).to_be_visible()
    audit_without_script(page, "sign in again, what was typed kept")
    sign_in_through_the_form(page, alice)

    expect(page).to_have_url(re.compile(address + "$"))
    banner = page.locator("[data-kept-form]")
    expect(banner).to_contain_text("We kept what you typed: it is in the form below")
    expect(banner).to_contain_text("Files you chose were not kept. Choose it again")
    expect(banner).to_contain_text(PDF_FILE["name"])
    assert page.input_value("textarea[name=descriptor]") == BEFORE + AFTER
    audit_without_script(page, "the category page, given back")
    page.get_by_role("button", name="Save and come back later").click()
    choice.refresh_from_db()
    assert choice.descriptor == BEFORE + AFTER and not choice.documents.exists()
