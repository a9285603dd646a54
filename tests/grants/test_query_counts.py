"""The grants list pages answer with a number of queries that does not grow with what they list."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import MembershipFactory
from tests.grants import factories as f
from tests.test_query_counts import queries


def test_open_rounds(client, carol):
    f.open_round(carol)
    few = queries(client, reverse("grants:round_list"))
    for _ in range(4):
        f.open_round(carol)
    assert queries(client, reverse("grants:round_list")) == few


def test_registrations_to_decide(client, ada):
    client.force_login(ada)
    f.sent_registration(MembershipFactory().user)
    few = queries(client, reverse("grants:registration_queue"))
    for _ in range(4):
        f.sent_registration(MembershipFactory().user)
    assert queries(client, reverse("grants:registration_queue")) == few


def test_a_commissioners_rounds_and_applications(client, carol, ada):
    client.force_login(carol)
    grant_round = f.open_round(carol)
    member = MembershipFactory()
    f.registered(member.user, ada)
    f.submitted_application(member.user, grant_round)
    few_rounds = queries(client, reverse("grants:commissioning"))
    few_applications = queries(client, reverse("grants:round_applications", args=[grant_round.pk]))
    for _ in range(3):
        f.open_round(carol)
        member = MembershipFactory()
        f.registered(member.user, ada)
        f.submitted_application(member.user, grant_round)
    assert queries(client, reverse("grants:commissioning")) == few_rounds
    assert queries(client, reverse("grants:round_applications", args=[grant_round.pk])) == few_applications
