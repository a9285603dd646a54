"""Open data about grants awarded, in the 360Giving Data Standard 1.4 (docs/adr/0015): one package of
every accepted grant, in JSON, and the same grants as CSV with the standard's flattened column titles. A
`Grant` is written only when an offer is accepted, so every one of them is published.

Identifiers start with `THREESIXTY_IDENTIFIER_PREFIX` (360Giving assigns a publisher its prefix). A
recipient is identified by its Charity Commission or Companies House number when it has one (the
org-id.guide lists GB-CHC, GB-SC, GB-NIC and GB-COH), and otherwise by an identifier under our prefix.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from grants.models import Grant
from portal import csv_files
from portal.models import Organisation

VERSION = "1.4"
CURRENCY = "GBP"


def published_grants() -> QuerySet[Grant]:
    return Grant.objects.select_related(
        "application__organisation", "application__grant_round", "region"
    ).order_by("accepted_at", "pk")


def grant_id(grant: Grant) -> str:
    return f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-grant-{grant.pk}"


def organisation_id(organisation: Organisation) -> str:
    charity = organisation.charity_number.upper().replace(" ", "")
    if charity.startswith("SC"):  # the Scottish register: GB-SC-SC012345
        return f"GB-SC-{charity}"
    if charity.startswith("NIC"):  # the Northern Irish register: GB-NIC-100012
        return f"GB-NIC-{charity.removeprefix('NIC')}"
    if charity:
        return f"GB-CHC-{charity}"
    if organisation.companies_house_number:
        return f"GB-COH-{organisation.companies_house_number}"
    return f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-org-{organisation.pk}"


def _pounds(pence: int) -> int | float:
    return pence // 100 if pence % 100 == 0 else pence / 100


def recipient(organisation: Organisation) -> dict[str, Any]:
    found = {"id": organisation_id(organisation), "name": organisation.legal_name}
    if organisation.charity_number:
        found["charityNumber"] = organisation.charity_number
    if organisation.companies_house_number:
        found["companyNumber"] = organisation.companies_house_number
    return found


def funder() -> dict[str, Any]:
    return {
        "id": settings.THREESIXTY_FUNDER_ID,
        "name": settings.OCDS_PUBLISHER_NAME,
        "department": settings.THREESIXTY_FUNDER_DEPARTMENT,
    }


def grant_record(grant: Grant) -> dict[str, Any]:
    application = grant.application
    grant_round = application.grant_round
    return {
        "id": grant_id(grant),
        "title": grant_round.title,
        "description": grant.purpose,
        "currency": CURRENCY,
        "amountAwarded": _pounds(grant.amount_pence),
        "awardDate": timezone.localdate(grant.accepted_at).isoformat(),
        "recipientOrganization": [recipient(application.organisation)],
        "fundingOrganization": [funder()],
        "beneficiaryLocation": [{"name": grant.region.name, "countryCode": "GB"}],
        "grantProgramme": [
            {
                "code": f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-round-{grant_round.pk}",
                "title": f"{grant_round.fund}: {grant_round.title}",
                "url": settings.SITE_URL + reverse("grants:round_detail", args=[grant_round.pk]),
            }
        ],
        "fromOpenCall": "Yes",
        **_planned_dates(grant),
    }


def _planned_dates(grant: Grant) -> dict[str, Any]:
    """When the funded work runs, once the accepted offer says (grants accepted before offers recorded
    dates have none)."""
    if grant.starts_on is None or grant.ends_on is None:
        return {}
    return {
        "plannedDates": [{"startDate": grant.starts_on.isoformat(), "endDate": grant.ends_on.isoformat()}]
    }


def package(grants: list[Grant], *, now: datetime) -> dict[str, Any]:
    """A 360Giving package of `grants`. With none (before the first grant is accepted) its list is empty:
    the standard's package schema asks for at least one grant, but an empty list tells a reader there are
    none yet, where an error would tell them the address is wrong."""
    return {
        "grants": [grant_record(grant) for grant in grants],
        "version": VERSION,
        "title": "Grants awarded by HM Prison and Probation Service through the Probation Services portal",
        "identifier": f"{settings.THREESIXTY_IDENTIFIER_PREFIX}-grants",
        "modified": now.isoformat(timespec="seconds"),
        "publisher": {
            "name": settings.OCDS_PUBLISHER_NAME,
            "identifier": settings.THREESIXTY_FUNDER_ID,
            "website": settings.SITE_URL + "/",
        },
        "license": settings.OCDS_LICENCE_URL,
        "accessURL": settings.SITE_URL + reverse("calloffs:open_data"),
    }


# The standard's spreadsheet column titles for the fields published, and where each is in a grant record.
CSV_COLUMNS: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Funding Org:Department", ("fundingOrganization", 0, "department")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Grant Programme:URL", ("grantProgramme", 0, "url")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
)


def _at(record: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    found: Any = record
    for step in path:
        if isinstance(step, str):
            found = found.get(step, "") if isinstance(found, dict) else ""
        else:
            found = found[step] if isinstance(found, list) and len(found) > step else ""
    return found


def csv_text(grants: list[Grant]) -> str:
    records = (grant_record(grant) for grant in grants)
    return csv_files.csv_text(
        [
            [title for title, _path in CSV_COLUMNS],
            *([_at(record, path) for _title, path in CSV_COLUMNS] for record in records),
        ]
    )


# Precomputed ---------------------------------------------------------------------------------------------

STORED_KEY = "threesixty:files"
STORED_SECONDS = 24 * 60 * 60


def files(now: datetime | None = None) -> tuple[str, str]:
    """The package as JSON text and the CSV, of every grant published, from one read of the grants."""
    grants = list(published_grants())
    as_json = json.dumps(
        package(grants, now=now or timezone.now()), cls=DjangoJSONEncoder, ensure_ascii=False
    )
    return as_json, csv_text(grants)


def stored_files() -> tuple[str, str]:
    """The files as last computed (by `precompute`, after every change the public pages show); computed
    now only if the shared cache has lost them."""
    found = cache.get(STORED_KEY)
    if found is None:
        found = files()
        cache.set(STORED_KEY, found, STORED_SECONDS)
    return found


def precompute() -> int:
    cache.set(STORED_KEY, files(), STORED_SECONDS)
    return 1
