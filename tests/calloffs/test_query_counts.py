"""The finder and a competition's page answer with a number of queries that does not grow with what
they show. Each page is measured as the first anonymous visitor after a change sees it: the shared
public-page cache is emptied first, so the count is the view's own, not a cache hit's."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calloffs.services import competitions
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db

FILTERS = {"category": "", "region": "", "value_band": "", "any_size": "on", "sort": "value"}


def queries(client, url: str, data=None) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    assert response.get("X-Page-Cache") != "hit"
    return len(captured)


def live_with_lots(user, lots: int):
    competition = f.publishable_competition(user)
    for _ in range(lots - 1):
        f.add_lot(competition, user, regions=("north-east",))
    return competitions.competition_publish(competition=competition, user=user)


def test_the_finder_costs_the_same_for_1_and_30_live_competitions(client, carol):
    """A page holding both kinds costs the most (a notice's categories and regions are fetched only when
    a notice is on the page); with a filter on competitions the count is exactly the same."""
    live_with_lots(carol, 1)
    f.published_notice(carol)
    url = reverse("calloffs:finder")
    filters = {**FILTERS, "kind": "competition", "region": str(f.region_id("north-east"))}
    both, filtered = queries(client, url), queries(client, url, filters)
    for number in range(29):
        live_with_lots(carol, 1 + number % 3)
        if number % 5 == 0:
            f.published_notice(carol)

    assert queries(client, url) <= both
    assert queries(client, url, {"page": "2"}) <= both
    assert queries(client, url, filters) == filtered
    assert queries(client, url, {**filters, "page": "2"}) == filtered


def test_a_competitions_page(client, carol):
    competition = live_with_lots(carol, 1)
    url = reverse("calloffs:competition_detail", args=[competition.pk])
    few = queries(client, url)
    for _ in range(3):
        competitions.competition_amend(competition=competition, user=carol, summary="Clarified")
    assert queries(client, url) == few
