"""The framework's section of the public statistics (docs/adr/0015-transparency-and-open-data.md):
organisations qualified by category, region and kind, and the questionnaires received and decided. Added
to /statistics/ by `SuppliersConfig.statistics_sections`; the cells suppress small numbers
(`portal.statistics`)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from portal.decision_clocks import Decided, time_to_decision_figure
from portal.models import Organisation
from portal.statistics import (
    SMALLER,
    Figure,
    Period,
    Row,
    Section,
    count_cell,
    days_between,
    labelled_rows,
    median_days_cell,
    share_cell,
)
from suppliers.models import Application, OrganisationRegion, Qualification


def _framework_organisations(period: Period) -> QuerySet[Organisation]:
    """Organisations qualified in at least one category by the end of the year (in the region, if any)."""
    organisations = Organisation.objects.filter(qualifications__granted_at__lt=period.ends)
    if period.region:
        organisations = organisations.filter(
            framework_regions__region=period.region, framework_regions__recorded_at__lt=period.ends
        )
    return organisations.distinct()


def framework_section(period: Period, categories: list, regions: list) -> Section:
    on_framework = _framework_organisations(period)
    by_category = dict(
        Qualification.objects.filter(
            organisation__in=on_framework.order_by().values("pk"), granted_at__lt=period.ends
        )
        .order_by()
        .values_list("category")
        .annotate(n=Count("organisation", distinct=True))
    )
    in_regions = OrganisationRegion.objects.filter(
        organisation__in=on_framework.order_by().values("pk"), recorded_at__lt=period.ends
    )
    if period.region:
        in_regions = in_regions.filter(region=period.region)
    by_region = dict(
        in_regions.order_by().values_list("region").annotate(n=Count("organisation", distinct=True))
    )
    kinds = Organisation.objects.filter(pk__in=on_framework.order_by().values("pk")).aggregate(
        total=Count("pk"),
        vcse=Count("pk", filter=Q(is_vcse=True)),
        smaller=Count("pk", filter=Q(size_band__in=SMALLER)),
    )
    figures = [
        Figure(
            "qualified-by-category",
            "Organisations qualified, by service category",
            f"{count_cell(kinds['total']).text} organisations were qualified in at least one category by the "
            "end of the year. An organisation qualified in several categories counts in each.",
            ("Service category", "Organisations"),
            labelled_rows(by_category, ((c.pk, str(c)) for c in categories), count_cell),
        ),
        Figure(
            "qualified-by-region",
            "Qualified organisations, by region they work in",
            "The regions qualified organisations chose to work in. An organisation can choose several.",
            ("Region", "Organisations"),
            labelled_rows(by_region, ((r.pk, r.name) for r in regions), count_cell),
        ),
        Figure(
            "qualified-vcse-and-smaller",
            "Qualified organisations that are VCSE, or micro or small",
            f"{share_cell(kinds['vcse'], kinds['total']).text} of qualified organisations are voluntary, "
            "community or social enterprises (VCSE), and "
            f"{share_cell(kinds['smaller'], kinds['total']).text} are micro or small.",
            ("Organisations", "Number", "Share of qualified organisations"),
            (
                Row("VCSE", (count_cell(kinds["vcse"]), share_cell(kinds["vcse"], kinds["total"]))),
                Row(
                    "Micro or small",
                    (count_cell(kinds["smaller"]), share_cell(kinds["smaller"], kinds["total"])),
                ),
                Row(
                    "All qualified", (count_cell(kinds["total"]), share_cell(kinds["total"], kinds["total"]))
                ),
            ),
        ),
        _questionnaires_figure(period),
        _time_to_decision_figure(period),
    ]
    return Section("framework", "The framework", tuple(figures))


def _questionnaires_figure(period: Period) -> Figure:
    sent = Application.objects.sent()
    if period.region:
        sent = sent.filter(organisation__framework_regions__region=period.region)
    received = sent.filter(submitted_at__gte=period.starts, submitted_at__lt=period.ends).count()
    decided = list(
        sent.filter(decided_at__gte=period.starts, decided_at__lt=period.ends).values_list(
            "submitted_at", "decided_at", "outcome"
        )
    )
    successful = sum(1 for *_, outcome in decided if outcome == Application.Outcome.SUCCESSFUL)
    median = median_days_cell([days_between(submitted, decided_at) for submitted, decided_at, _ in decided])
    return Figure(
        "questionnaires",
        "Selection questionnaires received and decided",
        f"{count_cell(received).text} questionnaires were received and {count_cell(len(decided)).text} "
        f"decided; {share_cell(successful, len(decided)).text} of those decided were successful. "
        f"The median time from sending to a decision was {median.text}.",
        ("Questionnaires", "Number"),
        (
            Row("Received", (count_cell(received),)),
            Row("Decided", (count_cell(len(decided)),)),
            Row("Successful", (count_cell(successful),)),
        ),
        note=f"Share successful: {share_cell(successful, len(decided)).text}. "
        f"Median days to a decision: {median.text}.",
    )


def _time_to_decision_figure(period: Period) -> Figure:
    """Questionnaires decided in the year that had a decision clock (ADR 0020), by quarter."""
    decided = Application.objects.decided().filter(
        decide_by__isnull=False, decided_at__gte=period.starts, decided_at__lt=period.ends
    )
    if period.region:
        decided = decided.filter(organisation__framework_regions__region=period.region).distinct()
    return time_to_decision_figure(
        slug="questionnaires-time-to-decision",
        title="Time to decision: Selection Questionnaires",
        what="Selection Questionnaires",
        period=period,
        decided=(
            Decided(arrived_at=arrived, decide_by=due, decided_at=done)
            for arrived, due, done in decided.values_list("submitted_at", "decide_by", "decided_at")
            if arrived and due and done
        ),
    )
