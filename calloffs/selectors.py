"""Reads for call-off competitions: what a commissioner manages, what the public finds, and what an
organisation may bid for.

`organisation_facts` is the one seam between qualification data and eligibility: it builds the facts
`calloffs.rules.eligibility` judges from today's qualification models. When organisations' standing
(turnover, cyber level, exclusion) gets its own model, only this function changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from calloffs import rules, sealed
from calloffs.models import (
    Amendment,
    Award,
    ClarificationQuestion,
    Competition,
    Contract,
    EvaluationCriterion,
    Evaluator,
    Lot,
    MarketWarmingNotice,
    ModeratedScore,
    OpportunityDocument,
    OutcomeLetter,
    Score,
    Tender,
    TenderFile,
)
from calloffs.rules import Eligibility, LotRequirements, OrganisationFacts
from calloffs.services.competitions import threshold_pence
from calloffs.services.evaluation_adapter import TENDERS
from portal.clock import london
from portal.evaluation import rules as evaluation
from portal.evaluation import services as shared
from portal.financial_profile import current_profiles, source_text
from portal.models import FinancialProfile, Organisation, Region, ServiceCategory, User
from portal.staff import regions_covered
from suppliers import selectors as supplier_selectors
from suppliers.models import Application, OrganisationRegion, OrganisationStanding, Qualification

# Commissioners' lists ----------------------------------------------------------------------------


def _outside(user: User) -> QuerySet[Region] | None:
    covered = regions_covered(user)
    return None if covered is None else Region.objects.exclude(pk__in=covered)


def competitions_for(user: User) -> QuerySet[Competition]:
    """The competitions a person manages: every one for an MoJ admin; for a commissioner, those whose
    regions are all regions they cover. Nobody else manages any."""
    if not (user.is_commissioner or user.is_moj_admin):
        return Competition.objects.none()
    outside = _outside(user)
    competitions = Competition.objects.all()
    if outside is not None:
        competitions = competitions.filter(regions__isnull=False).exclude(regions__in=outside).distinct()
    return competitions


def notices_for(user: User) -> QuerySet[MarketWarmingNotice]:
    if not (user.is_commissioner or user.is_moj_admin):
        return MarketWarmingNotice.objects.none()
    outside = _outside(user)
    notices = MarketWarmingNotice.objects.all()
    if outside is not None:
        notices = notices.filter(regions__isnull=False).exclude(regions__in=outside).distinct()
    return notices


@dataclass(frozen=True)
class StateGroup:
    state: str
    label: str
    items: list


def competitions_by_state(user: User, now: datetime | None = None) -> list[StateGroup]:
    now = now or timezone.now()
    competitions = list(competitions_for(user).prefetch_related("regions").order_by("-created_at", "-pk"))
    order = ["draft", "live", Competition.CLOSED, "awarded", "no_suitable_bidder", "cancelled", "withdrawn"]
    groups = []
    for state in order:
        items = [competition for competition in competitions if competition.state(now) == state]
        if items:
            groups.append(StateGroup(state, str(Competition.STATE_LABELS[state]), items))
    return groups


def notices_by_state(user: User) -> list[StateGroup]:
    notices = list(notices_for(user).prefetch_related("regions").order_by("-created_at", "-pk"))
    groups = []
    for state, label in MarketWarmingNotice.Status.choices:
        items = [notice for notice in notices if notice.status == state]
        if items:
            groups.append(StateGroup(state, str(label), items))
    return groups


def with_detail(competitions: QuerySet[Competition]) -> QuerySet[Competition]:
    """The competitions with everything a competition's page shows, in a fixed number of queries."""
    return (
        competitions.select_related("notice")
        .prefetch_related("regions", "lots__regions", "lots__category", "criteria", "checklist", "amendments")
        .prefetch_related("documents__amendment")
    )


def competition_detail(competition_pk: int) -> Competition | None:
    """A competition with everything its page shows, in a fixed number of queries."""
    return with_detail(Competition.objects.filter(pk=competition_pk)).first()


