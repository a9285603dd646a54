"""The MoJ admins' review of Selection Questionnaires: the queue, one submission with its forms, the
decision, and the cyber certificates about to expire (docs/domain.md §4).

Every form posts to its own view, which calls one service; when the form or the service says no, the
review page is shown again with that form bound, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import access, decision_clocks, working_days
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from suppliers import display, sections, selectors, services
from suppliers.access import application_for_user, choice_for_user
from suppliers.forms.review import (
    CategoryOutcomeForm,
    DecisionExtensionForm,
    ExclusionDecisionForm,
    ReviewQueueFilterForm,
)
from suppliers.models import Application, CategoryChoice

PAGE_SIZE = 25
CYBER_WARNING_DAYS = 30


def _days_between(start: date, end: date) -> int:
    return max((end - start).days, 0)


def days_waiting(application: Application, today: date | None = None) -> int:
    """Days from submission to the decision, or to today while it waits."""
    if application.submitted_at is None:
        return 0
    end = timezone.localdate(application.decided_at) if application.decided_at else today
    return _days_between(timezone.localdate(application.submitted_at), end or timezone.localdate())


# The queue ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    application: Application
    days_waiting: int
    choices: list[CategoryChoice]
    time_left: decision_clocks.TimeLeft | None = None


@access_policy(access.MOJ_ADMIN)
def review_queue(request: HttpRequest) -> HttpResponse:
    form = ReviewQueueFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.review_queue(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    today = timezone.localdate(now)
    rows = [
        QueueRow(
            application,
            days_waiting(application, today),
            list(application.category_choices.all()),
            decision_clocks.time_left(application.decide_by, now)
            if application.decide_by and application.status == Application.Status.SUBMITTED
            else None,
        )
        for application in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "waiting": filters["status"] == Application.Status.SUBMITTED,
        "category": filters["category"],
        "filters_query": query.urlencode(),
        "drafts": selectors.draft_count(),
    }
    return render(request, "suppliers/review/queue.html", context)


# One submission -----------------------------------------------------------------------------------


def _review_url(application: Application, anchor: str = "") -> str:
    url = reverse("suppliers:review_detail", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _category_form(choice: CategoryChoice, data: Any = None) -> CategoryOutcomeForm:
    action = reverse("suppliers:category_outcome", args=[choice.application_id, choice.pk])
    return CategoryOutcomeForm(data, choice=choice, action=action)


def _exclusion_form(application: Application, data: Any = None) -> ExclusionDecisionForm:
    action = reverse("suppliers:exclusion_decision", args=[application.pk])
    return ExclusionDecisionForm(data, application=application, action=action)


def _review_context(
    application: Application,
    *,
    bound: CategoryOutcomeForm | ExclusionDecisionForm | None = None,
    bound_choice: CategoryChoice | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """Everything the review page shows. `bound` is a form that failed, shown instead of a fresh one."""
    snapshot = application.snapshot or {}
    open_for_review = application.status == Application.Status.SUBMITTED
    evidence = {category.code: category for category in display.category_answers(snapshot, application)}
    choices = list(application.category_choices.select_related("category", "decided_by"))
    categories = []
    for choice in choices:
        form = None
        if open_for_review and choice.is_new:
            form = (
                bound if bound_choice is not None and choice.pk == bound_choice.pk else _category_form(choice)
            )
        categories.append({"choice": choice, "evidence": evidence.get(choice.category.code), "form": form})
    grounds = display.grounds_answered_yes(snapshot)
    time_left = (
        decision_clocks.time_left(application.decide_by, timezone.now())
        if open_for_review and application.decide_by
        else None
    )
    exclusion_form = None
    if open_for_review and grounds:
        exclusion_form = bound if isinstance(bound, ExclusionDecisionForm) else _exclusion_form(application)
    organisation = application.organisation
    return {
        "application": application,
        "organisation": organisation,
        "snapshot": snapshot,
        "submitted_by": snapshot.get("submitted_by") or getattr(application.submitted_by, "email", ""),
        "open_for_review": open_for_review,
        "days_waiting": days_waiting(application),
        "categories": categories,
        "new_count": sum(choice.is_new for choice in choices),
        "grounds": grounds,
        "exclusion_form": exclusion_form,
        "bound": bound if bound is not None and bound.errors else None,
        "error": error,
        "retry": selectors.retry_status_for(organisation),
        "other_versions": selectors.applications_for(organisation).sent().exclude(pk=application.pk),
        "decided_by": application.decided_by,
        "time_left": time_left,
        # Once, and while there is time (suppliers.services.decision_date_extend says the same).
        "can_extend": bool(time_left and not time_left.overdue and not application.decision_extended_at),
    }


def _review_page(request: HttpRequest, application: Application, **kwargs: Any) -> HttpResponse:
    return render(request, "suppliers/review/detail.html", _review_context(application, **kwargs))


def _sent_application(request: HttpRequest, application_pk: int) -> Application:
    return application_for_user(request, application_pk)  # which refuses MoJ admins a draft


@access_policy(access.MOJ_ADMIN)
def review_detail(request: HttpRequest, application_pk: int) -> HttpResponse:
    return _review_page(request, _sent_application(request, application_pk))


@require_POST
@access_policy(access.MOJ_ADMIN)
def category_outcome(request: HttpRequest, application_pk: int, choice_pk: int) -> HttpResponse:
    application = _sent_application(request, application_pk)
    choice = choice_for_user(request, application, choice_pk)
    form = _category_form(choice, request.POST)
    if form.is_valid():
        try:
            services.category_outcome_record(choice=choice, admin=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, f"{choice.category.name}: {choice.get_outcome_display().lower()} saved."
            )
            return redirect(_review_url(application, f"category-{choice.pk}"))
    return _review_page(request, application, bound=form, bound_choice=choice)


@require_POST
@access_policy(access.MOJ_ADMIN)
def exclusion_decision(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = _sent_application(request, application_pk)
    form = _exclusion_form(application, request.POST)
    if form.is_valid():
        try:
            services.exclusion_decide(application=application, admin=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, f"Exclusion decision saved: {application.get_exclusion_decision_display()}."
            )
            return redirect(_review_url(application, "exclusion"))
    return _review_page(request, application, bound=form)


@require_POST
@access_policy(access.MOJ_ADMIN)
def application_decide(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = _sent_application(request, application_pk)
    try:
        services.application_decide(application=application, admin=request.user)
    except RuleBroken as error:
        return _review_page(request, application, error=error.message)
    messages.success(
        request,
        f"Outcome recorded: {application.get_outcome_display().lower()}. "
        f"We have told {application.organisation}.",
    )
    return redirect(_review_url(application))


# The decision date ------------------------------------------------------------------------------------


@access_policy(access.MOJ_ADMIN)
def decision_extend(request: HttpRequest, application_pk: int) -> HttpResponse:
    """Extend the decide-by date, once, with a reason the organisation is told."""
    application = _sent_application(request, application_pk)
    if request.method != "POST" and (
        application.status != Application.Status.SUBMITTED or application.decision_extended_at
    ):
        return redirect(_review_url(application))  # nothing left to extend
    form = DecisionExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_date_extend(
                application=application, admin=request.user, reason=form.cleaned_data["reason"]
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Decision date extended. We have told {application.organisation}.")
            return redirect(_review_url(application))
    context = {
        "application": application,
        "form": form,
        "extended_decide_by": working_days.decide_by(
            application.submitted_at, settings.QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS
        )
        if application.submitted_at
        else None,
    }
    return render(request, "suppliers/review/decision_extend.html", context)


# Cyber certificates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateRow:
    certificate: selectors.CyberCertificate
    level: str
    days_left: int


@access_policy(access.MOJ_ADMIN)
def cyber_certificates(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        CertificateRow(
            certificate=certificate,
            level=sections.CYBER_LEVELS.get(certificate.level, certificate.level),
            days_left=(certificate.expiry_date - today).days,
        )
        for certificate in selectors.cyber_certificates_due(within_days=CYBER_WARNING_DAYS, today=today)
    ]
    context = {"rows": rows, "within_days": CYBER_WARNING_DAYS, "today": today}
    return render(request, "suppliers/review/cyber_certificates.html", context)
