"""MoJ admins create staff accounts and edit reference data in the Django admin."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Region, User

pytestmark = pytest.mark.django_db


def test_an_moj_admin_creates_a_commissioner_for_some_regions(client, ada):
    client.force_login(ada)
    wales, london = Region.objects.get(code="wales"), Region.objects.get(code="london")

    response = client.post(
        reverse("admin:portal_user_add"),
        {
            "email": "rpd.wales@justice.example",
            "full_name": "Rhian",
            "role": "commissioner",
            "regions": [wales.pk, london.pk],
        },
    )

    assert response.status_code == 302
    commissioner = User.objects.get(email="rpd.wales@justice.example")
    assert commissioner.is_commissioner and not commissioner.has_usable_password()
    assert set(commissioner.regions.values_list("code", flat=True)) == {"wales", "london"}
    assert AuditEvent.objects.filter(action="staff.created", actor=ada).exists()


def test_supplier_accounts_are_not_created_in_the_admin(client, ada):
    client.force_login(ada)

    response = client.post(reverse("admin:portal_user_add"), {"email": "x@example.org", "role": "supplier"})

    assert response.status_code == 200
    assert "Supplier accounts are created by sign-up" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_moj_admin_renames_a_region_but_not_its_code(client, ada):
    client.force_login(ada)
    wales = Region.objects.get(code="wales")

    client.post(
        reverse("admin:portal_region_change", args=[wales.pk]),
        {"code": "cymru", "name": "Wales (Cymru)", "sort_order": 4, "is_active": "on"},
    )

    wales.refresh_from_db()
    assert (wales.code, wales.name) == ("wales", "Wales (Cymru)")


def test_changes_in_the_admin_are_audited_and_a_role_cannot_be_changed(client, ada, carol):
    client.force_login(ada)

    client.post(
        reverse("admin:portal_user_change", args=[carol.pk]),
        {"full_name": "Carol Renamed", "role": "moj_admin", "regions": [], "is_active": "on"},
    )

    carol.refresh_from_db()
    assert carol.full_name == "Carol Renamed"
    assert carol.role == User.Role.COMMISSIONER and not carol.is_superuser
    event = AuditEvent.objects.get(action="admin.changed", object_id=str(carol.pk))
    assert "full_name" in event.changes["fields"]


def test_memberships_cannot_be_changed_in_the_admin(client, ada, alice, organisation_a):
    client.force_login(ada)

    html = client.get(reverse("admin:portal_organisation_change", args=[organisation_a.pk])).content.decode()

    assert "alice@alpha.example" in html
    assert 'name="memberships-0-is_admin"' not in html
