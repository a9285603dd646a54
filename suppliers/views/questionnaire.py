"""Placeholder views: replaced in the work in progress."""

from django.http import Http404

from portal import access
from portal.access import access as access_policy


@access_policy(access.MOJ_ADMIN)
def qualification_status(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def application_start(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def application_list(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def application_detail(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def section_edit(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def category_edit(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def category_remove(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def document_upload(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def document_download(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def document_remove(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def check_answers(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def submitted(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def application_pdf(request, **kwargs):
    raise Http404


@access_policy(access.MOJ_ADMIN)
def outcome_letter_pdf(request, **kwargs):
    raise Http404
