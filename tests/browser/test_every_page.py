"""Every page reachable by GET from the home page, for each kind of person, answers without error, and
the first page of each URL pattern passes axe-core and the Nu Html Checker (the other pages of a pattern
share its template). The Django admin (/admin/, a back-office tool for MoJ admins) is left out."""

from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from portal.models import User
from tests.browser.conftest import sign_in_as
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_CRAWLED = ("/admin/", "/accounts/logout/", "/assets/")
MAX_PAGES = 60


def url_pattern(url: str) -> str:
    """The URL pattern that serves `url`: /organisations/1/ and /organisations/2/ share one."""
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return url


def crawl(page, audit, start: str) -> list[str]:
    origin = urlsplit(start).netloc
    queue, seen, audited = [start], set(), set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status < 400, (
            f"{url} answered {response and response.status}"
        )
        pattern = url_pattern(page.url)  # where the page ended up, after any redirect
        if pattern not in audited:
            audited.add(pattern)
            audit(url)
        links = "a[href]:not([download])"  # downloads (CSV, PDF) are not pages
        for href in page.eval_on_selector_all(links, "links => links.map(link => link.href)"):
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.netloc == origin and not parts.path.startswith(NOT_CRAWLED) and link not in seen:
                queue.append(link)
    return sorted(seen)


def test_anonymous_pages(page, audit, live_server):
    visited = crawl(page, audit, live_server.url + "/")
    assert any("/glossary/" in url for url in visited)
    assert any("/accounts/signup/" in url for url in visited)


def test_supplier_admin_pages(page, context, audit, live_server, alice, bob):
    sign_in_as(context, live_server, alice)
    visited = crawl(page, audit, live_server.url + "/dashboard/")
    assert any("/invite/" in url for url in visited)
    assert any("/remove/" in url for url in visited)


def test_supplier_member_pages(page, context, audit, live_server, bob):
    sign_in_as(context, live_server, bob)
    visited = crawl(page, audit, live_server.url + "/dashboard/")
    assert any("/messages/" in url for url in visited)


@pytest.mark.parametrize("persona", ["carol", "ada"])
def test_staff_pages(page, context, audit, live_server, persona, request):
    MembershipFactory(is_admin=True)  # something for the audit log and the lists to show
    sign_in_as(context, live_server, request.getfixturevalue(persona))
    visited = crawl(page, audit, live_server.url + "/dashboard/")
    assert len(visited) > 3


@pytest.mark.parametrize(
    "email",
    [
        None,
        "priya@northern-lights.example",
        "dan@northern-lights.example",
        "commissioner@justice.example",
        "admin@justice.example",
    ],
)
def test_the_demo_portal_of_make_run(page, context, audit, live_server, email):
    """The pages `make run` shows, with its demo data, for each demo person."""
    call_command("load_demo_data", stdout=StringIO())
    if email:
        sign_in_as(context, live_server, User.objects.get(email=email))
    visited = crawl(page, audit, live_server.url + ("/dashboard/" if email else "/"))
    assert len(visited) > 3


def test_pages_keep_to_the_content_security_policy_and_reveal_questions(browser, live_server, alice):
    """Without the CSP bypass the audits need: no refused script or style, and the portal's script runs."""
    context = browser.new_context(locale="en-GB")
    refused = []
    page = context.new_page()
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + "/qualification/")
    page.get_by_role("button", name="Start your Selection Questionnaire").click()
    page.get_by_role("link", name="Grounds for exclusion").click()

    details = page.locator("textarea[name=fraud_details]")
    expect(details).to_be_hidden()  # hidden until "Yes" is chosen
    page.check("input[name=fraud][value=yes]")
    expect(details).to_be_visible()
    page.check("input[name=fraud][value=no]")
    expect(details).to_be_hidden()

    for path in ["/", "/accounts/login/", "/providers/", "/glossary/"]:
        page.goto(live_server.url + path)
    assert refused == []
    context.close()
