"""The public side of qualification: the list of qualified providers (as a page and as CSV) and the
framework agreement (as a page and as PDF). Nobody needs an account to read them (docs/domain.md §3, §4).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal import access, stored_pdfs
from portal.access import access as access_policy
from portal.csv_files import BYTE_ORDER_MARK, CsvLines
from portal.models import Organisation, Region, ServiceCategory
from portal.page_cache import public_page
from portal.pagination import query_without_page
from suppliers import display, pdfs, selectors
from suppliers.forms.providers import ProviderFilterForm, size_short_label
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
CSV_CHUNK = 1_000  # providers per batch of the streamed CSV: memory stays flat however long the list


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


@public_page
@access_policy(access.PUBLIC)
def provider_list(request: HttpRequest) -> HttpResponse:
    form, filters, providers, all_region_ids = _filtered(request)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(organisation, all_region_ids) for organisation in page.object_list],
        "filters_query": query_without_page(request),
        "filtered": any(filters.values()),
    }
    return render(request, "suppliers/providers/list.html", context)


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _ids(text: str | None) -> list[int]:
    return [int(pk) for pk in text.split(",")] if text else []


def _csv_lines(rows: Iterable[dict], all_region_ids: set[int]) -> Iterator[str]:
    """The CSV, a batch of providers at a time, from one query: each provider's categories and regions
    come as ids, named from the reference lists read once."""
    categories = {category.pk: str(category) for category in ServiceCategory.objects.order_by("number")}
    regions = {region.pk: region for region in Region.objects.order_by("sort_order", "name")}
    category_order = {pk: index for index, pk in enumerate(categories)}
    region_order = {pk: index for index, pk in enumerate(regions)}
    lines = CsvLines()
    yield BYTE_ORDER_MARK + lines.line(CSV_COLUMNS)
    for batch in _batches(rows, CSV_CHUNK):
        batch_lines = []
        for row in batch:
            own_categories = sorted(_ids(row["category_ids"]), key=category_order.__getitem__)
            own_regions = sorted(_ids(row["region_ids"]), key=region_order.__getitem__)
            shows_contact = row["show_contact_publicly"]
            cells = [
                row["legal_name"],
                row["trading_name"],
                size_short_label(row["size_band"]),
                "Yes" if row["is_vcse"] else "No",
                "; ".join(categories[pk] for pk in own_categories),
                _regions_text([regions[pk] for pk in own_regions], all_region_ids),
                row["contact_name"] if shows_contact else "",
                row["contact_email"] if shows_contact else "",
                row["contact_phone"] if shows_contact else "",
            ]
            batch_lines.append(lines.line(cells))
        yield "".join(batch_lines)


@access_policy(access.PUBLIC)
def provider_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed from a values query: no model object per provider, and a worker's memory stays flat."""
    form = ProviderFilterForm(request.GET or None)
    rows = selectors.public_provider_values(**form.filters()).iterator(chunk_size=CSV_CHUNK)
    response = StreamingHttpResponse(
        _csv_lines(rows, set(form.regions)), content_type="text/csv; charset=utf-8"
    )
    filename = f"qualified-providers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@access_policy(access.PUBLIC)
def agreement_current(request: HttpRequest) -> HttpResponse:
    agreement = selectors.agreement_current()
    blocks = display.agreement_blocks(agreement.body) if agreement else []
    return render(request, "suppliers/agreement.html", {"agreement": agreement, "blocks": blocks})


@access_policy(access.PUBLIC)
def agreement_pdf(request: HttpRequest, version: str) -> HttpResponse:
    """Each version's PDF, made once by a task when it is published (suppliers.pdfs), never here."""
    agreement = get_object_or_404(FrameworkAgreement, version=version)
    return stored_pdfs.served(
        request,
        agreement,
        kind=pdfs.AGREEMENT,
        filename=f"framework-agreement-{agreement.version}.pdf",
        heading=f"The PDF of version {agreement.version} of the framework agreement is being prepared",
    )
