"""An organisation's application to a round: eligibility, answers, budget, check and send, receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants import pdfs, rules, selectors
from grants.access import (
    application_for_user,
)
from grants.forms.applications import BudgetForm, DeclarationForm
from grants.forms.registration import section_form
from grants.models import GrantApplication
from grants.sections import eligibility_section, round_section
from grants.services import applications as applications_services
from grants.views.pages import form_page
from portal import access, answer_library, autosave, kept_forms, stored_pdfs
from portal.access import access as access_policy
from portal.exceptions import Problems, RuleBroken
from portal.financial_profile import current_profile, source_text
from portal.form_kit import show_rule_broken
from portal.money import pounds
from portal.questionnaires.engine import Context, Kind, Section

# Applications ------------------------------------------------------------------------------------


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def application_start(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = selectors.public_round(round_pk)
    if grant_round is None:
        raise Http404
    try:
        application = applications_services.application_start(user=request.user, grant_round=grant_round)
    except RuleBroken as error:
        messages.error(request, error.message)
        return redirect("grants:round_detail", grant_round.pk)
    return redirect("grants:application_eligibility", application.pk)


def _task_list_url(application: GrantApplication) -> str:
    return reverse("grants:application_detail", args=[application.pk])


def _refuse_if_sent(application: GrantApplication) -> HttpResponse | None:
    if application.is_submitted:
        return redirect("grants:application_receipt", application.pk)
    return None


@access_policy(access.SUPPLIER_MEMBER)
def application_eligibility(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if sent := _refuse_if_sent(application):
        return sent
    grant_round = application.grant_round
    form_class = section_form(eligibility_section(grant_round.eligibility_questions))
    reason = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                reason = applications_services.application_eligibility_answer(
                    user=request.user, application=application, answers=form.answers()
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                if reason is None:
                    return redirect(_task_list_url(application))
    else:
        form = form_class(initial=form_class.initial_from(application.eligibility_answers))
    return render(
        request,
        "grants/application/eligibility.html",
        {"application": application, "grant_round": grant_round, "form": form, "reason": reason},
    )


@access_policy(access.SUPPLIER_MEMBER)
def application_detail(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if sent := _refuse_if_sent(application):
        return sent
    if not application.eligibility_passed:
        return redirect("grants:application_eligibility", application.pk)
    grant_round = application.grant_round
    section = round_section(grant_round.questions)
    answer_errors = section.errors(application.answers, Context())
    files = set(application.files.values_list("question_key", flat=True))
    missing_files = [
        q for q in section.questions if q.kind == Kind.FILE and q.required is True and q.key not in files
    ]
    answers_done = (
        not [k for k in answer_errors if section.question(k).kind != Kind.FILE] and not missing_files
    )
    context = {
        "application": application,
        "grant_round": grant_round,
        "answers_status": "Completed"
        if answers_done
        else ("In progress" if application.answers else "Not started"),
        "budget_status": "Completed"
        if application.budget and not applications_services.budget_problems(application)
        else ("In progress" if application.budget else "Not started"),
        "has_earlier_applications": bool(selectors.earlier_applications(request.user, application)),
        "amended": [q["label"] for q in grant_round.questions if q["key"] in grant_round.amended_keys]
        if application.round_version < grant_round.version
        else [],
    }
    return render(request, "grants/application/task_list.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def application_answers(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if sent := _refuse_if_sent(application):
        return sent
    if not application.eligibility_passed:
        return redirect("grants:application_eligibility", application.pk)
    section = round_section(application.grant_round.questions)
    form_class = section_form(section)
    chosen = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                # The service writes the row as it is now (a colleague's answers kept): judge what it saved.
                application = applications_services.application_answers_save(
                    user=request.user, application=application, answers=form.answers()
                )
                for question in section.questions:
                    if question.kind == Kind.FILE and request.FILES.get(question.key):
                        applications_services.application_file_add(
                            user=request.user,
                            application=application,
                            question_key=question.key,
                            uploaded_file=request.FILES[question.key],
                        )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                if autosave.is_autosave(request):
                    return autosave.saved(request)
                errors = {
                    k: m
                    for k, m in section.errors(application.answers, Context()).items()
                    if section.question(k).kind != Kind.FILE
                }
                if errors and "finish" in request.POST:
                    form.show_errors(errors)
                else:
                    messages.success(request, "Your answers have been saved.")
                    return redirect(_task_list_url(application))
        if autosave.is_autosave(request):
            return autosave.not_saved(request, form)
    elif (kept := kept_forms.kept_data(request)) is not None:
        form = form_class(kept)
    else:
        initial = form_class.initial_from(application.answers)
        # "Use this answer" from the answer library: the text goes in that question's field, not yet saved.
        chosen = answer_library.chosen(request.user, section, request.GET)
        if chosen is not None:
            initial[chosen.field.key] = chosen.answer.text
        form = form_class(initial=initial)
    files = {f.question_key: f.name for f in application.files.all()}
    return form_page(
        request,
        form,
        title="Your answers",
        caption=application.grant_round.title,
        back=_task_list_url(application),
        button="Save and continue",
        multipart=True,
        extra={
            "files": files,
            "save_for_later": True,
            "autosave": True,
            "guidance": _copied_guidance(application, section),
            "intro": "grants/application/includes/earlier_answer_links.html",
            "application": application,
            "library_links": [
                (reverse("grants:application_earlier_answers", args=[application.pk, field.key]), field.label)
                for field in answer_library.long_text_fields(section)
            ],
            "chosen": chosen,
        },
    )


def _copied_guidance(application: GrantApplication, section: Section) -> str:
    copied = [section.question(key).label for key in application.copied_keys if key in section.fields]
    if not copied:
        return ""
    return (
        f"Copied from an earlier application: {'; '.join(copied)}. Check each is right for this round, then "
        "save your answers: you cannot send your application until you do."
    )


@access_policy(access.SUPPLIER_MEMBER)
def application_budget(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if sent := _refuse_if_sent(application):
        return sent
    grant_round = application.grant_round
    years = rules.months_to_years(grant_round.max_duration_months)
    problems: list[RuleBroken] = []
    if request.method == "POST":
        form = BudgetForm(request.POST, years=years)
        if form.is_valid():
            try:
                problems = applications_services.application_budget_save(
                    user=request.user, application=application, lines=form.lines()
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                if not problems:
                    messages.success(request, "Your budget has been saved.")
                    return redirect(_task_list_url(application))
                show_rule_broken(form, Problems(problems))
    else:
        form = BudgetForm(initial=BudgetForm.initial_for(application.budget), years=years)
    guidance = (
        f"Each year's total must be between {pounds(grant_round.min_award_pence)} "
        f"and {pounds(grant_round.max_award_pence)}, "
        f"for up to {years} years."
    )
    if grant_round.income_multiple:
        multiple = grant_round.income_multiple
        guidance += f" Your annual income must be at least {multiple} times the largest yearly total."
        profile = current_profile(application.organisation_id)
        if profile is not None:
            guidance += f" Your annual income is {pounds(profile.income_pence)}. {source_text(profile)}."
    return form_page(
        request,
        form,
        title="Your budget",
        caption=grant_round.title,
        back=_task_list_url(application),
        button="Save and continue",
        extra={
            "guidance": guidance,
            "budget_years": {y: pounds(t) for y, t in rules.budget_years(application.budget).items()},
        },
    )


@access_policy(access.SUPPLIER_MEMBER)
def application_check(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if sent := _refuse_if_sent(application):
        return sent
    form = DeclarationForm(request.POST or None)
    problems = applications_services.application_problems(application)
    if request.method == "POST" and form.is_valid():
        try:
            applications_services.application_submit(
                user=request.user,
                application=application,
                signed_name=form.cleaned_data["signed_name"],
                signed_role=form.cleaned_data["signed_role"],
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            return redirect("grants:application_receipt", application.pk)
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "form": form,
        "problems": [p.message for p in problems],
        "declaration": applications_services.declaration_text(application),
        **selectors.application_summary(application),
    }
    return render(request, "grants/application/check.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def application_receipt(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if not application.is_submitted:
        return redirect(_task_list_url(application))
    return render(
        request,
        "grants/application/receipt.html",
        {"application": application, **selectors.application_summary(application)},
    )


@access_policy(access.SUPPLIER_MEMBER)
def application_pdf(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if not application.is_submitted:
        raise Http404
    return stored_pdfs.served(
        request,
        application,
        kind=pdfs.APPLICATION,
        filename=f"grant-application-{application.pk}.pdf",
        heading="The PDF of your application is being prepared",
    )
