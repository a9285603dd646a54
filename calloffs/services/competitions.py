"""Call-off competitions (docs/domain.md §5): drafting, lots, criteria and checklist, publishing,
cancelling and amending, by the commissioners of the competition's regions.

Each service checks who is asking (a commissioner only for the regions they cover; an MoJ admin for
any), checks the current state, makes the change in one transaction with its audit event, and refuses
with `RuleBroken` (or `Problems`, several at once) in plain English. The rules themselves live in
`calloffs.rules`, as pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from calloffs import rules
from calloffs.models import (
    DEFAULT_CYBER_LEVEL,
    Amendment,
    ChecklistItem,
    Competition,
    EvaluationCriterion,
    Lot,
    MarketWarmingNotice,
)
from calloffs.rules import CriterionTerms, LotTerms
from calloffs.services.ownership import check_covers, check_owns, check_staff
from portal.audit import audit_record
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import ServiceCategory, User
from portal.page_cache import public_pages_changed
from portal.queueing import queue_on_commit
from portal.staff import regions_covered

NOT_A_DRAFT = "This competition has been published, so it can only be changed by an amendment."


def threshold_pence() -> int:
    """The financial threshold, from the setting (whole pounds)."""
    return settings.CALLOFF_FINANCIAL_THRESHOLD_POUNDS * 100


# Competitions: the draft -------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetitionData:
    title: str
    region_ids: frozenset[int]
    summary: str = ""
    notice_id: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    minimum_cyber_level: str = DEFAULT_CYBER_LEVEL
    clarification_deadline: datetime | None = None
    submission_deadline: datetime | None = None
    expected_award_date: date | None = None


def _competition_field_problems(data: CompetitionData, *, now: datetime) -> list[RuleBroken]:
    """What can be judged while drafting: the dates given, as if the competition were published now."""
    problems = []
    if not data.title.strip():
        problems.append(RuleBroken("Enter a title", field="title"))
    if not data.region_ids:
        problems.append(RuleBroken("Select at least one region", field="regions"))
    if rules.CYBER_RANK.get(data.minimum_cyber_level, 0) < rules.CYBER_RANK[rules.MINIMUM_CYBER_LEVEL]:
        problems.append(RuleBroken("Select Cyber Essentials or a higher level", field="minimum_cyber_level"))
    dates = rules.CompetitionDates(
        data.clarification_deadline, data.submission_deadline, data.expected_award_date
    )
    problems += [
        problem
        for problem in rules.date_problems(dates, published_at=now)
        if not problem.message.startswith("Enter ")
    ]
    return problems


def _standard_checklist(competition: Competition) -> None:
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            competition=competition,
            position=position,
            name=item.name,
            kind=item.kind,
            required=item.required,
            standard_code=item.code,
        )
        for position, item in enumerate(rules.STANDARD_CHECKLIST, start=1)
    )


def competition_save(
    *, user: User, data: CompetitionData, competition: Competition | None = None, now: datetime | None = None
) -> Competition:
    """Create a draft competition (with the six standard checklist items) or change a draft's details.
    Its dates are judged as if it were published `now` (the server's clock unless given)."""
    check_covers(user, data.region_ids)
    raise_problems(_competition_field_problems(data, now=now or timezone.now()))
    if data.notice_id is not None:
        notice = MarketWarmingNotice.objects.filter(pk=data.notice_id).first()
        if notice is None or not frozenset(notice.regions.values_list("pk", flat=True)) & data.region_ids:
            raise RuleBroken("Select a market warming notice for one of these regions", field="notice")
    with transaction.atomic():
        created = competition is None
        if competition is None:
            competition = Competition(created_by=user)
        else:
            check_owns(user, competition)
            competition = locked(Competition, competition.pk)
            if not competition.is_draft:
                raise RuleBroken(NOT_A_DRAFT)
            lot_regions = Lot.regions.through.objects.filter(lot__competition=competition)
            used = set(lot_regions.values_list("region_id", flat=True))
            if not used <= data.region_ids:
                raise RuleBroken("Remove those regions from the lots first: a lot uses them", field="regions")
        for name in (
            "title",
            "summary",
            "notice_id",
            "contact_name",
            "contact_email",
            "minimum_cyber_level",
            "clarification_deadline",
            "submission_deadline",
            "expected_award_date",
        ):
            setattr(competition, name, getattr(data, name))
        competition.save()
        competition.regions.set(data.region_ids)
        if created:
            _standard_checklist(competition)
        audit_record(
            actor=user,
            action="competition.created" if created else "competition.changed",
            summary=f"Competition {'drafted' if created else 'changed'}: {competition.title}",
            obj=competition,
        )
    return competition


def check_draft(user: User, competition: Competition) -> Competition:
    check_owns(user, competition)
    draft = locked(Competition, competition.pk)
    if not draft.is_draft:
        raise RuleBroken(NOT_A_DRAFT)
    return draft


@dataclass(frozen=True)
class LotData:
    title: str
    category_id: int | None
    region_ids: frozenset[int]
    yearly_values_pence: tuple[int, ...]
    contract_years: int
    extension_years: int
    contract_start: date | None
    people_per_year: int | None = None
    minimum_turnover_pence: int | None = None

    def terms(self) -> LotTerms:
        return LotTerms(
            yearly_values_pence=self.yearly_values_pence,
            contract_years=self.contract_years,
            extension_years=self.extension_years,
            minimum_turnover_pence=self.minimum_turnover_pence,
            region_ids=self.region_ids,
            people_per_year=self.people_per_year,
        )


def _allowed_lot_regions(user: User, competition: Competition) -> frozenset[int]:
    """A lot's regions are the competition's, and only those the person covers."""
    own = frozenset(competition.regions.values_list("pk", flat=True))
    covered = regions_covered(user)
    return own if covered is None else own & covered


def lot_save(*, competition: Competition, user: User, data: LotData, lot: Lot | None = None) -> Lot:
    """Add a lot to a draft competition, or change one."""
    problems = []
    if not data.title.strip():
        problems.append(RuleBroken("Enter a title for the lot", field="title"))
    if data.category_id is None or not ServiceCategory.objects.filter(pk=data.category_id).exists():
        problems.append(RuleBroken("Select the lot's service category", field="category"))
    if data.contract_start is None:
        problems.append(RuleBroken("Enter the date the contract starts", field="contract_start"))
    problems += rules.lot_problems(
        data.terms(),
        threshold_pence=threshold_pence(),
        allowed_region_ids=_allowed_lot_regions(user, competition),
    )
    check_staff(user)
    raise_problems(problems)
    assert data.category_id is not None and data.contract_start is not None  # required above
    with transaction.atomic():
        competition = check_draft(user, competition)
        created = lot is None
        if lot is None:
            last = competition.lots.aggregate(last=Max("number"))["last"] or 0
            lot = Lot(competition=competition, number=last + 1)
        elif lot.competition_id != competition.pk:
            raise RuleBroken("This lot is not part of this competition.")
        lot.title = data.title.strip()
        lot.category_id = data.category_id
        lot.yearly_values_pence = list(data.yearly_values_pence)
        lot.total_value_pence = sum(data.yearly_values_pence)
        lot.annual_value_pence = rules.annual_value(data.yearly_values_pence)
        lot.contract_years = data.contract_years
        lot.extension_years = data.extension_years
        lot.people_per_year = data.people_per_year
        lot.contract_start = data.contract_start
        lot.minimum_turnover_pence = data.minimum_turnover_pence
        lot.save()
        lot.regions.set(data.region_ids)
        audit_record(
            actor=user,
            action="lot.created" if created else "lot.changed",
            summary=f"{lot} {'added' if created else 'changed'}",
            obj=competition,
        )
    return lot


def lot_remove(*, competition: Competition, user: User, lot: Lot) -> None:
    with transaction.atomic():
        competition = check_draft(user, competition)
        if lot.competition_id != competition.pk:
            raise RuleBroken("This lot is not part of this competition.")
        name = str(lot)
        lot.delete()
        for number, remaining in enumerate(competition.lots.order_by("number"), start=1):
            if remaining.number != number:
                remaining.number = number
                remaining.save(update_fields=["number"])
        audit_record(actor=user, action="lot.removed", summary=f"{name} removed", obj=competition)


def criteria_save(*, competition: Competition, user: User, criteria: Sequence[CriterionTerms]) -> None:
    """Replace a draft's evaluation criteria. Their weightings must pass `rules.criteria_problems`."""
    check_staff(user)
    problems = rules.criteria_problems(criteria)
    for criterion in criteria:
        if not criterion.name.strip() or not criterion.assessed.strip():
            problems.append(
                RuleBroken("Give each criterion a name and say what is assessed", field="criteria.name")
            )
            break
    raise_problems(problems)
    with transaction.atomic():
        competition = check_draft(user, competition)
        competition.criteria.all().delete()
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(
                competition=competition,
                position=position,
                name=criterion.name.strip(),
                weighting=criterion.weighting,
                assessed=criterion.assessed.strip(),
                max_words=criterion.max_words,
            )
            for position, criterion in enumerate(criteria, start=1)
        )
        audit_record(
            actor=user,
            action="criteria.changed",
            summary="Evaluation criteria: " + ", ".join(f"{c.name} {c.weighting}%" for c in criteria),
            obj=competition,
        )


