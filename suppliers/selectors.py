"""Reads for qualification: applications, what organisations are qualified for, the public list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypedDict, cast

from django.db.models import (
    Aggregate,
    BigIntegerField,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import FinancialProfile, Organisation, Region, ServiceCategory
from suppliers import accounts, sections, standing
from suppliers.models import (
    Application,
    CategoryChoice,
    FrameworkAgreement,
    OrganisationRegion,
    OrganisationStanding,
    PartnerSearch,
    Qualification,
)
from suppliers.retry import Result, RetryStatus, retry_status


def applications_for(organisation: Organisation) -> QuerySet[Application]:
    """Every version, newest first."""
    return Application.objects.filter(organisation=organisation).order_by("-number")


def draft_for(organisation: Organisation) -> Application | None:
    return Application.objects.drafts().filter(organisation=organisation).first()


def latest_sent(organisation: Organisation) -> Application | None:
    """The last version the organisation submitted (decided or not)."""
    return Application.objects.sent().filter(organisation=organisation).order_by("-number").first()


def categories_not_passed(application: Application) -> QuerySet[CategoryChoice]:
    """The categories a decided version failed, with their feedback; none before the decision."""
    if application.status != Application.Status.DECIDED:
        return CategoryChoice.objects.none()
    return application.category_choices.filter(outcome=CategoryChoice.Outcome.FAIL).select_related("category")


def agreement_current() -> FrameworkAgreement | None:
    return FrameworkAgreement.objects.filter(is_current=True).first()


def retry_status_for(organisation: Organisation, today: date | None = None) -> RetryStatus:
    """The retry rule for the organisation on `today` (London's date), from its decided applications."""
    passed = CategoryChoice.objects.filter(application=OuterRef("pk"), outcome=CategoryChoice.Outcome.PASS)
    decided = (
        Application.objects.decided()
        .filter(organisation=organisation)
        .annotate(any_passed=Exists(passed))
        .order_by("decided_at", "pk")
    )
    outcomes = [
        (timezone.localdate(decided_at), _retry_result(outcome, any_passed))
        for decided_at, outcome, any_passed in decided.values_list("decided_at", "outcome", "any_passed")
    ]
    return retry_status(outcomes, today or timezone.localdate())


def _retry_result(outcome: str, any_passed: bool) -> Result:
    if outcome == Application.Outcome.UNSUCCESSFUL:
        return Result.FAILED
    return Result.PASSED if any_passed else Result.NOTHING_ASSESSED


def qualified_categories(organisation: Organisation) -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(qualifications__organisation=organisation).order_by("number")


def organisation_regions(organisation: Organisation) -> QuerySet[Region]:
    return Region.objects.filter(
        pk__in=OrganisationRegion.objects.filter(organisation=organisation).values("region")
    ).order_by("sort_order", "name")


def qualified_for(organisation: Organisation) -> list[tuple[ServiceCategory, Region]]:
    """Every (category, region) pair the organisation is qualified for: its categories times its regions."""
    regions = list(organisation_regions(organisation))
    return [(category, region) for category in qualified_categories(organisation) for region in regions]


def is_qualified_for(*, organisation: Organisation, category: ServiceCategory, region: Region) -> bool:
    """The call-off rule: qualified under this category, for this region (docs/domain.md §5)."""
    return (
        Qualification.objects.filter(organisation=organisation, category=category).exists()
        and OrganisationRegion.objects.filter(organisation=organisation, region=region).exists()
    )


def qualified_organisations(*, category: ServiceCategory, region: Region) -> QuerySet[Organisation]:
    """Organisations that may take part in a call-off for this category and region."""
    return Organisation.objects.filter(
        qualifications__category=category, framework_regions__region=region
    ).distinct()


def draft_count() -> int:
    """How many questionnaires are being filled in: all MoJ admins may know of drafts (ADR 0005)."""
    return Application.objects.drafts().count()


def review_queue(
    status: str | None = None, category: ServiceCategory | None = None, waited_days: int | None = None
) -> QuerySet[Application]:
    """Applications for MoJ admins: those waiting, the soonest due a decision first; those decided, the
    longest waiting first. Defaults to those waiting for a decision; `waited_days` keeps those sent at
    least that many days ago."""
    status = status or Application.Status.SUBMITTED
    waiting = status == Application.Status.SUBMITTED
    order = ("decide_by", "submitted_at", "pk") if waiting else ("submitted_at", "pk")
    applications = Application.objects.filter(status=status)
    if waited_days:
        applications = applications.filter(submitted_at__lte=timezone.now() - timedelta(days=waited_days))
    if category is not None:
        applications = applications.filter(category_choices__category=category).distinct()
    return (
        applications.select_related("organisation", "submitted_by")
        .prefetch_related(
            Prefetch("category_choices", queryset=CategoryChoice.objects.select_related("category"))
        )
        .order_by(*order)
    )


class _Pk(TypedDict):
    pk: int


def _public_provider_ids(
    category: ServiceCategory | None,
    region: Region | None,
    size: str | None,
    q: str | None,
    looking_for: str | None = None,
) -> QuerySet[Organisation, _Pk]:
    providers = Organisation.objects.filter(qualifications__isnull=False)
    if category is not None:
        providers = providers.filter(qualifications__category=category)
    if region is not None:
        providers = providers.filter(framework_regions__region=region)
    if size:
        providers = providers.filter(size_band=size)
    if q:
        providers = providers.filter(Q(legal_name__icontains=q) | Q(trading_name__icontains=q))
    if looking_for:
        # Looking for partners in the chosen category and region (any, if none chosen), contact public.
        searches = PartnerSearch.objects.filter(organisation=OuterRef("pk"), looking_for=looking_for)
        if category is not None:
            searches = searches.filter(category=category)
        if region is not None:
            searches = searches.filter(region=region)
        providers = providers.filter(Exists(searches), show_contact_publicly=True)
    return providers.values("pk")


def public_providers(
    category: ServiceCategory | None = None,
    region: Region | None = None,
    size: str | None = None,
    q: str | None = None,
    looking_for: str | None = None,
) -> QuerySet[Organisation]:
    """Qualified organisations for the public list, with `qualifications` (and their category) and
    `framework_regions` (and their region) prefetched: three queries however many providers."""
    return (
        Organisation.objects.filter(pk__in=_public_provider_ids(category, region, size, q, looking_for))
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.select_related("category")),
            Prefetch("framework_regions", queryset=OrganisationRegion.objects.select_related("region")),
        )
        .order_by("legal_name")
    )


