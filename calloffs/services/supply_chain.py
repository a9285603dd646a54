"""A contract's supply chain after the award (docs/domain.md §5; issue 12, points 5 and 6).

- The supply chain starts as the winning tender's key subcontractors, copied when the contract is recorded
  (`supply_chain_start`, in `contract_record`'s transaction), so it never changes with the tender.
- Any member of the lead provider's organisation may ask to add, switch or end a key subcontractor, with a
  reason (`change_request`); the commissioner covering the competition's regions, or an MoJ admin,
  approves or refuses it with a reason (`change_decide`). Approving ends the old row and starts the new
  one; refusing changes nothing. Rows are never deleted, so the history stays.
- Each contract year, the lead is asked once for its supply-chain report, on the contract's anniversary,
  and reminded once `REPORT_REMINDER_DAYS` later if it has not sent it (`reports_request_and_remind`, a
  daily beat task). Sending a message twice sends nothing (ADR 0003), so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from calloffs.models import (
    Contract,
    ContractSubcontractor,
    SubcontractorChange,
    SupplyChainReport,
    SupplyChainReportLine,
    TenderPartner,
)
from calloffs.services.ownership import check_owns
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import Organisation, User
from portal.organisations import require_member
from portal.services import message_send

REPORT_REMINDER_DAYS = 14
CHANGE_REQUESTED = "supply_chain_change_requested"
CHANGE_DECIDED = "supply_chain_change_decided"
REPORT_REQUESTED = "supply_chain_report_requested"
REPORT_REMINDER = "supply_chain_report_reminder"

NOT_THEIRS = "Only people in the lead provider's organisation can ask to change its supply chain."
ALREADY_DECIDED = "This request has already been decided."


def _today(now: datetime) -> date:
    return timezone.localdate(now)


# The supply chain --------------------------------------------------------------------------------------


def supply_chain_start(contract: Contract) -> list[ContractSubcontractor]:
    """The winning tender's key subcontractors become the contract's, from its start date. Called inside
    `contract_record`'s transaction; consortium members are not subcontractors and are not copied."""
    assert contract.award.tender_id is not None  # a contract follows an award to a tender
    partners = TenderPartner.objects.filter(
        tender_id=contract.award.tender_id, kind=TenderPartner.Kind.SUBCONTRACTOR
    )
    return ContractSubcontractor.objects.bulk_create(
        ContractSubcontractor(
            contract=contract,
            name=partner.name,
            role=partner.role,
            share_percent=partner.share_percent,
            is_vcse=partner.is_vcse,
            started_on=contract.start_date,
        )
        for partner in partners
    )


def current_subcontractors(contract: Contract) -> list[ContractSubcontractor]:
    return [row for row in contract.subcontractors.all() if row.ended_on is None]


@dataclass(frozen=True)
class NewSubcontractor:
    name: str = ""
    role: str = ""
    share_percent: int | None = None
    is_vcse: bool | None = None
    size_band: str = ""


def _new_problems(new: NewSubcontractor) -> list[RuleBroken]:
    problems = []
    if not new.name.strip():
        problems.append(RuleBroken("Enter the name of the new subcontractor", field="new_name"))
    if not new.role.strip():
        problems.append(RuleBroken("Enter what the new subcontractor will deliver", field="new_role"))
    if new.share_percent is not None and not 0 <= new.share_percent <= 100:
        problems.append(RuleBroken("Enter a share between 0 and 100", field="new_share_percent"))
    if new.is_vcse is None:
        problems.append(
            RuleBroken("Select whether the new subcontractor is a VCSE organisation", field="new_is_vcse")
        )
    if new.size_band not in Organisation.SizeBand.values:
        problems.append(RuleBroken("Select how big the new subcontractor is", field="new_size_band"))
    return problems


