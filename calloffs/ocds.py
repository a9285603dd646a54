"""Open data in the Open Contracting Data Standard 1.1 (docs/adr/0015-transparency-and-open-data.md).

Each published competition is one contracting process with a stable `ocid` (the prefix is the setting
`OCDS_OCID_PREFIX`, registered with the OCDS Data Support Team; "ocds-xxxxxx" until then), told as
releases, one per stage, each dated when that stage happened:

- `planning`: from its market warming notice, once published;
- `tender` (or `tenderAmendment`): the invitation as published and as last amended;
- `tenderUpdate`: once the tenders are opened, how many there were (never before: sealed);
- `award`: the decisions on its lots, with the organisations that bid (`tender.tenderers`, submitted
  tenders only), once the competition's outcome is decided;
- `contract`: the contracts recorded after the standstill.

Drafts, and competitions cancelled before publication, are never published. No release says anything
of a tender before the tenders are opened, and no bidder is named before the outcome.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from calloffs.models import Award, Competition, Tender
from portal.clock import LONDON
from portal.models import Organisation

OCDS_VERSION = "1.1"
BUYER_ID = "psdf-moj"
BUYER_NAME = "Ministry of Justice"
DECIDED = (Competition.Status.AWARDED, Competition.Status.NO_SUITABLE_BIDDER)
TENDER_STATUS = {
    Competition.Status.LIVE: "active",
    Competition.Status.AWARDED: "complete",
    Competition.Status.NO_SUITABLE_BIDDER: "unsuccessful",
    Competition.Status.CANCELLED: "cancelled",
    Competition.Status.WITHDRAWN: "withdrawn",
}
PAGE_SIZE = 100


def ocid(competition: Competition) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-psdf-{competition.pk}"


def published_competitions() -> QuerySet[Competition]:
    """Every competition the public may read, with what its releases need (a fixed number of queries)."""
    return (
        Competition.objects.filter(published_at__isnull=False)
        .exclude(status=Competition.Status.DRAFT)
        .select_related("notice")
        .prefetch_related(
            "lots__category",
            "amendments",
            Prefetch(
                "lots__awards",
                queryset=Award.objects.select_related(
                    "tender__organisation", "contract__organisation"
                ).order_by("decided_at"),
            ),
            Prefetch(
                "tenders",
                queryset=Tender.objects.filter(status=Tender.Status.SUBMITTED).select_related("organisation"),
                to_attr="submitted_tenders",
            ),
        )
        .order_by("pk")
    )


def _when(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value, LONDON).isoformat()
    return datetime.combine(value, time.min, tzinfo=LONDON).isoformat()


def _tender_period(competition: Competition) -> tuple[datetime, datetime]:
    """When it was published and its deadline: set on every competition released (only published ones
    are, by the queryset above, and publishing needs a deadline)."""
    if competition.published_at is None or competition.submission_deadline is None:
        raise ValueError(f"competition {competition.pk} is not published, so it has no release")
    return competition.published_at, competition.submission_deadline


def _submitted(competition: Competition) -> list[Tender]:
    """Its submitted tenders, prefetched by the queryset above (`to_attr`)."""
    return competition.submitted_tenders  # type: ignore[attr-defined]


def _money(pence: int) -> dict[str, Any]:
    return {"amount": pence / 100, "currency": "GBP"}


def _organisation_id(organisation: Organisation) -> str:
    return f"psdf-org-{organisation.pk}"


def _party(organisation: Organisation, roles: list[str]) -> dict[str, Any]:
    party: dict[str, Any] = {
        "id": _organisation_id(organisation),
        "name": organisation.legal_name,
        "roles": roles,
    }
    if organisation.companies_house_number:
        party["identifier"] = {
            "scheme": "GB-COH",
            "id": organisation.companies_house_number,
            "legalName": organisation.legal_name,
        }
    elif organisation.charity_number:
        party["identifier"] = {
            "scheme": "GB-CHC",
            "id": organisation.charity_number,
            "legalName": organisation.legal_name,
        }
    return party


def _buyer() -> dict[str, Any]:
    return {"id": BUYER_ID, "name": BUYER_NAME, "roles": ["buyer", "procuringEntity"]}


def _release(competition: Competition, stage: str, tags: list[str], when: datetime, **body: Any) -> dict:
    parties = [_buyer(), *body.pop("parties", [])]
    return {
        "ocid": ocid(competition),
        "id": f"{ocid(competition)}-{stage}",
        "date": _when(when),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": BUYER_ID, "name": BUYER_NAME},
        "parties": parties,
        **body,
    }


def _items(competition: Competition) -> list[dict[str, Any]]:
    return [
        {
            "id": f"lot-{lot.number}",
            "description": f"Lot {lot.number}: {lot.title}",
            "classification": {
                "scheme": "x-psdf-service-category",
                "id": lot.category.code,
                "description": lot.category.name,
            },
        }
        for lot in competition.lots.all()
    ]


def _planning_release(competition: Competition) -> dict | None:
    notice = competition.notice
    if notice is None or notice.published_at is None:
        return None
    planning: dict[str, Any] = {"rationale": notice.summary} if notice.summary else {}
    if notice.value_high_pence:
        planning["budget"] = {
            "description": "The highest expected value",
            "amount": _money(notice.value_high_pence),
        }
    return _release(
        competition,
        "planning",
        ["planning"],
        notice.published_at,
        planning=planning,
        tender={"id": f"{ocid(competition)}-tender", "title": notice.title, "status": "planning"},
    )


def _tender(competition: Competition) -> dict[str, Any]:
    lots = list(competition.lots.all())
    published, deadline = _tender_period(competition)
    tender: dict[str, Any] = {
        "id": f"{ocid(competition)}-tender",
        "title": competition.title,
        "description": competition.summary,
        "status": TENDER_STATUS[Competition.Status(competition.status)],
        "procuringEntity": {"id": BUYER_ID, "name": BUYER_NAME},
        "items": _items(competition),
        "value": _money(sum(lot.total_value_pence for lot in lots)),
        "procurementMethod": "selective",
        "procurementMethodDetails": "Call-off competition under the Probation Services Dynamic Framework",
        "mainProcurementCategory": "services",
        "tenderPeriod": {
            "startDate": _when(published),
            "endDate": _when(deadline),
        },
        "awardCriteria": "bestValueToGovernment",
    }
    if competition.clarification_deadline:
        tender["enquiryPeriod"] = {
            "startDate": _when(published),
            "endDate": _when(competition.clarification_deadline),
        }
    return tender


def _tender_release(competition: Competition) -> dict:
    amendments = list(competition.amendments.all())
    tender = _tender(competition)
    if amendments:
        tender["amendments"] = [
            {"id": str(a.number), "date": _when(a.made_at), "description": a.summary} for a in amendments
        ]
        return _release(
            competition,
            f"tender-amendment-{amendments[-1].number}",
            ["tenderAmendment"],
            amendments[-1].made_at,
            tender=tender,
        )
    return _release(competition, "tender", ["tender"], _tender_period(competition)[0], tender=tender)


def _opened_release(competition: Competition) -> dict | None:
    """How many tenders there were, once opened: never before (the sealed rule, docs/domain.md §5)."""
    if competition.opened_at is None:
        return None
    tender = {"id": f"{ocid(competition)}-tender", "numberOfTenderers": len(_submitted(competition))}
    return _release(competition, "tenders-opened", ["tenderUpdate"], competition.opened_at, tender=tender)


def _standing_and_withdrawn_awards(competition: Competition) -> list[Award]:
    return [award for lot in competition.lots.all() for award in lot.awards.all()]


def _award_status(award: Award) -> str:
    if award.withdrawn_at:
        return "cancelled"
    if award.outcome == Award.Outcome.NO_SUITABLE_BIDDER:
        return "unsuccessful"
    return "active" if hasattr(award, "contract") else "pending"


def _award_release(competition: Competition) -> dict | None:
    """The decisions, with who bid: published once the competition's outcome is decided."""
    awards = _standing_and_withdrawn_awards(competition)
    if competition.status not in DECIDED or not awards:
        return None
    bidders = {tender.organisation_id: tender.organisation for tender in _submitted(competition)}
    winners = {award.tender.organisation_id for award in awards if award.tender and not award.withdrawn_at}
    parties = [
        _party(organisation, ["tenderer", "supplier"] if pk in winners else ["tenderer"])
        for pk, organisation in sorted(bidders.items())
    ]
    entries = []
    for award in awards:
        lot = award.lot
        entry: dict[str, Any] = {
            "id": f"{ocid(competition)}-award-{award.pk}",
            "title": f"Lot {lot.number}: {lot.title}",
            "status": _award_status(award),
            "date": _when(award.decided_at),
            "items": [item for item in _items(competition) if item["id"] == f"lot-{lot.number}"],
        }
        if award.tender is not None:
            organisation = award.tender.organisation
            contract = getattr(award, "contract", None)
            entry["value"] = _money(contract.value_pence if contract else lot.total_value_pence)
            entry["suppliers"] = [{"id": _organisation_id(organisation), "name": organisation.legal_name}]
            entry["contractPeriod"] = {"startDate": _when(lot.contract_start)}
        entries.append(entry)
    tender = {
        "id": f"{ocid(competition)}-tender",
        "status": TENDER_STATUS[Competition.Status(competition.status)],
        "numberOfTenderers": len(_submitted(competition)),
        "tenderers": [
            {"id": _organisation_id(o), "name": o.legal_name} for _pk, o in sorted(bidders.items())
        ],
    }
    latest = max(award.withdrawn_at or award.decided_at for award in awards)
    return _release(competition, "award", ["award"], latest, parties=parties, tender=tender, awards=entries)


