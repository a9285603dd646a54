"""360Giving open data about grants awarded (grants.threesixty), public and without sign-in, under
/open-data/360giving/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from grants import threesixty
from portal import access
from portal.access import access as access_policy
from portal.page_cache import public_page


def _published() -> list:
    grants = list(threesixty.published_grants())
    if not grants:  # a 360Giving package holds at least one grant
        raise Http404("No grants have been awarded yet")
    return grants


@public_page
@access_policy(access.PUBLIC)
def grants_json(request: HttpRequest) -> JsonResponse:
    package = threesixty.package(_published(), now=timezone.now())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


@access_policy(access.PUBLIC)  # not cached: the page cache keeps no Content-Disposition
def grants_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(threesixty.csv_text(_published()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="grants.csv")
    return response
