"""The organisation's rules have one judge (`portal.organisations`), and only its admins change it."""

import pytest
from django.urls import reverse

from portal import services
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Organisation
from portal.organisations import organisation_rule_errors
from suppliers import sections
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "legal_name": "Gamma Recovery",
    "legal_form": Organisation.LegalForm.CIO,
    "charity_number": "1190001",
    "companies_house_number": "",
    "is_vcse": True,
    "size_band": Organisation.SizeBand.MICRO,
    "address_line_1": "2 Low Road",
    "town": "York",
    "postcode": "YO1 7HH",
    "contact_name": "Gina",
    "contact_email": "gina@gamma.example",
    "contact_phone": "01904 000000",
}
BROKEN = [
    ({"legal_form": "cio", "charity_number": ""}, "charity_number", "Enter your registered charity number"),
    ({"legal_form": "private_company"}, "companies_house_number", "Enter your Companies House number"),
    ({"legal_form": "cic", "companies_house_number": "12AB"}, "companies_house_number", "correct format"),
]


@pytest.mark.parametrize(("change", "field", "message"), BROKEN)
def test_the_services_refuse_what_breaks_an_organisation_rule(alice, organisation_a, change, field, message):
    with pytest.raises(RuleBroken, match=message) as refused:
        services.organisation_create(user=UserFactory(), data={**DETAILS, **change})
    assert refused.value.field == field

    with pytest.raises(RuleBroken, match=message):
        services.organisation_update(user=alice, organisation=organisation_a, data=change)
    organisation_a.refresh_from_db()
    assert organisation_a.legal_form == "cio"


@pytest.mark.parametrize(("change", "field", "message"), BROKEN)
def test_the_questionnaire_judges_the_organisation_by_the_same_rules(change, field, message):
    answers = {**DETAILS, **change}

    assert field in organisation_rule_errors(answers)
    questionnaire = sections.section("organisation").errors(answers, sections.Context(application=None))

    assert questionnaire[field] == organisation_rule_errors(answers)[field]


def test_a_cio_with_its_charity_number_and_a_company_with_its_number_are_accepted():
    assert organisation_rule_errors(DETAILS) == {}
    company = {**DETAILS, "legal_form": "private_company", "companies_house_number": "sc123456"}
    assert organisation_rule_errors(company) == {}


def test_setting_up_a_cio_without_a_charity_number_shows_the_error_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("portal:organisation_create"), {**DETAILS, "is_vcse": "True", "charity_number": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter your registered charity number" in html
    assert 'value="Gamma Recovery"' in html
    assert not Organisation.objects.filter(legal_name="Gamma Recovery").exists()


@pytest.mark.parametrize("who", ["bob", "bea", "carol", "ada"])
def test_only_an_admin_of_the_organisation_changes_its_details(request, organisation_a, alice, who):
    person = request.getfixturevalue(who)

    with pytest.raises(RuleBroken, match="Only an admin of Alpha Futures CIC"):
        services.organisation_update(user=person, organisation=organisation_a, data={"town": "Hull"})

    organisation_a.refresh_from_db()
    assert organisation_a.town == "Leeds"
    assert not AuditEvent.objects.filter(action="organisation.updated").exists()
    services.organisation_update(user=alice, organisation=organisation_a, data={"town": "Hull"})
    organisation_a.refresh_from_db()
    assert organisation_a.town == "Hull"
