"""Placeholder views: replaced in the work in progress."""

from django.http import Http404

from portal import access
from portal.access import access as access_policy


@access_policy(access.MOJ_ADMIN)
def provider_list(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def provider_csv(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def agreement_current(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def agreement_pdf(request, **kwargs):
    raise Http404
