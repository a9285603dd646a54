"""The shared cache of public pages: served to anonymous visitors only, forgotten when a decision changes
what the pages show, rebuilt by one request at a time after a change."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal import page_cache
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


# Only one rebuild after a change (no stampede) -------------------------------------------------------


def _counted_page(seconds: float = 0.0):
    """A public page that counts how often it is built, taking `seconds` to build."""
    built = []

    @page_cache.public_page
    def page(request):
        built.append(1)
        time.sleep(seconds)
        return HttpResponse(f"version {len(built)}")

    return page, built


def _get(page, address: str = "/counted/"):
    return page(RequestFactory().get(address))


def test_while_one_request_rebuilds_a_page_the_others_are_served_the_previous_one(
    django_capture_on_commit_callbacks,
):
    page, built = _counted_page()
    assert _get(page)["X-Page-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        public_pages_changed()
    generations = cache.get(page_cache.GENERATION_KEY)
    lock = page_cache._lock_key("/counted/", generations.current)
    assert cache.add(lock, "rebuilding", page_cache.REBUILD_SECONDS)  # another request is rebuilding

    stale = _get(page)
    assert (stale["X-Page-Cache"], stale.content) == ("stale", b"version 1")
    assert len(built) == 1

    cache.delete(lock)  # the rebuild is over: the stale copy is never served again
    rebuilt = _get(page)
    assert (rebuilt["X-Page-Cache"], rebuilt.content) == ("miss", b"version 2")
    assert _get(page)["X-Page-Cache"] == "hit"
    assert len(built) == 2


def test_a_stale_page_is_served_no_longer_than_the_rebuild_lock_lasts(django_capture_on_commit_callbacks):
    page, built = _counted_page()
    _get(page)
    with django_capture_on_commit_callbacks(execute=True):
        public_pages_changed()
    generations = cache.get(page_cache.GENERATION_KEY)
    # A rebuild that died: its lock lapses after REBUILD_SECONDS, and the next request rebuilds.
    cache.add(page_cache._lock_key("/counted/", generations.current), "rebuilding", 1)
    assert _get(page)["X-Page-Cache"] == "stale"
    time.sleep(1.1)

    assert _get(page)["X-Page-Cache"] == "miss"
    assert len(built) == 2


@pytest.mark.parametrize("cached_before", [True, False], ids=["after a change", "never cached"])
def test_many_concurrent_misses_build_the_page_once(cached_before, django_capture_on_commit_callbacks):
    page, built = _counted_page(seconds=0.5)
    if cached_before:
        _get(page)
        with django_capture_on_commit_callbacks(execute=True):
            public_pages_changed()
        built.clear()
    start = threading.Barrier(8)

    def visit():
        start.wait()
        return _get(page)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: visit(), range(8)))

    assert len(built) == 1
    kinds = sorted(r["X-Page-Cache"] for r in responses)
    assert kinds.count("miss") == 1
    assert set(kinds) - {"miss"} == ({"stale"} if cached_before else {"hit"})


def test_a_stored_page_keeps_only_the_allowed_headers():
    @page_cache.public_page
    def download(request):
        response = HttpResponse("a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="figures.csv"'
        response["X-Meant-For-One-Visitor"] = "yes"
        return response

    _get(download, "/download/")
    served = _get(download, "/download/")

    assert served["X-Page-Cache"] == "hit"
    assert (served["Content-Type"], served["Content-Disposition"]) == (
        "text/csv",
        'attachment; filename="figures.csv"',
    )
    assert not served.has_header("X-Meant-For-One-Visitor")