def public_competition(competition_pk: int) -> Competition | None:
    competition = competition_detail(competition_pk)
    if competition is None or competition.published_at is None:
        return None  # drafts, and drafts that were cancelled, were never public
    return competition


def public_notice(notice_pk: int) -> MarketWarmingNotice | None:
    return (
        MarketWarmingNotice.objects.exclude(status=MarketWarmingNotice.Status.DRAFT)
        .filter(pk=notice_pk)
        .prefetch_related("categories", "regions", "competitions", "documents")
        .first()
    )


# Eligibility -------------------------------------------------------------------------------------


def organisation_facts(organisation: Organisation) -> OrganisationFacts:
    """The facts eligibility needs: the organisation's qualifications and regions, and its standing (the
    typed facts of its latest decided questionnaire, `suppliers.OrganisationStanding`)."""
    return organisations_facts([organisation.pk])[organisation.pk]


def organisations_facts(organisation_ids: Iterable[int]) -> dict[int, OrganisationFacts]:
    """{organisation id: facts} for many organisations in four queries, however many there are (opening
    a competition's tenders judges every bidder again)."""
    ids = set(organisation_ids)
    standings = {
        standing.organisation_id: standing
        for standing in OrganisationStanding.objects.filter(organisation_id__in=ids)
    }
    categories: dict[int, set[int]] = {pk: set() for pk in ids}
    for organisation_id, category_id in Qualification.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "category_id"
    ):
        categories[organisation_id].add(category_id)
    regions: dict[int, set[int]] = {pk: set() for pk in ids}
    for organisation_id, region_id in OrganisationRegion.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "region_id"
    ):
        regions[organisation_id].add(region_id)
    # The turnover threshold judges the latest accounts when the organisation has given them (ADR 0024).
    profiles = current_profiles(ids)
    facts = {}
    for pk in ids:
        standing = standings.get(pk)
        profile = profiles.get(pk)
        facts[pk] = OrganisationFacts(
            qualified_category_ids=frozenset(categories[pk]),
            region_ids=frozenset(regions[pk]),
            turnover_pounds=_turnover_pounds(profile, standing),
            turnover_year_end=profile.year_end
            if profile
            else standing.financial_year_end
            if standing
            else None,
            turnover_source=source_text(profile) if profile else "",
            cyber_level=standing.cyber_level if standing else "none",
            cyber_expiry=standing.cyber_expiry_date if standing else None,
            excluded=standing is not None
            and standing.exclusion_decision == Application.ExclusionDecision.EXCLUDED,
        )
    return facts


def _turnover_pounds(profile: FinancialProfile | None, standing: OrganisationStanding | None) -> int | None:
    """Whole pounds, never rounded up past a threshold: the accounts' figure, else the questionnaire's."""
    if profile is not None:
        return profile.income_pence // 100
    return standing.turnover if standing else None


def _turnover_year_end(
    profile: FinancialProfile | None, standing: OrganisationStanding | None
) -> date | None:
    if profile is not None:
        return profile.year_end
    return standing.financial_year_end if standing else None


def lot_requirements(lot: Lot, competition: Competition) -> LotRequirements:
    """From a lot whose category and regions are loaded."""
    return LotRequirements(
        category_id=lot.category_id,
        category_name=lot.category.name,
        regions=tuple((region.pk, region.name) for region in lot.regions.all()),
        minimum_cyber_level=competition.minimum_cyber_level,
        minimum_turnover_pence=lot.minimum_turnover_pence,
    )


def eligibility_by_lot(organisation: Organisation, competition: Competition) -> dict[int, Eligibility]:
    """{lot id: eligibility} for one organisation, from the competition's prefetched lots."""
    facts = organisation_facts(organisation)
    assert competition.submission_deadline is not None  # eligibility is judged for published competitions
    deadline = london(competition.submission_deadline).date()
    return {
        lot.pk: rules.eligibility(facts, lot_requirements(lot, competition), deadline=deadline)
        for lot in competition.lots.all()
    }


# The opportunity finder --------------------------------------------------------------------------

