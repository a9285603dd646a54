"""Nothing typed is lost to the idle sign-out (portal.kept_forms, docs/adr/0022-never-lose-work.md): a form
sent after the session ended is kept for the person who was signed in, never anyone else, and shown on the
page they were on when they sign in again; files are not kept, and the page says which."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calloffs.services import tenders as tender_services
from portal import kept_forms
from portal.models import AuditEvent, KeptForm
from tests.calloffs.tender_helpers import biddable_competition, pdf, qualify
from tests.suppliers.factories import complete_application

pytestmark = pytest.mark.django_db

TYPED = "We have run supported housing in Leeds since 2009, and every word of this matters."


@pytest.fixture
def tender(carol, organisation_a, alice, bob):
    qualify(organisation_a, alice)
    lot = biddable_competition(carol).lots.get()
    return tender_services.tender_start(lot=lot, user=bob)


@pytest.fixture
def response_page(tender):
    criterion = tender.competition.criteria.filter(max_words__isnull=False).first()
    return reverse("calloffs:tender_response", args=[tender.pk, criterion.pk])


def signed_in_then_timed_out(client: Client, user, page: str) -> None:
    """`user` opens `page` (which names them in the browser's cookie), then the session runs out."""
    client.force_login(user)
    assert client.get(page).status_code == 200
    assert settings.LAST_USER_COOKIE_NAME in client.cookies
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


def login_url(page: str) -> str:
    return f"{reverse('account_login')}?next={page}"


def test_a_form_sent_after_the_sign_out_is_kept_and_shown_after_signing_in_again(client, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)

    response = client.post(response_page, {"text": TYPED}, HTTP_REFERER=f"http://testserver{response_page}")

    assert response.status_code == 302 and response.url == login_url(response_page)
    assert kept_forms.SIGN_IN_AGAIN in client.get(response.url).content.decode()
    kept = KeptForm.objects.get()
    assert (kept.user, kept.path, kept.fields) == (bob, response_page, {"text": [TYPED]})
    assert AuditEvent.objects.filter(action="kept_form.kept", actor=bob).exists()

    client.force_login(bob)
    page = client.get(response_page).content.decode()
    assert "We kept what you typed: it is in the form below" in page
    assert TYPED in page
    assert not KeptForm.objects.exists()
    assert AuditEvent.objects.filter(action="kept_form.shown", actor=bob).exists()
    again = client.get(response_page).content.decode()
    assert "We kept what you typed" not in again and TYPED not in again  # shown once, never saved by itself


def test_a_kept_form_is_never_shown_to_anyone_else(client, alice, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)
    client.get(client.post(response_page, {"text": TYPED}).url)  # the sign-in page

    client.force_login(alice)  # the same browser, a colleague who may open the same page
    page = client.get(response_page).content.decode()
    assert TYPED not in page and "We kept what you typed" not in page
    assert KeptForm.objects.get().user == bob

    other = Client()
    other.force_login(alice)
    assert TYPED not in other.get(response_page).content.decode()


def test_nothing_is_kept_without_the_portals_own_cookie(client, bob, response_page):
    response = client.post(response_page, {"text": TYPED})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))

    client.cookies[settings.LAST_USER_COOKIE_NAME] = str(bob.pk)  # not signed by the portal
    client.post(response_page, {"text": TYPED})

    client.cookies[settings.LAST_USER_COOKIE_NAME] = kept_forms_cookie(bob.pk, age=kept_forms.lifetime())
    client.post(response_page, {"text": TYPED})
    assert not KeptForm.objects.exists()


def kept_forms_cookie(user_pk: int, *, age: timedelta) -> str:
    """The portal's own cookie for `user_pk`, signed `age` ago."""
    from django.core import signing

    signer = signing.get_cookie_signer(salt=settings.LAST_USER_COOKIE_NAME + kept_forms.COOKIE_SALT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: timezone.now().timestamp() - age.total_seconds() - 1)
        return signer.sign(str(user_pk))


def test_a_button_alone_keeps_nothing(client, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)
    client.post(response_page, {"csrfmiddlewaretoken": "x"})
    assert not KeptForm.objects.exists()


def test_files_are_not_kept_and_the_page_says_which(client, alice, organisation_a):
    application = complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    page = reverse("suppliers:category_edit", args=[application.pk, choice.pk])
    signed_in_then_timed_out(client, alice, page)

    client.post(
        reverse("suppliers:document_upload", args=[application.pk, choice.pk]),
        {"descriptor": TYPED, "file": pdf("evidence.pdf")},
        HTTP_REFERER=f"http://testserver{page}",
    )

    kept = KeptForm.objects.get()
    assert kept.path == page and kept.dropped_files == ["evidence.pdf"]
    assert choice.documents.count() == 0
    client.force_login(alice)
    html = client.get(page).content.decode()
    assert TYPED in html
    assert "Files you chose were not kept. Choose it again" in html and "evidence.pdf" in html


def test_a_page_that_does_not_fill_its_form_lists_what_was_typed(client, alice, organisation_a):
    page = reverse("portal:organisation_edit", args=[organisation_a.pk])
    signed_in_then_timed_out(client, alice, page)
    client.post(page, {"legal_name": "Leeds Housing Trust", "address_line_1": "1 Park Row"})

    client.force_login(alice)
    html = client.get(page).content.decode()
    assert "We kept what you typed: it is listed below" in html
    assert "Leeds Housing Trust" in html and "1 Park Row" in html


def test_a_kept_form_lasts_as_long_as_the_setting_says(client, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)
    client.post(response_page, {"text": TYPED})
    KeptForm.objects.update(created_at=timezone.now() - kept_forms.lifetime())

    client.force_login(bob)
    assert TYPED not in client.get(response_page).content.decode()
    assert kept_forms.SESSION_KEY not in client.session


def test_a_later_form_for_the_same_page_replaces_the_earlier_one(client, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)
    client.post(response_page, {"text": "First"})
    client.post(response_page, {"text": TYPED})
    assert KeptForm.objects.get().fields == {"text": [TYPED]}


def test_a_form_from_another_site_is_refused_before_it_is_kept(bob, response_page):
    client = Client(enforce_csrf_checks=True)
    signed_in_then_timed_out(client, bob, response_page)
    assert client.post(response_page, {"text": TYPED}).status_code == 403
    assert not KeptForm.objects.exists()


def test_signed_in_pages_name_the_person_in_the_cookie_once(client, bob, response_page):
    client.force_login(bob)
    first = client.get(response_page)
    assert settings.LAST_USER_COOKIE_NAME in first.cookies
    cookie = first.cookies[settings.LAST_USER_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.KEPT_FORM_HOURS * 60 * 60
    assert settings.LAST_USER_COOKIE_NAME not in client.get(response_page).cookies


def test_kept_forms_nobody_came_back_for_are_forgotten_with_an_audit_row(client, bob, response_page):
    signed_in_then_timed_out(client, bob, response_page)
    client.post(response_page, {"text": TYPED})
    assert kept_forms.purge_stale() == 0
    KeptForm.objects.update(created_at=timezone.now() - kept_forms.lifetime())
    assert kept_forms.purge_stale() == 1
    assert not KeptForm.objects.exists()
    assert AuditEvent.objects.filter(action="kept_form.forgotten").count() == 1


def test_the_cookies_page_lists_the_cookie_with_its_lifetime(client):
    html = client.get(reverse("portal:cookies")).content.decode()
    assert settings.LAST_USER_COOKIE_NAME in html and f"{settings.KEPT_FORM_HOURS} hours" in html
