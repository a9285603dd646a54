"""The public content pages and the error pages: they answer, have one <h1>, and say what they must."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal import views
from portal.models import ServiceCategory

PUBLIC_PAGES = [  # (URL name, <h1>, the start of the <title>)
    ("portal:home", "Deliver probation services: contracts and grants", "Deliver probation services"),
    ("portal:how_qualification_works", "How qualification works", "How qualification works"),
    ("portal:glossary", "Glossary", "Glossary"),
    (
        "portal:accessibility",
        "Accessibility statement for the Probation Services Dynamic Framework",
        "Accessibility statement",
    ),
    ("portal:cookies", "Cookies", "Cookies"),
    ("portal:privacy", "Privacy notice", "Privacy notice"),
]


def h1s(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


@pytest.mark.parametrize(("url_name", "heading", "title"), PUBLIC_PAGES)
def test_public_page_answers_with_its_heading(client, db, url_name, heading, title):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = response.content.decode()
    assert h1s(html) == [heading]
    assert f"<title>{title}" in html


def test_how_qualification_works_lists_every_active_category(client, db):
    html = client.get(reverse("portal:how_qualification_works")).content.decode()

    categories = ServiceCategory.objects.active()
    assert categories.count() == 14
    for category in categories:
        assert f"<li>{category.number}. {category.name}" in html.replace("&#x27;", "'")
    assert html.count("(cohort category)") == categories.filter(is_cohort=True).count() == 3


def test_how_qualification_works_leaves_out_closed_categories(client, db):
    ServiceCategory.objects.filter(number=14).update(is_active=False)

    html = client.get(reverse("portal:how_qualification_works")).content.decode()

    assert "Service User Involvement" not in html
    assert "There are 13 service categories" in html


def test_how_qualification_works_states_the_retry_rule(client, db):
    html = client.get(reverse("portal:how_qualification_works")).content.decode()

    assert "2 more attempts" in html
    assert "you must wait 6 months from the date of the last outcome" in html


def test_home_page_starts_the_journey(client, db):
    html = client.get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("account_signup")}" role="button"' in html
    assert "govuk-button--start" in html
    assert f'href="{reverse("account_login")}"' in html
    assert "free" in html
    assert "Grants are separate from the framework" in html
    assert (
        f'href="{reverse("grants:start")}"' in html
    )  # the grants door, for a charity that wants grants only


def test_glossary_terms_have_anchors(client, db):
    html = client.get(reverse("portal:glossary")).content.decode()

    for anchor in (
        "call-off",
        "itt",
        "lot",
        "market-warming",
        "qualification",
        "selection-questionnaire",
        "prime-provider",
        "values-and-volumes",
        "rpd",
        "roif",
        "day-1-services",
    ):
        assert f'id="{anchor}"' in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_unknown_address_shows_page_not_found(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert h1s(html) == ["Page not found"]
    assert "<title>Page not found" in html


def test_forbidden_page(client, alice):
    client.force_login(alice)

    response = client.get(reverse("portal:audit_log"))

    assert response.status_code == 403
    assert h1s(response.content.decode()) == ["You do not have permission to see this page"]


def test_form_sent_without_csrf_token_explains_why(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert h1s(html) == ["Your form could not be sent"]
    assert "cookies" in html


def test_server_error_page_renders_without_middleware(rf, db):
    response = views.error_500(rf.get("/"))

    assert response.status_code == 500
    assert h1s(response.content.decode()) == ["Sorry, there is a problem with the service"]