COMPETITION, NOTICE = "competition", "notice"
VALUE_BANDS = {
    "under_100k": ("Under £100,000 a year", 0, 100_000_00),
    "100k_to_1m": ("£100,000 to £1,000,000 a year", 100_000_00, 1_000_000_00),
    "over_1m": ("Over £1,000,000 a year", 1_000_000_00 + 1, None),
}
SORTS = {
    "closing": ("Closing soonest", ["closing", "kind", "pk"]),
    "newest": ("Newest first", ["-published", "kind", "-pk"]),
    "value": ("Highest value first", ["-value", "closing", "pk"]),
}


@dataclass(frozen=True)
class FinderFilters:
    category: ServiceCategory | None = None
    region: Region | None = None
    value_band: str = ""
    closing_within_days: int | None = None
    any_size: bool = False
    kind: str = ""
    sort: str = "closing"


def _band_q(prefix_low: str, prefix_high: str, band: str) -> Q:
    _label, low, high = VALUE_BANDS[band]
    condition = Q(**{f"{prefix_high}__gte": low})
    if high is not None:
        condition &= Q(**{f"{prefix_low}__lt": high})
    return condition


def finder_rows(filters: FinderFilters, now: datetime | None = None):
    """Open competitions and published notices matching the filters, as one sorted, sliceable query of
    rows (kind, pk, title, closing, published, value): the page then loads only its own objects."""
    now = now or timezone.now()
    competitions = Competition.objects.open(now)
    notices = MarketWarmingNotice.objects.published()
    lots = Lot.objects.filter(competition=OuterRef("pk"))
    if filters.category is not None:
        lots = lots.filter(category=filters.category)
        notices = notices.filter(categories=filters.category)
    if filters.region is not None:
        lots = lots.filter(regions=filters.region)
        notices = notices.filter(regions=filters.region)
    if filters.value_band in VALUE_BANDS:
        lots = lots.filter(_band_q("annual_value_pence", "annual_value_pence", filters.value_band))
        notices = notices.filter(_band_q("value_low_pence", "value_high_pence", filters.value_band))
    if filters.any_size:
        lots = lots.filter(minimum_turnover_pence__isnull=True)
        notices = notices.filter(
            Q(value_high_pence__isnull=True) | Q(value_high_pence__lte=threshold_pence())
        )
    if filters.closing_within_days:
        last = now + timedelta(days=filters.closing_within_days)
        competitions = competitions.filter(submission_deadline__lte=last)
        notices = notices.filter(expected_deadline__lte=timezone.localdate(last))
    competitions = competitions.filter(Exists(lots))
    if filters.kind == COMPETITION:
        notices = notices.none()
    elif filters.kind == NOTICE:
        competitions = competitions.none()
    competition_rows = (
        competitions.annotate(
            kind=Value(COMPETITION, output_field=CharField()),
            closing=F("submission_deadline"),
            published=F("published_at"),
            value=Coalesce(Max("lots__annual_value_pence"), Value(0), output_field=BigIntegerField()),
        )
        .values("kind", "pk", "closing", "published", "value")
        .order_by()
    )
    # A notice "closes" at the end of its expected deadline's day; sorted among competitions by it.
    notice_rows = (
        notices.annotate(
            kind=Value(NOTICE, output_field=CharField()),
            closing=Cast("expected_deadline", DateTimeField()),
            published=F("published_at"),
            value=Coalesce(F("value_high_pence"), Value(0), output_field=BigIntegerField()),
        )
        .values("kind", "pk", "closing", "published", "value")
        .order_by()
    )
    _label, order = SORTS.get(filters.sort, SORTS["closing"])
    return competition_rows.union(notice_rows, all=True).order_by(*order)


@dataclass(frozen=True)
class FinderItem:
    kind: str
    obj: Competition | MarketWarmingNotice
    days_left: int | None
    lots: list


