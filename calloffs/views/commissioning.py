"""The commissioner's pages: their competitions and notices by state; drafting, previewing, publishing,
amending and ending them. Every page fetches its object through `calloffs.access`, which answers 404 to
a commissioner of another region; every change is one service call, whose refusals are shown on the
bound form, so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from calloffs import alerts, sealed, selectors
from calloffs.access import competition_for_user, document_for_user, lot_for_user, notice_for_user
from calloffs.forms.commissioning import (
    BLANK_CRITERIA_ROWS,
    AmendmentWithDocumentForm,
    ChecklistFormSet,
    CompetitionForm,
    CriterionFormSet,
    DocumentForm,
    LotForm,
    NoticeForm,
    NoticeWithdrawForm,
    ReasonForm,
)
from calloffs.models import Competition, MarketWarmingNotice
from calloffs.services import competitions, documents, notices
from calloffs.views.public import competition_context
from portal.access import STAFF
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.formsets import ADD_ROW, wants_another_row, with_another_row

# Where each kind of publishing problem is put right, on the competition's page.
PROBLEM_ANCHORS = {
    "lots": "lots",
    "criteria": "criteria",
    "checklist": "checklist",
    "submission_deadline": "dates",
    "clarification_deadline": "dates",
    "expected_award_date": "dates",
}


def _manage_url(competition: Competition, anchor: str = "") -> str:
    url = reverse("calloffs:competition_manage", args=[competition.pk])
    return f"{url}#{anchor}" if anchor else url


def _problem_links(problems: list[RuleBroken], anchors: dict[str, str], default: str) -> list[dict[str, str]]:
    return [
        {"text": p.message, "href": "#" + anchors.get((p.field or "").partition(".")[0], default)}
        for p in problems
    ]


@access_policy(STAFF)
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "competition_groups": selectors.competitions_by_state(request.user),
        "notice_groups": selectors.notices_by_state(request.user),
    }
    return render(request, "calloffs/commissioning/home.html", context)


def _form_page(
    request: HttpRequest,
    *,
    form_class: type,
    form_kwargs: dict[str, Any],
    initial: dict[str, Any],
    save: Callable[[Any], Any],
    done: Callable[[Any], str],
    template: str,
    context: dict[str, Any],
    success: str,
) -> HttpResponse:
    """GET shows the form; POST saves it through one service, or shows the form again with what was typed
    and every refusal."""
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                saved = save(form)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, success)
                return redirect(done(saved))
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render(request, template, {**context, "form": form})


# Market warming notices --------------------------------------------------------------------------


@access_policy(STAFF)
def notice_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=NoticeForm,
        form_kwargs={"user": request.user},
        initial={},
        save=lambda form: notices.notice_save(user=request.user, data=form.data_for_service()),
        done=lambda notice: reverse("calloffs:notice_manage", args=[notice.pk]),
        template="calloffs/commissioning/notice_form.html",
        context={"notice": None},
        success="Draft notice saved",
    )


@access_policy(STAFF)
def notice_edit(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = notice_for_user(request, notice_pk)
    if notice.status != MarketWarmingNotice.Status.DRAFT:
        return redirect("calloffs:notice_manage", notice.pk)
    return _form_page(
        request,
        form_class=NoticeForm,
        form_kwargs={"user": request.user},
        initial=NoticeForm.initial_for(notice),
        save=lambda form: notices.notice_save(user=request.user, data=form.data_for_service(), notice=notice),
        done=lambda saved: reverse("calloffs:notice_manage", args=[saved.pk]),
        template="calloffs/commissioning/notice_form.html",
        context={"notice": notice},
        success="Draft notice saved",
    )


def _notice_page(request: HttpRequest, notice: MarketWarmingNotice, problems: list[RuleBroken] | None = None):
    context = {
        "notice": notice,
        "problems": _problem_links(problems or [], {}, "details"),
        "is_draft": notice.status == MarketWarmingNotice.Status.DRAFT,
    }
    return render(request, "calloffs/commissioning/notice.html", context)


@access_policy(STAFF)
def notice_manage(request: HttpRequest, notice_pk: int) -> HttpResponse:
    return _notice_page(request, notice_for_user(request, notice_pk))


@require_POST
@access_policy(STAFF)
def notice_publish(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = notice_for_user(request, notice_pk)
    try:
        notices.notice_publish(notice=notice, user=request.user)
    except RuleBroken as error:
        return _notice_page(request, notice, getattr(error, "problems", [error]))
    messages.success(request, "Notice published: anyone can now read it in the opportunity finder")
    return redirect("calloffs:notice_manage", notice.pk)


@access_policy(STAFF)
def notice_withdraw(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = notice_for_user(request, notice_pk)
    return _form_page(
        request,
        form_class=NoticeWithdrawForm,
        form_kwargs={},
        initial={},
        save=lambda form: notices.notice_withdraw(
            notice=notice, user=request.user, reason=form.cleaned_data["reason"]
        ),
        done=lambda saved: reverse("calloffs:notice_manage", args=[saved.pk]),
        template="calloffs/commissioning/end.html",
        context={
            "title": f"Withdraw {notice.title}",
            "back": reverse("calloffs:notice_manage", args=[notice.pk]),
            "button": "Withdraw the notice",
        },
        success="Notice withdrawn",
    )


# Competitions: the draft -------------------------------------------------------------------------


@access_policy(STAFF)
def competition_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=CompetitionForm,
        form_kwargs={"user": request.user},
        initial=CompetitionForm.initial_for(None),
        save=lambda form: competitions.competition_save(user=request.user, data=form.data_for_service()),
        done=lambda competition: _manage_url(competition),
        template="calloffs/commissioning/competition_form.html",
        context={"competition": None},
        success="Draft competition saved. Add its lots and evaluation criteria, then publish it",
    )


@access_policy(STAFF)
def competition_edit(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    if not competition.is_draft:
        return redirect(_manage_url(competition))
    return _form_page(
        request,
        form_class=CompetitionForm,
        form_kwargs={"user": request.user},
        initial=CompetitionForm.initial_for(competition),
        save=lambda form: competitions.competition_save(
            user=request.user, data=form.data_for_service(), competition=competition
        ),
        done=lambda saved: _manage_url(saved),
        template="calloffs/commissioning/competition_form.html",
        context={"competition": competition},
        success="Draft saved",
    )


def _manage_page(request: HttpRequest, competition: Competition, problems: list[RuleBroken] | None = None):
    now = timezone.now()
    context = {
        "competition": competition,
        "state": competition.state(now) if competition.submission_deadline else competition.status,
        "lots": list(competition.lots.all()),
        "criteria": list(competition.criteria.all()),
        "checklist": list(competition.checklist.all()),
        "amendments": list(competition.amendments.all()),
        "problems": _problem_links(problems or [], PROBLEM_ANCHORS, "details"),
        "threshold_pence": competitions.threshold_pence(),
        "alerted": alerts.alerted_summary(competition),
        "tender_counts": sealed.tender_counts(competition) if competition.published_at else None,
        "sealed": sealed.is_sealed(competition),
        "clarifications_waiting": competition.clarifications.filter(published_at__isnull=True).count(),
    }
    return render(request, "calloffs/commissioning/competition.html", context)


@access_policy(STAFF)
def competition_manage(request: HttpRequest, competition_pk: int) -> HttpResponse:
    return _manage_page(request, competition_for_user(request, competition_pk))


@access_policy(STAFF)
def lot_edit(request: HttpRequest, competition_pk: int, lot_pk: int | None = None) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    lot = lot_for_user(request, competition, lot_pk) if lot_pk is not None else None
    if not competition.is_draft:
        return redirect(_manage_url(competition))
    return _form_page(
        request,
        form_class=LotForm,
        form_kwargs={"user": request.user, "competition": competition},
        initial=LotForm.initial_for(lot),
        save=lambda form: competitions.lot_save(
            competition=competition, user=request.user, data=form.data_for_service(), lot=lot
        ),
        done=lambda saved: _manage_url(competition, "lots"),
        template="calloffs/commissioning/lot_form.html",
        context={"competition": competition, "lot": lot},
        success="Lot saved",
    )


@require_POST
@access_policy(STAFF)
def lot_remove(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    lot = lot_for_user(request, competition, lot_pk)
    try:
        competitions.lot_remove(competition=competition, user=request.user, lot=lot)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{lot} removed")
    return redirect(_manage_url(competition, "lots"))


def _formset_page(
    request, competition, *, formset_class, prefix, initial, extra_blank, save, template, success
):
    """A draft's rows (criteria, checklist). "Add another" comes back with one more empty row and every
    value kept, saving nothing; a refused save comes back with its problems, each linked to its row."""
    if not competition.is_draft:
        return redirect(_manage_url(competition))
    error = None
    if request.method == "POST" and wants_another_row(request.POST):
        data = with_another_row(request.POST, prefix, max_rows=MAX_ROWS)
        formset = formset_class(data, prefix=prefix)
    elif request.method == "POST":
        formset = formset_class(request.POST, prefix=prefix)
        if formset.is_valid():
            rows = [form for form in formset if not form.is_blank()]
            try:
                save(rows)
            except RuleBroken as refused:
                error = refused
            else:
                messages.success(request, success)
                return redirect(_manage_url(competition, prefix))
    else:
        blanks = [{} for _ in range(extra_blank)]
        formset = formset_class(initial=[*initial, *blanks], prefix=prefix)
    problems = [
        {"text": problem.message, "href": _row_problem_href(formset, prefix, problem.field)}
        for problem in getattr(error, "problems", [error] if error else [])
    ]
    context = {"competition": competition, "formset": formset, "problems": problems, "add_row": ADD_ROW}
    return render(request, template, context)


# A page of rows offers "Add another" up to this many rows.
MAX_ROWS = 50


def _row_problem_href(formset, prefix: str, field: str | None) -> str:
    """Where a refusal about the rows is put right: "criteria.weighting" links to the weighting of the
    first filled row whose weighting is empty or 0, else of the first filled row; "criteria" alone links
    to the rows as a whole."""
    name = (field or "").partition(".")[2]
    forms_ = [
        form
        for form in formset
        if getattr(form, "cleaned_data", None)
        and not form.is_blank()
        and name in {pointer.name for pointer in form.helper.layout.get_field_names()}
    ]
    if not name or not forms_:
        return f"#{prefix}-rows"
    empty = [form for form in forms_ if form.cleaned_data.get(name) in (None, "", 0)]
    return f"#{(empty or forms_)[0][name].id_for_label}"


@access_policy(STAFF)
def criteria_edit(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    initial = [
        {"name": c.name, "weighting": c.weighting, "assessed": c.assessed, "max_words": c.max_words}
        for c in competition.criteria.all()
    ]
    return _formset_page(
        request,
        competition,
        formset_class=CriterionFormSet,
        prefix="criteria",
        initial=initial,
        extra_blank=BLANK_CRITERIA_ROWS,
        save=lambda rows: competitions.criteria_save(
            competition=competition, user=request.user, criteria=[form.terms() for form in rows]
        ),
        template="calloffs/commissioning/criteria_form.html",
        success="Evaluation criteria saved",
    )


@access_policy(STAFF)
def checklist_edit(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    initial = [
        {"name": i.name, "kind": i.kind, "required": i.required, "standard_code": i.standard_code}
        for i in competition.checklist.all()
    ]
    return _formset_page(
        request,
        competition,
        formset_class=ChecklistFormSet,
        prefix="checklist",
        initial=initial,
        extra_blank=1,
        save=lambda rows: competitions.checklist_save(
            competition=competition, user=request.user, items=[form.entry() for form in rows]
        ),
        template="calloffs/commissioning/checklist_form.html",
        success="Submission checklist saved",
    )


@access_policy(STAFF)
def competition_preview(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    context = competition_context(request, competition, preview=True)
    return render(request, "calloffs/public/competition.html", context)


# Competitions: publishing and after ---------------------------------------------------------------


@require_POST
@access_policy(STAFF)
def competition_publish(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    try:
        competitions.competition_publish(competition=competition, user=request.user)
    except RuleBroken as error:
        return _manage_page(request, competition, getattr(error, "problems", [error]))
    messages.success(request, "Competition published: organisations can now find it and bid")
    return redirect(_manage_url(competition))


@access_policy(STAFF)
def competition_cancel(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    verb = "Cancel" if competition.is_draft else "Withdraw"
    return _form_page(
        request,
        form_class=ReasonForm,
        form_kwargs={},
        initial={},
        save=lambda form: competitions.competition_cancel(
            competition=competition, user=request.user, reason=form.cleaned_data["reason"]
        ),
        done=lambda saved: _manage_url(saved),
        template="calloffs/commissioning/end.html",
        context={
            "title": f"{verb} {competition.title}",
            "back": _manage_url(competition),
            "button": f"{verb} the competition",
        },
        success=f"Competition {'cancelled' if competition.is_draft else 'withdrawn'}",
    )


@access_policy(STAFF)
def competition_amend(request: HttpRequest, competition_pk: int) -> HttpResponse:
    """An amendment, with a new document if one is chosen; a wrong file keeps what was typed."""
    competition = competition_for_user(request, competition_pk)
    if request.method == "POST":
        form = AmendmentWithDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                documents.competition_amend_with_document(
                    competition=competition,
                    user=request.user,
                    summary=form.cleaned_data["summary"],
                    new_deadline=form.new_deadline_value(),
                    uploaded_file=form.cleaned_data["file"],
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Amendment published")
                return redirect(_manage_url(competition, "amendments"))
    else:
        form = AmendmentWithDocumentForm()
    context = {"competition": competition, "next_number": competition.amendments.count() + 1, "form": form}
    return render(request, "calloffs/commissioning/amend.html", context)


# Documents ---------------------------------------------------------------------------------------


def _documents_page(
    request: HttpRequest,
    *,
    owner: Competition | MarketWarmingNotice,
    back_url: str,
    add: Callable[[Any], Any],
    per: str,
) -> HttpResponse:
    """The documents of a draft, and a form to add one; a wrong file is refused on the form."""
    form = DocumentForm(per=per)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, per=per)
        if form.is_valid():
            try:
                document = add(form.cleaned_data["file"])
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, f"{document.original_name} added")
                return redirect(request.path)
    context = {
        "owner": owner,
        "per": per,
        "back_url": back_url,
        "documents": owner.documents.all(),
        "editable": owner.status == "draft",
        "form": form,
    }
    return render(request, "calloffs/commissioning/documents.html", context)


@access_policy(STAFF)
def competition_documents(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    return _documents_page(
        request,
        owner=competition,
        back_url=_manage_url(competition, "documents"),
        add=lambda file: documents.document_add(
            user=request.user, uploaded_file=file, competition=competition
        ),
        per="competition",
    )


@access_policy(STAFF)
def notice_documents(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = notice_for_user(request, notice_pk)
    return _documents_page(
        request,
        owner=notice,
        back_url=reverse("calloffs:notice_manage", args=[notice.pk]) + "#documents",
        add=lambda file: documents.document_add(user=request.user, uploaded_file=file, notice=notice),
        per="notice",
    )


@require_POST
@access_policy(STAFF)
def document_remove(request: HttpRequest, document_pk: int) -> HttpResponse:
    document = document_for_user(request, document_pk)
    owner = document.opportunity
    if document.competition_id:
        back = reverse("calloffs:competition_documents", args=[owner.pk])
    else:
        back = reverse("calloffs:notice_documents", args=[owner.pk])
    try:
        documents.document_remove(user=request.user, document=document)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{document.original_name} removed")
    return redirect(back)
