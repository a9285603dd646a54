"""GOV.UK page titles: a page with an error starts its title with "Error: ", once, whatever the form
(the portal's own, allauth's, the questionnaire's); a page without one does not."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from suppliers.models import Application
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def title(response) -> str:
    assert response.status_code == 200, response
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def assert_error_title(response) -> None:
    text = title(response)
    assert text.startswith("Error: "), text
    assert text.count("Error") == 1 and "(error)" not in text, text


def draft(client: Client, alice, organisation_a) -> Application:
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    return Application.objects.get(organisation=organisation_a)


def test_the_signed_out_forms(client):
    for url_name, data in [
        ("account_login", {}),
        ("account_login", {"login": "nobody@example.org", "password": "wrong-password"}),
        ("account_signup", {}),
        ("account_reset_password", {}),
    ]:
        assert_error_title(client.post(reverse(url_name), data))
        assert not title(client.get(reverse(url_name))).startswith("Error")


def test_the_signed_in_account_forms(client, bob):
    client.force_login(bob)
    assert_error_title(client.post(reverse("account_change_password"), {}))
    assert_error_title(client.post(reverse("account_email"), {"action_add": "", "email": "not-an-address"}))
    assert not title(client.get(reverse("account_email"))).startswith("Error")


def test_the_code_from_an_authenticator_app(client, carol):
    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    assert_error_title(client.post(reverse("mfa_authenticate"), {"code": "12"}))


def test_the_organisation_and_invitation_forms(client, alice, organisation_a):
    client.force_login(UserFactory())
    assert_error_title(client.post(reverse("portal:organisation_create"), {"legal_name": ""}))
    client.force_login(alice)
    assert_error_title(
        client.post(reverse("portal:organisation_edit", args=[organisation_a.pk]), {"legal_name": ""})
    )
    assert_error_title(client.post(reverse("portal:member_invite", args=[organisation_a.pk]), {"email": ""}))
    assert not title(client.get(reverse("portal:member_invite", args=[organisation_a.pk]))).startswith(
        "Error"
    )


def test_the_audit_log_filter(client, ada):
    client.force_login(ada)
    assert_error_title(client.get(reverse("portal:audit_log"), {"date_from": "not a date"}))
    assert not title(client.get(reverse("portal:audit_log"), {"action": "x"})).startswith("Error")


def test_the_questionnaire_forms(client, alice, organisation_a):
    application = draft(client, alice, organisation_a)
    section = reverse("suppliers:section_edit", args=[application.pk, "financial"])
    assert_error_title(client.post(section, {"turnover_year_1": "lots", "evidence_type": "accounts"}))
    assert_error_title(client.post(reverse("suppliers:check_answers", args=[application.pk])))
    assert not title(client.get(section)).startswith("Error")
