"""Public statistics (DOMAIN.md §8; docs/adr/0015-transparency-and-open-data.md): the framework and its
call-offs, for one financial year and, if chosen, one region, from the portal's own data.

Every figure is a `Figure`: a title, a text summary, a table (what the page shows beside its chart and
what its CSV holds) and the numbers the chart draws. Two rules hold for every figure:

- **Nothing sealed leaks.** A competition counts only once it is closed for good: its deadline has passed
  and its tenders were opened, or it was decided (`counted_competitions`). A live competition, even past
  its deadline, counts nowhere until then.
- **No figure identifies one bidder.** A count of organisations, tenders or awards of 1 or 2 is shown as
  "fewer than 3", and so is every value, share or median drawn from fewer than 3 of them (`SMALLEST_SHOWN`).

Each section is built by a function of a `Period`; the apps add theirs through an `AppConfig` hook,
`statistics_sections(period) -> list[Section]` (the grants app adds its figures there), so calloffs
never imports them. The number of queries is fixed: one or two per figure, whatever the amount of data.
"""

from __future__ import annotations

import csv
import io
import statistics as stats
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.apps import apps
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from calloffs.models import Award, Competition, SupplyChainReport, Tender
from portal.clock import LONDON
from portal.models import Organisation, Region, ServiceCategory
from portal.money import pounds
from suppliers.models import Application, OrganisationRegion, Qualification

SMALLEST_SHOWN = 3
SUPPRESSED = "fewer than 3"
FIRST_FINANCIAL_YEAR = 2025
SMALLER = (Organisation.SizeBand.MICRO, Organisation.SizeBand.SMALL)
DECIDED = (Competition.Status.AWARDED, Competition.Status.NO_SUITABLE_BIDDER)


# The period ------------------------------------------------------------------------------------------


def financial_year_of(day: date) -> int:
    """The financial year (1 April to 31 March) that `day` falls in, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_years(today: date) -> list[int]:
    """The years a visitor can choose, newest first."""
    return list(range(financial_year_of(today), FIRST_FINANCIAL_YEAR - 1, -1))


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


@dataclass(frozen=True)
class Period:
    year: int
    region: Region | None
    now: datetime

    @property
    def starts(self) -> datetime:
        return datetime.combine(date(self.year, 4, 1), time.min, tzinfo=LONDON)

    @property
    def ends(self) -> datetime:
        """The first moment after the year (exclusive)."""
        return datetime.combine(date(self.year + 1, 4, 1), time.min, tzinfo=LONDON)

    @property
    def label(self) -> str:
        where = self.region.name if self.region else "all regions"
        return f"{financial_year_label(self.year)}, {where}"


# Figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One number of a table: its value (None when suppressed) and how it is written."""

    value: int | float | None
    text: str


def count_cell(n: int) -> Cell:
    if 0 < n < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    return Cell(n, f"{n:,}")


def money_cell(pence: int, count: int) -> Cell:
    """A total value, shown only when it adds up at least `SMALLEST_SHOWN` things."""
    if 0 < count < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    return Cell(pence, pounds(pence))


def share_cell(part: int, whole: int) -> Cell:
    if whole == 0:
        return Cell(None, "none yet")
    if 0 < part < SMALLEST_SHOWN or whole < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    percent = round(100 * part / whole)
    return Cell(percent, f"{percent}%")


def median_days_cell(durations_in_days: list[float]) -> Cell:
    if not durations_in_days:
        return Cell(None, "none yet")
    if len(durations_in_days) < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    days = round(stats.median(durations_in_days))
    return Cell(days, f"{days} day" if days == 1 else f"{days} days")


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    percent: float  # of the chart's width; 0 for a suppressed or empty value


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    summary: str
    columns: tuple[str, ...]  # the first names the rows
    rows: tuple[Row, ...]
    chart_column: int = 0  # which of the cells the chart draws
    note: str = ""

    @property
    def bars(self) -> list[Bar]:
        values = [row.cells[self.chart_column].value or 0 for row in self.rows]
        largest = max(values, default=0) or 1
        return [
            Bar(row.label, row.cells[self.chart_column].text, 100 * value / largest)
            for row, value in zip(self.rows, values, strict=True)
        ]

    @property
    def chart_height(self) -> int:
        """In the chart's own units: one band of 10 for each bar, and one to spare."""
        return 10 * (len(self.rows) + 1)

    def csv_text(self, period: Period) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([f"{self.title}: {period.label}"])
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(
                [row.label, *(cell.text if cell.value is None else cell.value for cell in row.cells)]
            )
        return out.getvalue()


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    figures: tuple[Figure, ...] = field(default_factory=tuple)


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86_400