PUBLIC_PROVIDER_FIELDS = (
    "pk",
    "legal_name",
    "trading_name",
    "size_band",
    "is_vcse",
    "show_contact_publicly",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class IdList(Aggregate):
    """The values as text, comma-separated, in no particular order: GROUP_CONCAT in SQLite, STRING_AGG in
    PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def _ids_of(model, field: str) -> Subquery:
    rows = model.objects.filter(organisation=OuterRef("pk")).order_by().values("organisation")
    return Subquery(rows.annotate(ids=IdList(field)).values("ids"))


def public_provider_values(
    category: ServiceCategory | None = None,
    region: Region | None = None,
    size: str | None = None,
    q: str | None = None,
    looking_for: str | None = None,
) -> QuerySet:
    """The same providers as `public_providers` in one query, as dicts (no model objects), for the CSV:
    PUBLIC_PROVIDER_FIELDS, with `category_ids` and `region_ids` as comma-separated ids."""
    return (
        Organisation.objects.filter(pk__in=_public_provider_ids(category, region, size, q, looking_for))
        .annotate(
            category_ids=_ids_of(Qualification, "category_id"),
            region_ids=_ids_of(OrganisationRegion, "region_id"),
        )
        .order_by("legal_name", "pk")
        .values(*PUBLIC_PROVIDER_FIELDS, "category_ids", "region_ids")
    )


def answers_preview(application: Application) -> dict[str, Any]:
    """A draft's answers in the shape of a submitted version's snapshot, for "check your answers"."""
    return {
        "answers": application.answers,
        "categories": sections.category_answers(application)["choices"],
        "organisation": sections.organisation_answers(application.organisation),
        "financial_profile": accounts.snapshot_of(application.answers),
    }


def application_errors(application: Application, today: date | None = None) -> dict[str, dict[str, str]]:
    """{section slug: {field: message}} for every section with errors."""
    return sections.application_errors(application, today=today)


def section_statuses(application: Application, today: date | None = None) -> dict[str, str]:
    """{section slug: not_started | in_progress | completed}, in order."""
    return sections.section_statuses(application, today=today)


@dataclass(frozen=True)
class CyberCertificate:
    organisation: Organisation
    application: Application
    level: str
    certificate_number: str
    expiry_date: date

    @classmethod
    def of(cls, standing: OrganisationStanding) -> CyberCertificate:
        return cls(
            organisation=standing.organisation,
            application=standing.application,
            level=standing.cyber_level,
            certificate_number=standing.cyber_certificate_number,
            # Read only from standings with a certificate, which has an expiry date.
            expiry_date=cast(date, standing.cyber_expiry_date),
        )


def _certificate_standings(organisation: Organisation | None = None) -> QuerySet[OrganisationStanding]:
    standings = OrganisationStanding.objects.with_certificate().select_related("organisation", "application")
    return standings if organisation is None else standings.filter(organisation=organisation)


def cyber_certificates(organisation: Organisation | None = None) -> list[CyberCertificate]:
    """The certificate each organisation (or the one given) declared in its latest decided application
    (none if it declared "none"), from its standing: one query."""
    standings = _certificate_standings(organisation).order_by("organisation__legal_name", "pk")
    return [CyberCertificate.of(standing) for standing in standings]


def cyber_certificates_expiring_query(
    *, within_days: int = 30, today: date | None = None
) -> QuerySet[OrganisationStanding]:
    """Standings whose certificate is still valid and expires within `within_days` days, both days
    included."""
    today = today or timezone.localdate()
    return _certificate_standings().filter(
        cyber_expiry_date__gte=today, cyber_expiry_date__lte=today + timedelta(days=within_days)
    )


def cyber_certificates_expiring(
    *, within_days: int = 30, today: date | None = None, organisation: Organisation | None = None
) -> list[CyberCertificate]:
    """Certificates still valid that expire within `within_days` days from today, both days included."""
    today = today or timezone.localdate()
    standings = cyber_certificates_expiring_query(within_days=within_days, today=today)
    if organisation is not None:
        standings = standings.filter(organisation=organisation)
    standings = standings.order_by("cyber_expiry_date", "organisation__legal_name")
    return [CyberCertificate.of(standing) for standing in standings]


def cyber_certificates_due(
    *, within_days: int = 30, today: date | None = None, organisation: Organisation | None = None
) -> list[CyberCertificate]:
    """Certificates that have expired or expire within `within_days` days, the soonest first."""
    last_day = (today or timezone.localdate()) + timedelta(days=within_days)
    standings = _certificate_standings(organisation).filter(cyber_expiry_date__lte=last_day)
    standings = standings.order_by("cyber_expiry_date", "organisation__legal_name")
    return [CyberCertificate.of(standing) for standing in standings]


# Eligibility facts --------------------------------------------------------------------------------


def eligible_organisations(
    *,
    category: ServiceCategory,
    region: Region,
    min_turnover: int | None = None,
    min_cyber_level: str | None = None,
    cyber_valid_on: date | None = None,
) -> QuerySet[Organisation]:
    """Every organisation that may bid for a lot of this category and region: qualified for the
    category, working in the region, not excluded (by its latest decision), with an annual turnover of
    at least `min_turnover` whole pounds and a cyber certificate of at least `min_cyber_level` still
    valid on `cyber_valid_on` (a certificate is expired on its expiry date, as the questionnaire judges
    it). One query, however many organisations."""
    standings = OrganisationStanding.objects.not_excluded()
    if min_turnover is not None:
        # The latest accounts when the organisation has given them, else the decided questionnaire's.
        latest_accounts = FinancialProfile.objects.filter(organisation=OuterRef("organisation")).order_by(
            "-pk"
        )
        standings = standings.annotate(
            turnover_pence=Coalesce(
                Subquery(latest_accounts.values("income_pence")[:1]),
                F("turnover") * 100,
                output_field=BigIntegerField(),
            )
        ).filter(turnover_pence__gte=min_turnover * 100)
    if min_cyber_level is not None:
        standings = standings.filter(cyber_rank__gte=standing.cyber_rank(min_cyber_level))
    if cyber_valid_on is not None:
        standings = standings.with_certificate().filter(cyber_expiry_date__gt=cyber_valid_on)
    return Organisation.objects.filter(
        Exists(Qualification.objects.filter(organisation=OuterRef("pk"), category=category)),
        Exists(OrganisationRegion.objects.filter(organisation=OuterRef("pk"), region=region)),
        Exists(standings.filter(organisation=OuterRef("pk"))),
    ).order_by("legal_name")


def qualified_categories_after(application: Application) -> QuerySet[ServiceCategory]:
    """What the organisation was qualified for once this application was decided: the categories
    granted by it and by the organisation's earlier applications."""
    return ServiceCategory.objects.filter(
        qualifications__organisation=application.organisation_id,
        qualifications__granted_by__number__lte=application.number,
    ).order_by("number")


def partner_searches_of(organisation: Organisation) -> QuerySet[PartnerSearch]:
    return PartnerSearch.objects.filter(organisation=organisation).select_related("category", "region")


def partners_sought(category_ids: set[int], region_ids: set[int]) -> QuerySet[PartnerSearch]:
    """What organisations with public contact details and qualified in the category say they look for,
    in these categories and regions (one query): for a competition's lots."""
    qualified = Qualification.objects.filter(
        organisation=OuterRef("organisation"), category=OuterRef("category")
    )
    return (
        PartnerSearch.objects.filter(
            category__in=category_ids, region__in=region_ids, organisation__show_contact_publicly=True
        )
        .filter(Exists(qualified))
        .select_related("organisation")
        .order_by("organisation__legal_name", "looking_for")
    )
