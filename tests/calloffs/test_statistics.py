"""The public statistics, checked against small worlds counted by hand: what counts, what is hidden to
protect bidders ("fewer than 3"), and that nothing is counted before a competition's tenders are opened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from calloffs import statistics as calloff_statistics
from calloffs.models import Competition
from portal import statistics
from portal.models import Organisation, ServiceCategory
from suppliers.models import Application, OrganisationRegion, Qualification
from tests.calloffs import factories as f
from tests.calloffs import statistics_factories as awards
from tests.calloffs.tender_factories import submitted_tender
from tests.factories import OrganisationFactory, region
from tests.suppliers.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

SMALL, MICRO, MEDIUM, LARGE = (
    Organisation.SizeBand.SMALL,
    Organisation.SizeBand.MICRO,
    Organisation.SizeBand.MEDIUM,
    Organisation.SizeBand.LARGE,
)


def period_now(region_code: str | None = None) -> statistics.Period:
    now = timezone.now()
    year = statistics.financial_year_of(timezone.localdate(now - timedelta(days=1)))
    return statistics.Period(year, region(region_code) if region_code else None, now)


def figure(period: statistics.Period, slug: str) -> statistics.Figure:
    found = statistics.figure(period, slug)
    assert found is not None
    return found


def table(found: statistics.Figure) -> dict[str, list[str]]:
    return {row.label: [cell.text for cell in row.cells] for row in found.rows}


def organisation(size: str, vcse: bool) -> Organisation:
    return OrganisationFactory(size_band=size, is_vcse=vcse)


# Small numbers -------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10_000))
@settings(max_examples=50)
def test_a_count_of_one_or_two_is_never_shown(n):
    cell = statistics.count_cell(n)
    assert (cell.text == "fewer than 3") == (n in (1, 2))
    assert cell.value is None or cell.value == n


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50))
@settings(max_examples=100)
def test_a_share_of_fewer_than_three_is_never_shown(part, extra):
    whole = part + extra
    cell = statistics.share_cell(part, whole)
    if whole and (part in (1, 2) or whole < 3):
        assert cell.text == "fewer than 3"
    elif whole:
        assert cell.text == f"{round(100 * part / whole)}%"


def test_a_median_of_fewer_than_three_durations_is_not_shown():
    assert statistics.median_days_cell([4.0, 9.0]).text == "fewer than 3"
    assert statistics.median_days_cell([4.0, 9.0, 30.0]).text == "9 days"
    assert statistics.median_days_cell([]).text == "none yet"


# The framework --------------------------------------------------------------------------------------


def qualify(organisation: Organisation, *categories: str, regions=("north-east",)) -> None:
    application = ApplicationFactory(organisation=organisation)
    for code in categories:
        Qualification.objects.create(
            organisation=organisation, category=ServiceCategory.objects.get(code=code), granted_by=application
        )
    for code in regions:
        OrganisationRegion.objects.create(
            organisation=organisation, region=region(code), recorded_by=application
        )


def test_qualified_organisations_by_category_region_size_and_vcse():
    qualify(organisation(SMALL, True), "accommodation", "women")
    qualify(organisation(MICRO, False), "accommodation")
    qualify(organisation(LARGE, False), "accommodation", regions=("north-east", "north-west"))
    qualify(organisation(MEDIUM, True), "accommodation", regions=("north-west",))
    organisation(SMALL, True)  # not qualified: counts nowhere

    period = period_now()
    by_category = table(figure(period, "qualified-by-category"))
    assert by_category[str(ServiceCategory.objects.get(code="accommodation"))] == ["4"]
    assert by_category[str(ServiceCategory.objects.get(code="women"))] == ["fewer than 3"]
    by_region = table(figure(period, "qualified-by-region"))
    assert by_region["North East"] == ["3"]
    assert by_region["North West"] == ["fewer than 3"]
    kinds = table(figure(period, "qualified-vcse-and-smaller"))
    assert kinds["All qualified"] == ["4", "100%"]
    assert kinds["VCSE"] == ["fewer than 3", "fewer than 3"]
    assert kinds["Micro or small"] == ["fewer than 3", "fewer than 3"]

    north_east = table(figure(period_now("north-east"), "qualified-vcse-and-smaller"))
    assert north_east["All qualified"] == ["3", "100%"]
    assert list(table(figure(period_now("north-east"), "qualified-by-region"))) == ["North East"]


def test_questionnaires_received_share_successful_and_median_days_to_a_decision():
    now = timezone.now()
    for days, outcome in ((10, "successful"), (20, "successful"), (30, "unsuccessful"), (40, "successful")):
        decided_at = now - timedelta(hours=1)
        ApplicationFactory(
            status=Application.Status.DECIDED,
            outcome=outcome,
            submitted_at=decided_at - timedelta(days=days),
            decided_at=decided_at,
        )
    ApplicationFactory(status=Application.Status.SUBMITTED, submitted_at=now - timedelta(hours=2))
    ApplicationFactory()  # a draft was never received

    found = figure(period_now(), "questionnaires")
    assert table(found) == {"Received": ["5"], "Decided": ["4"], "Successful": ["3"]}
    assert "75% of those decided were successful" in found.summary
    assert "The median time from sending to a decision was 25 days" in found.summary


# Call-offs ------------------------------------------------------------------------------------------


def test_tenders_count_only_for_competitions_opened_or_decided(carol):
    orgs = [
        organisation(SMALL, True),
        organisation(MICRO, False),
        organisation(LARGE, False),
        organisation(MEDIUM, True),
    ]
    opened = awards.opened(f.closed_competition(carol), carol)
    for org in orgs[:3]:
        submitted_tender(opened.lots.get(), org, carol)
    no_bidder = awards.decided(
        awards.opened(f.closed_competition(carol), carol), Competition.Status.NO_SUITABLE_BIDDER
    )
    for org in orgs[1:]:
        submitted_tender(no_bidder.lots.get(), org, carol)
    sealed = f.closed_competition(carol)  # past its deadline, tenders not yet opened
    still_open = f.live_competition(carol)
    for competition in (sealed, still_open):
        for org in orgs:
            submitted_tender(competition.lots.get(), org, carol)

    period = period_now()
    tenders = table(figure(period, "tenders"))
    assert tenders["All tenders"] == ["6", "100%"]
    assert tenders["From micro or small organisations"] == ["3", "50%"]
    assert tenders["From VCSE organisations"] == ["fewer than 3", "fewer than 3"]
    assert "3.0 per competition" in figure(period, "tenders").summary
    assert table(figure(period, "competitions-by-region"))["North East"] == ["2"]
    accommodation = str(ServiceCategory.objects.get(code="accommodation"))
    assert table(figure(period, "competitions-by-category"))[accommodation] == ["2"]

    awards.opened(sealed, carol)
    assert table(figure(period_now(), "tenders"))["All tenders"] == ["10", "100%"]


def test_a_competition_is_not_counted_before_its_deadline_even_if_marked_decided(carol):
    """Belt and braces: a live competition's tenders stay out however its status reads."""
    competition = f.live_competition(carol)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.AWARDED)
    submitted_tender(competition.lots.get(), organisation(SMALL, True), carol)
    period = period_now()
    assert not calloff_statistics.counted_competitions(period).exists()
    assert table(figure(period, "tenders"))["All tenders"] == ["0", "none yet"]


