"""Partner finding: an organisation's admins say, per category and region, that it is looking for a
lead partner or for subcontractors. The provider list filters on it and each competition's page lists
those qualified for its lots (docs/adr/0015-transparency-and-open-data.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal import access
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from suppliers import selectors, services
from suppliers.forms.partners import PartnerSearchForm
from suppliers.models import PartnerSearch


@access_policy(access.ORGANISATION_ADMIN)
def partner_searches(request: HttpRequest) -> HttpResponse:
    organisation = request.user.membership.organisation
    form = PartnerSearchForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            search = services.partner_search_add(
                organisation=organisation, user=request.user, **form.cleaned_data
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Added: {search.get_looking_for_display().lower()}")
            return redirect("suppliers:partner_searches")
    context = {
        "form": form,
        "organisation": organisation,
        "searches": selectors.partner_searches_of(organisation),
    }
    return render(request, "suppliers/partners.html", context)


@require_POST
@access_policy(access.ORGANISATION_ADMIN)
def partner_search_remove(request: HttpRequest, search_pk: int) -> HttpResponse:
    search = PartnerSearch.objects.filter(
        pk=search_pk, organisation_id=request.user.membership.organisation_id
    ).first()
    if search is None:
        access.refuse(request, "not a partner search of the person's organisation")
        raise Http404
    services.partner_search_remove(search=search, user=request.user)
    messages.success(request, "Removed")
    return redirect("suppliers:partner_searches")
