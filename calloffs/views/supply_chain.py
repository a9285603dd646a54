"""A contract's supply chain after the award (calloffs.services.supply_chain): the lead provider's
"Your contracts" pages, its requests to change a key subcontractor and its yearly reports; the
commissioner's page of the contract, decisions and reading of reports."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from calloffs.access import contract_for_member, contract_for_user
from calloffs.forms.supply_chain import (
    MOST_ROWS,
    REPORT_ROWS,
    ChangeDecisionForm,
    ChangeRequestForm,
    report_form_class,
    report_lines,
)
from calloffs.models import Contract, SubcontractorChange, SupplyChainReport
from calloffs.services import supply_chain as services
from portal.access import STAFF, SUPPLIER_MEMBER, get_or_refuse
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.questionnaires.engine import Context


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _supply_chain(contract: Contract) -> dict:
    """What both sides' contract pages show: the current supply chain, every row ever, the requests and
    the reports."""
    rows = list(contract.subcontractors.all())
    changes = list(
        contract.subcontractor_changes.select_related("subcontractor", "requested_by", "decided_by")
    )
    return {
        "contract": contract,
        "current": [row for row in rows if row.ended_on is None],
        "history": rows,
        "pending": [change for change in changes if change.status == SubcontractorChange.Status.PENDING],
        "changes": changes,
        "reports": list(contract.supply_chain_reports.all()),
    }


# The lead provider ----------------------------------------------------------------------------------------


@access_policy(SUPPLIER_MEMBER)
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = (
        Contract.objects.filter(organisation_id=request.user.membership.organisation_id)
        .select_related("award__lot__competition")
        .prefetch_related(
            "subcontractors",
            Prefetch(
                "supply_chain_reports",
                SupplyChainReport.objects.filter(submitted_at__isnull=True),
                to_attr="reports_to_send",
            ),
        )
        .order_by("-start_date", "pk")
    )
    return render(request, "calloffs/supply_chain/list.html", {"contracts": contracts})


@access_policy(SUPPLIER_MEMBER)
def contract_detail(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_for_member(request, contract_pk)
    return render(request, "calloffs/supply_chain/contract.html", _supply_chain(contract))


@access_policy(SUPPLIER_MEMBER)
def change_request(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_for_member(request, contract_pk)
    form = ChangeRequestForm(_posted(request), current=services.current_subcontractors(contract))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request(
                contract=contract,
                user=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                subcontractor=form.chosen_subcontractor(),
                new=form.new_subcontractor(),
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Your request has been sent to the commissioner")
            return redirect("calloffs:supplier_contract", contract.pk)
    return render(request, "calloffs/supply_chain/change_request.html", {"contract": contract, "form": form})


def _report(request: HttpRequest, contract: Contract, report_pk: int) -> SupplyChainReport:
    report = get_or_refuse(
        request,
        contract.supply_chain_reports.filter(pk=report_pk).prefetch_related("lines"),
        f"report {report_pk} is not of contract {contract.pk}",
    )
    return report


def _slots(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("slots", REPORT_ROWS))
    except ValueError:
        return REPORT_ROWS


@access_policy(SUPPLIER_MEMBER)
def report_fill(request: HttpRequest, contract_pk: int, report_pk: int) -> HttpResponse:
    """The yearly report: as many rows as needed ("Add another subcontractor" sends the page back with one
    more), sent once. Once sent, the page shows it."""
    contract = contract_for_member(request, contract_pk)
    report = _report(request, contract, report_pk)
    context = {"contract": contract, "report": report}
    if report.submitted_at is not None:
        return render(request, "calloffs/supply_chain/report.html", context)
    slots = _slots(request) if request.method == "POST" else REPORT_ROWS
    form_class = report_form_class(slots)
    form = form_class(_posted(request))
    if request.method == "POST":
        form.is_valid()
        answers = form.answers()
        if "add_row" in request.POST:
            form_class = report_form_class(slots + 1)
            form = form_class(initial=form_class.initial_from(answers))
        else:
            errors = form.section.errors(answers, Context())
            if not errors and form.is_valid():
                try:
                    services.report_submit(report=report, user=request.user, lines=report_lines(answers))
                except RuleBroken as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request, f"Your supply chain report for year {report.year} has been sent"
                    )
                    return redirect("calloffs:supplier_contract", contract.pk)
            form.show_errors(errors)
    rows = form.section.questions[0].row_slots
    context |= {"form": form, "slots": rows, "can_add": rows < MOST_ROWS}
    return render(request, "calloffs/supply_chain/report_form.html", context)


# The commissioner ------------------------------------------------------------------------------------------


@access_policy(STAFF)
def contract_manage(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_for_user(request, contract_pk)
    return render(request, "calloffs/supply_chain/manage.html", _supply_chain(contract))


@access_policy(STAFF)
def change_decide(request: HttpRequest, contract_pk: int, change_pk: int) -> HttpResponse:
    contract = contract_for_user(request, contract_pk)
    change = get_or_refuse(
        request,
        (
            contract.subcontractor_changes.filter(
                pk=change_pk, status=SubcontractorChange.Status.PENDING
            ).select_related("subcontractor", "requested_by")
        ),
        f"change {change_pk} is not a pending request of contract {contract.pk}",
    )
    change.contract = contract
    form = ChangeDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_decide(
                change=change, user=request.user, approve=form.approve(), reason=form.cleaned_data["reason"]
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            word = "approved" if form.approve() else "refused"
            messages.success(request, f"Request {word}. The lead provider has been told")
            return redirect(reverse("calloffs:contract_manage", args=[contract.pk]))
    context = {"contract": contract, "change": change, "form": form}
    return render(request, "calloffs/supply_chain/decide.html", context)


@access_policy(STAFF)
def report_read(request: HttpRequest, contract_pk: int, report_pk: int) -> HttpResponse:
    contract = contract_for_user(request, contract_pk)
    report = _report(request, contract, report_pk)
    return render(request, "calloffs/supply_chain/report.html", {"contract": contract, "report": report})
