"""The one member/admin check every service asks before acting for an organisation
(`portal.organisations.require_member`), each service with its own plain sentence."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.exceptions import RuleBroken
from portal.organisations import membership_of, require_member

pytestmark = pytest.mark.django_db


def test_a_member_is_let_through_and_gets_their_membership(alice, bob, organisation_a):
    assert require_member(alice, organisation_a) == alice.membership
    assert require_member(bob, organisation_a.pk) == bob.membership


def test_an_admin_check_refuses_a_member_who_is_not_admin_with_the_callers_sentence(
    alice, bob, organisation_a
):
    assert require_member(alice, organisation_a, admin=True) == alice.membership
    with pytest.raises(RuleBroken, match=f"^Only an admin of {organisation_a} can do this.$"):
        require_member(
            bob, organisation_a, admin=True, refusal="Only an admin of {organisation} can do this."
        )


@pytest.mark.parametrize("who", ["bea", "carol", "ada", "visitor"])
def test_people_outside_the_organisation_are_refused(request, who, organisation_a):
    user = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    with pytest.raises(RuleBroken) as refused:
        require_member(user, organisation_a, refusal="Only people in this organisation can send it.")
    assert refused.value.message == "Only people in this organisation can send it."
    if who != "bea":
        assert membership_of(user) is None