def finder_items(rows, now: datetime | None = None) -> list[FinderItem]:
    """The objects of one page of `finder_rows`, with what the list shows, in three or four queries."""
    now = now or timezone.now()
    rows = list(rows)
    competition_ids = [row["pk"] for row in rows if row["kind"] == COMPETITION]
    notice_ids = [row["pk"] for row in rows if row["kind"] == NOTICE]
    competitions = Competition.objects.prefetch_related("lots__regions", "lots__category").in_bulk(
        competition_ids
    )
    notices = MarketWarmingNotice.objects.prefetch_related("categories", "regions").in_bulk(notice_ids)
    items = []
    for row in rows:
        if row["kind"] == COMPETITION:
            competition = competitions[row["pk"]]
            days = rules.days_left(competition.submission_deadline, now)
            items.append(FinderItem(COMPETITION, competition, days, list(competition.lots.all())))
        else:
            items.append(FinderItem(NOTICE, notices[row["pk"]], None, []))
    return items


# "Can I bid?" ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    category: ServiceCategory
    region: Region
    annual_value_pence: int
    over_threshold: bool
    threshold_pence: int
    turnover_cap_pence: int
    open_lots: int


def needs_for(*, category: ServiceCategory, region: Region, annual_value_pence: int) -> Needs:
    """What an organisation would need to bid for a lot like this, and how many open lots are like it."""
    threshold = threshold_pence()
    open_lots = Lot.objects.filter(
        competition__in=Competition.objects.open(), category=category, regions=region
    ).count()
    return Needs(
        category=category,
        region=region,
        annual_value_pence=annual_value_pence,
        over_threshold=rules.is_over_threshold(annual_value_pence, threshold),
        threshold_pence=threshold,
        turnover_cap_pence=rules.turnover_cap(annual_value_pence),
        open_lots=open_lots,
    )


def supplier_organisation(user: User) -> Organisation | None:
    membership = getattr(user, "membership", None) if user.is_authenticated and user.is_supplier else None
    return membership.organisation if membership else None


def today() -> date:
    return timezone.localdate()


# Documents ---------------------------------------------------------------------------------------


def document_for(user: User, document_pk: int) -> OpportunityDocument | None:
    """A document anyone may download once its notice or competition is published; while it is a draft,
    only the people who manage it (its regions' commissioners, MoJ admins). None otherwise."""
    document = (
        OpportunityDocument.objects.select_related("competition", "notice").filter(pk=document_pk).first()
    )
    if document is None:
        return None
    if not user.is_authenticated:
        user = None
    opportunity = document.opportunity
    if isinstance(opportunity, Competition):
        if opportunity.published_at is not None:
            return document
        managed = user is not None and competitions_for(user).filter(pk=opportunity.pk).exists()
    else:
        if opportunity.status != MarketWarmingNotice.Status.DRAFT:
            return document
        managed = user is not None and notices_for(user).filter(pk=opportunity.pk).exists()
    return document if managed else None


# Evaluation (after the tenders are opened) -------------------------------------------------------
# Every read of a tender goes through `calloffs.sealed`; these shape what the evaluation pages show.


def evaluator_of(user: User, competition: Competition) -> Evaluator | None:
    return Evaluator.objects.filter(competition=competition, user=user).first()


def evaluators(competition: Competition) -> list[Evaluator]:
    return list(
        competition.evaluators.select_related("user")
        .annotate(declared=Count("declarations", distinct=True), scored=Count("scores", distinct=True))
        .order_by("user__full_name", "user__email")
    )


def opened_tenders(competition: Competition) -> list[Tender]:
    """The opened tenders, by lot: their bidders' names are what evaluators declare about."""
    return list(
        sealed.opened_tenders()
        .filter(competition=competition)
        .select_related("organisation", "lot")
        .order_by("lot__number", "organisation__legal_name", "pk")
    )


def not_opened_tenders(competition: Competition) -> list[Tender]:
    """Submitted tenders left unopened at the deadline because the organisation was no longer eligible:
    only the organisation and the reason, never the content."""
    if sealed.is_sealed(competition):
        return []
    return list(
        Tender.objects.filter(competition=competition, status=Tender.Status.SUBMITTED)
        .exclude(excluded_reason="")
        .select_related("organisation", "lot")
        .order_by("lot__number", "organisation__legal_name")
    )


