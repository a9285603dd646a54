"""360Giving open data about grants awarded (grants.threesixty), public and without sign-in, under
/open-data/360giving/. Both always answer: before the first grant is accepted, a package with no grants
and a CSV with only its header row, so that a link to them never breaks. Both are computed after each
change, not per request (`threesixty.stored_files`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from grants import threesixty
from portal import access
from portal.access import access as access_policy
from portal.page_cache import public_page


@public_page
@access_policy(access.PUBLIC)
def grants_json(request: HttpRequest) -> HttpResponse:
    as_json, _csv = threesixty.stored_files()
    return HttpResponse(as_json, content_type="application/json")


@public_page
@access_policy(access.PUBLIC)
def grants_csv(request: HttpRequest) -> HttpResponse:
    _json, as_csv = threesixty.stored_files()
    response = HttpResponse(as_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="grants.csv")
    return response