def change_request(
    *,
    contract: Contract,
    user: User,
    kind: str,
    reason: str,
    subcontractor: ContractSubcontractor | None = None,
    new: NewSubcontractor | None = None,
    now: datetime | None = None,
) -> SubcontractorChange:
    """The lead provider asks to add, switch or end a key subcontractor. Any member of its organisation
    may ask (not only its admin): the commissioner decides."""
    now = now or timezone.now()
    require_member(user, contract.organisation_id, refusal=NOT_THEIRS)
    new = new or NewSubcontractor()
    problems = []
    if kind not in SubcontractorChange.Kind.values:
        problems.append(RuleBroken("Select what you want to change", field="kind"))
    if kind in (SubcontractorChange.Kind.SWITCH, SubcontractorChange.Kind.END):
        if subcontractor is None:
            problems.append(RuleBroken("Select the subcontractor this is about", field="subcontractor"))
        elif subcontractor.contract_id != contract.pk or subcontractor.ended_on is not None:
            problems.append(
                RuleBroken("Select a current subcontractor of this contract", field="subcontractor")
            )
    if kind in (SubcontractorChange.Kind.ADD, SubcontractorChange.Kind.SWITCH):
        problems.extend(_new_problems(new))
    if not reason.strip():
        problems.append(RuleBroken("Enter why you want to make this change", field="reason"))
    raise_problems(problems)
    adds = kind != SubcontractorChange.Kind.END
    with transaction.atomic():
        try:
            with transaction.atomic():
                change = SubcontractorChange.objects.create(
                    contract=contract,
                    kind=kind,
                    subcontractor=subcontractor if kind != SubcontractorChange.Kind.ADD else None,
                    new_name=new.name.strip() if adds else "",
                    new_role=new.role.strip() if adds else "",
                    new_share_percent=new.share_percent if adds else None,
                    new_is_vcse=new.is_vcse if adds else None,
                    new_size_band=new.size_band if adds else "",
                    reason=reason.strip(),
                    requested_by=user,
                    requested_at=now,
                )
        except IntegrityError:
            raise RuleBroken(
                "You have already asked to change this subcontractor. Wait for the commissioner's decision",
                field="subcontractor",
            ) from None
        audit_record(
            actor=user,
            action="supply_chain.change_requested",
            summary=f"{change.get_kind_display()}: {_about(change)}. Reason: {change.reason}",
            obj=contract,
        )
        message_send(
            kind=CHANGE_REQUESTED, source=change, context={"change": change}, user=contract.recorded_by
        )
    return change


def _about(change: SubcontractorChange) -> str:
    if change.kind == SubcontractorChange.Kind.ADD:
        return change.new_name
    assert change.subcontractor is not None  # a switch or a removal names the one it changes
    if change.kind == SubcontractorChange.Kind.SWITCH:
        return f"{change.subcontractor.name} to {change.new_name}"
    return change.subcontractor.name


def change_decide(
    *,
    change: SubcontractorChange,
    user: User,
    approve: bool | None,
    reason: str,
    now: datetime | None = None,
) -> SubcontractorChange:
    """The commissioner approves or refuses a request, with a reason the lead provider is told. Approving
    applies it from today: the switched or ended subcontractor's row ends, the new one's starts."""
    now = now or timezone.now()
    contract = change.contract
    check_owns(user, contract.award.lot.competition)
    problems = []
    if approve is None:
        problems.append(RuleBroken("Select whether you approve the change", field="decision"))
    if not reason.strip():
        problems.append(RuleBroken("Enter the reason for your decision", field="reason"))
    raise_problems(problems)
    with transaction.atomic():
        change = locked(SubcontractorChange, change.pk)
        if change.status != SubcontractorChange.Status.PENDING:
            raise RuleBroken(ALREADY_DECIDED)
        change.status = SubcontractorChange.Status.APPROVED if approve else SubcontractorChange.Status.REFUSED
        change.decided_by, change.decided_at, change.decision_reason = user, now, reason.strip()
        if approve:
            _apply(change, _today(now))
        change.save()
        audit_record(
            actor=user,
            action=f"supply_chain.change_{change.status}",
            summary=f"{change.get_kind_display()}: {_about(change)}. Reason: {change.decision_reason}",
            obj=contract,
        )
        message_send(
            kind=CHANGE_DECIDED, source=change, context={"change": change}, organisation=contract.organisation
        )
    return change