def test_awards_and_their_value_by_region_size_and_vcse(carol):
    small_vcse, micro, large = (
        organisation(SMALL, True),
        organisation(MICRO, False),
        organisation(LARGE, False),
    )
    for winner, value, days, open_for in (
        (small_vcse, 100_000_00, 5, 28),
        (micro, 200_000_00, 10, 30),
        (small_vcse, 300_000_00, 20, 45),
        (large, 1_000_000_00, 40, 60),
    ):
        closed = awards.closed_days_ago(
            f.closed_competition(carol), open_for_days=open_for, closed_days_ago=60
        )
        competition = awards.opened(closed, carol)
        lot = competition.lots.get()
        award = awards.award(lot, submitted_tender(lot, winner, carol), carol, days_after_deadline=days)
        awards.contract(award, carol, value_pence=value)
        awards.decided(competition)
    # A decision withdrawn during the standstill counts nowhere.
    withdrawn_in = awards.opened(f.closed_competition(carol), carol)
    lot = withdrawn_in.lots.get()
    withdrawn = awards.award(lot, submitted_tender(lot, large, carol), carol)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()

    period = period_now()
    assert table(figure(period, "awards-by-region"))["North East"] == ["4", "£1,600,000"]
    by_size = table(figure(period, "awards-by-size"))
    assert by_size["Small"] == ["fewer than 3", "fewer than 3"]
    assert by_size["Large"] == ["fewer than 3", "fewer than 3"]
    assert by_size["Medium"] == ["0", "£0"]
    assert (
        "Micro and small organisations won 3 awards worth £600,000, 38% of the value"
        in figure(period, "awards-by-size").summary
    )
    assert table(figure(period, "awards-by-vcse"))["Not VCSE"] == ["fewer than 3", "fewer than 3"]
    timings = table(figure(period, "timings"))
    # Decided 5, 10, 20 and 40 days after the deadline; the withdrawn decision is left out.
    assert timings["From the deadline to the decision on a lot"] == ["15 days"]
    # Open for 28, 30, 45 and 60 days, and 39 days for the competition whose decision was withdrawn.
    assert timings["From publication to the deadline"] == ["39 days"]


