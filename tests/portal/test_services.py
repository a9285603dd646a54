"""Domain rules of the shared core: organisations, colleagues, staff accounts and the audit log."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, connection, transaction

from portal import services
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Invitation, Membership, Organisation, User
from tests.factories import MembershipFactory, UserFactory, region

ORGANISATION = {
    "legal_name": "Gamma Recovery CIO",
    "legal_form": Organisation.LegalForm.CIO,
    "charity_number": "1190001",
    "is_vcse": True,
    "size_band": Organisation.SizeBand.MICRO,
    "address_line_1": "2 Low Road",
    "town": "York",
    "postcode": "YO1 7HH",
    "contact_name": "Gina",
    "contact_email": "gina@gamma.example",
    "contact_phone": "01904 000000",
}

pytestmark = pytest.mark.django_db


def invitation_token(django_capture_on_commit_callbacks, **kwargs) -> tuple[Invitation, str]:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(**kwargs)
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    return invitation, link.rstrip("/").rsplit("/", 1)[-1]


def test_creating_an_organisation_makes_the_creator_its_admin_and_is_audited():
    user = UserFactory()
    organisation = services.organisation_create(user=user, data=ORGANISATION)

    assert Membership.objects.get(user=user).is_admin
    event = AuditEvent.objects.get(action="organisation.created")
    assert (event.actor, event.object_id) == (user, str(organisation.pk))


def test_a_person_belongs_to_one_organisation_only(alice):
    with pytest.raises(RuleBroken, match="already belong"):
        services.organisation_create(user=alice, data=ORGANISATION)


def test_staff_cannot_create_an_organisation(carol):
    with pytest.raises(RuleBroken):
        services.organisation_create(user=carol, data=ORGANISATION)


def test_if_the_audit_row_cannot_be_written_the_change_does_not_happen():
    user = UserFactory()
    with (
        mock.patch("portal.services.audit_record", side_effect=DatabaseError("audit table unavailable")),
        pytest.raises(DatabaseError),
    ):
        services.organisation_create(user=user, data=ORGANISATION)

    assert not Organisation.objects.filter(legal_name="Gamma Recovery CIO").exists()
    assert not Membership.objects.filter(user=user).exists()


def test_the_audit_log_refuses_updates():
    event = AuditEvent.objects.create(action="test", summary="original")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    event.refresh_from_db()
    assert event.summary == "original"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite (the demo database) guards updates only"
)
def test_the_audit_log_refuses_deletes_on_postgresql():
    event = AuditEvent.objects.create(action="test", summary="kept")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_organisation_update_records_what_changed(alice, organisation_a):
    services.organisation_update(
        user=alice, organisation=organisation_a, data={"town": "Hull", "postcode": "HU1 1AA"}
    )

    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.changes == {"town": ["Leeds", "Hull"], "postcode": ["LS1 1AA", "HU1 1AA"]}


def test_an_invited_colleague_joins_with_the_invited_address(
    alice, organisation_a, django_capture_on_commit_callbacks
):
    invitation, token = invitation_token(
        django_capture_on_commit_callbacks,
        organisation=organisation_a,
        invited_by=alice,
        email="New.Person@Alpha.example",
        as_admin=False,
    )
    assert mail.outbox[-1].to == ["new.person@alpha.example"]
    assert invitation.token_hash != token  # only the hash is stored

    newcomer = UserFactory(email="new.person@alpha.example")
    membership = services.invitation_accept(token=token, user=newcomer)

    assert membership.organisation == organisation_a and not membership.is_admin
    with pytest.raises(RuleBroken, match="expired or has already been used"):
        services.invitation_accept(token=token, user=UserFactory())


def test_an_invitation_cannot_be_accepted_by_someone_else(
    alice, organisation_a, django_capture_on_commit_callbacks
):
    _, token = invitation_token(
        django_capture_on_commit_callbacks,
        organisation=organisation_a,
        invited_by=alice,
        email="invited@alpha.example",
        as_admin=True,
    )
    with pytest.raises(RuleBroken, match=r"was sent to invited@alpha\.example"):
        services.invitation_accept(token=token, user=UserFactory(email="intruder@example.org"))


def test_a_cancelled_invitation_no_longer_works(alice, organisation_a, django_capture_on_commit_callbacks):
    invitation, token = invitation_token(
        django_capture_on_commit_callbacks,
        organisation=organisation_a,
        invited_by=alice,
        email="late@alpha.example",
        as_admin=False,
    )
    services.invitation_cancel(invitation=invitation, by=alice)
    with pytest.raises(RuleBroken):
        services.invitation_accept(token=token, user=UserFactory(email="late@alpha.example"))


def test_an_admin_removes_a_colleague_but_not_the_last_admin(alice, bob):
    services.membership_remove(membership=bob.membership, by=alice)
    assert not Membership.objects.filter(user=bob).exists()

    with pytest.raises(RuleBroken, match="only admin"):
        services.membership_remove(membership=alice.membership, by=alice)


def test_only_moj_admins_create_staff_accounts(ada, carol):
    commissioner = services.staff_account_create(
        created_by=ada,
        email="new.rpd@justice.example",
        full_name="Rae",
        role=User.Role.COMMISSIONER,
        regions=[region("wales")],
    )
    assert list(commissioner.regions.values_list("code", flat=True)) == ["wales"]
    assert not commissioner.has_usable_password() and not commissioner.is_staff

    with pytest.raises(RuleBroken):
        services.staff_account_create(
            created_by=carol, email="x@justice.example", full_name="X", role="commissioner"
        )
    with pytest.raises(RuleBroken):
        services.staff_account_create(created_by=ada, email="y@example.org", full_name="Y", role="supplier")


def test_reference_data_has_the_framework_categories_and_regions():
    from portal.models import Region, ServiceCategory

    assert ServiceCategory.objects.count() == 14
    assert list(ServiceCategory.objects.filter(is_cohort=True).values_list("number", flat=True)) == [
        9,
        10,
        11,
    ]
    assert Region.objects.count() == 12
    assert Region.objects.first().name == "North East"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL, as in CI)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_removing_each_other_at_once_leave_one_admin(organisation_a, alice):
    other = MembershipFactory(organisation=organisation_a, is_admin=True)
    barrier, results = threading.Barrier(2), []

    def remove(membership, by):
        try:
            barrier.wait()
            services.membership_remove(membership=membership, by=by)
            results.append("removed")
        except RuleBroken:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=remove, args=(alice.membership, other.user)),
        threading.Thread(target=remove, args=(other, alice)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["refused", "removed"]
    assert Membership.objects.filter(organisation=organisation_a, is_admin=True).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("companies_house_number", "12AB", "Companies House number in the correct format"),
        ("postcode", "NOT A CODE", "real UK postcode"),
        ("legal_name", "", "cannot be blank"),
    ],
)
def test_organisation_details_are_checked_by_the_service_whatever_the_path(
    alice, organisation_a, field, value, message
):
    with pytest.raises(RuleBroken, match=message) as refused:
        services.organisation_create(user=UserFactory(), data={**ORGANISATION, field: value})
    assert refused.value.field == field

    with pytest.raises(RuleBroken, match=message):
        services.organisation_update(user=alice, organisation=organisation_a, data={field: value})
    organisation_a.refresh_from_db()
    assert getattr(organisation_a, field) != value


def test_only_an_admin_of_the_organisation_invites_cancels_and_removes(alice, bob, bea, organisation_a):
    with pytest.raises(RuleBroken, match="Only an admin"):
        services.invitation_create(
            organisation=organisation_a, invited_by=bob, email="x@alpha.example", as_admin=True
        )
    with pytest.raises(RuleBroken, match="Only an admin"):
        services.invitation_create(
            organisation=organisation_a, invited_by=bea, email="y@alpha.example", as_admin=True
        )
    invitation = services.invitation_create(
        organisation=organisation_a, invited_by=alice, email="z@alpha.example", as_admin=False
    )
    with pytest.raises(RuleBroken, match="Only an admin"):
        services.invitation_cancel(invitation=invitation, by=bea)
    with pytest.raises(RuleBroken, match="Only an admin"):
        services.membership_remove(membership=alice.membership, by=bob)
    assert Membership.objects.filter(user=alice).exists()
