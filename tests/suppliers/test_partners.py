"""Partner finding: an organisation's admins say what partners it looks for; the provider list filters
on it, and an open competition's page lists those qualified for each lot with their contact details."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.audit import AuditEvent
from portal.exceptions import RuleBroken
from portal.models import Organisation
from suppliers import services
from suppliers.models import PartnerSearch, Qualification
from tests.calloffs import factories as calloff_factories
from tests.factories import region
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db

LEAD = PartnerSearch.LookingFor.LEAD_PARTNER
SUBCONTRACTORS = PartnerSearch.LookingFor.SUBCONTRACTORS


@pytest.fixture
def qualified_a(organisation_a, alice, ada) -> Organisation:
    """Organisation A, qualified in accommodation, with its contact details public."""
    application = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(application, ada)
    Organisation.objects.filter(pk=organisation_a.pk).update(show_contact_publicly=True)
    organisation_a.refresh_from_db()
    return organisation_a


def add(organisation, user, looking_for=LEAD, category="accommodation", region_code="north-east"):
    return services.partner_search_add(
        organisation=organisation,
        user=user,
        looking_for=looking_for,
        category=sq_factories.category(category),
        region=region(region_code),
    )


def test_an_admin_says_what_partners_the_organisation_looks_for_and_it_is_audited(qualified_a, alice):
    search = add(qualified_a, alice)
    assert search.organisation == qualified_a
    assert AuditEvent.objects.filter(action="partner_search.added").exists()
    services.partner_search_remove(search=search, user=alice)
    assert not PartnerSearch.objects.exists()
    assert AuditEvent.objects.filter(action="partner_search.removed").exists()


def test_only_the_organisations_admins_may_say_it(qualified_a, bob, bea):
    for outsider in (bob, bea):
        with pytest.raises(RuleBroken):
            add(qualified_a, outsider)


def test_contact_details_must_be_public(qualified_a, alice):
    Organisation.objects.filter(pk=qualified_a.pk).update(show_contact_publicly=False)
    with pytest.raises(RuleBroken, match="Publish your organisation's contact details first"):
        add(qualified_a, alice)


def test_only_in_a_category_the_organisation_is_qualified_in(qualified_a, alice):
    assert not Qualification.objects.filter(organisation=qualified_a, category__code="women").exists()
    with pytest.raises(RuleBroken, match="not qualified in"):
        add(qualified_a, alice, category="women")


def test_saying_the_same_thing_twice_is_refused(qualified_a, alice):
    add(qualified_a, alice)
    with pytest.raises(RuleBroken, match="already says this"):
        add(qualified_a, alice)


def test_the_provider_list_filters_on_who_looks_for_partners(
    client, qualified_a, alice, organisation_b, bea, ada
):
    application = sq_factories.submitted_application(organisation_b, bea)
    sq_factories.decide(application, ada)
    add(qualified_a, alice, looking_for=SUBCONTRACTORS)
    address = reverse("suppliers:provider_list")
    everyone = client.get(address).content.decode()
    assert organisation_b.legal_name in everyone and qualified_a.legal_name in everyone
    seeking = client.get(address, {"looking_for": SUBCONTRACTORS}).content.decode()
    assert qualified_a.legal_name in seeking and organisation_b.legal_name not in seeking
    north_west = client.get(address, {"looking_for": SUBCONTRACTORS, "region": region("north-west").pk})
    assert qualified_a.legal_name not in north_west.content.decode()
    assert qualified_a.legal_name not in client.get(address, {"looking_for": LEAD}).content.decode()


def test_an_open_competition_lists_who_looks_for_partners_for_each_lot(client, qualified_a, alice, carol):
    add(qualified_a, alice)
    open_competition = calloff_factories.live_competition(carol)
    page = client.get(reverse("calloffs:competition_detail", args=[open_competition.pk])).content.decode()
    assert qualified_a.legal_name in page
    assert qualified_a.contact_email in page
    assert "looking for a lead partner to bid with" in page

    closed = calloff_factories.closed_competition(carol)
    page = client.get(reverse("calloffs:competition_detail", args=[closed.pk])).content.decode()
    assert "Organisations looking for partners" not in page


def test_an_organisation_that_hid_its_contact_details_is_not_listed(client, qualified_a, alice, carol):
    add(qualified_a, alice)
    Organisation.objects.filter(pk=qualified_a.pk).update(show_contact_publicly=False)
    competition = calloff_factories.live_competition(carol)
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert qualified_a.legal_name not in page


def test_the_page_adds_what_the_admin_typed_and_shows_errors(client, qualified_a, alice):
    client.force_login(alice)
    address = reverse("suppliers:partner_searches")
    response = client.post(address, {"category": sq_factories.category("accommodation").pk})
    assert "Choose whether you are looking for a lead partner or subcontractors" in response.content.decode()
    response = client.post(
        address,
        {
            "looking_for": LEAD,
            "category": sq_factories.category("accommodation").pk,
            "region": region("north-east").pk,
        },
    )
    assert response.status_code == 302
    search = PartnerSearch.objects.get()
    assert client.post(reverse("suppliers:partner_search_remove", args=[search.pk])).status_code == 302
    assert not PartnerSearch.objects.exists()
