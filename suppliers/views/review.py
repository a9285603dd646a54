"""Placeholder views: replaced in the work in progress."""

from django.http import Http404

from portal import access
from portal.access import access as access_policy


@access_policy(access.MOJ_ADMIN)
def review_queue(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def cyber_certificates(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def review_detail(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def category_outcome(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def exclusion_decision(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def application_decide(request, **kwargs):
    raise Http404
