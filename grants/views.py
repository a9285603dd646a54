"""The grants portal's pages: public rounds and grants awarded; an organisation's registration and
applications; the grants team's registration decisions; a commissioner's rounds. Thin: each page gets its
object through `grants.access` (404 to outsiders) and each change is one service call, whose refusals are
shown on the bound form, so nothing typed is lost."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from calloffs.access import STAFF
from calloffs.rules import Problems, pounds
from grants import forms, rules, selectors, services
from grants.access import (
    application_for_user,
    readable_application_for_staff,
    registration_for_user,
    round_for_user,
)
from grants.models import GrantApplication, GrantRound
from grants.sections import REGISTRATION, eligibility_section, round_section
from portal import access, uploads
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.models import Organisation, Region
from portal.questionnaires import Context, Kind

FORM_PAGE = "grants/form.html"


def _form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    back: str,
    button: str,
    caption: str = "",
    extra: dict | None = None,
    multipart: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "back": back,
        "button": button,
        "caption": caption,
        "multipart": multipart,
        **(extra or {}),
    }
    return render(request, FORM_PAGE, context)


def _round_context(grant_round: GrantRound) -> dict[str, Any]:
    return {
        "grant_round": grant_round,
        "min_award": pounds(grant_round.min_award_pence),
        "max_award": pounds(grant_round.max_award_pence),
        "total_budget": pounds(grant_round.total_budget_pence),
        "kinds": [
            label
            for value, label in Organisation.LegalForm.choices
            if value in grant_round.organisation_kinds
        ],
        "question_rows": round_section(grant_round.questions).questions,
    }


# Public --------------------------------------------------------------------------------------------


@access_policy(access.PUBLIC)
def round_list(request: HttpRequest) -> HttpResponse:
    region, kind = request.GET.get("region", ""), request.GET.get("kind", "")
    context = {
        "rounds": selectors.public_rounds(region=region, kind=kind),
        "regions": Region.objects.active(),
        "kinds": Organisation.LegalForm.choices,
        "region": region,
        "kind": kind,
    }
    return render(request, "grants/public/rounds.html", context)


@access_policy(access.PUBLIC)
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = selectors.public_round(round_pk)
    if grant_round is None:
        raise Http404
    return render(request, "grants/public/round.html", {**_round_context(grant_round), "preview": False})


@access_policy(access.PUBLIC)
def grants_awarded(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/public/awarded.html", {"grants": selectors.grants_awarded()})


# The organisation's registration ------------------------------------------------------------------


@access_policy(access.SUPPLIER_MEMBER)
def home(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    context = {
        "registration": services.registration_for(organisation),
        "applications": selectors.applications_for_organisation(request.user),
    }
    return render(request, "grants/home.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def registration_edit(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    registration = services.registration_for(organisation)
    if not registration.is_editable:
        messages.info(
            request, "Your registration is with the grants team. You can change it once they decide."
        )
        return redirect("grants:home")
    if request.method == "POST":
        form = forms.RegistrationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                registration = services.registration_save(
                    user=request.user,
                    organisation=organisation,
                    answers=form.answers(),
                    accounts=request.FILES.get("accounts"),
                )
            except RuleBroken as error:
                forms.show_problems(form, error)
            else:
                # Saved as typed; what is not yet right is shown on the page.
                errors = REGISTRATION.errors(registration.answers, Context())
                if not errors:
                    messages.success(request, "Your registration has been saved.")
                    return redirect("grants:registration_check")
                form.show_errors(errors)
    else:
        form = forms.RegistrationForm(initial=forms.RegistrationForm.initial_from(registration.answers))
    return _form_page(
        request,
        form,
        title="Register for grants",
        caption=organisation.legal_name,
        back=reverse("grants:home"),
        button="Save and continue",
        multipart=True,
        extra={"intro": "grants/includes/registration_intro.html", "registration": registration},
    )


@access_policy(access.SUPPLIER_MEMBER)
def registration_check(request: HttpRequest) -> HttpResponse:
    registration = services.registration_for(request.user.membership.organisation)
    if not registration.pk:
        return redirect("grants:registration_edit")
    problems = services.registration_problems(registration) if registration.is_editable else []
    if request.method == "POST":
        try:
            services.registration_submit(user=request.user, registration=registration)
        except RuleBroken as error:
            problems = getattr(error, "problems", [error])
        else:
            messages.success(
                request,
                "Your registration has been sent to the MoJ grants team. "
                "We will tell you their decision by message and e-mail.",
            )
            return redirect("grants:home")
    context = {
        "registration": registration,
        "rows": REGISTRATION.summary(registration.answers),
        "problems": [p.message for p in problems],
    }
    return render(request, "grants/registration_check.html", context)


@access_policy(access.SIGNED_IN)
def registration_accounts(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = registration_for_user(request, registration_pk)
    if not registration.accounts:
        raise Http404
    return uploads.attachment_response(
        registration.accounts,
        name=registration.accounts_name,
        content_type=registration.accounts_content_type,
    )


# The grants team ------------------------------------------------------------------------------------


@access_policy(access.MOJ_ADMIN)
def registration_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/team/queue.html", {"registrations": selectors.registrations_waiting()})


@access_policy(access.MOJ_ADMIN)
def registration_review(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = registration_for_user(request, registration_pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if not decision:
                raise RuleBroken("Select your decision", field="decision")
            services.registration_decide(
                user=request.user,
                registration=registration,
                accept=decision == "accept",
                reasons=form.cleaned_data["reasons"],
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            messages.success(request, f"{registration.organisation} has been told your decision.")
            return redirect("grants:registration_queue")
    context = {"registration": registration, "rows": REGISTRATION.summary(registration.answers), "form": form}
    return render(request, "grants/team/review.html", context)


# Applications ------------------------------------------------------------------------------------


@require_POST
@access_policy(access.SUPPLIER_MEMBER)
def application_start(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = selectors.public_round(round_pk)
    if grant_round is None:
        raise Http404
    try:
        application = services.application_start(user=request.user, grant_round=grant_round)
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
    form_class = forms.section_form(eligibility_section(grant_round.eligibility_questions))
    reason = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                reason = services.application_eligibility_answer(
                    user=request.user, application=application, answers=form.answers()
                )
            except RuleBroken as error:
                forms.show_problems(form, error)
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
        if application.budget and not services.budget_problems(application)
        else ("In progress" if application.budget else "Not started"),
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
    form_class = forms.section_form(section)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.application_answers_save(
                    user=request.user, application=application, answers=form.answers()
                )
                for question in section.questions:
                    if question.kind == Kind.FILE and request.FILES.get(question.key):
                        services.application_file_add(
                            user=request.user,
                            application=application,
                            question_key=question.key,
                            uploaded_file=request.FILES[question.key],
                        )
            except RuleBroken as error:
                forms.show_problems(form, error)
            else:
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
    else:
        form = form_class(initial=form_class.initial_from(application.answers))
    files = {f.question_key: f.name for f in application.files.all()}
    return _form_page(
        request,
        form,
        title="Your answers",
        caption=application.grant_round.title,
        back=_task_list_url(application),
        button="Save and continue",
        multipart=True,
        extra={"files": files, "save_for_later": True},
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
        form = forms.BudgetForm(request.POST, years=years)
        if form.is_valid():
            try:
                problems = services.application_budget_save(
                    user=request.user, application=application, lines=form.lines()
                )
            except RuleBroken as error:
                forms.show_problems(form, error)
            else:
                if not problems:
                    messages.success(request, "Your budget has been saved.")
                    return redirect(_task_list_url(application))
                forms.show_problems(form, Problems(problems))
    else:
        form = forms.BudgetForm(initial=forms.BudgetForm.initial_for(application.budget), years=years)
    guidance = (
        f"Each year's total must be between {pounds(grant_round.min_award_pence)} "
        f"and {pounds(grant_round.max_award_pence)}, "
        f"for up to {years} years."
    )
    if grant_round.income_multiple:
        multiple = grant_round.income_multiple
        guidance += f" Your annual income must be at least {multiple} times the largest yearly total."
    return _form_page(
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
    form = forms.DeclarationForm(request.POST or None)
    problems = services.application_problems(application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                user=request.user,
                application=application,
                signed_name=form.cleaned_data["signed_name"],
                signed_role=form.cleaned_data["signed_role"],
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            return redirect("grants:application_receipt", application.pk)
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "form": form,
        "problems": [p.message for p in problems],
        "declaration": services.declaration_text(application),
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
    if not application.pdf:
        return render(request, "grants/application/pdf_preparing.html", {"application": application})
    return uploads.attachment_response(
        application.pdf, name=f"grant-application-{application.pk}.pdf", content_type="application/pdf"
    )


# Commissioners' rounds ------------------------------------------------------------------------------


@access_policy(STAFF)
def commissioning(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/commissioning/home.html", {"rounds": selectors.rounds_for(request.user)})


def _round_form_page(request: HttpRequest, grant_round: GrantRound | None) -> HttpResponse:
    form = forms.RoundForm(
        request.POST or None, user=request.user, initial=forms.RoundForm.initial_for(grant_round)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.round_save(
                user=request.user, data=form.data_for_service(), grant_round=grant_round
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            messages.success(request, "The grant round has been saved.")
            return redirect("grants:round_manage", saved.pk)
    back = (
        reverse("grants:round_manage", args=[grant_round.pk])
        if grant_round
        else reverse("grants:commissioning")
    )
    return _form_page(
        request,
        form,
        title="Grant round details" if grant_round else "New grant round",
        back=back,
        button="Save",
    )


@access_policy(STAFF)
def round_create(request: HttpRequest) -> HttpResponse:
    return _round_form_page(request, None)


@access_policy(STAFF)
def round_edit(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _round_form_page(request, round_for_user(request, round_pk))


@access_policy(STAFF)
def round_manage(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    context = {
        **_round_context(grant_round),
        "kinds_of_answer": services.QUESTION_KINDS,
        "criteria": grant_round.criteria.all(),
        "submitted_count": grant_round.applications.filter(status=GrantApplication.Status.SUBMITTED).count(),
    }
    return render(request, "grants/commissioning/round.html", context)


def _manage_url(grant_round: GrantRound) -> str:
    return reverse("grants:round_manage", args=[grant_round.pk])


@access_policy(STAFF)
def question_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_question_add(user=request.user, grant_round=grant_round, **form.question_fields())
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            messages.success(request, "The question has been added.")
            return redirect(_manage_url(grant_round) + "#questions")
    return _form_page(
        request,
        form,
        title="Add an application question",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Add the question",
    )


@require_POST
@access_policy(STAFF)
def question_remove(request: HttpRequest, round_pk: int, key: str) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    try:
        services.round_question_remove(user=request.user, grant_round=grant_round, key=key)
    except RuleBroken as error:
        messages.error(request, error.message)
    return redirect(_manage_url(grant_round) + "#questions")


@access_policy(STAFF)
def eligibility_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = forms.EligibilityQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_eligibility_question_add(
                user=request.user, grant_round=grant_round, **form.cleaned_data
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            messages.success(request, "The eligibility question has been added.")
            return redirect(_manage_url(grant_round) + "#eligibility")
    return _form_page(
        request,
        form,
        title="Add an eligibility question",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Add the question",
    )


@access_policy(STAFF)
def criteria_edit(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = forms.CriteriaForm(request.POST or None, initial=forms.CriteriaForm.initial_for(grant_round))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_criteria_set(user=request.user, grant_round=grant_round, criteria=form.criteria())
        except RuleBroken as error:
            form.show_criteria_problems(error)
        else:
            messages.success(request, "The assessment criteria have been saved.")
            return redirect(_manage_url(grant_round) + "#criteria")
    intro = f"Applications are scored against these. The weightings must total {rules.CRITERIA_TOTAL}."
    return _form_page(
        request,
        form,
        title="Assessment criteria",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Save the criteria",
        extra={"guidance": intro},
    )


@access_policy(STAFF)
def round_preview(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    eligibility_form = forms.section_form(eligibility_section(grant_round.eligibility_questions))()
    answers_form = forms.section_form(round_section(grant_round.questions))()
    context = {
        **_round_context(grant_round),
        "preview": True,
        "eligibility_form": eligibility_form,
        "answers_form": answers_form,
    }
    return render(request, "grants/commissioning/preview.html", context)


@require_POST
@access_policy(STAFF)
def round_publish(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    try:
        services.round_publish(user=request.user, grant_round=grant_round)
    except RuleBroken as error:
        for problem in getattr(error, "problems", [error]):
            messages.error(request, problem.message)
    else:
        messages.success(
            request,
            "The grant round is published. "
            "Registered organisations in its regions will be told when it opens.",
        )
    return redirect(_manage_url(grant_round))


def _amend_session_key(grant_round: GrantRound) -> str:
    # Versioned, so a draft made before someone else's amendment is not applied over it.
    return f"grants_amend_questions_{grant_round.pk}_v{grant_round.version}"


def _amended_questions(request: HttpRequest, grant_round: GrantRound) -> list[dict[str, Any]]:
    """The questions as the commissioner is amending them: held in the session until the amendment is
    made, in one call, with its note."""
    return request.session.get(_amend_session_key(grant_round), grant_round.questions)


def _amendable_or_refused(request: HttpRequest, grant_round: GrantRound) -> HttpResponse | None:
    if grant_round.status != GrantRound.Status.OPEN or grant_round.is_closed():
        messages.error(request, "Only an open round can be amended.")
        return redirect(_manage_url(grant_round))
    return None


def _amend_url(grant_round: GrantRound) -> str:
    return reverse("grants:round_amend", args=[grant_round.pk])


@access_policy(STAFF)
def round_amend(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    questions_changed = questions != grant_round.questions
    form = forms.AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closes_at = forms.combine(
                form.cleaned_data["closes_date"], form.cleaned_data["closes_time"], field="closes"
            )
            services.round_amend(
                user=request.user,
                grant_round=grant_round,
                note=form.cleaned_data["note"],
                questions=questions if questions_changed else None,
                closes_at=closes_at,
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            request.session.pop(_amend_session_key(grant_round), None)
            messages.success(request, "The round has been amended, and applicants told.")
            return redirect(_manage_url(grant_round))
    before = {q["key"]: q for q in grant_round.questions}
    kept_keys = {q["key"] for q in questions}
    return _form_page(
        request,
        form,
        title="Amend the round",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Amend the round",
        extra={
            "intro": "grants/commissioning/amend_questions.html",
            "grant_round": grant_round,
            "kinds_of_answer": services.QUESTION_KINDS,
            "question_rows": [{**q, "changed": before.get(q["key"]) != q} for q in questions],
            "removed": [q["label"] for q in grant_round.questions if q["key"] not in kept_keys],
            "questions_changed": questions_changed,
        },
    )


@access_policy(STAFF)
def amend_question(request: HttpRequest, round_pk: int, key: str = "") -> HttpResponse:
    """Add (no key) or change one question of an open round's amendment."""
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    current = next((q for q in questions if q["key"] == key), None)
    if key and current is None:
        raise Http404("No such question")
    form = forms.QuestionForm(request.POST or None, initial=forms.QuestionForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            spec = services.question_spec(
                key=key or services.next_question_key([*grant_round.questions, *questions]),
                **form.question_fields(),
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            questions = [spec if q["key"] == key else q for q in questions] if key else [*questions, spec]
            request.session[_amend_session_key(grant_round)] = questions
            return redirect(_amend_url(grant_round) + "#questions")
    return _form_page(
        request,
        form,
        title="Change the question" if key else "Add an application question",
        caption=grant_round.title,
        back=_amend_url(grant_round),
        button="Continue",
        extra={"guidance": "Nothing changes for applicants until you amend the round."},
    )


@require_POST
@access_policy(STAFF)
def amend_question_remove(request: HttpRequest, round_pk: int, key: str) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    request.session[_amend_session_key(grant_round)] = [q for q in questions if q["key"] != key]
    return redirect(_amend_url(grant_round) + "#questions")


@access_policy(STAFF)
def round_cancel(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_cancel(
                user=request.user, grant_round=grant_round, reason=form.cleaned_data["reason"]
            )
        except RuleBroken as error:
            forms.show_problems(form, error)
        else:
            messages.success(request, "The round has been cancelled.")
            return redirect(_manage_url(grant_round))
    return _form_page(
        request,
        form,
        title="Cancel the round",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Cancel the round",
    )


@access_policy(STAFF)
def round_applications(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    applications = grant_round.applications.filter(status=GrantApplication.Status.SUBMITTED).select_related(
        "organisation"
    )
    return render(
        request,
        "grants/commissioning/applications.html",
        {
            "grant_round": grant_round,
            "applications": applications,
            "readable": selectors.readable_application_ids(request.user, grant_round),
        },
    )


@access_policy(STAFF)
def round_application(request: HttpRequest, round_pk: int, application_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    application = readable_application_for_staff(request, grant_round, application_pk)
    return render(
        request,
        "grants/commissioning/application.html",
        {
            "grant_round": grant_round,
            "application": application,
            **selectors.application_summary(application),
        },
    )
