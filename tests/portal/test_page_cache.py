"""The shared cache of public pages: served to anonymous visitors only, forgotten when a decision changes
what the pages show."""

import pytest
from django.urls import reverse

from portal.page_cache import public_pages_changed
from suppliers.models import Qualification
from tests.suppliers.factories import decide, submitted_application

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
PROVIDERS = reverse("suppliers:provider_list")


def test_an_anonymous_visitor_is_served_the_stored_page(client):
    first = client.get(HOME)
    second = client.get(HOME)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_the_address_with_its_filters_is_the_key(client):
    client.get(PROVIDERS)

    assert client.get(PROVIDERS, {"size": "micro"})["X-Page-Cache"] == "miss"
    assert client.get(PROVIDERS, {"size": "micro"})["X-Page-Cache"] == "hit"


def test_a_signed_in_person_is_never_served_or_stores_a_cached_page(client, alice):
    client.get(HOME)
    client.force_login(alice)

    response = client.get(HOME)
    assert "X-Page-Cache" not in response
    assert "Sign out" in response.content.decode()
    client.logout()
    client.cookies.clear()
    assert "Sign out" not in client.get(HOME).content.decode()


def test_a_visitor_with_a_session_is_not_served_a_cached_page(client, settings):
    client.get(HOME)
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"

    assert "X-Page-Cache" not in client.get(HOME)


def test_a_decision_forgets_the_cached_provider_list(
    client, organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    application = submitted_application(organisation_a, alice, categories=("accommodation",))
    assert "Alpha Futures CIC" not in client.get(PROVIDERS).content.decode()
    assert client.get(PROVIDERS)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        decide(application, ada, accommodation="pass")

    assert Qualification.objects.filter(organisation=organisation_a).exists()
    response = client.get(PROVIDERS)
    assert response["X-Page-Cache"] == "miss"
    assert "Alpha Futures CIC" in response.content.decode()


def test_nothing_is_forgotten_until_the_change_commits(client, django_capture_on_commit_callbacks):
    client.get(HOME)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        public_pages_changed()
    assert client.get(HOME)["X-Page-Cache"] == "hit"

    callbacks[0]()
    assert client.get(HOME)["X-Page-Cache"] == "miss"
