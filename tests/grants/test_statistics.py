"""The grants section of the public statistics, checked against a small world counted by hand: only
rounds that have closed count (nothing of an open round's applications shows before it closes), and
no count or value of fewer than 3 applications or grants is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import GrantApplication, GrantRound
from portal import statistics
from tests.grants import award_factories as a

pytestmark = pytest.mark.django_db

SUPPRESSED = statistics.SUPPRESSED


def table(period: statistics.Period, slug: str) -> dict[str, list[str]]:
    found = statistics.figure(period, slug)
    assert found is not None
    return {row.label: [cell.text for cell in row.cells] for row in found.rows}


@pytest.fixture
def world(carol):
    """Counted by hand (now: the middle of the year):

    - round A, North East, closed 2 days ago: 4 applications sent and 1 draft; grants to three CIOs
      (£10,000 women; £20,000 women and young adults; £40,000 women) and a CIC (£30,000 women).
    - round B, North East and London, decided, closed 3 days ago: 1 application, a grant to a private
      company for London (£5,000, people on probation in general).
    - round C, North East, still open: 3 applications (and a grant that cannot yet exist).
    - round D, North East, cancelled after it closed: 3 applications. Round E, a draft.
    - round F, North East, closed last year: 3 applications.
    """
    now = a.middle_of_this_year()
    round_a = a.grant_round(carol, closes_at=now - timedelta(days=2))
    round_b = a.grant_round(
        carol,
        closes_at=now - timedelta(days=3),
        regions=("north-east", "london"),
        status=GrantRound.Status.DECIDED,
    )
    round_c = a.grant_round(carol, closes_at=now + timedelta(days=1))
    round_d = a.grant_round(carol, closes_at=now - timedelta(days=1), status=GrantRound.Status.CANCELLED)
    a.grant_round(carol, closes_at=now - timedelta(days=1), status=GrantRound.Status.DRAFT)
    round_f = a.grant_round(carol, closes_at=now - timedelta(days=365))
    cio, cic, company = "cio", "cic", "private_company"
    for pounds, form, people in (
        (10_000, cio, ("women",)),
        (20_000, cio, ("women", "young_adults")),
        (40_000, cio, ("women",)),
        (30_000, cic, ("women",)),
    ):
        a.grant(
            round_a, a.registered_organisation(legal_form=form, people=people), pounds=pounds, accepted_at=now
        )
    a.application(round_a, a.registered_organisation(), status=GrantApplication.Status.DRAFT)
    a.grant(
        round_b,
        a.registered_organisation(legal_form=company, people=("everyone",)),
        pounds=5_000,
        region_code="london",
        accepted_at=now,
    )
    a.grant(round_c, a.registered_organisation(), pounds=99_000, accepted_at=now)
    for _ in range(2):
        a.application(round_c, a.registered_organisation())
    for round_ in (round_d, round_f, round_f, round_f):
        a.application(round_, a.registered_organisation())
    return now


def test_rounds_and_applications_count_only_once_a_round_has_closed(world):
    everywhere = a.period_at(world)
    rounds = table(everywhere, "grant-rounds-by-region")
    assert rounds["North East"] == ["2", "5"]
    assert rounds["London"] == ["1", SUPPRESSED]
    assert rounds["Wales"] == ["0", "0"]
    summary = statistics.figure(everywhere, "grant-rounds-by-region").summary
    assert summary.startswith("2 grant rounds closed in the year, and 5 applications")

    # A day later round C has closed, and its 3 applications and its grant count.
    later = a.period_at(world + timedelta(days=2))
    assert table(later, "grant-rounds-by-region")["North East"] == ["3", "8"]
    assert table(later, "grants-by-region")["North East"] == ["5", "£199,000"]


def test_grants_and_their_value_by_region(world):
    grants = table(a.period_at(world), "grants-by-region")
    assert grants["North East"] == ["4", "£100,000"]
    assert grants["London"] == [SUPPRESSED, SUPPRESSED]
    assert grants["Wales"] == ["0", "£0"]
    assert (
        "5 grants were awarded in these rounds, worth £105,000 in all."
        in statistics.figure(a.period_at(world), "grants-by-region").summary
    )


def test_grants_by_kind_of_organisation_and_who_it_works_with(world):
    kinds = table(a.period_at(world), "grants-by-organisation-kind")
    assert kinds["Charitable incorporated organisation (CIO)"] == ["3", "£70,000"]
    assert kinds["Community interest company (CIC)"] == [SUPPRESSED, SUPPRESSED]
    assert kinds["Private limited company"] == [SUPPRESSED, SUPPRESSED]
    assert kinds["Public sector body"] == ["0", "£0"]
    assert kinds["All grants"] == ["5", "£105,000"]
    people = table(a.period_at(world), "grants-by-people")
    assert people["Women"] == ["4", "£100,000"]
    assert people["Young adults (18 to 25)"] == [SUPPRESSED, SUPPRESSED]
    assert people["People on probation in general"] == [SUPPRESSED, SUPPRESSED]
    assert people["LGBT+ people"] == ["0", "£0"]


def test_one_region_counts_its_rounds_and_the_grants_for_it(world):
    north_east = a.period_at(world, "north-east")
    assert table(north_east, "grant-rounds-by-region") == {"North East": ["2", "5"]}
    assert table(north_east, "grants-by-region") == {"North East": ["4", "£100,000"]}
    assert table(north_east, "grants-by-organisation-kind")["All grants"] == ["4", "£100,000"]
    london = a.period_at(world, "london")
    assert table(london, "grant-rounds-by-region") == {"London": ["1", SUPPRESSED]}
    assert table(london, "grants-by-people")["All grants"] == [SUPPRESSED, SUPPRESSED]


def test_the_page_and_a_csv_show_the_grants_figures(client, world):
    year = a.period_at(world).year
    page = client.get(reverse("calloffs:statistics"), {"year": year}).content.decode()
    assert 'id="chart-grants-by-region-title"' in page
    assert reverse("calloffs:statistics_csv", args=["grants-by-organisation-kind"]) in page
    response = client.get(reverse("calloffs:statistics_csv", args=["grant-rounds-by-region"]), {"year": year})
    lines = response.content.decode().splitlines()
    assert lines[1] == "Region,Rounds,Applications"


def test_the_statistics_page_makes_no_more_queries_as_grants_grow(
    client, carol, django_assert_max_num_queries
):
    now = a.middle_of_this_year()
    address = reverse("calloffs:statistics")
    query = {"year": a.period_at(now).year}
    with CaptureQueriesContext(connection) as empty:
        client.get(address, query)
    for n in range(3):
        round_ = a.grant_round(carol, closes_at=now - timedelta(days=n + 1), regions=("north-east", "london"))
        for people in (("women",), ("women", "lgbt"), ("everyone",)):
            a.grant(round_, a.registered_organisation(people=people), pounds=10_000, accepted_at=now)
    cache.clear()  # the factories change no data through a service: compute the figures afresh
    with CaptureQueriesContext(connection) as grown:
        response = client.get(address, {**query, "region": ""})
    assert "£90,000" in response.content.decode()  # nine grants of £10,000, all counted
    assert 0 < len(grown.captured_queries) <= len(empty.captured_queries)