def _contract_release(competition: Competition) -> dict | None:
    awards = [
        a
        for a in _standing_and_withdrawn_awards(competition)
        if not a.withdrawn_at and hasattr(a, "contract")
    ]
    if not awards:
        return None
    contracts = [
        {
            "id": f"{ocid(competition)}-contract-{award.contract.pk}",
            "awardID": f"{ocid(competition)}-award-{award.pk}",
            "title": f"Lot {award.lot.number}: {award.lot.title}",
            "status": "active",
            "value": _money(award.contract.value_pence),
            "period": {
                "startDate": _when(award.contract.start_date),
                "endDate": _when(award.contract.end_date),
            },
            "dateSigned": _when(award.contract.recorded_at),
        }
        for award in awards
    ]
    parties = [_party(award.contract.organisation, ["supplier"]) for award in awards]
    unique_parties = list({party["id"]: party for party in parties}.values())
    latest = max(award.contract.recorded_at for award in awards)
    return _release(
        competition, "contract", ["contract"], latest, parties=unique_parties, contracts=contracts
    )


def releases(competition: Competition) -> list[dict]:
    """The competition's releases, oldest stage first. `competition` comes from `published_competitions`."""
    built = [
        _planning_release(competition),
        _tender_release(competition),
        _opened_release(competition),
        _award_release(competition),
        _contract_release(competition),
    ]
    return [release for release in built if release is not None]


