"""Reads: the retry status from real decisions, the review queue, the public list of providers."""

from datetime import UTC, date, datetime

import pytest

from portal.models import Organisation, Region
from suppliers import selectors
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories import (
    ApplicationFactory,
    category,
    decide,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_the_retry_status_uses_the_london_date_of_each_decision(organisation_a):
    # 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (British Summer Time).
    for decided_at in ("2025-01-10T12:00Z", "2025-02-10T12:00Z", "2025-03-31T23:30Z"):
        moment = datetime.fromisoformat(decided_at).astimezone(UTC)
        ApplicationFactory(
            organisation=organisation_a, status="decided", outcome="unsuccessful", decided_at=moment
        )

    status = selectors.retry_status_for(organisation_a, date(2025, 9, 30))

    assert status.wait_until == date(2025, 10, 1)
    assert not status.can_apply
    assert selectors.retry_status_for(organisation_a, date(2025, 10, 1)).can_apply


def test_undecided_applications_do_not_count(organisation_a, alice):
    submitted_application(organisation_a, alice)

    assert selectors.retry_status_for(organisation_a).attempts_used == 0


def test_the_review_queue_lists_the_longest_waiting_first_and_filters_by_category(
    organisation_a, alice, organisation_b, bea
):
    first = submitted_application(organisation_a, alice, categories=("accommodation",))
    second = submitted_application(organisation_b, bea, categories=("women", "accommodation"))

    assert list(selectors.review_queue()) == [first, second]
    assert list(selectors.review_queue(category=category("women"))) == [second]
    assert list(selectors.review_queue(category=category("accommodation"))) == [first, second]
    assert list(selectors.review_queue(status="decided")) == []


def qualified_provider(ada, *, categories=("accommodation",), **profile) -> Organisation:
    organisation = OrganisationFactory(**profile)
    user = MembershipFactory(organisation=organisation, is_admin=True).user
    decide(submitted_application(organisation, user, categories=categories), ada)
    return organisation


def test_public_providers_lists_only_qualified_organisations_with_filters(organisation_a, alice, ada):
    submitted_application(organisation_a, alice)  # not decided: not listed
    housing = qualified_provider(ada, legal_name="Housing Works", size_band="micro")
    women = qualified_provider(
        ada,
        categories=("women",),
        legal_name="Women Together",
        trading_name="WT",
        size_band="medium",
    )
    london = Region.objects.get(code="london")

    assert list(selectors.public_providers()) == [housing, women]
    assert list(selectors.public_providers(category=category("women"))) == [women]
    assert list(selectors.public_providers(size="micro")) == [housing]
    assert list(selectors.public_providers(q="together")) == [women]
    assert list(selectors.public_providers(region=london)) == []
    assert list(selectors.public_providers(region=Region.objects.get(code="north-east"))) == [housing, women]


def test_public_providers_needs_the_same_queries_however_many_providers(ada, django_assert_max_num_queries):
    def read_all():
        return [
            (
                p.legal_name,
                [q.category.name for q in p.qualifications.all()],
                [r.region.name for r in p.framework_regions.all()],
            )
            for p in selectors.public_providers()
        ]

    qualified_provider(ada)
    with django_assert_max_num_queries(3):
        assert len(read_all()) == 1
    for _ in range(4):
        qualified_provider(ada, categories=("accommodation", "women"))
    with django_assert_max_num_queries(3):
        assert len(read_all()) == 5


def test_qualified_organisations_for_a_call_off(ada):
    provider = qualified_provider(ada)
    accommodation, women = category("accommodation"), category("women")
    north_east, london = Region.objects.get(code="north-east"), Region.objects.get(code="london")

    assert list(selectors.qualified_organisations(category=accommodation, region=north_east)) == [provider]
    assert not selectors.qualified_organisations(category=accommodation, region=london).exists()
    assert selectors.is_qualified_for(organisation=provider, category=accommodation, region=north_east)
    assert not selectors.is_qualified_for(organisation=provider, category=women, region=north_east)


def test_applications_for_lists_every_version_newest_first(organisation_a, alice, ada):
    first = decide(submitted_application(organisation_a, alice), ada)
    second = submitted_application(organisation_a, alice)

    assert list(selectors.applications_for(organisation_a)) == [second, first]
    assert selectors.latest_sent(organisation_a) == second
    assert selectors.draft_for(organisation_a) is None