@dataclass(frozen=True)
class ChecklistEntry:
    name: str
    kind: str
    required: bool
    standard_code: str = ""


def checklist_save(*, competition: Competition, user: User, items: Sequence[ChecklistEntry]) -> None:
    """Replace a draft's checklist. The six standard items stay (each may be made optional); others may be
    added or removed."""
    check_staff(user)
    codes = [item.standard_code for item in items if item.standard_code]
    if sorted(codes) != sorted(item.code for item in rules.STANDARD_CHECKLIST):
        raise RuleBroken("The six standard items must stay on the checklist", field="checklist")
    added = [item for item in items if not item.standard_code]
    if any(not item.name.strip() or item.kind not in ChecklistItem.Kind.values for item in added):
        raise RuleBroken("Give each item a name and say what kind of item it is", field="checklist.name")
    standard = {item.code: item for item in rules.STANDARD_CHECKLIST}
    with transaction.atomic():
        competition = check_draft(user, competition)
        competition.checklist.all().delete()
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                competition=competition,
                position=position,
                # A standard item keeps its name and kind: the tendering side builds on them.
                name=standard[item.standard_code].name if item.standard_code else item.name.strip(),
                kind=standard[item.standard_code].kind if item.standard_code else item.kind,
                required=item.required,
                standard_code=item.standard_code,
            )
            for position, item in enumerate(items, start=1)
        )
        audit_record(
            actor=user, action="checklist.changed", summary=f"Checklist: {len(items)} items", obj=competition
        )