def release_package(
    competitions: list[Competition], *, uri: str, now: datetime, links: dict[str, str] | None = None
) -> dict:
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _when(now),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.SITE_URL},
        "license": settings.OCDS_LICENCE_URL,
        "publicationPolicy": settings.SITE_URL + reverse("calloffs:open_data"),
        "releases": [release for competition in competitions for release in releases(competition)],
    }
    if links:
        package["links"] = links
    return package


# The paginated package, precomputed ----------------------------------------------------------------------

STORED_SECONDS = 24 * 60 * 60
PAGES_KEY = "ocds:pages"  # the page numbers visitors asked for


def _page_key(number: int) -> str:
    return f"ocds:releases:{number}"


def releases_page(number: int, *, now: datetime | None = None) -> str:
    """Page `number` (from 1) of every published competition's releases, oldest first, as JSON text."""
    page = Paginator(published_competitions(), PAGE_SIZE).get_page(number)
    address = settings.SITE_URL + reverse("calloffs:ocds_releases")
    links = {}
    if page.has_next():
        links["next"] = f"{address}?page={page.next_page_number()}"
    if page.has_previous():
        links["prev"] = f"{address}?page={page.previous_page_number()}"
    package = release_package(
        list(page.object_list), uri=f"{address}?page={page.number}", now=now or timezone.now(), links=links
    )
    return json.dumps(package, cls=DjangoJSONEncoder, ensure_ascii=False)


def page_number(asked: str | None) -> int:
    """The page a visitor's `page` parameter names, as the paginator reads it (1 or the last if it names
    none)."""
    return Paginator(published_competitions(), PAGE_SIZE).get_page(asked).number


def stored_releases_page(number: int) -> str:
    """The page as last computed (by `precompute`, after every change the public pages show); computed now,
    and its number remembered, the first time it is asked for."""
    found = cache.get(_page_key(number))
    if found is None:
        found = releases_page(number)
        cache.set(_page_key(number), found, STORED_SECONDS)
        asked = cache.get(PAGES_KEY) or set()
        if number not in asked:
            cache.set(PAGES_KEY, {*asked, number}, None)
    return found


def precompute() -> int:
    """Compute again every page visitors asked for; how many."""
    asked = cache.get(PAGES_KEY) or set()
    for number in asked:
        cache.set(_page_key(number), releases_page(number), STORED_SECONDS)
    return len(asked)
