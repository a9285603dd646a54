"""Transparency (docs/domain.md §8), public and without sign-in: the statistics page with a CSV of each
figure, and the open data in OCDS 1.1, a release package per competition and a paginated one of all."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from calloffs import ocds
from calloffs.forms.public import StatisticsFilterForm
from portal import access, statistics
from portal.access import access as access_policy
from portal.page_cache import public_page


def _period(request: HttpRequest) -> tuple[StatisticsFilterForm, statistics.Period]:
    now = timezone.now()
    years = statistics.financial_years(timezone.localdate(now))
    form = StatisticsFilterForm(request.GET or None, years=years)
    chosen = form.data_or_empty()
    period = statistics.Period(chosen.get("year") or years[0], form.regions.get(chosen.get("region")), now)
    return form, period


@public_page
@access_policy(access.PUBLIC)
def statistics_page(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    query = urlencode({"year": period.year, **({"region": period.region.pk} if period.region else {})})
    context = {
        "form": form,
        "period": period,
        "sections": statistics.stored_sections(period),
        "query": query,
        "smallest_shown": statistics.SMALLEST_SHOWN,
    }
    return render(request, "calloffs/transparency/statistics.html", context)


@public_page
@access_policy(access.PUBLIC)
def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _form, period = _period(request)
    figure = statistics.stored_figure(period, slug)
    if figure is None:
        raise Http404
    response = HttpResponse(figure.csv_text(period), content_type="text/csv; charset=utf-8")
    region = f"-{period.region.code}" if period.region else ""
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{slug}-{period.year}{region}.csv"
    )
    return response


@public_page
@access_policy(access.PUBLIC)
def open_data(request: HttpRequest) -> HttpResponse:
    context = {
        "ocid_prefix": settings.OCDS_OCID_PREFIX,
        "page_size": ocds.PAGE_SIZE,
        "licence_url": settings.OCDS_LICENCE_URL,
        "threesixty_prefix": settings.THREESIXTY_IDENTIFIER_PREFIX,
    }
    return render(request, "calloffs/transparency/open_data.html", context)


@public_page
@access_policy(access.PUBLIC)
def ocds_releases(request: HttpRequest) -> HttpResponse:
    """Every published competition's releases, a page of competitions at a time, oldest first; computed
    after each change, not per request (`ocds.stored_releases_page`)."""
    number = ocds.page_number(request.GET.get("page"))
    return HttpResponse(ocds.stored_releases_page(number), content_type="application/json")


@public_page
@access_policy(access.PUBLIC)
def ocds_competition(request: HttpRequest, competition_pk: int) -> JsonResponse:
    competition = ocds.published_competitions().filter(pk=competition_pk).first()
    if competition is None:
        raise Http404
    uri = settings.SITE_URL + reverse("calloffs:ocds_competition", args=[competition.pk])
    package = ocds.release_package([competition], uri=uri, now=timezone.now())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})
