"""The finder and a competition's page answer with a number of queries that does not grow with what
they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calloffs import services
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db


def queries(client, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


def live_with_lots(user, lots: int):
    competition = f.publishable_competition(user)
    for _ in range(lots - 1):
        f.add_lot(competition, user, regions=("north-east",))
    return services.competition_publish(competition=competition, user=user)


def test_the_finder(client, carol):
    live_with_lots(carol, 1)
    f.published_notice(carol)
    url = reverse("calloffs:finder")
    few = queries(client, url)
    for _ in range(4):
        live_with_lots(carol, 3)
        f.published_notice(carol)
    assert queries(client, url) == few
    assert queries(client, url, {"sort": "value", "any_size": "on"}) <= few


def test_a_competitions_page(client, carol):
    competition = live_with_lots(carol, 1)
    url = reverse("calloffs:competition_detail", args=[competition.pk])
    few = queries(client, url)
    for _ in range(3):
        services.competition_amend(competition=competition, user=carol, summary="Clarified")
    assert queries(client, url) == few
