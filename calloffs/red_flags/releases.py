"""The internal compiled release of a competition, for the red-flag indicators: one JSON object per
contracting process (ocid), as Cardinal reads them, built from the public releases of `calloffs.ocds`
with the staff-only bids added. Never published: it says which tenders were excluded or not compliant
and when each was submitted, which the public data leaves out (docs/adr/0015, decision 6)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ocdscardinal
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet

from calloffs import ocds
from calloffs.models import Competition, Tender

BIDS = "red_flag_bids"  # the attribute of the submitted tenders with their current version


def competitions() -> QuerySet[Competition]:
    """Every published competition, with what its releases and bids need (a fixed number of queries)."""
    return ocds.published_competitions().prefetch_related(
        Prefetch(
            "tenders",
            queryset=Tender.objects.filter(status=Tender.Status.SUBMITTED).select_related(
                "current_version", "lot", "organisation"
            ),
            to_attr=BIDS,
        )
    )


def _merge(into: dict[str, Any], release: dict[str, Any]) -> None:
    """OCDS merging, simplified for our releases: objects merge field by field, parties by id, and any
    other array or value is replaced by the later release's."""
    for key, value in release.items():
        if key == "parties":
            parties = {party["id"]: party for party in into.get("parties", [])}
            for party in value:
                parties[party["id"]] = {**parties.get(party["id"], {}), **party}
            into["parties"] = list(parties.values())
        elif isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _bid_status(tender: Tender, competition: Competition) -> str:
    if tender.excluded_reason or tender.non_compliant_reason:
        return "disqualified"
    return "valid" if competition.opened_at else "pending"


def _bids(competition: Competition) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{ocds.ocid(competition)}-bid-{tender.pk}",
            "status": _bid_status(tender, competition),
            "date": ocds._when(tender.current_version.submitted_at),
            "tenderers": [{"id": ocds._organisation_id(tender.organisation)}],  # as the awards name it
            "relatedLots": [f"lot-{tender.lot.number}"],
        }
        for tender in getattr(competition, BIDS)
        if tender.current_version is not None
    ]


def compiled_release(competition: Competition) -> dict[str, Any]:
    """`competition` comes from `competitions()`."""
    compiled: dict[str, Any] = {}
    for release in ocds.releases(competition):
        _merge(compiled, release)
    compiled["id"] = f"{ocds.ocid(competition)}-compiled"
    compiled["tag"] = ["compiled"]
    if competition.opened_at:  # sealed until then (docs/domain.md §5): not even staff see the bids
        compiled["bids"] = {"details": _bids(competition)}
    return compiled


def field_coverage(compiled: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many of the compiled releases have each field (non-empty), by Cardinal's `coverage` command:
    paths such as "/bids/details[]/status". It reads line-delimited JSON from a file, so they are written
    to a temporary one. What the indicators can be computed from (docs/adr/0021-red-flags.md)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "compiled.jsonl"
        with path.open("w", encoding="utf-8") as lines:
            for release in compiled:
                lines.write(json.dumps(release, cls=DjangoJSONEncoder) + "\n")
        return dict(ocdscardinal.coverage(str(path)))
