"""A page loaded a moment before another change (a second tab, a double click) holds a stale instance.
The shared core's services read the row again under a lock: a stale call is refused plainly, or changes
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Invitation, Membership, Organisation, User
from tests.factories import UserFactory
from tests.portal.test_services import ORGANISATION, invitation_token

pytestmark = pytest.mark.django_db


def invite(organisation, by):
    return services.invitation_create(
        organisation=organisation, invited_by=by, email="new@alpha.example", as_admin=False
    )


def test_a_double_click_creates_one_organisation():
    user = UserFactory()
    second_click = User.objects.get(pk=user.pk)
    assert not hasattr(second_click, "membership")  # what the second request saw, and remembers

    services.organisation_create(user=user, data=ORGANISATION)
    with pytest.raises(RuleBroken, match="already belong to an organisation"):
        services.organisation_create(user=second_click, data=ORGANISATION)

    assert Organisation.objects.filter(legal_name=ORGANISATION["legal_name"]).count() == 1


def test_a_stale_cancel_does_not_cancel_an_accepted_invitation(
    alice, organisation_a, django_capture_on_commit_callbacks
):
    invitation, token = invitation_token(
        django_capture_on_commit_callbacks,
        organisation=organisation_a,
        invited_by=alice,
        email="new@alpha.example",
        as_admin=False,
    )
    second_tab = Invitation.objects.get(pk=invitation.pk)
    services.invitation_accept(token=token, user=UserFactory(email="new@alpha.example"))

    with pytest.raises(RuleBroken, match="already accepted the invitation"):
        services.invitation_cancel(invitation=second_tab, by=alice)

    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.cancelled_at is None


def test_cancelling_an_invitation_twice_changes_nothing_the_second_time(alice, organisation_a):
    invitation = invite(organisation_a, alice)
    second_tab = Invitation.objects.get(pk=invitation.pk)
    services.invitation_cancel(invitation=invitation, by=alice)
    cancelled_at = Invitation.objects.get(pk=invitation.pk).cancelled_at

    services.invitation_cancel(invitation=second_tab, by=alice)

    assert Invitation.objects.get(pk=invitation.pk).cancelled_at == cancelled_at
    assert AuditEvent.objects.filter(action="invitation.cancelled").count() == 1


def test_a_colleague_removed_in_another_tab_is_not_removed_again(alice, bob):
    second_tab = Membership.objects.get(pk=bob.membership.pk)
    services.membership_remove(membership=bob.membership, by=alice)

    with pytest.raises(RuleBroken, match="no longer a member"):
        services.membership_remove(membership=second_tab, by=alice)

    assert AuditEvent.objects.filter(action="membership.removed").count() == 1


def test_cancelling_an_invitation_accepted_a_moment_ago_says_so_on_the_page(
    client, alice, organisation_a, monkeypatch
):
    """The page found the invitation still pending; it was accepted before the service locked it."""
    invitation = invite(organisation_a, alice)
    accepted = services.invitation_cancel

    def accepted_meanwhile(*, invitation, by):
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
        accepted(invitation=invitation, by=by)

    monkeypatch.setattr(services, "invitation_cancel", accepted_meanwhile)
    client.force_login(alice)
    url = reverse("portal:invitation_cancel", args=[organisation_a.pk, invitation.pk])
    page = client.post(url, follow=True).content.decode()

    assert "new@alpha.example has already accepted the invitation." in page
    assert Invitation.objects.get(pk=invitation.pk).cancelled_at is None
