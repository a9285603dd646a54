"""The time-out warning's server side (portal.session_views, portal.idle_timer): each signed-in page says how
long its session has left and when to warn; asking again is not activity; "Stay signed in" starts the idle
timer again; the signed-out page ends only a session that has run out."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.checks import Error
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal import checks, idle_timer, middleware

pytestmark = pytest.mark.django_db

STATUS = reverse("portal:session_status")
EXTEND = reverse("portal:session_extend")
SIGNED_OUT = reverse("portal:signed_out")


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(idle_timer.time, "time", lambda: now[0])
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    return now


def session_writes(client, method: str, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url)
        assert response.status_code == 200
    return [q["sql"] for q in captured if q["sql"].lstrip().startswith('UPDATE "django_session"')]


def test_a_signed_in_page_carries_the_warning_with_numbers_from_the_settings(client, bob, settings, clock):
    settings.SESSION_COOKIE_AGE = 600
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 45
    client.force_login(bob)
    clock[0] += 30  # less than SESSION_REFRESH_SECONDS: this page does not start the timer again
    html = client.get(reverse("portal:dashboard")).content.decode()
    dialog = re.search(r"<dialog[^>]*>", html).group(0)
    assert 'data-seconds-left="570"' in dialog and 'data-warning-seconds="45"' in dialog
    assert "open" not in dialog.split()  # shut: without JavaScript it never shows
    assert "Stay signed in" in html


def test_a_visitor_who_is_not_signed_in_gets_no_warning(client):
    assert "<dialog" not in client.get(reverse("portal:home")).content.decode()


def test_asking_how_long_is_left_does_not_keep_the_session_going(client, bob, settings, clock):
    client.force_login(bob)
    clock[0] += settings.SESSION_REFRESH_SECONDS + 10  # any other request would save the session now
    expiry = Session.objects.get().expire_date
    assert session_writes(client, "get", STATUS) == []
    assert client.get(STATUS).json() == {"seconds_left": settings.SESSION_COOKIE_AGE - 70}
    assert Session.objects.get().expire_date == expiry


def test_stay_signed_in_starts_the_idle_timer_again(client, bob, settings, clock):
    client.force_login(bob)
    clock[0] += 25
    assert client.get(STATUS).json()["seconds_left"] == settings.SESSION_COOKIE_AGE - 25
    assert len(session_writes(client, "post", EXTEND)) == 1
    assert client.get(STATUS).json()["seconds_left"] == settings.SESSION_COOKIE_AGE


def test_after_the_sign_out_the_endpoints_say_no_time_is_left(client):
    assert client.get(STATUS).json() == {"seconds_left": 0}
    assert client.post(EXTEND).json() == {"seconds_left": 0}


def test_the_signed_out_page_ends_only_a_session_that_has_run_out(client, bob, settings, clock):
    assert "You have been signed out" in client.get(SIGNED_OUT).content.decode()

    client.force_login(bob)
    assert client.get(SIGNED_OUT).url == reverse("portal:dashboard")  # another tab kept it going

    clock[0] += settings.SESSION_COOKIE_AGE - 2
    page = client.get(SIGNED_OUT)
    assert page.status_code == 200 and "Sign in again" in page.content.decode()
    assert client.get(STATUS).json() == {"seconds_left": 0}


@pytest.mark.parametrize(("warning", "idle", "ok"), [(20, 1800, True), (19, 1800, False), (120, 120, False)])
def test_the_warning_gives_at_least_20_seconds_within_the_idle_time(settings, warning, idle, ok):
    settings.SESSION_TIMEOUT_WARNING_SECONDS = warning
    settings.SESSION_COOKIE_AGE = idle
    problems = checks.timeout_warning_gives_time_to_respond()
    assert problems == [] if ok else [type(p) for p in problems] == [Error]


def test_the_endpoints_and_the_signed_out_page_ask_little_of_the_database(
    client, bob, django_assert_max_num_queries
):
    client.force_login(bob)
    with django_assert_max_num_queries(2):  # the session and its user
        client.get(STATUS)
    with django_assert_max_num_queries(5):  # the session, its user, and saving it (in a savepoint)
        client.post(EXTEND)
    client.logout()
    with django_assert_max_num_queries(0):
        client.get(SIGNED_OUT)


class FakeSession(dict):
    modified = False


@given(
    idle=st.integers(min_value=60, max_value=24 * 60 * 60),
    refresh=st.integers(min_value=1, max_value=120),
    since_saved=st.integers(min_value=0, max_value=2 * 24 * 60 * 60),
    untouched=st.booleans(),
)
def test_the_time_left_is_the_idle_time_after_the_last_save_and_never_negative(
    idle, refresh, since_saved, untouched
):
    from django.test import override_settings

    now = 1_000_000
    request = RequestFactory().get("/")
    request.session = FakeSession({idle_timer.KEY: now - since_saved})
    if untouched:
        idle_timer.leave_untouched(request)
    with (
        override_settings(SESSION_COOKIE_AGE=idle, SESSION_REFRESH_SECONDS=refresh),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(idle_timer.time, "time", lambda: now)
        left = idle_timer.seconds_left(request)
    refreshed = not untouched and since_saved >= refresh
    assert left == (idle if refreshed else max(0, idle - since_saved))
    assert 0 <= left <= idle
