"""Two front doors, one portal (issue 19 §4): the grants door's start page and "create an account" route;
the sign-in page's routes for both audiences; an organisation set up through the grants door is asked
nothing the framework alone needs, is told its next step is the grants registration, and stays in the
grants service; one set up through the main door says what it wants to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal import front_doors
from portal.models import Organisation
from tests.factories import UserFactory
from tests.portal.test_views import VALID

pytestmark = pytest.mark.django_db

GRANTS_SERVICE = "Probation grants"


def service_name(html: str) -> str:
    wrapper = html.split('class="govuk-service-navigation__service-name">', 1)[1]
    return wrapper.split("</a>", 1)[0].split(">")[-1]


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_grants_door_has_its_own_start_page_and_service_name(client):
    html = client.get(reverse("grants:start")).content.decode()
    assert service_name(html) == GRANTS_SERVICE
    assert f'href="{reverse("grants:create_account")}" role="button"' in html
    dash = "\N{EN DASH}"
    assert f"<title>Apply for a probation grant {dash} Probation grants {dash} GOV.UK</title>" in html
    assert service_name(client.get(reverse("portal:home")).content.decode()) == front_doors.MAIN_SERVICE_NAME


def test_creating_an_account_by_the_grants_door_speaks_of_grants_only(client):
    response = client.get(reverse("grants:create_account"))
    assert response.url == reverse("account_signup")
    html = client.get(response.url).content.decode()
    assert service_name(html) == GRANTS_SERVICE
    assert "register it for grants" in html
    assert "framework" not in main(html).lower()


def test_the_sign_in_page_offers_a_route_to_each_audience(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "wants to bid for contracts on the framework" in html
    assert f'href="{reverse("grants:create_account")}"' in html
    client.get(reverse("grants:sign_in"))
    grants = client.get(reverse("account_login")).content.decode()
    assert "wants to apply for grants" in grants
    assert "framework" not in main(grants).lower()


def _through_the_grants_door(client):
    client.get(reverse("grants:create_account"))  # the session remembers the door
    client.force_login(UserFactory())


def test_set_up_through_the_grants_door_asks_nothing_only_the_framework_needs(client):
    _through_the_grants_door(client)
    form_page = client.get(reverse("portal:organisation_create")).content.decode()
    assert 'name="intent"' not in form_page
    assert 'name="show_contact_publicly"' not in form_page
    assert "framework" not in main(form_page).lower()
    assert "Next you register it for grants" in form_page

    data = {key: value for key, value in VALID.items() if key != "intent"}
    response = client.post(reverse("portal:organisation_create"), {**data, "show_contact_publicly": "on"})
    organisation = Organisation.objects.get(legal_name=VALID["legal_name"])
    assert (organisation.intent, organisation.show_contact_publicly) == (Organisation.Intent.GRANTS, False)

    page = client.get(response.url).content.decode()
    assert f'href="{reverse("grants:home")}"' in page
    assert "Register for grants" in page
    assert "Selection Questionnaire" not in page
    assert "Contact shown publicly" not in page
    assert "We use these details for your organisation's contracts and grants." in page
    assert service_name(page) == GRANTS_SERVICE
    assert "framework" not in main(page).lower()


def test_set_up_through_the_main_door_asks_what_the_organisation_wants_to_do(client):
    client.force_login(UserFactory())
    data = {key: value for key, value in VALID.items() if key != "intent"}
    response = client.post(reverse("portal:organisation_create"), data)
    assert "Select what your organisation wants to do" in response.content.decode()
    assert not Organisation.objects.exists()

    response = client.post(reverse("portal:organisation_create"), {**data, "intent": "both"})
    page = client.get(response.url).content.decode()
    assert "Fill in the Selection Questionnaire" in page and "Register for grants" in page
    assert "We use these details for your organisation's contracts and grants." in page
    assert service_name(page) == front_doors.MAIN_SERVICE_NAME


@pytest.mark.parametrize(
    ("intent", "next_steps"),
    [
        ("framework", ["Fill in the Selection Questionnaire"]),
        ("grants", ["Register for grants"]),
        ("both", ["Fill in the Selection Questionnaire", "Register for grants"]),
    ],
)
def test_the_next_step_after_set_up_follows_what_the_organisation_wants(client, intent, next_steps):
    client.force_login(UserFactory())
    response = client.post(reverse("portal:organisation_create"), {**VALID, "intent": intent})
    page = client.get(response.url).content.decode()
    for step in ("Fill in the Selection Questionnaire", "Register for grants"):
        assert (step in page) == (step in next_steps), step


def test_a_grants_only_organisation_is_not_shown_the_framework_pages_in_its_menu_or_dashboard(client):
    _through_the_grants_door(client)
    data = {key: value for key, value in VALID.items() if key != "intent"}
    client.post(reverse("portal:organisation_create"), data)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("suppliers:qualification_status") not in dashboard
    assert reverse("portal:how_qualification_works") not in main(dashboard)
    assert reverse("grants:home") in dashboard
    assert service_name(dashboard) == GRANTS_SERVICE
