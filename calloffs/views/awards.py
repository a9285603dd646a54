"""Deciding each lot of an opened competition (calloffs.services.awards): the commissioner's pages, and
the bidder's outcome letter."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from calloffs import pdfs, selectors
from calloffs.access import competition_for_user, lot_for_user
from calloffs.forms.awards import AwardForm, ConfirmForm, ContractForm, WithdrawAwardForm
from calloffs.models import Award, Competition, Lot, Tender
from calloffs.services import awards as services
from portal import access, stored_pdfs
from portal.access import STAFF, not_found
from portal.access import access as access_policy
from portal.evaluation.rules import CONFLICT_NOTE
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken


def _lot(request: HttpRequest, competition_pk: int, lot_pk: int) -> tuple[Competition, Lot]:
    competition = competition_for_user(request, competition_pk)
    return competition, lot_for_user(request, competition, lot_pk)


def _posted(request: HttpRequest):
    """The submitted data, even when empty (a button alone, or nothing chosen); None for a GET."""
    return request.POST if request.method == "POST" else None


def _award_url(lot: Lot) -> str:
    return reverse("calloffs:lot_award", args=[lot.competition_id, lot.pk])


def _standing_award(request: HttpRequest, lot: Lot) -> Award:
    award = selectors.standing_award(lot)
    if award is None or award.outcome != Award.Outcome.AWARDED:
        not_found(request, f"lot {lot.pk} has no standing award")
    return award


@access_policy(STAFF)
def lot_award(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    """The lot's ranked tenders and its decision: award it to one, or see the decision and what is next."""
    competition, lot = _lot(request, competition_pk, lot_pk)
    ranked = selectors.lot_ranking(lot, viewer=request.user) if competition.opened_at else []
    form = AwardForm(_posted(request), ranked=ranked)
    if request.method == "POST" and form.is_valid():
        tender = Tender.objects.select_related("organisation").get(pk=form.cleaned_data["tender"])
        try:
            services.award_lot(lot=lot, tender=tender, user=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, f"Lot {lot.number} awarded. Every bidder has been sent their outcome letter"
            )
            return redirect(_award_url(lot))
    context = {
        "competition": competition,
        "lot": lot,
        "ranked": ranked,
        "award": selectors.standing_award(lot),
        "form": form,
        "conflict_note": CONFLICT_NOTE,
    }
    return render(request, "calloffs/commissioning/award.html", context)


@access_policy(STAFF)
def lot_no_suitable_bidder(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    competition, lot = _lot(request, competition_pk, lot_pk)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.no_suitable_bidder(lot=lot, user=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, f"Lot {lot.number}: no suitable bidder recorded. Every bidder has been told"
            )
            return redirect(_award_url(lot))
    context = {"competition": competition, "lot": lot, "form": form}
    return render(request, "calloffs/commissioning/no_suitable_bidder.html", context)


@access_policy(STAFF)
def award_withdraw(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    competition, lot = _lot(request, competition_pk, lot_pk)
    award = _standing_award(request, lot)
    form = WithdrawAwardForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.award_withdraw(award=award, user=request.user, reason=form.cleaned_data["reason"])
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Award of lot {lot.number} withdrawn. Every bidder has been told")
            return redirect(_award_url(lot))
    context = {"competition": competition, "lot": lot, "award": award, "form": form}
    return render(request, "calloffs/commissioning/award_withdraw.html", context)


@access_policy(STAFF)
def contract_record(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    competition, lot = _lot(request, competition_pk, lot_pk)
    award = _standing_award(request, lot)
    form = ContractForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_record(
                award=award,
                user=request.user,
                value_pence=form.cleaned_data["value"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, f"Contract for lot {lot.number} recorded and its award notice published"
            )
            return redirect(_award_url(lot))
    context = {"competition": competition, "lot": lot, "award": award, "form": form}
    return render(request, "calloffs/commissioning/contract.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def outcome_letter_pdf(request: HttpRequest, tender_pk: int, letter_pk: int) -> HttpResponse:
    """A bidder's outcome letter, for its organisation's people only: made once by a task after the
    decision (calloffs.pdfs), never here."""
    letter = selectors.outcome_letter_for(request.user, tender_pk, letter_pk)
    if letter is None:
        not_found(request, f"outcome letter {letter_pk} is not of their organisation's tender {tender_pk}")
    return stored_pdfs.served(
        request,
        letter,
        kind=pdfs.OUTCOME_LETTER,
        filename=f"outcome-letter-lot-{letter.award.lot.number}-{letter.pk}.pdf",
        heading=f"Your outcome letter for lot {letter.award.lot.number} is being prepared",
    )
