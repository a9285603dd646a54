"""The public side of call-offs (no sign-in): the opportunity finder, each competition and notice, a
competition's deadlines as a calendar file, and "Can I bid?" (docs/domain.md §5). A signed-in supplier also
reads, on each competition, whether its organisation can bid for each lot and why not."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from calloffs import rules, selectors, tender_selectors
from calloffs.forms.public import CanIBidForm, FinderFilterForm
from calloffs.ics import competition_calendar
from calloffs.models import Competition
from calloffs.services import clarifications, competitions
from portal import access, uploads
from portal.access import access as access_policy
from portal.page_cache import public_page
from portal.pagination import query_without_page

PAGE_SIZE = 20


@public_page
@access_policy(access.PUBLIC)
def finder(request: HttpRequest) -> HttpResponse:
    form = FinderFilterForm(request.GET or None)
    now = timezone.now()
    filters = form.filters()
    page = Paginator(selectors.finder_rows(filters, now), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "items": selectors.finder_items(page.object_list, now),
        "filters_query": query_without_page(request),
        "filtered": bool(query_without_page(request)),
    }
    return render(request, "calloffs/public/finder.html", context)


def competition_context(request: HttpRequest, competition: Competition, *, preview: bool = False) -> dict:
    """What a bidder sees of a competition; the commissioner's preview shows exactly the same."""
    now = timezone.now()
    organisation = selectors.supplier_organisation(request.user)
    eligibility = None
    if organisation is not None and competition.submission_deadline and competition.lots.all():
        eligibility = selectors.eligibility_by_lot(organisation, competition)
    lots = list(competition.lots.all())
    tenders_by_lot = {}
    if organisation is not None and not preview:
        tenders_by_lot = {
            tender.lot_id: tender
            for tender in tender_selectors.tenders_of(request.user).filter(competition=competition)
        }
    is_open = competition.submission_deadline is not None and competition.is_open(now)
    return {
        "competition": competition,
        "lots": lots,
        "state": competition.state(now) if competition.submission_deadline else competition.status,
        "days_left": rules.days_left(competition.submission_deadline, now)
        if competition.submission_deadline
        else None,
        "earliest_start": min((lot.contract_start for lot in lots), default=None),
        "eligibility": eligibility,
        "organisation": organisation,
        "questionnaire_url": reverse("suppliers:qualification_status"),
        "accounts_url": reverse("portal:financial_profile_edit", args=[organisation.pk])
        if organisation
        else "",
        "preview": preview,
        "tenders_by_lot": tenders_by_lot,
        "may_start": organisation is not None and not preview and competition.is_open(now),
        "threshold_pence": competitions.threshold_pence(),
        "award_notices": selectors.award_notices(competition) if competition.opened_at else [],
        "clarifications": list(selectors.published_clarifications(competition)),
        "questions_open": clarifications.questions_open(competition, now),
        # Staff cannot ask; a visitor who is not signed in is asked to sign in first.
        "can_ask": not preview and not (request.user.is_authenticated and not request.user.is_supplier),
        # Before the deadline: who looks for partners, so small organisations can team up in time.
        "partners_by_lot": selectors.partners_by_lot(lots) if is_open else None,
    }


@public_page
@access_policy(access.PUBLIC)
def competition_detail(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = selectors.public_competition(competition_pk)
    if competition is None:
        raise Http404
    return render(request, "calloffs/public/competition.html", competition_context(request, competition))


@access_policy(access.PUBLIC)
def competition_ics(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = selectors.public_competition(competition_pk)
    if competition is None:
        raise Http404
    url = settings.SITE_URL + reverse("calloffs:competition_detail", args=[competition.pk])
    body = competition_calendar(
        competition, url=url, now=timezone.now(), host=request.get_host().split(":")[0]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"competition-{competition.pk}-deadlines.ics"
    )
    return response


@public_page
@access_policy(access.PUBLIC)
def notice_detail(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = selectors.public_notice(notice_pk)
    if notice is None:
        raise Http404
    organisation = selectors.supplier_organisation(request.user)
    missing = []
    if organisation is not None:
        facts = selectors.organisation_facts(organisation)
        missing = [
            category
            for category in notice.categories.all()
            if category.pk not in facts.qualified_category_ids
        ]
        regions_missing = not any(region.pk in facts.region_ids for region in notice.regions.all())
    else:
        regions_missing = False
    context = {
        "notice": notice,
        "organisation": organisation,
        "missing_categories": missing,
        "regions_missing": regions_missing,
        "competitions": [c for c in notice.competitions.all() if not c.is_draft],
        "questionnaire_url": reverse("suppliers:qualification_status"),
        "qualification_weeks": rules.TYPICAL_QUALIFICATION_WEEKS,
    }
    return render(request, "calloffs/public/notice.html", context)


@access_policy(access.PUBLIC)
def can_i_bid(request: HttpRequest) -> HttpResponse:
    form = CanIBidForm(request.GET or None)
    context = {
        "form": form,
        "needs": form.needs(),
        "minimum_cyber": rules.cyber_label(rules.MINIMUM_CYBER_LEVEL),
        "usual_cyber": rules.cyber_label("cyber_essentials_plus"),
    }
    return render(request, "calloffs/public/can_i_bid.html", context)


@access_policy(access.PUBLIC)
def document_download(request: HttpRequest, document_pk: int) -> HttpResponse:
    """A notice's or competition's document: anyone's once published; while a draft, only the people
    who manage it (404 to others)."""
    document = selectors.document_for(request.user, document_pk)
    if document is None:
        raise Http404
    return uploads.attachment_response(
        document.file, name=document.original_name, content_type=document.content_type
    )