def _labelled(counts: dict, labels: Iterable[tuple[int | str, str]], cell: Callable[[int], Cell]) -> tuple:
    return tuple(Row(label, (cell(counts.get(key, 0)),)) for key, label in labels)


# The framework -----------------------------------------------------------------------------------------


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
            _labelled(by_category, ((c.pk, str(c)) for c in categories), count_cell),
        ),
        Figure(
            "qualified-by-region",
            "Qualified organisations, by region they work in",
            "The regions qualified organisations chose to work in. An organisation can choose several.",
            ("Region", "Organisations"),
            _labelled(by_region, ((r.pk, r.name) for r in regions), count_cell),
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
    median = median_days_cell([_days(submitted, decided_at) for submitted, decided_at, _ in decided])
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


# Call-offs -------------------------------------------------------------------------------------------


def counted_competitions(period: Period) -> QuerySet[Competition]:
    """Competitions whose deadline fell in the year and that are closed for good: opened, or decided.
    A live competition is never counted, so no figure says anything of tenders still sealed."""
    competitions = Competition.objects.filter(
        published_at__isnull=False,
        submission_deadline__gte=period.starts,
        submission_deadline__lt=period.ends,
        submission_deadline__lte=period.now,
    ).filter(Q(opened_at__isnull=False) | Q(status__in=DECIDED))
    if period.region:
        competitions = competitions.filter(regions=period.region)
    return competitions


def calloffs_section(period: Period, categories: list, regions: list) -> Section:
    counted = counted_competitions(period)
    counted_ids = counted.order_by().values("pk")
    total = counted.count()
    by_region = dict(
        Competition.regions.through.objects.filter(competition__in=counted_ids)
        .filter(**({"region": period.region} if period.region else {}))
        .order_by()
        .values_list("region")
        .annotate(n=Count("competition", distinct=True))
    )
    by_category = dict(
        Competition.objects.filter(pk__in=counted_ids)
        .order_by()
        .values_list("lots__category")
        .annotate(n=Count("pk", distinct=True))
    )
    tenders = Tender.objects.filter(competition__in=counted_ids, status=Tender.Status.SUBMITTED).aggregate(
        total=Count("pk"),
        smaller=Count("pk", filter=Q(organisation__size_band__in=SMALLER)),
        vcse=Count("pk", filter=Q(organisation__is_vcse=True)),
    )
    per_competition = tenders["total"] / total if total else 0
    per_competition_cell = (
        Cell(None, SUPPRESSED)
        if 0 < tenders["total"] < SMALLEST_SHOWN
        else Cell(round(per_competition, 1), f"{per_competition:.1f}")
    )
    figures = [
        Figure(
            "competitions-by-region",
            "Competitions, by region",
            f"{total:,} competitions closed in the year (their tenders opened, or an outcome decided). "
            "A competition run in several regions counts in each.",
            ("Region", "Competitions"),
            _labelled(by_region, ((r.pk, r.name) for r in regions), lambda n: Cell(n, f"{n:,}")),
        ),
        Figure(
            "competitions-by-category",
            "Competitions, by service category",
            "A competition with lots in several categories counts in each.",
            ("Service category", "Competitions"),
            _labelled(by_category, ((c.pk, str(c)) for c in categories), lambda n: Cell(n, f"{n:,}")),
        ),
        Figure(
            "tenders",
            "Tenders received, and from whom",
            f"{count_cell(tenders['total']).text} tenders were received for these competitions, "
            f"{per_competition_cell.text} per competition. "
            f"{share_cell(tenders['smaller'], tenders['total']).text} came from micro or small organisations "
            f"and {share_cell(tenders['vcse'], tenders['total']).text} from VCSE organisations.",
            ("Tenders", "Number", "Share of tenders"),
            (
                Row(
                    "All tenders",
                    (count_cell(tenders["total"]), share_cell(tenders["total"], tenders["total"])),
                ),
                Row(
                    "From micro or small organisations",
                    (count_cell(tenders["smaller"]), share_cell(tenders["smaller"], tenders["total"])),
                ),
                Row(
                    "From VCSE organisations",
                    (count_cell(tenders["vcse"]), share_cell(tenders["vcse"], tenders["total"])),
                ),
            ),
            note=f"Tenders per competition: {per_competition_cell.text}.",
        ),
        *_award_figures(period, counted_ids, regions),
        _timings_figure(counted, counted_ids),
        _supply_chain_figure(period),
    ]
    return Section("calloffs", "Call-off competitions", tuple(figures))


def _award_figures(period: Period, counted_ids, regions: list) -> list[Figure]:
    """Awards standing (not withdrawn) on lots of counted competitions, with the contract's value once
    recorded and the lot's estimated value until then."""
    awards = Award.objects.filter(
        lot__competition__in=counted_ids, outcome=Award.Outcome.AWARDED, withdrawn_at__isnull=True
    ).annotate(awarded_value=Coalesce(F("contract__value_pence"), F("lot__total_value_pence")))
    totals = {"n": Count("pk"), "value": Sum("awarded_value")}
    region_awards = awards.filter(lot__regions=period.region) if period.region else awards
    by_region = {
        row["lot__regions"]: row for row in region_awards.order_by().values("lot__regions").annotate(**totals)
    }
    by_size = {
        row["tender__organisation__size_band"]: row
        for row in awards.order_by().values("tender__organisation__size_band").annotate(**totals)
    }
    by_vcse = {
        row["tender__organisation__is_vcse"]: row
        for row in awards.order_by().values("tender__organisation__is_vcse").annotate(**totals)
    }
    everything = awards.aggregate(**totals)
    vcse_count = by_vcse.get(True, {"n": 0})["n"]
    smaller = [by_size[band] for band in SMALLER if band in by_size]
    smaller_value = sum(row["value"] or 0 for row in smaller)
    smaller_count = sum(row["n"] for row in smaller)

    def rows(groups: dict, labels: Iterable[tuple]) -> tuple[Row, ...]:
        out = []
        for key, label in labels:
            row = groups.get(key, {"n": 0, "value": 0})
            out.append(Row(label, (count_cell(row["n"]), money_cell(row["value"] or 0, row["n"]))))
        return tuple(out)

    columns = ("Awards", "Value")
    sizes = [(band.value, str(band.label).split(" (", 1)[0]) for band in Organisation.SizeBand]
    return [
        Figure(
            "awards-by-region",
            "Awards and their value, by region",
            f"{count_cell(everything['n']).text} lots were awarded, worth "
            f"{money_cell(everything['value'] or 0, everything['n']).text} in all: the contract's value once "
            "it is recorded, the lot's estimated value until then. A lot in several regions counts in each.",
            ("Region", *columns),
            rows(by_region, ((r.pk, r.name) for r in regions)),
            chart_column=1,
        ),
        Figure(
            "awards-by-size",
            "Work awarded to smaller providers",
            f"Micro and small organisations won {count_cell(smaller_count).text} awards worth "
            f"{money_cell(smaller_value, smaller_count).text}, "
            f"{share_cell(smaller_value, everything['value'] or 0).text} of the value awarded.",
            ("Size of the organisation", *columns),
            rows(by_size, sizes),
            chart_column=1,
        ),
        Figure(
            "awards-by-vcse",
            "Work awarded to VCSE organisations",
            f"Voluntary, community and social enterprises won {count_cell(vcse_count).text} awards.",
            ("Organisation", *columns),
            rows(by_vcse, ((True, "VCSE"), (False, "Not VCSE"))),
            chart_column=1,
        ),
    ]


def _timings_figure(counted: QuerySet[Competition], counted_ids) -> Figure:
    open_for = [_days(p, d) for p, d in counted.values_list("published_at", "submission_deadline")]
    to_award = [
        _days(deadline, decided)
        for deadline, decided in Award.objects.filter(
            lot__competition__in=counted_ids, withdrawn_at__isnull=True
        ).values_list("lot__competition__submission_deadline", "decided_at")
    ]
    open_cell, award_cell = median_days_cell(open_for), median_days_cell(to_award)
    return Figure(
        "timings",
        "How long things take",
        f"Half of the competitions were open for bids for {open_cell.text} or less, and half of the lots "
        f"were decided {award_cell.text} or less after the deadline (medians).",
        ("Stage", "Median"),
        (
            Row("From publication to the deadline", (open_cell,)),
            Row("From the deadline to the decision on a lot", (award_cell,)),
        ),
    )


def value_share_cell(part_pence: int, part_count: int, whole_pence: int, whole_count: int) -> Cell:
    """A share of money: shown only when the whole adds up at least `SMALLEST_SHOWN` contracts and the
    part at least `SMALLEST_SHOWN` subcontractors (or none)."""
    if whole_count == 0 or whole_pence == 0:
        return Cell(None, "none yet")
    if whole_count < SMALLEST_SHOWN or 0 < part_count < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    percent = round(100 * part_pence / whole_pence)
    return Cell(percent, f"{percent}%")


def yearly_value(value_pence: int, start: date, end: date) -> int:
    """A contract's value for one of its years: its value spread evenly over its term (all of it in a term
    of a year or less)."""
    return value_pence * 365 // max((end - start).days, 365)


def _supply_chain_figure(period: Period) -> Figure:
    """What the lead providers passed on to subcontractors, from the yearly supply-chain reports sent in
    the year: as a share of the value of those contracts for the year each report covers."""
    reports = SupplyChainReport.objects.filter(submitted_at__gte=period.starts, submitted_at__lt=period.ends)
    if period.region:
        reports = reports.filter(contract__award__lot__regions=period.region)
    per_report = list(  # one row per report: a lot is in a region once, so the join adds no rows
        reports.order_by()
        .values("pk", "contract_id", "contract__value_pence", "contract__start_date", "contract__end_date")
        .annotate(
            n=Count("lines"),
            value=Coalesce(Sum("lines__amount_paid_pence"), 0),
            vcse_n=Count("lines", filter=Q(lines__is_vcse=True)),
            vcse=Coalesce(Sum("lines__amount_paid_pence", filter=Q(lines__is_vcse=True)), 0),
            smaller_n=Count("lines", filter=Q(lines__size_band__in=SMALLER)),
            smaller=Coalesce(Sum("lines__amount_paid_pence", filter=Q(lines__size_band__in=SMALLER)), 0),
        )
    )
    whole = sum(
        yearly_value(r["contract__value_pence"], r["contract__start_date"], r["contract__end_date"])
        for r in per_report
    )
    reported = len({r["contract_id"] for r in per_report})
    paid = {
        key: sum(r[key] for r in per_report)
        for key in ("n", "value", "vcse_n", "vcse", "smaller_n", "smaller")
    }

    def row(label: str, pence: int, count: int) -> Row:
        money = Cell(None, SUPPRESSED) if 0 < reported < SMALLEST_SHOWN else money_cell(pence, count)
        return Row(label, (money, value_share_cell(pence, count, whole, reported)))

    rows = (
        row("All subcontractors", paid["value"], paid["n"]),
        row("VCSE subcontractors", paid["vcse"], paid["vcse_n"]),
        row("Micro or small subcontractors", paid["smaller"], paid["smaller_n"]),
    )
    return Figure(
        "supply-chains",
        "Contract value passed to subcontractors",
        f"{count_cell(reported).text} contracts' yearly supply chain reports were sent in the year. Their "
        f"lead providers passed {rows[1].cells[1].text} of the contracts' value for the year to VCSE "
        f"subcontractors and {rows[2].cells[1].text} to micro or small subcontractors.",
        ("Paid to", "Amount paid", "Share of the contracts' value"),
        rows,
        chart_column=1,
        note="A contract's value for a year is its value spread evenly over its term.",
    )


# Everything --------------------------------------------------------------------------------------------


def sections(period: Period) -> list[Section]:
    """The framework's and the call-offs' figures, then every other app's (`statistics_sections`)."""
    categories = list(ServiceCategory.objects.all())
    regions = [period.region] if period.region else list(Region.objects.all())
    built = [framework_section(period, categories, regions), calloffs_section(period, categories, regions)]
    for config in apps.get_app_configs():
        hook = getattr(config, "statistics_sections", None)
        if callable(hook):
            built.extend(hook(period))
    return built


def figure(period: Period, slug: str) -> Figure | None:
    return next((f for section in sections(period) for f in section.figures if f.slug == slug), None)


def default_period(now: datetime | None = None) -> Period:
    now = now or timezone.now()
    return Period(financial_year_of(timezone.localdate(now)), None, now)
