"""The public statistics' machinery (docs/adr/0015-transparency-and-open-data.md): the period, the
figures and their cells, small-number suppression, and the page's sections, gathered from the apps.

Every figure is a `Figure`: a title, a text summary, a table (what the page shows beside its chart and
what its CSV holds) and the numbers the chart draws. No figure identifies one organisation: a count of
organisations, tenders, awards or applications of 1 or 2 is shown as "fewer than 3", and so is every
value, share or median drawn from fewer than 3 of them (`SMALLEST_SHOWN`). The cells below are the one
place that rule is applied.

Each app adds its sections through an `AppConfig` hook, `statistics_sections(period, categories, regions)
-> list[Section]`, read in the order of `INSTALLED_APPS` (the framework, call-offs, grants), so the core
imports no app. Each section takes a fixed number of queries, whatever the amount of data.

The page never computes them while a visitor waits, once a period has been asked for: its sections are
stored in the shared cache (`stored_sections`), and computed again by the task
`portal.tasks.public_data_precompute`, queued after every change the public pages show
(`portal.page_cache.public_pages_changed`) and by Celery beat (the figures count what has closed by now).
Only the first visitor of a period ever waits for them.
"""

from __future__ import annotations

import statistics as stats
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from portal.csv_files import csv_text
from portal.models import Organisation, Region, ServiceCategory
from portal.money import pounds

LONDON = ZoneInfo("Europe/London")
SMALLEST_SHOWN = 3
SUPPRESSED = "fewer than 3"
FIRST_FINANCIAL_YEAR = 2025
# Micro and small organisations: the sizes the figures count as "smaller".
SMALLER = (Organisation.SizeBand.MICRO, Organisation.SizeBand.SMALL)


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
        return csv_text(
            [
                [f"{self.title}: {period.label}"],
                self.columns,
                *(
                    [row.label, *(cell.text if cell.value is None else cell.value for cell in row.cells)]
                    for row in self.rows
                ),
            ]
        )


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    figures: tuple[Figure, ...] = field(default_factory=tuple)


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86_400


def labelled_rows(
    counts: dict, labels: Iterable[tuple[int | str, str]], cell: Callable[[int], Cell]
) -> tuple:
    return tuple(Row(label, (cell(counts.get(key, 0)),)) for key, label in labels)


def value_share_cell(part_pence: int, part_count: int, whole_pence: int, whole_count: int) -> Cell:
    """A share of money: shown only when the whole adds up at least `SMALLEST_SHOWN` contracts and the
    part at least `SMALLEST_SHOWN` subcontractors (or none)."""
    if whole_count == 0 or whole_pence == 0:
        return Cell(None, "none yet")
    if whole_count < SMALLEST_SHOWN or 0 < part_count < SMALLEST_SHOWN:
        return Cell(None, SUPPRESSED)
    percent = round(100 * part_pence / whole_pence)
    return Cell(percent, f"{percent}%")


# Everything --------------------------------------------------------------------------------------------


def sections(period: Period) -> list[Section]:
    """Every app's sections (`statistics_sections`), in the order of `INSTALLED_APPS`."""
    categories = list(ServiceCategory.objects.all())
    regions = [period.region] if period.region else list(Region.objects.all())
    built: list[Section] = []
    for config in apps.get_app_configs():
        hook = getattr(config, "statistics_sections", None)
        if callable(hook):
            built.extend(hook(period, categories, regions))
    return built


def figure(period: Period, slug: str) -> Figure | None:
    return next((f for section in sections(period) for f in section.figures if f.slug == slug), None)


def default_period(now: datetime | None = None) -> Period:
    now = now or timezone.now()
    return Period(financial_year_of(timezone.localdate(now)), None, now)


# Precomputed ---------------------------------------------------------------------------------------------

STORED_SECONDS = 24 * 60 * 60  # a day: the task and the beat recompute them long before
PERIODS_KEY = "statistics:periods"  # the periods visitors asked for: (year, region id or None)


def _sections_key(year: int, region_id: int | None) -> str:
    return f"statistics:sections:{year}:{region_id or 'all'}"


def stored_sections(period: Period) -> list[Section]:
    """The period's sections as last computed; computed now, and the period remembered, the first time."""
    region_id = period.region.pk if period.region else None
    found = cache.get(_sections_key(period.year, region_id))
    if found is not None:
        return found
    built = sections(period)
    cache.set(_sections_key(period.year, region_id), built, STORED_SECONDS)
    asked = cache.get(PERIODS_KEY) or set()
    if (period.year, region_id) not in asked:
        cache.set(PERIODS_KEY, {*asked, (period.year, region_id)}, None)
    return built


def stored_figure(period: Period, slug: str) -> Figure | None:
    return next((f for section in stored_sections(period) for f in section.figures if f.slug == slug), None)


def precompute(now: datetime | None = None) -> int:
    """Compute again the sections of every period asked for before; how many periods."""
    now = now or timezone.now()
    asked = cache.get(PERIODS_KEY) or set()
    regions = Region.objects.in_bulk([region_id for _, region_id in asked if region_id is not None])
    computed = 0
    for year, region_id in sorted(asked, key=lambda p: (p[0], p[1] or 0)):
        if region_id is not None and region_id not in regions:
            continue
        period = Period(year, regions.get(region_id) if region_id else None, now)
        cache.set(_sections_key(year, region_id), sections(period), STORED_SECONDS)
        computed += 1
    return computed