# Competitions: publishing and after ---------------------------------------------------------------


def publish_problems(competition: Competition, *, now: datetime | None = None) -> list[RuleBroken]:
    """Every problem that stops a draft being published now, in the order of the page."""
    now = now or timezone.now()
    region_ids = frozenset(competition.regions.values_list("pk", flat=True))
    data = CompetitionData(
        title=competition.title,
        region_ids=region_ids,
        minimum_cyber_level=competition.minimum_cyber_level,
    )
    problems = [p for p in _competition_field_problems(data, now=now) if p.field != "submission_deadline"]
    if not competition.summary.strip():
        problems.append(RuleBroken("Enter a summary", field="summary"))
    if not competition.contact_name.strip() or not competition.contact_email.strip():
        problems.append(RuleBroken("Enter the name and e-mail address of the contact", field="contact_name"))
    lots = list(competition.lots.prefetch_related("regions"))
    if not lots:
        problems.append(RuleBroken("Add at least one lot", field="lots"))
    for lot in lots:
        terms = LotTerms(
            yearly_values_pence=tuple(lot.yearly_values_pence),
            contract_years=lot.contract_years,
            extension_years=lot.extension_years,
            minimum_turnover_pence=lot.minimum_turnover_pence,
            region_ids=frozenset(region.pk for region in lot.regions.all()),
        )
        for problem in rules.lot_problems(
            terms, threshold_pence=threshold_pence(), allowed_region_ids=region_ids
        ):
            problems.append(RuleBroken(f"Lot {lot.number}: {problem.message}", field="lots"))
    dates = rules.CompetitionDates(
        competition.clarification_deadline,
        competition.submission_deadline,
        competition.expected_award_date,
        min((lot.contract_start for lot in lots), default=None),
    )
    problems += rules.date_problems(dates, published_at=now)
    criteria = [
        CriterionTerms(c.name, c.weighting, c.assessed, c.max_words) for c in competition.criteria.all()
    ]
    problems += rules.criteria_problems(criteria)
    return problems


