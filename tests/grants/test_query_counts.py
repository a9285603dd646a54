"""The grants list pages answer with a number of queries that does not grow with what they list."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from grants.services import assessment
from tests.factories import MembershipFactory
from tests.grants import factories as f
from tests.test_query_counts import queries


def anonymous_queries(client, url: str) -> int:
    """The view's own count for an anonymous visitor: the public-page cache emptied first."""
    cache.clear()
    return queries(client, url)


def test_open_rounds(client, carol):
    f.open_round(carol)
    few = anonymous_queries(client, reverse("grants:round_list"))
    for _ in range(4):
        f.open_round(carol)
    assert anonymous_queries(client, reverse("grants:round_list")) == few


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


def test_the_assessment_page(client, carol, ada):
    """Applications scored, moderated and decided cost no more queries than one."""
    grant_round = f.open_round(carol)
    members = [MembershipFactory() for _ in range(4)]
    for member in members:
        f.registered(member.user, ada)
        f.submitted_application(member.user, grant_round)
    grant_round = f.closed_now(grant_round)
    first, *others = assessment.sent_applications(grant_round).order_by("pk")
    f.moderated(carol, first)
    client.force_login(carol)
    url = reverse("grants:assessment", args=[grant_round.pk])
    few = queries(client, url)
    for application in others:
        f.moderated(carol, application)
        assessment.decide(user=carol, application=application, award=False, feedback="Sorry.")
    assert queries(client, url) == few