def _apply(change: SubcontractorChange, today: date) -> None:
    if change.subcontractor_id is not None:
        ended = locked(ContractSubcontractor, change.subcontractor_id)
        if ended.ended_on is not None:
            raise RuleBroken("This subcontractor has already ended, so the request can only be refused.")
        ended.ended_on = today
        ended.save(update_fields=["ended_on"])
    if change.kind != SubcontractorChange.Kind.END:
        change.started = ContractSubcontractor.objects.create(
            contract=change.contract,
            name=change.new_name,
            role=change.new_role,
            share_percent=change.new_share_percent,
            is_vcse=bool(change.new_is_vcse),
            size_band=change.new_size_band,
            started_on=today,
        )


# Yearly reports ----------------------------------------------------------------------------------------


def anniversary(start: date, years: int) -> date:
    """`years` years after `start`; 29 February falls on 28 February in other years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def report_year_due(start: date, end: date, today: date) -> int | None:
    """The contract year whose report is due by `today`, the latest one: year n is asked for on the nth
    anniversary of the start date. The last year may be short: its report is due on the anniversary after
    the end date. None before the first anniversary."""
    years = 0
    while anniversary(start, years + 1) <= today and anniversary(start, years) <= end:
        years += 1
    return years or None


def reports_request_and_remind(*, now: datetime | None = None) -> tuple[int, int]:
    """Daily (CELERY_BEAT_SCHEDULE): ask each contract's lead for the report now due, once per contract
    per year, and remind once those not sent `REPORT_REMINDER_DAYS` after asking. Safe to run twice.
    Returns (asked, reminded)."""
    now = now or timezone.now()
    today = _today(now)
    asked = reminded = 0
    horizon = anniversary(today, -1)
    for contract in Contract.objects.filter(start_date__lte=horizon, end_date__gte=anniversary(horizon, -1)):
        year = report_year_due(contract.start_date, contract.end_date, today)
        if year is None:
            continue
        with transaction.atomic():
            report, created = SupplyChainReport.objects.get_or_create(
                contract=contract, year=year, defaults={"requested_at": now}
            )
            if not created:
                continue
            message_send(
                kind=REPORT_REQUESTED,
                source=report,
                context={"report": report, "contract": contract},
                organisation=contract.organisation,
            )
        asked += created
    due = now - timedelta(days=REPORT_REMINDER_DAYS)
    for report_id in SupplyChainReport.objects.filter(
        submitted_at__isnull=True, reminded_at__isnull=True, requested_at__lte=due
    ).values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                SupplyChainReport.objects.select_for_update().select_related("contract").get(pk=report_id)
            )
            if report.submitted_at is not None or report.reminded_at is not None:
                continue
            report.reminded_at = now
            report.save(update_fields=["reminded_at"])
            message_send(
                kind=REPORT_REMINDER,
                source=report,
                context={"report": report, "contract": report.contract},
                organisation=report.contract.organisation,
            )
        reminded += 1
    return asked, reminded


@dataclass(frozen=True)
class ReportLine:
    name: str
    delivers: str
    amount_paid_pence: int
    is_vcse: bool
    size_band: str


def report_submit(
    *, report: SupplyChainReport, user: User, lines: list[ReportLine], now: datetime | None = None
) -> SupplyChainReport:
    """The lead provider sends its report: every subcontractor it paid in the year (none is a valid
    answer: say so with no rows). Sent once; it cannot be changed afterwards."""
    now = now or timezone.now()
    require_member(
        user,
        report.contract.organisation_id,
        refusal="Only people in the lead provider's organisation can send its report.",
    )
    with transaction.atomic():
        report = locked(SupplyChainReport, report.pk)
        if report.submitted_at is not None:
            raise RuleBroken("This report has already been sent.")
        SupplyChainReportLine.objects.bulk_create(
            SupplyChainReportLine(report=report, **vars(line)) for line in lines
        )
        report.submitted_at, report.submitted_by = now, user
        report.save(update_fields=["submitted_at", "submitted_by"])
        audit_record(
            actor=user,
            action="supply_chain.report_submitted",
            summary=f"Year {report.year}: {len(lines)} subcontractors, "
            f"{sum(line.amount_paid_pence for line in lines)} pence paid",
            obj=report.contract,
        )
    return report
