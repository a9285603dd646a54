"""The grants demo data: a registered organisation, an open round and a closed one with an application."""

from __future__ import annotations

from django.utils import timezone

from grants import demo
from grants.models import GrantApplication, GrantRound, Registration
from suppliers.models import Application
from tests.factories import MembershipFactory


def test_the_demo_has_a_registered_organisation_an_open_round_and_a_closed_one_with_an_application(
    alice, carol, ada
):
    demo.load(commissioner=carol, admin=ada, supplier=alice)
    assert Registration.objects.get(organisation=alice.membership.organisation).is_registered
    now = timezone.now()
    open_rounds = [r for r in GrantRound.objects.all() if r.accepts_applications(now)]
    closed_rounds = [r for r in GrantRound.objects.all() if r.is_closed(now)]
    assert len(open_rounds) == 1 and len(closed_rounds) == 1
    assert GrantApplication.objects.get(grant_round=closed_rounds[0]).is_submitted


def test_the_demo_has_an_organisation_registered_for_grants_that_never_sent_a_questionnaire(
    alice, carol, ada
):
    grants_only = MembershipFactory(is_admin=True).user
    demo.load(commissioner=carol, admin=ada, supplier=alice, grants_only=grants_only)
    organisation = grants_only.membership.organisation
    assert Registration.objects.get(organisation=organisation).is_registered
    assert not Application.objects.filter(organisation=organisation).exists()
