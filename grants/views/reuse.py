"""Never type it twice (issue 21; docs/adr/0023-answer-library.md): starting a grant application from
one of the organisation's earlier applications. One service call copies and marks the answers to check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from grants import selectors
from grants.access import application_for_user
from grants.forms.applications import EarlierApplicationForm
from grants.services import applications as applications_services
from portal import access
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken


@access_policy(access.SUPPLIER_MEMBER)
def application_copy(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if application.is_submitted:
        return redirect("grants:application_receipt", application.pk)
    if not application.eligibility_passed:
        return redirect("grants:application_eligibility", application.pk)
    earlier = selectors.earlier_applications(request.user, application)
    form = EarlierApplicationForm(applications=earlier)
    if request.method == "POST":
        form = EarlierApplicationForm(request.POST, applications=earlier)
        if form.is_valid():
            chosen = next(a for a in earlier if a.pk == form.cleaned_data["earlier"])
            try:
                copied = applications_services.application_answers_copy(
                    user=request.user, application=application, earlier=chosen
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                noun = "answer" if copied == 1 else "answers"
                messages.success(request, f"{copied} {noun} copied: check your answers, then save them")
                return redirect("grants:application_detail", application.pk)
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "form": form,
        "earlier": earlier,
    }
    return render(request, "grants/application/copy.html", context)