# The page --------------------------------------------------------------------------------------------


def test_the_page_shows_each_figure_with_a_chart_a_table_and_a_csv(client, carol):
    response = client.get(reverse("calloffs:statistics"))
    page = response.content.decode()
    for section in statistics.sections(period_now()):
        for found in section.figures:
            assert f'id="chart-{found.slug}-title"' in page
            assert reverse("calloffs:statistics_csv", args=[found.slug]) in page
    for _twice in range(2):  # never from the page cache, which would lose the file name
        csv_response = client.get(reverse("calloffs:statistics_csv", args=["qualified-by-region"]))
        assert csv_response["Content-Type"].startswith("text/csv")
        assert csv_response["Content-Disposition"].startswith("attachment; filename=")
        assert "Region,Organisations" in csv_response.content.decode()
    assert client.get(reverse("calloffs:statistics_csv", args=["no-such-figure"])).status_code == 404


def test_an_unknown_year_is_an_error_and_the_current_year_is_shown(client):
    response = client.get(reverse("calloffs:statistics"), {"year": "1999"})
    assert "Select a financial year from the list" in response.content.decode()
    assert statistics.financial_year_label(period_now().year) in response.content.decode()


def test_the_page_makes_the_same_number_of_queries_whatever_the_data(
    client, carol, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address = reverse("calloffs:statistics")
    with CaptureQueriesContext(connection) as empty:
        client.get(address, {"region": region("north-east").pk})
    for _ in range(3):
        competition = awards.opened(f.closed_competition(carol), carol)
        lot = competition.lots.get()
        qualify(org := organisation(SMALL, True), "accommodation")
        awards.award(lot, submitted_tender(lot, org, carol), carol)
    cache.clear()  # the figures were stored by the first request: compute them afresh
    with django_assert_max_num_queries(len(empty.captured_queries)):
        client.get(address, {"region": region("north-east").pk, "year": period_now().year})
    assert len(empty.captured_queries) <= 31  # 22 for the framework and call-offs, 9 for grants


# Supply chains -----------------------------------------------------------------------------------------


def _reported_contract(carol, value_pence: int, lines: list[tuple[int, bool, str]], *, submitted=True):
    """A one-year contract whose lead sent (or not) its year 1 report with these (paid, VCSE, size) lines."""
    from calloffs.models import Contract, SupplyChainReport, SupplyChainReportLine

    competition = awards.opened(f.closed_competition(carol), carol)
    lot = competition.lots.get()
    award = awards.award(lot, submitted_tender(lot, organisation(LARGE, False), carol), carol)
    contract = awards.contract(award, carol, value_pence=value_pence)
    Contract.objects.filter(pk=contract.pk).update(end_date=contract.start_date + timedelta(days=365))
    report = SupplyChainReport.objects.create(
        contract=contract, year=1, submitted_at=timezone.now() if submitted else None
    )
    for index, (paid, vcse, size) in enumerate(lines):
        SupplyChainReportLine.objects.create(
            report=report,
            name=f"Sub {index}",
            delivers="Work",
            amount_paid_pence=paid,
            is_vcse=vcse,
            size_band=size,
        )
    return contract


def test_the_share_of_contract_value_passed_to_vcse_and_smaller_subcontractors(carol):
    _reported_contract(carol, 100_000_00, [(30_000_00, True, MICRO), (20_000_00, False, LARGE)])
    _reported_contract(carol, 200_000_00, [(40_000_00, True, SMALL), (10_000_00, False, MEDIUM)])
    _reported_contract(carol, 300_000_00, [(50_000_00, True, MEDIUM), (10_000_00, False, SMALL)])
    # A report asked for but not sent counts nowhere.
    _reported_contract(carol, 900_000_00, [(900_000_00, True, MICRO)], submitted=False)

    found = figure(period_now(), "supply-chains")
    # £600,000 of contract value for the year; VCSE £120,000 (20%); micro or small £80,000 (13%).
    assert table(found) == {
        "All subcontractors": ["£160,000", "27%"],
        "VCSE subcontractors": ["£120,000", "20%"],
        "Micro or small subcontractors": ["£80,000", "13%"],
    }
    assert "passed 20% of the contracts' value for the year to VCSE" in found.summary
    assert "and 13% to micro or small" in found.summary


def test_supply_chain_shares_from_fewer_than_three_contracts_or_subcontractors_are_not_shown(carol):
    _reported_contract(carol, 100_000_00, [(30_000_00, True, MICRO), (20_000_00, False, LARGE)])
    _reported_contract(carol, 200_000_00, [(40_000_00, True, SMALL)])
    assert set(map(tuple, table(figure(period_now(), "supply-chains")).values())) == {
        ("fewer than 3", "fewer than 3")
    }
    _reported_contract(carol, 300_000_00, [(50_000_00, False, LARGE)])
    shares = table(figure(period_now(), "supply-chains"))
    assert shares["All subcontractors"] == ["£140,000", "23%"]
    assert shares["VCSE subcontractors"] == ["fewer than 3", "fewer than 3"]  # two VCSE subcontractors
    assert shares["Micro or small subcontractors"] == ["fewer than 3", "fewer than 3"]


# Precomputed -------------------------------------------------------------------------------------------


def test_the_figures_are_computed_once_and_the_page_reads_them(client, django_assert_num_queries):
    period = period_now()
    first = statistics.stored_sections(period)
    with django_assert_num_queries(0):
        assert statistics.stored_sections(period) == first


def test_a_change_computes_the_figures_again_before_the_page_is_rebuilt(
    client, carol, django_capture_on_commit_callbacks
):
    address = reverse("calloffs:statistics")
    client.get(address)
    before = statistics.stored_sections(period_now())

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            competition = awards.opened(f.closed_competition(carol), carol)
            lot = competition.lots.get()
            qualify(org := organisation(SMALL, True), "accommodation")
            awards.award(lot, submitted_tender(lot, org, carol), carol)

    with django_capture_on_commit_callbacks(execute=True):
        after = statistics.stored_sections(period_now())  # stored by the task, not computed here
    assert after != before
    assert after == statistics.sections(period_now())
    assert client.get(address)["X-Page-Cache"] == "miss"
