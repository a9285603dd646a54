"""The apps add their navigation, dashboard links, public links and demo data to the core's pages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal import stored_pdfs
from portal.models import Organisation
from suppliers.models import FrameworkAgreement, OrganisationStanding, Qualification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "alice",
            [
                (
                    "Qualification: your Selection Questionnaire and what you are qualified for",
                    "/qualification/",
                ),
                ("Find partners: say if you are looking for a lead partner or subcontractors", "/partners/"),
                ("Find an opportunity: contracts you can bid for", "/opportunities/"),
                (
                    "E-mails about opportunities: how often, and which services",
                    "/opportunities/e-mail-settings/",
                ),
                ("Your tenders: bids your organisation is working on", "/tenders/"),
                ("Grants: register your organisation, and apply for grants", "/grants/your-organisation/"),
                ("Your contracts: their supply chains and yearly reports", "/contracts/"),
                ("Organisation details and colleagues", "/organisations/"),
                ("How qualification works", "/how-qualification-works/"),
            ],
        ),
        (
            "carol",
            [
                ("Competitions and market warming notices", "/commissioning/"),
                ("Grant rounds: build, open and amend them", "/grants/commissioning/"),
                ("Qualified providers: who can deliver services", "/providers/"),
            ],
        ),
        (
            "ada",
            [
                ("Competitions and market warming notices", "/commissioning/"),
                ("Grant rounds: build, open and amend them", "/grants/commissioning/"),
                ("Review Selection Questionnaires", "/review/"),
                ("Grants registrations to decide", "/grants/registrations/"),
                ("Cyber security certificates expiring soon", "/review/cyber-certificates/"),
                ("Failed e-mails", "/failed-emails/"),
                ("Integrity checks: red flags in competitions", "/integrity/"),
                ("Audit log", "/audit-log/"),
                ("Reference data, organisations and staff accounts", "/admin/"),
            ],
        ),
    ],
)
def test_the_dashboard_shows_the_core_and_the_apps_links_in_order(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("portal:dashboard"))

    links = [(link.text, link.href) for link in response.context["links"]]
    assert [text for text, _ in links] == [text for text, _ in expected]
    assert all(href.startswith(start) for (_, href), (_, start) in zip(links, expected, strict=True))
    html = response.content.decode()
    assert all(f'href="{href}"' in html for _, href in links)


def test_how_qualification_works_links_to_the_providers_an_app_offers(client):
    html = client.get(reverse("portal:how_qualification_works")).content.decode()

    assert f'href="{reverse("suppliers:provider_list")}">See the list of qualified providers' in html


def test_the_demo_data_loads_the_core_then_each_app_once():
    out = StringIO()

    call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=out)

    northern_lights = Organisation.objects.get(legal_name="Northern Lights Recovery CIO")
    assert [q.category.code for q in Qualification.objects.filter(organisation=northern_lights)] == [
        "accommodation"
    ]
    assert OrganisationStanding.objects.get(organisation=northern_lights).cyber_level == "cyber_essentials"
    text = out.getvalue()
    assert text.count("Northern Lights Recovery CIO is qualified for Accommodation") == 2
    # Every PDF the demo calls for is made, the framework agreement of the migrations included.
    assert FrameworkAgreement.objects.get(version="1.0").pdf
    assert all(
        not kind.model._default_manager.filter(kind.should_exist).filter(kind.missing()).exists()
        for kind in stored_pdfs.kinds().values()
    )
    assert "priya@northern-lights.example" in text
