"""The core's pages: thin views over the services, per-object access, GOV.UK errors that keep input."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Membership, Organisation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "legal_name": "Delta Mentoring CIC",
    "legal_form": "cic",
    "companies_house_number": "sc123456",
    "charity_number": "",
    "is_vcse": "True",
    "size_band": "micro",
    "address_line_1": "5 Quay Street",
    "town": "Cardiff",
    "postcode": "cf10 1aa",
    "contact_name": "Dee",
    "contact_email": "dee@delta.example",
    "contact_phone": "029 2000 0000",
    "intent": "framework",
}


def test_a_new_supplier_is_sent_to_set_up_an_organisation(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portal:dashboard"))
    assert response.url == reverse("portal:organisation_create")


def test_setting_up_an_organisation(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("portal:organisation_create"), VALID)

    organisation = Organisation.objects.get(legal_name="Delta Mentoring CIC")
    assert response.url == reverse("portal:organisation_detail", args=[organisation.pk])
    assert (organisation.companies_house_number, organisation.postcode) == ("SC123456", "CF10 1AA")
    assert Membership.objects.get(user=user).is_admin


def test_a_validation_error_shows_a_govuk_summary_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("portal:organisation_create"), {**VALID, "town": "", "companies_house_number": "12"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "Enter the town or city" in html
    assert "Enter a Companies House number in the correct format" in html
    assert 'value="Delta Mentoring CIC"' in html and 'value="5 Quay Street"' in html
    assert "<title>Error: Set up your organisation " in html


def test_an_outsider_changing_the_id_gets_404_and_the_attempt_is_logged(client, bea, organisation_a):
    client.force_login(bea)
    response = client.get(reverse("portal:organisation_edit", args=[organisation_a.pk]))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=bea).exists()


def test_a_member_who_is_not_admin_cannot_change_details(client, bob, organisation_a):
    client.force_login(bob)
    response = client.post(reverse("portal:organisation_edit", args=[organisation_a.pk]), VALID)

    assert response.status_code == 403
    organisation_a.refresh_from_db()
    assert organisation_a.legal_name == "Alpha Futures CIC"


def test_fields_the_form_does_not_offer_change_nothing(client, alice, organisation_a, organisation_b):
    client.force_login(alice)
    client.post(
        reverse("portal:organisation_edit", args=[organisation_a.pk]),
        {**VALID, "created_at": "2000-01-01T00:00:00Z", "id": organisation_b.pk, "memberships": "1"},
    )

    organisation_a.refresh_from_db()
    assert organisation_a.legal_name == "Delta Mentoring CIC"
    assert organisation_a.created_at.year != 2000
    assert Organisation.objects.get(pk=organisation_b.pk).legal_name == "Beta Housing Trust"


def test_inviting_and_joining_through_the_pages(
    client, alice, organisation_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:member_invite", args=[organisation_a.pk]), {"email": "carl@alpha.example"}
        )
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/invitations/" in line)
    path = link.split("8000", 1)[-1] if "8000" in link else link

    client.logout()
    assert "Join Alpha Futures CIC" in client.get(path).content.decode()
    carl = UserFactory(email="carl@alpha.example")
    client.force_login(carl)
    response = client.post(path)

    assert response.url == reverse("portal:organisation_detail", args=[organisation_a.pk])
    assert Membership.objects.get(user=carl).organisation == organisation_a


def test_inviting_with_an_invalid_address_keeps_it(client, alice, organisation_a):
    client.force_login(alice)
    response = client.post(
        reverse("portal:member_invite", args=[organisation_a.pk]), {"email": "not an address"}
    )

    assert "Enter an e-mail address in the correct format" in response.content.decode()
    assert 'value="not an address"' in response.content.decode()


def test_removing_the_last_admin_shows_the_reason(client, alice, organisation_a):
    client.force_login(alice)
    url = reverse("portal:member_remove", args=[organisation_a.pk, alice.membership.pk])
    response = client.post(url)

    assert response.status_code == 200
    assert "You cannot remove the only admin" in response.content.decode()


def test_organisation_page_query_count_does_not_grow_with_members(
    client, alice, organisation_a, django_assert_max_num_queries
):
    MembershipFactory.create_batch(15, organisation=organisation_a)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:organisation_detail", args=[organisation_a.pk]))
    assert response.status_code == 200


def test_audit_log_filters(client, ada, alice):
    AuditEvent.objects.create(
        actor=alice, actor_email=alice.email, action="organisation.created", summary="A"
    )
    AuditEvent.objects.create(action="access.refused", summary="B")
    client.force_login(ada)

    response = client.get(reverse("portal:audit_log"), {"action": "organisation"})

    assert list(response.context["page"].object_list.values_list("summary", flat=True)) == ["A"]


def test_responses_carry_a_request_id_and_security_headers(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-ID"] == "abc123"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            None,
            ["Find an opportunity", "Grants", "How qualification works", "Qualified providers", "Glossary"],
        ),
        (
            "alice",
            [
                "Your dashboard",
                "Qualification",
                "Find an opportunity",
                "Your tenders",
                "Grants",
                "Your organisation",
                "Messages",
            ],
        ),
        ("carol", ["Your dashboard", "Competitions", "Grant rounds", "Messages"]),
        (
            "ada",
            [
                "Your dashboard",
                "Competitions",
                "Grant rounds",
                "Messages",
                "Review questionnaires",
                "Audit log",
            ],
        ),
    ],
)
def test_the_navigation_follows_the_role(client, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("portal:glossary"))
    assert [item["text"] for item in response.context["navigation_items"]] == expected
