"""The organisation's accounts page (its financial profile) and the download of its accounts file."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal import access, uploads
from portal.access import SignedInRequest
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.financial_profile import current_profile, financial_profile_update, source_text
from portal.financial_profile_forms import FinancialProfileForm
from portal.form_kit import show_rule_broken


@access_policy(access.SUPPLIER_MEMBER)
def financial_profile_edit(request: SignedInRequest, organisation_pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request, organisation_pk)
    profile = current_profile(organisation)
    form = FinancialProfileForm(
        request.POST or None, request.FILES or None, initial=FinancialProfileForm.initial_from(profile)
    )
    if request.method == "POST" and form.is_valid():
        try:
            financial_profile_update(
                user=request.user,
                organisation=organisation,
                year_end=form.cleaned_data["year_end"],
                income_pence=form.cleaned_data["income"],
                accounts=form.cleaned_data["accounts"],
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Your organisation's accounts are saved.")
            return redirect("portal:financial_profile_edit", organisation.pk)
    context = {
        "organisation": organisation,
        "profile": profile,
        "source": source_text(profile) if profile else "",
        "form": form,
    }
    return render(request, "portal/financial_profile.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def financial_profile_accounts(request: HttpRequest, organisation_pk: int) -> FileResponse:
    organisation = access.organisation_for_user(request, organisation_pk)
    profile = current_profile(organisation)
    if profile is None or not profile.accounts:
        raise Http404
    return uploads.attachment_response(
        profile.accounts, name=profile.accounts_name, content_type=profile.accounts_content_type
    )
