"""The grants section of the public statistics (docs/domain.md §8,
docs/adr/0015-transparency-and-open-data.md): rounds, applications and grants awarded by region, and how
much went to which kinds of organisation and to organisations working with which people. Added to
/statistics/ by `GrantsConfig.statistics_sections`.

The same two rules as the call-off figures hold:

- **Nothing leaks before a round closes.** A round counts once it has closed by the server's clock (its
  closing instant fell in the year and has passed), published or decided; drafts and cancelled rounds
  never count. Its applications and grants count with it, in the year it closed.
- **No figure identifies one applicant.** Counts of applications and grants, and values, shares drawn
  from them, go through `count_cell` and `money_cell` ("fewer than 3"). Counts of rounds are shown:
  rounds are public.

A fixed number of queries, whatever the data.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet, Sum

from grants.models import Grant, GrantApplication, GrantRound, Registration
from grants.sections import PEOPLE
from portal.decision_clocks import Decided, time_to_decision_figure
from portal.models import Organisation, Region
from portal.statistics import Cell, Figure, Period, Row, Section, count_cell, money_cell

COUNTED_STATUSES = (GrantRound.Status.OPEN, GrantRound.Status.DECIDED)


def counted_rounds(period: Period) -> QuerySet[GrantRound]:
    """Rounds that closed in the year, before now: nothing about a round still open is counted."""
    rounds = GrantRound.objects.filter(
        status__in=COUNTED_STATUSES,
        closes_at__gte=period.starts,
        closes_at__lt=period.ends,
        closes_at__lte=period.now,
    )
    if period.region:
        rounds = rounds.filter(regions=period.region)
    return rounds


def counted_grants(period: Period) -> QuerySet[Grant]:
    """Grants made in counted rounds (in the chosen region: the region each grant is for)."""
    grants = Grant.objects.filter(
        application__grant_round__in=counted_rounds(period).order_by().values("pk"),
        accepted_at__lte=period.now,
    )
    if period.region:
        grants = grants.filter(region=period.region)
    return grants


def _money_rows(groups: dict, labels: Iterable[tuple]) -> tuple[Row, ...]:
    """A row of the number of grants and their value for each (key, label), from `groups` by key."""
    rows = []
    for key, label in labels:
        group = groups.get(key, {"n": 0, "value": 0})
        rows.append(Row(label, (count_cell(group["n"]), money_cell(group["value"] or 0, group["n"]))))
    return tuple(rows)


def _by_people(grants: QuerySet[Grant]) -> dict[str, dict[str, int]]:
    """The number and value of grants to organisations that work with each group of people (PEOPLE), in
    one query. Summed here rather than in the database: "this JSON list holds that key" is a `contains`
    lookup that SQLite (`make run`) lacks, and every grant's list is short."""
    by_people = {key: {"n": 0, "value": 0} for key in PEOPLE}
    rows = grants.order_by().values_list(
        "amount_pence", "application__organisation__grants_registration__answers__people"
    )
    for amount_pence, people in rows:
        for key in set(people or ()) & by_people.keys():
            by_people[key]["n"] += 1
            by_people[key]["value"] += amount_pence
    return by_people


def grants_section(period: Period) -> Section:
    regions = [period.region] if period.region else list(Region.objects.all())
    counted_ids = counted_rounds(period).order_by().values("pk")
    rounds_total = counted_rounds(period).count()
    rounds_by_region = dict(
        GrantRound.regions.through.objects.filter(grantround__in=counted_ids)
        .filter(**({"region": period.region} if period.region else {}))
        .order_by()
        .values_list("region")
        .annotate(n=Count("grantround", distinct=True))
    )
    applications = GrantApplication.objects.filter(
        grant_round__in=counted_ids, status=GrantApplication.Status.SUBMITTED
    )
    applications_total = applications.count()
    region_applications = (
        applications.filter(grant_round__regions=period.region) if period.region else applications
    )
    applications_by_region = dict(
        region_applications.order_by()
        .values_list("grant_round__regions")
        .annotate(n=Count("pk", distinct=True))
    )

    grants = counted_grants(period)
    totals = {"n": Count("pk"), "value": Sum("amount_pence")}
    by_region = {row["region"]: row for row in grants.order_by().values("region").annotate(**totals)}
    by_kind = {
        row["application__organisation__legal_form"]: row
        for row in grants.order_by().values("application__organisation__legal_form").annotate(**totals)
    }
    everything = grants.aggregate(**totals)
    by_people = _by_people(grants)
    all_grants = Row(
        "All grants", (count_cell(everything["n"]), money_cell(everything["value"] or 0, everything["n"]))
    )
    in_all = (
        f"{count_cell(everything['n']).text} grants were awarded in these rounds, worth "
        f"{money_cell(everything['value'] or 0, everything['n']).text} in all."
    )
    figures = (
        Figure(
            "grant-rounds-by-region",
            "Grant rounds and applications, by region",
            f"{rounds_total:,} grant rounds closed in the year, and {count_cell(applications_total).text} "
            "applications were sent to them. Rounds still open are not counted. "
            "A round in several regions counts in each.",
            ("Region", "Rounds", "Applications"),
            tuple(
                Row(
                    r.name,
                    (
                        Cell(rounds_by_region.get(r.pk, 0), f"{rounds_by_region.get(r.pk, 0):,}"),
                        count_cell(applications_by_region.get(r.pk, 0)),
                    ),
                )
                for r in regions
            ),
            chart_column=1,
        ),
        Figure(
            "grants-by-region",
            "Grants awarded and their value, by region",
            f"{in_all} Each grant counts in the region it is for.",
            ("Region", "Grants", "Value"),
            _money_rows(by_region, ((r.pk, r.name) for r in regions)),
            chart_column=1,
        ),
        Figure(
            "grants-by-organisation-kind",
            "Grants awarded, by kind of organisation",
            f"{in_all} The kind of organisation is its legal status.",
            ("Kind of organisation", "Grants", "Value"),
            (*_money_rows(by_kind, Organisation.LegalForm.choices), all_grants),
            chart_column=1,
        ),
        Figure(
            "grants-by-people",
            "Grants awarded, by who the organisation works with",
            f"{in_all} Organisations say who they work with when they register for grants; "
            "an organisation that works with several groups of people counts in each.",
            ("Works with", "Grants", "Value"),
            (*_money_rows(by_people, PEOPLE.items()), all_grants),
            chart_column=1,
        ),
        _time_to_decision_figure(period),
    )
    return Section("grants", "Grants", figures)


def _time_to_decision_figure(period: Period) -> Figure:
    """Registrations decided in the year that had a decision clock (ADR 0020), by quarter. A registration
    holds only its latest sending, so one returned and sent again counts by its last decision."""
    decided = Registration.objects.filter(
        status__in=[Registration.Status.ACCEPTED, Registration.Status.RETURNED],  # not sent again since
        decide_by__isnull=False,
        decided_at__gte=period.starts,
        decided_at__lt=period.ends,
    )
    if period.region:
        decided = decided.filter(regions=period.region).distinct()
    return time_to_decision_figure(
        slug="grants-registrations-time-to-decision",
        title="Time to decision: grants registrations",
        what="grants registrations",
        period=period,
        decided=(
            Decided(arrived_at=arrived, decide_by=due, decided_at=done)
            for arrived, due, done in decided.values_list("submitted_at", "decide_by", "decided_at")
            if arrived and due and done
        ),
    )