@dataclass(frozen=True)
class EvaluatorTender:
    tender: Tender
    declared: bool
    has_conflict: bool
    scored: int  # criteria this evaluator has scored


def my_evaluation(evaluator: Evaluator, tenders: list[Tender]) -> list[EvaluatorTender]:
    """Each of the opened tenders (`opened_tenders`), with the evaluator's own declaration and progress."""
    declarations = {d.tender_id: d for d in evaluator.declarations.all()}
    scored = dict(evaluator.scores.values("tender_id").annotate(n=Count("pk")).values_list("tender_id", "n"))
    return [
        EvaluatorTender(
            tender,
            tender.pk in declarations,
            tender.pk in declarations and declarations[tender.pk].has_conflict,
            scored.get(tender.pk, 0),
        )
        for tender in tenders
    ]


def tender_for_evaluation(user: User, competition: Competition, tender_pk: int) -> Tender | None:
    """An opened tender the person may read (`calloffs.sealed`), with everything its page shows."""
    return (
        sealed.opened_tenders_for(user)
        .filter(competition=competition, pk=tender_pk)
        .select_related("organisation", "lot", "current_version", "competition")
        .prefetch_related("responses", "files", "signatures", "partners")
        .first()
    )


def tender_file_for_evaluation(user: User, competition: Competition, tender_pk: int, file_pk: int):
    return (
        TenderFile.objects.filter(
            pk=file_pk,
            tender__in=sealed.opened_tenders_for(user).filter(competition=competition, pk=tender_pk),
        )
        .select_related("tender")
        .first()
    )


def my_scores(evaluator: Evaluator, tender: Tender) -> dict[int, Score]:
    """{criterion id: score}: this evaluator's own, never anyone else's."""
    return {score.criterion_id: score for score in Score.objects.filter(evaluator=evaluator, tender=tender)}


@dataclass(frozen=True)
class ModerationRow:
    criterion: EvaluationCriterion
    scores: list[Score]  # every evaluator's, beside the agreed score
    agreed: ModeratedScore | None


def moderation_sheet(tender: Tender) -> list[ModerationRow]:
    criteria = list(tender.competition.criteria.all())
    scores = list(
        Score.objects.filter(tender=tender).select_related("evaluator__user").order_by("evaluator__pk")
    )
    agreed = {m.criterion_id: m for m in ModeratedScore.objects.filter(tender=tender)}
    return [
        ModerationRow(
            criterion,
            [score for score in scores if score.criterion_id == criterion.pk],
            agreed.get(criterion.pk),
        )
        for criterion in criteria
    ]


@dataclass(frozen=True)
class TableRow:
    """One tender in a lot's evaluation table. `rank` is None for a tender not ranked: not fully
    moderated, non-compliant, or not opened (no longer eligible at the deadline). `conflicted`: the person
    looking declared a conflict with its bidder, so its scores, total, rank and notes are left out."""

    tender: Tender
    agreed: dict[int, int]  # criterion id: agreed score
    total: Decimal | None
    rank: int | None
    non_compliant_reason: str
    excluded_reason: str
    conflicted: bool = False


def _hidden(row: TableRow) -> TableRow:
    return TableRow(row.tender, {}, None, None, "", "", conflicted=True)


