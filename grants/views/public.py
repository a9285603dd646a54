"""The grants pages anyone may read: open rounds, one round, and the grants awarded."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from grants import selectors
from grants.views.pages import round_context
from portal import access, front_doors
from portal.access import access as access_policy
from portal.models import Organisation, Region
from portal.page_cache import public_page

# Public --------------------------------------------------------------------------------------------


@public_page
@access_policy(access.PUBLIC)
def start(request: HttpRequest) -> HttpResponse:
    """The grants portal's own start page: its own door into the one portal (portal.front_doors)."""
    context = {"create_account": reverse("grants:create_account"), "sign_in": reverse("grants:sign_in")}
    return render(request, "grants/start.html", context)


@access_policy(access.PUBLIC)
def create_account(request: HttpRequest) -> HttpResponse:
    """Create an account through the grants door: the account pages and the organisation's set-up then
    speak of grants only."""
    front_doors.enter(request, Organisation.Intent.GRANTS)
    return redirect("account_signup")


@access_policy(access.PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponse:
    front_doors.enter(request, Organisation.Intent.GRANTS)
    return redirect("account_login")


@public_page
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


@public_page
@access_policy(access.PUBLIC)
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = selectors.public_round(round_pk)
    if grant_round is None:
        raise Http404
    return render(request, "grants/public/round.html", {**round_context(grant_round), "preview": False})


@public_page
@access_policy(access.PUBLIC)
def grants_awarded(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/public/awarded.html", {"grants": selectors.grants_awarded()})
