"""The applications sent to a round, as its commissioners see them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grants import selectors
from grants.access import (
    readable_application_for_staff,
    round_for_user,
)
from grants.models import GrantApplication
from portal.access import STAFF
from portal.access import access as access_policy


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
