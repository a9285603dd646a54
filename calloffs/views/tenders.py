"""The bidder's pages (docs/domain.md §5): the organisation's tenders, each tender's task list and task pages,
checking and submitting, the receipt, withdrawing.

Every page reads its tender through `calloffs.access.tender_for_member`: any other
organisation, and staff, get 404. Every change is one service call, which judges the person, the
deadline and the rules on the server; its refusal is shown on the page with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from calloffs import selectors, tender_receipts, tender_selectors, tendering_rules
from calloffs.access import tender_for_member
from calloffs.forms.tenders import (
    PartnerFormSet,
    ResponseForm,
    SignForm,
    SubmitterForm,
    SupplyChainForm,
    TenderUploadForm,
    partner_initial,
)
from calloffs.models import ChecklistItem, Competition, EvaluationCriterion, Lot, Tender, TenderFile
from calloffs.services import tenders as services
from portal import answer_library, autosave, kept_forms, stored_pdfs, uploads
from portal.access import ORGANISATION_ADMIN, SUPPLIER_MEMBER
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.formsets import ADD_ROW, wants_another_row, with_another_row
from portal.models import User


def _task_list_url(tender: Tender) -> str:
    return reverse("calloffs:tender_detail", args=[tender.pk])


def task_url(tender: Tender, task: tendering_rules.Task) -> str:
    names = {
        tendering_rules.RESPONSE: "calloffs:tender_response",
        tendering_rules.DOCUMENT: "calloffs:tender_document",
        tendering_rules.SIGNED_FORM: "calloffs:tender_sign",
    }
    if task.kind == tendering_rules.PARTNERS:
        return reverse("calloffs:tender_partners", args=[tender.pk])
    return reverse(names[task.kind], args=[tender.pk, task.key])


def _editable(tender: Tender) -> bool:
    """Whether the pages offer changes (the services decide for themselves)."""
    return tender.status != Tender.Status.SUBMITTED and tender.competition.is_open(timezone.now())


def _base_context(request: HttpRequest, tender: Tender) -> dict:
    return {
        "tender": tender,
        "competition": tender.competition,
        "lot": tender.lot,
        "editable": _editable(tender),
        "open": tender.competition.is_open(timezone.now()),
        "may_submit": services.may_submit(request.user, tender),
        "back": _task_list_url(tender),
    }


# The organisation's tenders, and starting one ------------------------------------------------------


@access_policy(SUPPLIER_MEMBER)
def tender_list(request: HttpRequest) -> HttpResponse:
    context = {
        "tenders": list(tender_selectors.tenders_of(request.user)),
        "now": timezone.now(),
        "reconfirm_tenders": _reconfirm_tenders(request),
    }
    return render(request, "calloffs/tenders/list.html", context)


def _reconfirm_tenders(request: HttpRequest) -> list[Tender]:
    """The organisation's tenders to confirm again after an amendment: the first thing its pages show."""
    return selectors.tenders_to_reconfirm(request.user.membership.organisation_id)


@access_policy(SUPPLIER_MEMBER)
@require_POST
def tender_start(request: HttpRequest, lot_pk: int) -> HttpResponse:
    lot = Lot.objects.filter(pk=lot_pk).exclude(competition__status=Competition.Status.DRAFT).first()
    if lot is None:
        raise Http404
    try:
        tender = services.tender_start(lot=lot, user=request.user)
    except RuleBroken as error:
        context = {"lot": lot, "competition": lot.competition, "error": error.message}
        return render(request, "calloffs/tenders/refused.html", context)
    return redirect(_task_list_url(tender))


# The task list -----------------------------------------------------------------------------------


