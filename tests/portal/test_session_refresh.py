"""A signed-in read writes nothing: the session is saved when it changes, or at most once a minute to keep
the idle timer running (portal.middleware.SessionRefreshMiddleware)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import middleware
from tests.suppliers.factories import complete_application, submitted_application

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured if query["sql"].lstrip().upper().startswith(WRITES)]


def test_signed_in_reads_make_no_write(client, alice, bob, ada, organisation_a):
    draft = complete_application(organisation_a, alice, categories=("accommodation",))
    client.force_login(alice)
    for url in [
        reverse("portal:dashboard"),
        reverse("suppliers:application_detail", args=[draft.pk]),
        reverse("portal:inbox"),
        reverse("suppliers:provider_list"),
    ]:
        assert writes(client, url) == [], url

    submitted_application(organisation_a, alice, categories=("accommodation",))
    client.force_login(ada)
    assert writes(client, reverse("suppliers:review_queue")) == []


def test_the_idle_timer_is_refreshed_at_most_once_a_minute(client, alice, settings, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client.force_login(alice)
    dashboard = reverse("portal:dashboard")
    assert writes(client, dashboard) == []

    now[0] += settings.SESSION_REFRESH_SECONDS - 1
    assert writes(client, dashboard) == []

    now[0] += 1
    refreshed = writes(client, dashboard)
    assert len(refreshed) == 1 and "django_session" in refreshed[0]
    assert writes(client, dashboard) == []


def test_an_anonymous_visitor_gets_no_session(client, settings):
    assert settings.SESSION_COOKIE_NAME not in client.get(reverse("portal:home")).cookies