def evaluation_table(competition: Competition, lot: Lot, *, viewer: User | None = None) -> list[TableRow]:
    """A lot's submitted tenders ranked by the weighted total of their agreed (moderated) scores, highest
    first, equal totals sharing a rank; then those not ranked. Empty while the tenders are sealed. For a
    `viewer` who declared a conflict with a bidder, that bidder's row shows its name only. Four queries,
    whatever the number of tenders."""
    if sealed.is_sealed(competition):
        return []
    tenders = {
        tender.pk: tender
        for tender in Tender.objects.filter(
            competition=competition, lot=lot, status=Tender.Status.SUBMITTED
        ).select_related("organisation")
    }
    weightings = dict(
        EvaluationCriterion.objects.filter(competition=competition).values_list("pk", "weighting")
    )
    agreed: dict[int, dict[int, int]] = {pk: {} for pk in tenders}
    for tender_id, criterion_id, score in ModeratedScore.objects.filter(tender_id__in=tenders).values_list(
        "tender_id", "criterion_id", "score"
    ):
        agreed[tender_id][criterion_id] = score
    totals = {
        pk: evaluation.weighted_total(agreed[pk], weightings, score_max=competition.score_max)
        for pk in tenders
    }
    excluded = [pk for pk, tender in tenders.items() if tender.non_compliant_reason or tender.excluded_reason]
    conflicted = shared.conflicted_bid_ids(TENDERS, viewer, tenders) if viewer is not None else set()
    rows = [
        TableRow(
            tenders[row.bid_id],
            agreed[row.bid_id],
            row.total,
            row.rank,
            tenders[row.bid_id].non_compliant_reason,
            tenders[row.bid_id].excluded_reason,
        )
        for row in evaluation.ranking(totals, excluded=excluded)
    ]
    return [_hidden(row) if row.tender.pk in conflicted else row for row in rows]


# Awards (calloffs.services.awards) ----------------------------------------------------------------


@dataclass(frozen=True)
class RankedTender:
    tender: Tender
    total: Decimal | None
    rank: int | None  # None: not ranked (not fully moderated, excluded or not compliant)
    awardable: bool
    conflicted: bool = False  # the viewer declared a conflict with the bidder: its name only


def lot_ranking(lot: Lot, *, viewer: User) -> list[RankedTender]:
    """The lot's ranking (`evaluation_table`) as the viewer may see it, each row saying whether the tender
    may be awarded."""
    from calloffs.services.awards import awardable_problem

    return [
        RankedTender(
            row.tender,
            row.total,
            row.rank,
            not row.conflicted and not awardable_problem(row.tender),
            conflicted=row.conflicted,
        )
        for row in evaluation_table(lot.competition, lot, viewer=viewer)
    ]


def standing_award(lot: Lot) -> Award | None:
    """The lot's decision that stands (not withdrawn), with its contract if recorded."""
    return (
        Award.objects.filter(lot=lot, withdrawn_at__isnull=True)
        .select_related("tender__organisation", "contract")
        .first()
    )


@dataclass(frozen=True)
class AwardNotice:
    lot: Lot
    contract: Contract
    tenders_received: int


def award_notices(competition: Competition) -> list[AwardNotice]:
    """The public award notices: one per lot whose contract is recorded."""
    contracts = (
        Contract.objects.filter(award__lot__competition=competition, award__withdrawn_at__isnull=True)
        .select_related("award__lot", "organisation")
        .annotate(
            tenders_received=Count(
                "award__lot__tenders", filter=Q(award__lot__tenders__status=Tender.Status.SUBMITTED)
            )
        )
        .order_by("award__lot__number")
    )
    return [AwardNotice(contract.award.lot, contract, contract.tenders_received) for contract in contracts]


def outcome_letter_for(user: User, tender_pk: int, letter_pk: int) -> OutcomeLetter | None:
    """An outcome letter, for the people of the organisation whose tender it is about; None otherwise."""
    return (
        OutcomeLetter.objects.filter(pk=letter_pk, tender_id=tender_pk, tender__in=sealed.own_tenders(user))
        .select_related("tender")
        .first()
    )


