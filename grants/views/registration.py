"""An organisation's grants registration, and the grants team's decisions on it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from grants import selectors
from grants.access import (
    registration_for_user,
)
from grants.accounts import PROFILE_KEY
from grants.forms.registration import DecisionForm, RegistrationForm
from grants.models import Registration
from grants.sections import REGISTRATION
from grants.services import registration as registration_services
from grants.views.pages import form_page
from portal import access, decision_clocks, uploads
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.financial_profile import current_profile, source_text
from portal.form_kit import show_rule_broken
from portal.questionnaires.engine import Context

# The organisation's registration ------------------------------------------------------------------


@access_policy(access.SUPPLIER_MEMBER)
def home(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    registration = registration_services.registration_for(organisation)
    context = {
        "registration": registration,
        "time_left": _time_left(registration),
        "decision_working_days": settings.GRANTS_REGISTRATION_DECISION_WORKING_DAYS,
        "applications": [
            (application, selectors.application_state(application))
            for application in selectors.applications_for_organisation(request.user)
        ],
    }
    return render(request, "grants/home.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def registration_edit(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    registration = registration_services.registration_for(organisation)
    if not registration.is_editable:
        messages.info(
            request, "Your registration is with the grants team. You can change it once they decide."
        )
        return redirect("grants:home")
    profile = current_profile(organisation)
    from_accounts = {"from_accounts": True} if profile is not None else {}
    if request.method == "POST":
        form = RegistrationForm(request.POST, request.FILES, **from_accounts)
        if form.is_valid():
            try:
                registration = registration_services.registration_save(
                    user=request.user,
                    organisation=organisation,
                    answers=form.answers(),
                    accounts=request.FILES.get("accounts"),
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                # Saved as typed; what is not yet right is shown on the page.
                errors = REGISTRATION.errors(registration.answers, Context())
                if not errors:
                    messages.success(request, "Your registration has been saved.")
                    return redirect("grants:registration_check")
                form.show_errors(errors)
    else:
        form = RegistrationForm(initial=RegistrationForm.initial_from(registration.answers), **from_accounts)
    return form_page(
        request,
        form,
        title="Register for grants",
        caption=organisation.legal_name,
        back=reverse("grants:home"),
        button="Save and continue",
        multipart=True,
        extra={
            "intro": "grants/includes/registration_intro.html",
            "registration": registration,
            "accounts_profile": profile,
            "accounts_source": source_text(profile) if profile is not None else "",
        },
    )


@access_policy(access.SUPPLIER_MEMBER)
def registration_check(request: HttpRequest) -> HttpResponse:
    registration = registration_services.registration_for(request.user.membership.organisation)
    if not registration.pk:
        return redirect("grants:registration_edit")
    problems = registration_services.registration_problems(registration) if registration.is_editable else []
    if request.method == "POST":
        try:
            registration_services.registration_submit(user=request.user, registration=registration)
        except RuleBroken as error:
            problems = getattr(error, "problems", [error])
        else:
            messages.success(
                request,
                "Your registration has been sent to the MoJ grants team. "
                "We will tell you their decision by message and e-mail.",
            )
            return redirect("grants:home")
    # An editable registration follows the organisation's accounts: say where its income came from.
    profile = (
        current_profile(registration.organisation_id)
        if registration.is_editable and PROFILE_KEY in registration.answers
        else None
    )
    context = {
        "registration": registration,
        "rows": REGISTRATION.summary(registration.answers),
        "problems": [p.message for p in problems],
        "accounts_profile": profile,
        "accounts_source": source_text(profile) if profile is not None else "",
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


def _time_left(registration: Registration) -> decision_clocks.TimeLeft | None:
    """How the registration stands against its decide-by date, while it waits for a decision."""
    if registration.status != Registration.Status.SUBMITTED or registration.decide_by is None:
        return None
    return decision_clocks.time_left(registration.decide_by, timezone.now())


@access_policy(access.MOJ_ADMIN)
def registration_queue(request: HttpRequest) -> HttpResponse:
    rows = [(registration, _time_left(registration)) for registration in selectors.registrations_waiting()]
    return render(request, "grants/team/queue.html", {"registrations": rows})


@access_policy(access.MOJ_ADMIN)
def registration_review(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = registration_for_user(request, registration_pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if not decision:
                raise RuleBroken("Select your decision", field="decision")
            registration_services.registration_decide(
                user=request.user,
                registration=registration,
                accept=decision == "accept",
                reasons=form.cleaned_data["reasons"],
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{registration.organisation} has been told your decision.")
            return redirect("grants:registration_queue")
    context = {
        "registration": registration,
        "rows": REGISTRATION.summary(registration.answers),
        "form": form,
        "time_left": _time_left(registration),
    }
    return render(request, "grants/team/review.html", context)
