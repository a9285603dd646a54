"""360Giving open data about grants awarded (grants.threesixty), public and without sign-in, under
/open-data/360giving/. Both always answer: before the first grant is accepted, a package with no grants
and a CSV with only its header row, so that a link to them never breaks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from grants import threesixty
from portal import access
from portal.access import access as access_policy
from portal.page_cache import public_page


@public_page
@access_policy(access.PUBLIC)
def grants_json(request: HttpRequest) -> JsonResponse:
    package = threesixty.package(list(threesixty.published_grants()), now=timezone.now())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


@public_page
@access_policy(access.PUBLIC)
def grants_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        threesixty.csv_text(list(threesixty.published_grants())), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="grants.csv")
    return response
