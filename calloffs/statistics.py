"""The call-offs' section of the public statistics (docs/domain.md §8;
docs/adr/0015-transparency-and-open-data.md): competitions, tenders, awards and their timings, and the
supply chain, for one financial year and, if chosen, one region. Added to /statistics/ by
`CalloffsConfig.statistics_sections`; the figures and the small-number rule are `portal.statistics`'.

**Nothing sealed leaks.** A competition counts only once it is closed for good: its deadline has passed
and its tenders were opened, or it was decided (`counted_competitions`). A live competition, even past its
deadline, counts nowhere until then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import cast

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from calloffs.models import Award, ClarificationQuestion, Competition, SupplyChainReport, Tender
from portal.decision_clocks import Decided, time_to_decision_figure
from portal.models import Organisation
from portal.statistics import (
    SMALLER,
    SMALLEST_SHOWN,
    SUPPRESSED,
    Cell,
    Figure,
    Period,
    Row,
    Section,
    count_cell,
    days_between,
    labelled_rows,
    median_days_cell,
    money_cell,
    share_cell,
    value_share_cell,
)

DECIDED = (Competition.Status.AWARDED, Competition.Status.NO_SUITABLE_BIDDER)


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
            labelled_rows(by_region, ((r.pk, r.name) for r in regions), lambda n: Cell(n, f"{n:,}")),
        ),
        Figure(
            "competitions-by-category",
            "Competitions, by service category",
            "A competition with lots in several categories counts in each.",
            ("Service category", "Competitions"),
            labelled_rows(by_category, ((c.pk, str(c)) for c in categories), lambda n: Cell(n, f"{n:,}")),
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
        _time_to_answer_figure(period),
    ]
    return Section("calloffs", "Call-off competitions", tuple(figures))


def _time_to_answer_figure(period: Period) -> Figure:
    """Clarification questions answered in the year that had an answer-by date (ADR 0020), by quarter.
    Answers are public when published, so nothing sealed is counted."""
    answered = ClarificationQuestion.objects.filter(
        answer_by__isnull=False, published_at__gte=period.starts, published_at__lt=period.ends
    )
    if period.region:
        answered = answered.filter(competition__regions=period.region).distinct()
    return time_to_decision_figure(
        slug="clarifications-time-to-answer",
        title="Time to answer: clarification questions",
        what="clarification questions",
        period=period,
        decision="answer",
        done="answered",
        decided=(
            Decided(arrived_at=asked, decide_by=due, decided_at=done)
            for asked, due, done in answered.values_list("asked_at", "answer_by", "published_at")
            if due and done
        ),
    )


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
    # A counted competition was published with a deadline, and every decision has its time.
    open_for = [
        days_between(cast(datetime, published), cast(datetime, deadline))
        for published, deadline in counted.values_list("published_at", "submission_deadline")
    ]
    to_award = [
        days_between(cast(datetime, deadline), decided)
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