def outcome_letters_for(user: User, tender_pk: int) -> QuerySet[OutcomeLetter]:
    """A tender's outcome letters, oldest first, for the people of the organisation whose tender it is."""
    return (
        OutcomeLetter.objects.filter(tender_id=tender_pk, tender__in=sealed.own_tenders(user))
        .select_related("award__lot")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class PartnerSought:
    organisation: Organisation
    looking_for: list[str]


def partners_by_lot(lots: list[Lot]) -> dict[int, list[PartnerSought]]:
    """For each lot, the qualified organisations with public contact details that look for a lead
    partner or for subcontractors in its category and one of its regions (one query for every lot)."""
    category_ids = {lot.category_id for lot in lots}
    region_ids = {region.pk for lot in lots for region in lot.regions.all()}
    searches = list(supplier_selectors.partners_sought(category_ids, region_ids))
    found: dict[int, list[PartnerSought]] = {}
    for lot in lots:
        lot_regions = {region.pk for region in lot.regions.all()}
        by_organisation: dict[int, PartnerSought] = {}
        for search in searches:
            if search.category_id == lot.category_id and search.region_id in lot_regions:
                entry = by_organisation.setdefault(
                    search.organisation_id, PartnerSought(search.organisation, [])
                )
                label = search.get_looking_for_display()
                if label not in entry.looking_for:
                    entry.looking_for.append(label)
        found[lot.pk] = list(by_organisation.values())
    return found


# Clarification questions and re-confirmation (calloffs.services.clarifications) -------------------


def published_clarifications(competition: Competition) -> QuerySet[ClarificationQuestion]:
    """What everyone reads: the published question and answer. The view passes only these fields on."""
    return (
        competition.clarifications.filter(published_at__isnull=False)
        .order_by("published_at", "pk")
        .only("pk", "competition_id", "published_question", "answer", "published_at", "amendment_id")
    )


def clarifications_to_answer(competition: Competition) -> QuerySet[ClarificationQuestion]:
    """The commissioner's list: waiting for an answer first, the soonest due first. Who asked is not
    read."""
    return (
        competition.clarifications.order_by(
            F("published_at").asc(nulls_first=True), F("answer_by").asc(nulls_last=True), "asked_at", "pk"
        )
        .defer("organisation", "asked_by")
        .select_related("amendment")
    )


def organisation_clarifications(organisation: Organisation, competition: Competition):
    """The questions this organisation asked about the competition, for its own people."""
    return competition.clarifications.filter(organisation=organisation).order_by("asked_at", "pk")


def tenders_needing_reconfirmation(organisation_id: int, now: datetime | None = None) -> QuerySet[Tender]:
    """The organisation's submitted tenders, on competitions still open, that stand against an earlier
    amendment than the competition's latest: the bidder must confirm each (or withdraw and submit again).
    A tender stands against the amendment it confirmed, or the one in force when it was submitted."""
    latest = (
        Amendment.objects.filter(competition=OuterRef("competition")).order_by("-number").values("number")
    )
    return (
        Tender.objects.filter(
            organisation_id=organisation_id,
            status=Tender.Status.SUBMITTED,
            competition__in=Competition.objects.open(now),
        )
        .annotate(
            latest_amendment=Coalesce(Subquery(latest[:1]), 0),
            stands_against=Greatest("confirmed_amendment", Coalesce("current_version__amendment_number", 0)),
        )
        .filter(stands_against__lt=F("latest_amendment"))
        .select_related("competition", "lot")
        .order_by("competition__submission_deadline", "competition_id", "lot__number")
    )


def tenders_to_reconfirm(organisation_id: int, now: datetime | None = None) -> list[Tender]:
    """`tenders_needing_reconfirmation`, for the pages that show it on every request (the dashboard, the
    tender list and task list). Most organisations have none, and the full query, with its subquery and
    annotations, costs more to build than to run: a plain one asks first whether any submitted tender of
    theirs on an open competition has an amendment after the one it confirmed. A tender must have one to
    need confirming (it stands against at least the amendment it confirmed), so the answer is the same."""
    now = now or timezone.now()
    candidates = Tender.objects.filter(
        organisation_id=organisation_id,
        status=Tender.Status.SUBMITTED,
        competition__status=Competition.Status.LIVE,  # open: `CompetitionQuerySet.open`, as joins
        competition__submission_deadline__gt=now,
        competition__amendments__number__gt=F("confirmed_amendment"),
    )
    if not candidates.exists():
        return []
    return list(tenders_needing_reconfirmation(organisation_id, now))
