"""The public side of qualification: the list of qualified providers (as a page and as CSV) and the
framework agreement (as a page and as PDF). Nobody needs an account to read them (DOMAIN.md §3, §4).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal import access
from portal.access import access as access_policy
from portal.models import Organisation, Region
from portal.pdf import pdf_render, pdf_response
from suppliers import selectors
from suppliers.forms_providers import ProviderFilterForm, size_short_label
from suppliers.models import FrameworkAgreement

PAGE_SIZE = 50
ALL_REGIONS = "All of England and Wales"
CSV_COLUMNS = [
    "Organisation",
    "Trading name",
    "Size",
    "VCSE",
    "Categories",
    "Regions",
    "Contact name",
    "Contact e-mail",
    "Contact phone",
]
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ProviderRow:
    legal_name: str
    trading_name: str
    size: str
    is_vcse: bool
    categories: list[str]
    regions: str
    shows_contact: bool
    contact_name: str
    contact_email: str
    contact_phone: str

    @property
    def categories_text(self) -> str:
        return "\n".join(self.categories)

    @property
    def contact_text(self) -> str:
        return "\n".join(filter(None, [self.contact_name, self.contact_email, self.contact_phone]))


def _regions_text(regions: list[Region], all_region_ids: set[int]) -> str:
    if all_region_ids and all_region_ids <= {region.pk for region in regions}:
        return ALL_REGIONS
    return ", ".join(region.name for region in regions) or "No regions chosen"


def _row(organisation: Organisation, all_region_ids: set[int]) -> ProviderRow:
    """One provider as the public sees it, from the prefetched qualifications and regions only."""
    shows_contact = organisation.show_contact_publicly
    return ProviderRow(
        legal_name=organisation.legal_name,
        trading_name=organisation.trading_name,
        size=size_short_label(organisation.size_band),
        is_vcse=organisation.is_vcse,
        categories=[str(qualification.category) for qualification in organisation.qualifications.all()],
        regions=_regions_text([link.region for link in organisation.framework_regions.all()], all_region_ids),
        shows_contact=shows_contact,
        contact_name=organisation.contact_name if shows_contact else "",
        contact_email=organisation.contact_email if shows_contact else "",
        contact_phone=organisation.contact_phone if shows_contact else "",
    )


def _filtered(request: HttpRequest) -> tuple[ProviderFilterForm, dict, Iterable[Organisation], set[int]]:
    """The filter form, the filters it accepted, the matching providers and the ids of every region."""
    form = ProviderFilterForm(request.GET or None)
    filters = form.filters()
    providers = selectors.public_providers(**filters).order_by("legal_name", "pk")
    return form, filters, providers, set(form.regions)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@access_policy(access.PUBLIC)
def provider_list(request: HttpRequest) -> HttpResponse:
    form, filters, providers, all_region_ids = _filtered(request)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(organisation, all_region_ids) for organisation in page.object_list],
        "filters_query": _query_without_page(request),
        "filtered": any(filters.values()),
    }
    return render(request, "suppliers/providers/list.html", context)


def csv_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula by making it text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@access_policy(access.PUBLIC)
def provider_csv(request: HttpRequest) -> HttpResponse:
    _form, _filters, providers, all_region_ids = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"qualified-providers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response.write("\ufeff")  # a byte order mark, so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for organisation in providers:
        row = _row(organisation, all_region_ids)
        cells = [
            row.legal_name,
            row.trading_name,
            row.size,
            "Yes" if row.is_vcse else "No",
            "; ".join(row.categories),
            row.regions,
            row.contact_name,
            row.contact_email,
            row.contact_phone,
        ]
        writer.writerow([csv_safe(cell) for cell in cells])
    return response


def _blocks(body: str) -> list[tuple[str, str | list[str]]]:
    """The agreement's text as ("paragraph", text) and ("list", items) blocks. Paragraphs are separated
    by a blank line; consecutive lines starting with "- " are a bulleted list."""
    blocks: list[tuple[str, str | list[str]]] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines: list[str] = []
        items: list[str] = []
        for line in (line.strip() for line in chunk.splitlines()):
            if line.startswith("- "):
                if lines:
                    blocks.append(("paragraph", "\n".join(lines)))
                    lines = []
                items.append(line[2:].strip())
            elif line:
                if items:
                    blocks.append(("list", items))
                    items = []
                lines.append(line)
        if lines:
            blocks.append(("paragraph", "\n".join(lines)))
        if items:
            blocks.append(("list", items))
    return blocks


@access_policy(access.PUBLIC)
def agreement_current(request: HttpRequest) -> HttpResponse:
    agreement = selectors.agreement_current()
    blocks = _blocks(agreement.body) if agreement else []
    return render(request, "suppliers/agreement.html", {"agreement": agreement, "blocks": blocks})


@access_policy(access.PUBLIC)
def agreement_pdf(request: HttpRequest, version: str) -> HttpResponse:
    agreement = get_object_or_404(FrameworkAgreement, version=version)
    pdf = pdf_render("pdf/agreement.html", {"agreement": agreement, "blocks": _blocks(agreement.body)})
    return pdf_response(pdf, f"framework-agreement-{agreement.version}.pdf")