def competition_publish(*, competition: Competition, user: User, now: datetime | None = None) -> Competition:
    """Publish a draft: it goes live for bidders. Every problem is reported at once (`Problems`)."""
    check_owns(user, competition)
    now = now or timezone.now()
    with transaction.atomic():
        competition = check_draft(user, competition)
        raise_problems(publish_problems(competition, now=now))
        competition.status = Competition.Status.LIVE
        competition.published_at = now
        competition.published_by = user
        competition.save(update_fields=["status", "published_at", "published_by"])
        audit_record(
            actor=user,
            action="competition.published",
            summary=f"Published: {competition.title}",
            obj=competition,
        )
        public_pages_changed()  # the finder and the public pages show it
        alert_on_commit("competition_published_alerts_send", competition.pk)
    return competition


def competition_cancel(
    *, competition: Competition, user: User, reason: str, now: datetime | None = None
) -> Competition:
    """End a draft (cancelled) or a live competition (withdrawn), with a reason bidders are told."""
    check_owns(user, competition)
    if not reason.strip():
        raise RuleBroken("Tell bidders why the competition is ending", field="reason")
    with transaction.atomic():
        competition = locked(Competition, competition.pk)
        if competition.status not in (Competition.Status.DRAFT, Competition.Status.LIVE):
            raise RuleBroken("This competition has already ended.")
        was_draft = competition.is_draft
        competition.status = Competition.Status.CANCELLED if was_draft else Competition.Status.WITHDRAWN
        competition.end_reason = reason.strip()
        competition.ended_at = now or timezone.now()
        competition.save(update_fields=["status", "end_reason", "ended_at"])
        audit_record(
            actor=user,
            action="competition.cancelled" if was_draft else "competition.withdrawn",
            summary=f"{competition.get_status_display()}: {competition.end_reason}",
            obj=competition,
        )
        public_pages_changed()  # the finder and the public pages show it
        if not was_draft:
            alert_on_commit("competition_withdrawn_alerts_send", competition.pk)
    return competition


def competition_amend(
    *,
    competition: Competition,
    user: User,
    summary: str,
    new_deadline: datetime | None = None,
    now: datetime | None = None,
) -> Amendment:
    """Record a numbered, dated amendment to an open competition, moving the deadline if asked (and it
    must be moved when fewer than 7 days are left)."""
    check_owns(user, competition)
    now = now or timezone.now()
    with transaction.atomic():
        competition = locked(Competition, competition.pk)
        if not competition.is_open(now):
            raise RuleBroken("Only an open competition can be amended, before its deadline.")
        deadline = competition.submission_deadline
        assert deadline is not None  # open, so published with a deadline
        new_deadline = new_deadline or deadline
        raise_problems(
            rules.amendment_problems(deadline=deadline, new_deadline=new_deadline, now=now, summary=summary)
        )
        last = competition.amendments.aggregate(last=Max("number"))["last"] or 0
        amendment = Amendment.objects.create(
            competition=competition,
            number=last + 1,
            summary=summary.strip(),
            previous_deadline=deadline,
            new_deadline=new_deadline,
            made_by=user,
            made_at=now,
        )
        if new_deadline != deadline:
            competition.submission_deadline = new_deadline
            competition.save(update_fields=["submission_deadline"])
        audit_record(
            actor=user,
            action="competition.amended",
            summary=f"Amendment {amendment.number}: {amendment.summary}",
            obj=competition,
            changes={"submission_deadline": [str(deadline), str(new_deadline)]}
            if new_deadline != deadline
            else {},
        )
        public_pages_changed()  # the finder and the public pages show it
        alert_on_commit("amendment_alerts_send", amendment.pk)
    return amendment


# Alerts (calloffs.alerts) ------------------------------------------------------------------------


def alert_on_commit(task_name: str, object_id: int) -> None:
    """Queue an alert's fan-out once the change commits. If the broker cannot be reached the change
    stands (the failure is logged) and the beat's `alerts_recheck_unsent` sends the alert within a minute
    of the broker coming back, once."""
    from calloffs import tasks  # the tasks read models this module's callers have already loaded

    queue_on_commit(getattr(tasks, task_name), object_id)