@access_policy(SUPPLIER_MEMBER)
def tender_detail(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    groups = tender_selectors.tender_task_groups(tender)
    tasks = [task for group in groups for task in group.tasks]
    base = _base_context(request, tender)
    submitted = tender.ever_submitted  # else it has no versions nor letters to look for
    context = {
        **base,
        "groups": [
            (group.title, [(task, task_url(tender, task)) for task in group.tasks]) for group in groups
        ],
        "completed": sum(task.complete for task in tasks),
        "task_count": len(tasks),
        "versions": tender_selectors.submitted_versions(tender),
        "submitter": tender.submitter,
        "letters": list(selectors.outcome_letters_for(request.user, tender.pk)) if submitted else [],
        "reconfirm_tenders": _reconfirm_tenders(request),
        # Copying is offered only while the tender can be changed.
        "has_earlier_tenders": (
            base["editable"] and tender_selectors.has_earlier_tenders(request.user, tender)
        ),
    }
    return render(request, "calloffs/tenders/task_list.html", context)


# Quality responses and documents -------------------------------------------------------------------


def _upload_page(
    request: HttpRequest,
    tender: Tender,
    *,
    title: str,
    intro: str,
    existing: TenderFile | None,
    upload_kwargs: dict,
    context: dict,
) -> HttpResponse:
    form = TenderUploadForm()
    if request.method == "POST":
        form = TenderUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.file_upload(
                    tender=tender, user=request.user, uploaded_file=form.cleaned_data["file"], **upload_kwargs
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, f"{title}: document uploaded")
                return redirect(_task_list_url(tender))
    context = {
        **_base_context(request, tender),
        **context,
        "form": form,
        "title": title,
        "intro": intro,
        "existing": existing,
    }
    return render(request, "calloffs/tenders/upload.html", context)


@access_policy(SUPPLIER_MEMBER)
def tender_response(request: HttpRequest, tender_pk: int, criterion_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    criterion = EvaluationCriterion.objects.filter(pk=criterion_pk, competition=tender.competition).first()
    if criterion is None:
        raise Http404
    if criterion.max_words is None:
        return _upload_page(
            request,
            tender,
            title=criterion.name,
            intro=criterion.assessed,
            existing=tender.files.filter(criterion=criterion).first(),
            upload_kwargs={"criterion": criterion},
            context={"criterion": criterion},
        )
    saved = tender.responses.filter(criterion=criterion).first()
    # "Use this answer" from the answer library: the text goes in the field to edit, not yet saved.
    chosen = answer_library.answer_for(request.user, request.GET.get("answer")) if _editable(tender) else None
    if (kept := kept_forms.kept_data(request)) is not None:
        form = ResponseForm(kept, max_words=criterion.max_words)
    else:
        initial = chosen.text if chosen else (saved.text if saved else "")
        form = ResponseForm(initial={"text": initial}, max_words=criterion.max_words)
    if request.method == "POST":
        form = ResponseForm(request.POST, max_words=criterion.max_words)
        if form.is_valid():
            try:
                services.response_save(
                    tender=tender, criterion=criterion, user=request.user, text=form.cleaned_data["text"]
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                if autosave.is_autosave(request):
                    return autosave.saved(request)
                messages.success(request, f"{criterion.name}: response saved")
                return redirect(_task_list_url(tender))
        if autosave.is_autosave(request):
            return autosave.not_saved(request, form)
    remaining = tendering_rules.words_remaining(form["text"].value() or "", criterion.max_words)
    context = {
        **_base_context(request, tender),
        "criterion": criterion,
        "form": form,
        "words_remaining": remaining,
        "words_over": -remaining,
        "chosen": chosen,
        "to_check": saved is not None and saved.needs_review,
    }
    return render(request, "calloffs/tenders/response.html", context)


def _checklist_item(tender: Tender, item_pk: int, *, signed: bool) -> ChecklistItem:
    items = ChecklistItem.objects.filter(pk=item_pk, competition=tender.competition)
    items = (
        items.filter(kind=ChecklistItem.Kind.SIGNED_FORM)
        if signed
        else items.exclude(kind=ChecklistItem.Kind.SIGNED_FORM).exclude(
            standard_code=tendering_rules.QUALITY_RESPONSE
        )
    )
    item = items.first()
    if item is None:
        raise Http404
    return item


@access_policy(SUPPLIER_MEMBER)
def tender_document(request: HttpRequest, tender_pk: int, item_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    item = _checklist_item(tender, item_pk, signed=False)
    return _upload_page(
        request,
        tender,
        title=item.name,
        intro="Download the template from the competition's documents, fill it in, and upload it here.",
        context={
            "item": item,
            "templates_url": reverse("calloffs:competition_detail", args=[tender.competition_id]),
        },
        existing=tender.files.filter(checklist_item=item).first(),
        upload_kwargs={"checklist_item": item},
    )


@access_policy(SUPPLIER_MEMBER)
def tender_file_download(request: HttpRequest, tender_pk: int, file_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    tender_file = tender_selectors.own_file(tender, file_pk)
    if tender_file is None:
        raise Http404
    return uploads.attachment_response(
        tender_file.file, name=tender_file.original_name, content_type=tender_file.content_type
    )


@access_policy(SUPPLIER_MEMBER)
@require_POST
def tender_file_remove(request: HttpRequest, tender_pk: int, file_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    tender_file = tender_selectors.own_file(tender, file_pk)
    if tender_file is None:
        raise Http404
    try:
        services.file_remove(tender_file=tender_file, user=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{tender_file.original_name} removed")
    return redirect(_task_list_url(tender))


# Signed forms, the supply chain, the submitter --------------------------------------------------------


@access_policy(SUPPLIER_MEMBER)
def tender_sign(request: HttpRequest, tender_pk: int, item_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    item = _checklist_item(tender, item_pk, signed=True)
    signature = tender.signatures.filter(checklist_item=item).select_related("signed_by").first()
    form = SignForm()
    if request.method == "POST":
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.form_sign(
                    tender=tender,
                    item=item,
                    user=request.user,
                    name=form.cleaned_data["signed_name"],
                    role=form.cleaned_data["signed_role"],
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, f"{item.name}: signed")
                return redirect(_task_list_url(tender))
    context = {
        **_base_context(request, tender),
        "item": item,
        "form": form,
        "text": tender_selectors.signed_form_text(tender, item),
        "signature": signature,
    }
    return render(request, "calloffs/tenders/sign.html", context)


@access_policy(SUPPLIER_MEMBER)
def tender_partners(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    yes_no = {True: "yes", False: "no", None: ""}
    form = SupplyChainForm(
        initial={
            "has_subcontractors": yes_no[tender.has_subcontractors],
            "as_consortium_lead": yes_no[tender.as_consortium_lead],
        }
    )
    rows = PartnerFormSet(initial=partner_initial(tender), prefix="partner")
    problems = []
    if request.method == "POST" and wants_another_row(request.POST):
        form = SupplyChainForm(request.POST)
        rows = PartnerFormSet(
            with_another_row(request.POST, "partner", max_rows=PartnerFormSet.max_num), prefix="partner"
        )
    elif request.method == "POST":
        form = SupplyChainForm(request.POST)
        rows = PartnerFormSet(request.POST, prefix="partner")
        if form.is_valid() and rows.is_valid():
            has_subcontractors, as_consortium_lead = form.answers()
            partners = [row.terms() for row in rows.forms if not row.is_blank()]
            try:
                services.partners_save(
                    tender=tender,
                    user=request.user,
                    has_subcontractors=has_subcontractors,
                    as_consortium_lead=as_consortium_lead,
                    partners=partners,
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
                problems = [
                    {"text": p.message, "href": "#partners"}
                    for p in getattr(error, "problems", [error])
                    if p.field == "partners"
                ]
            else:
                messages.success(request, "Key subcontractors and consortium members saved")
                return redirect(_task_list_url(tender))
    context = {
        **_base_context(request, tender),
        "form": form,
        "rows": rows,
        "partner_problems": problems,
        "add_row": ADD_ROW,
    }
    return render(request, "calloffs/tenders/partners.html", context)


@access_policy(ORGANISATION_ADMIN)
def tender_submitter(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    members = User.objects.filter(membership__organisation_id=tender.organisation_id).order_by("email")
    form = SubmitterForm(initial={"submitter": tender.submitter_id}, members=members)
    if request.method == "POST":
        form = SubmitterForm(request.POST, members=members)
        if form.is_valid():
            chosen = members.filter(pk=form.cleaned_data["submitter"]).first()
            try:
                services.submitter_name(tender=tender, user=request.user, submitter=chosen)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Saved who may submit this tender")
                return redirect(_task_list_url(tender))
    return render(
        request, "calloffs/tenders/submitter.html", {**_base_context(request, tender), "form": form}
    )


# Checking, submitting, withdrawing, the receipt ---------------------------------------------------------


def _missing_links(tender: Tender) -> list[dict[str, str]]:
    missing = tendering_rules.missing_tasks(tender_selectors.tender_task_groups(tender))
    return [{"text": task.problem, "href": task_url(tender, task)} for task in missing]


@access_policy(SUPPLIER_MEMBER)
def tender_check(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    context = {**_base_context(request, tender), "missing": _missing_links(tender), "error": ""}
    return render(request, "calloffs/tenders/check.html", context)


@access_policy(SUPPLIER_MEMBER)
@require_POST
def tender_submit(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    try:
        version = services.tender_submit(tender=tender, user=request.user)
    except RuleBroken as error:
        missing = _missing_links(tender)
        context = {
            **_base_context(request, tender),
            "missing": missing,
            "error": "" if missing and getattr(error, "problems", None) else error.message,
        }
        return render(request, "calloffs/tenders/check.html", context, status=400)
    return redirect("calloffs:tender_receipt", tender.pk, version.number)


@access_policy(SUPPLIER_MEMBER)
def tender_withdraw(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    error = ""
    if request.method == "POST":
        try:
            services.tender_withdraw(tender=tender, user=request.user)
        except RuleBroken as refused:
            error = refused.message
        else:
            messages.success(
                request, "Your tender has been withdrawn. You can change it and submit it again."
            )
            return redirect(_task_list_url(tender))
    context = {**_base_context(request, tender), "error": error}
    return render(request, "calloffs/tenders/withdraw.html", context, status=400 if error else 200)


@access_policy(SUPPLIER_MEMBER)
def tender_receipt(request: HttpRequest, tender_pk: int, version: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    submitted = tender_selectors.own_version(tender, version)
    if submitted is None:
        raise Http404
    context = {**_base_context(request, tender), **tender_receipts.receipt_context(submitted)}
    return render(request, "calloffs/tenders/receipt.html", context)


@access_policy(SUPPLIER_MEMBER)
def tender_receipt_pdf(request: HttpRequest, tender_pk: int, version: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    submitted = tender_selectors.own_version(tender, version)
    if submitted is None:
        raise Http404
    return stored_pdfs.served(
        request,
        submitted,
        kind=tender_receipts.RECEIPT,
        filename=f"tender-receipt-{submitted.receipt_number}.pdf",
        heading=f"Your receipt {submitted.receipt_number} is being prepared",
    )
