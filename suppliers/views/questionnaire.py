"""The organisation's side of qualification: status, the questionnaire as a task list, submission."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import access, answer_library, autosave, kept_forms, stored_pdfs, uploads
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.financial_profile import source_text
from portal.form_kit import show_rule_broken
from suppliers import accounts, pdfs, rules, sections, selectors, services
from suppliers.access import READERS, application_for_user, choice_for_user, document_for_user
from suppliers.forms.questionnaire import (
    SECTION_FORMS,
    AgreementAcceptForm,
    CategoryAddForm,
    CategoryChoiceForm,
    DocumentUploadForm,
)
from suppliers.models import Application, CategoryChoice


def _wants_to_finish(request: HttpRequest) -> bool:
    return request.POST.get("action") != "later"


def _draft_or_read_only(request: HttpRequest, application: Application) -> HttpResponse | None:
    if not application.is_draft:
        messages.info(request, "This version has been sent, so it cannot be changed.")
        return redirect("suppliers:application_detail", application.pk)
    return None


@access_policy(access.SUPPLIER_MEMBER)
def qualification_status(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    latest = selectors.latest_sent(organisation)
    context = {
        "organisation": organisation,
        "categories": selectors.qualified_categories(organisation),
        "regions": selectors.organisation_regions(organisation),
        "draft": selectors.draft_for(organisation),
        "waiting": organisation.applications.submitted().order_by("-submitted_at").first(),
        "latest": latest,
        "not_passed": selectors.categories_not_passed(latest) if latest else [],
        "retry": selectors.retry_status_for(organisation),
        "expiring": selectors.cyber_certificates_due(organisation=organisation),
        "today": timezone.localdate(),
    }
    return render(request, "suppliers/questionnaire/status.html", context)


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def application_start(request: HttpRequest) -> HttpResponse:
    try:
        application = services.application_start(
            organisation=request.user.membership.organisation, user=request.user
        )
    except RuleBroken as error:
        messages.error(request, error.message)
        return redirect("suppliers:qualification_status")
    return redirect("suppliers:application_detail", application.pk)


@access_policy(access.SUPPLIER_MEMBER)
def application_list(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    return render(
        request,
        "suppliers/questionnaire/versions.html",
        {"organisation": organisation, "applications": selectors.applications_for(organisation)},
    )


@access_policy(READERS)
def application_detail(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if not application.is_draft:
        return render(request, "suppliers/questionnaire/version.html", {"application": application})
    statuses = selectors.section_statuses(application)
    context = {
        "application": application,
        "tasks": [
            {
                "section": section,
                "status": statuses[section.slug],
                "label": sections.STATUS_LABELS[statuses[section.slug]],
            }
            for section in sections.SECTIONS
        ],
        "completed": sum(status == sections.COMPLETED for status in statuses.values()),
        "retry": selectors.retry_status_for(application.organisation),
    }
    return render(request, "suppliers/questionnaire/task_list.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def section_edit(request: HttpRequest, application_pk: int, section: str) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    if section == "categories":
        return _categories_section(request, application)
    if section == "agreement":
        return _agreement_section(request, application)
    form_class = SECTION_FORMS.get(section)
    if form_class is None:
        raise Http404
    if response := _draft_or_read_only(request, application):
        return response
    spec = sections.section(section)
    profile = accounts.profile_for(application) if section == "financial" else None
    form = form_class(
        request.POST or None,
        initial=form_class.initial_from(application.answers.get(section, {})),
        **({"from_accounts": True} if profile is not None else {}),
    )
    if request.method == "POST":
        form.is_valid()
        errors = services.section_save(
            application=application,
            user=request.user,
            slug=section,
            data=form.answers(),
            mark_complete=_wants_to_finish(request),
        )
        if not _wants_to_finish(request):
            messages.success(request, f"{spec.title}: your answers are saved.")
            return redirect("suppliers:application_detail", application.pk)
        if not errors and form.is_valid():
            return redirect("suppliers:application_detail", application.pk)
        form.show_errors(errors)
    return render(
        request,
        "suppliers/questionnaire/section.html",
        {
            "application": application,
            "section": spec,
            "form": form,
            "cyber_reminder_days": rules.CYBER_REMINDER_DAYS,
            "accounts_profile": profile,
            "accounts_source": source_text(profile) if profile is not None else "",
        },
    )


def _categories_section(request: HttpRequest, application: Application) -> HttpResponse:
    if response := _draft_or_read_only(request, application):
        return response
    choices = list(application.category_choices.select_related("category").prefetch_related("documents"))
    add_form = CategoryAddForm(
        request.POST if request.POST.get("action") == "add" else None,
        chosen_ids=[choice.category_id for choice in choices],
    )
    problems: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "add":
        if add_form.is_valid():
            try:
                for category in add_form.cleaned_data["categories"]:
                    services.category_choice_save(
                        application=application,
                        user=request.user,
                        category=category,
                        descriptor="",
                        case_studies=[],
                    )
            except RuleBroken as error:
                add_form.add_error("categories", error.message)
            else:
                return redirect("suppliers:section_edit", application.pk, "categories")
    elif request.method == "POST":
        errors = services.section_save(
            application=application, user=request.user, slug="categories", data=None, mark_complete=True
        )
        if not errors:
            return redirect("suppliers:application_detail", application.pk)
        problems = list(dict.fromkeys(_category_problems(errors, choices)))  # page order, once each
    rows = [
        {"choice": choice, "complete": not sections.choice_errors(choice.descriptor, choice.case_studies)}
        for choice in choices
    ]
    context = {"application": application, "rows": rows, "add_form": add_form, "problems": problems}
    return render(request, "suppliers/questionnaire/categories.html", context)


def _category_problems(errors: dict[str, str], choices: list) -> list[str]:
    names = {choice.category.code: choice.category.name for choice in choices}
    problems = []
    for key, message in errors.items():
        code = next((code for code in names if key.startswith(f"{code}-")), None)  # codes have hyphens
        named = code is None or key == f"{code}-category"  # the message already names the category
        problems.append(
            message if named else f"{names[code]}: complete the service descriptor and both case studies"
        )
    return problems


@access_policy(access.SUPPLIER_MEMBER)
def category_edit(request: HttpRequest, application_pk: int, choice_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    if response := _draft_or_read_only(request, application):
        return response
    choice = choice_for_user(request, application, choice_pk)
    initial = CategoryChoiceForm.initial_for(choice.descriptor, choice.case_studies)
    data = request.POST if request.method == "POST" else kept_forms.kept_data(request)
    chosen = None
    if data is None:
        # "Use this answer" from the answer library: the text goes in that field, not saved yet.
        chosen = answer_library.chosen(request.user, sections.CATEGORY_CHOICE, request.GET)
        if chosen is not None:
            initial[chosen.field.key] = chosen.answer.text
    form = CategoryChoiceForm(data, initial=initial)
    if request.method == "POST":
        saved = _save_choice(request, application, choice, form)
        if autosave.is_autosave(request):
            return autosave.saved(request) if saved else autosave.not_saved(request, form)
        if saved is None:
            return _category_page(request, application, choice, form, DocumentUploadForm())
        choice = saved
        errors = sections.choice_errors(choice.descriptor, choice.case_studies)
        if not _wants_to_finish(request) or (not errors and form.is_valid()):
            messages.success(request, f"{choice.category.name}: saved.")
            return redirect("suppliers:section_edit", application.pk, "categories")
        form.show_errors(errors)
    return _category_page(request, application, choice, form, DocumentUploadForm(), chosen=chosen)


def _save_choice(
    request: HttpRequest, application: Application, choice: CategoryChoice, form: CategoryChoiceForm
) -> CategoryChoice | None:
    """Save the page's descriptor and case studies, even incomplete. None, with the reason shown on the
    form, if the category can no longer be saved."""
    form.is_valid()
    descriptor, case_studies = form.descriptor_and_case_studies()
    try:
        return services.category_choice_save(
            application=application,
            user=request.user,
            category=choice.category,
            descriptor=descriptor,
            case_studies=case_studies,
        )
    except RuleBroken as error:
        form.add_error(None, f"{error.message} Remove it from your service categories.")
        return None


def _category_page(
    request: HttpRequest,
    application: Application,
    choice: CategoryChoice,
    form: CategoryChoiceForm,
    upload_form: DocumentUploadForm,
    *,
    chosen: answer_library.Chosen | None = None,
) -> HttpResponse:
    context = {
        "application": application,
        "choice": choice,
        "form": form,
        "upload_form": upload_form,
        "documents": choice.documents.all(),
        "chosen": chosen,
        "undo_url": reverse("suppliers:category_edit", args=[application.pk, choice.pk]),
        "library_links": [
            (
                reverse("suppliers:category_earlier_answers", args=[application.pk, choice.pk, field.key]),
                field.label,
            )
            for field in answer_library.long_text_fields(sections.CATEGORY_CHOICE)
        ],
    }
    return render(request, "suppliers/questionnaire/category.html", context)


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def category_remove(request: HttpRequest, application_pk: int, choice_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    choice = choice_for_user(request, application, choice_pk)
    try:
        services.category_choice_remove(choice=choice, user=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{choice.category.name} removed.")
    return redirect("suppliers:section_edit", application.pk, "categories")


def _save_typed_answers(
    request: HttpRequest, application: Application, choice: CategoryChoice
) -> CategoryChoiceForm | None:
    """The category page sends its answers with an upload or a removal, so that nothing typed is lost:
    save them (as "come back later" does). None when the request carries no answers."""
    if "descriptor" not in request.POST:
        return None
    form = CategoryChoiceForm(request.POST)
    _save_choice(request, application, choice, form)
    return form


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def document_upload(request: HttpRequest, application_pk: int, choice_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    choice = choice_for_user(request, application, choice_pk)
    form = _save_typed_answers(request, application, choice)
    upload_form = DocumentUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            services.supporting_document_add(
                category_choice=choice, user=request.user, uploaded_file=upload_form.cleaned_data["file"]
            )
        except RuleBroken as error:
            show_rule_broken(upload_form, error)
        else:
            messages.success(request, "Document uploaded." + (" Your answers are saved." if form else ""))
            return redirect("suppliers:category_edit", application.pk, choice.pk)
    if form is None:
        initial = CategoryChoiceForm.initial_for(choice.descriptor, choice.case_studies)
        form = CategoryChoiceForm(initial=initial)
    return _category_page(request, application, choice, form, upload_form)


@access_policy(READERS)
def document_download(request: HttpRequest, document_pk: int) -> HttpResponse:
    document = document_for_user(request, document_pk)
    return uploads.attachment_response(
        document.file, name=document.original_name, content_type=document.content_type
    )


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def document_remove(request: HttpRequest, document_pk: int) -> HttpResponse:
    document = document_for_user(request, document_pk, write=True)
    choice = document.category_choice
    typed = _save_typed_answers(request, choice.application, choice)
    if typed is not None and not typed.non_field_errors():
        messages.success(request, "Your answers are saved.")
    try:
        services.supporting_document_remove(document=document, user=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{document.original_name} removed.")
    return redirect("suppliers:category_edit", choice.application_id, choice.pk)


def _agreement_section(request: HttpRequest, application: Application) -> HttpResponse:
    if response := _draft_or_read_only(request, application):
        return response
    agreement = selectors.agreement_current()
    form = AgreementAcceptForm(request.POST or None)
    if request.method == "POST" and agreement and form.is_valid():
        try:
            services.agreement_accept(application=application, user=request.user, agreement=agreement)
        except RuleBroken as error:
            form.add_error("accept", error.message)
        else:
            return redirect("suppliers:application_detail", application.pk)
    accepted = application.answers.get("agreement") or {}
    context = {"application": application, "agreement": agreement, "form": form, "accepted": accepted}
    return render(request, "suppliers/questionnaire/agreement.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def check_answers(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    if response := _draft_or_read_only(request, application):
        return response
    error = None
    if request.method == "POST":
        try:
            services.application_submit(application=application, user=request.user)
        except RuleBroken as broken:
            error = broken.message
        else:
            return redirect("suppliers:submitted", application.pk)
    context = {
        "application": application,
        "answers": selectors.answers_preview(application),
        "statuses": selectors.section_statuses(application),
        "error": error,
        "retry": selectors.retry_status_for(application.organisation),
    }
    return render(request, "suppliers/questionnaire/check_answers.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def submitted(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if application.is_draft:
        return redirect("suppliers:application_detail", application.pk)
    return render(request, "suppliers/questionnaire/submitted.html", {"application": application})


@access_policy(READERS)
def application_pdf(request: HttpRequest, application_pk: int) -> HttpResponse:
    """The sent version's PDF, made once by a task when it was sent (suppliers.pdfs); never here."""
    application = application_for_user(request, application_pk)
    if application.is_draft:
        raise Http404
    return stored_pdfs.served(
        request,
        application,
        kind=pdfs.APPLICATION,
        filename=f"selection-questionnaire-{application.number}.pdf",
        heading=f"The PDF of version {application.number} is being prepared",
    )


@access_policy(READERS)
def outcome_letter_pdf(request: HttpRequest, application_pk: int) -> HttpResponse:
    """The decision's letter, made once by a task when it was decided (suppliers.pdfs); never here."""
    application = application_for_user(request, application_pk)
    if application.status != Application.Status.DECIDED:
        raise Http404
    return stored_pdfs.served(
        request,
        application,
        kind=pdfs.OUTCOME_LETTER,
        filename=f"outcome-letter-{application.number}.pdf",
        heading="Your outcome letter is being prepared",
    )
