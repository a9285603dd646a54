"""Awards (docs/domain.md §5; issue 10, points 7 to 9): each lot of an opened competition is awarded to one
tender or recorded as having no suitable bidder; an award starts a standstill during which it may be
withdrawn; after it the contract is recorded. When every lot is settled the competition is decided.

Every bidder of the lot is told each decision: an outcome letter per submitted tender (its PDF rendered
once by a task queued on commit, `portal.stored_pdfs`) and an inbox message with e-mail.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from calloffs import rules, sealed
from calloffs.models import Award, Competition, Contract, Lot, OutcomeLetter, Tender
from calloffs.services import supply_chain
from calloffs.services.evaluation_adapter import TENDERS
from calloffs.services.ownership import check_owns
from portal import stored_pdfs
from portal.audit import audit_record
from portal.clock import has_passed
from portal.evaluation.services import check_may_decide
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import User
from portal.page_cache import public_pages_changed
from portal.queueing import queue_on_commit
from portal.services import message_send
from portal.templatetags.govuk_dates import govuk_date, govuk_datetime

ALREADY_DECIDED = (
    "This lot has already been decided. Withdraw the award first if you need to change it (you can only "
    "do this during the standstill)."
)


def standstill_end_words(ends_at: datetime) -> str:
    """ "midnight at the end of 11 March 2026" for a standstill ending at 00:00 on 12 March."""
    ends_at = timezone.localtime(ends_at)
    if ends_at.time() == time.min:
        return f"midnight at the end of {govuk_date(ends_at.date() - timedelta(days=1))}"
    return govuk_datetime(ends_at)


def awardable_problem(tender: Tender) -> str | None:
    """Why a tender cannot be awarded, or None: only submitted, compliant tenders not excluded."""
    if tender.status != Tender.Status.SUBMITTED:
        return "You can only award a lot to a submitted tender."
    if tender.excluded_reason:
        return "This tender was excluded at the deadline, so it cannot be awarded."
    if tender.non_compliant_reason:
        return "This tender was found not compliant, so it cannot be awarded."
    return None


def _check_may_decide(user: User, lot: Lot, now: datetime) -> Competition:
    competition = lot.competition
    check_owns(user, competition)
    if competition.opened_at is None:
        raise RuleBroken("Open the tenders before you decide a lot.")
    if competition.state(now) != Competition.CLOSED:
        raise RuleBroken("This competition has already been decided or has ended.")
    _check_cleared_for_lot(user, lot)
    return competition


def _check_cleared_for_lot(user: User, lot: Lot) -> None:
    """Whoever decides a lot is an evaluator who declared no conflict with every bidder opened in it
    (`portal.evaluation.services.check_may_decide`)."""
    bidders = sealed.opened_tenders().filter(lot=lot).values_list("pk", flat=True)
    check_may_decide(TENDERS, user, lot.competition, list(bidders))


def _decide(*, lot: Lot, user: User, now: datetime, **fields) -> Award:
    """Record a lot's standing decision. The lot row is locked so decisions on one lot queue; the partial
    unique constraint is the last word if two get through at once."""
    locked(Lot, lot.pk)
    if Award.objects.filter(lot=lot, withdrawn_at__isnull=True).exists():
        raise RuleBroken(ALREADY_DECIDED)
    try:
        with transaction.atomic():
            award = Award.objects.create(lot=lot, decided_by=user, decided_at=now, **fields)
    except IntegrityError as error:
        raise RuleBroken(ALREADY_DECIDED) from error
    red_flags_on_commit(lot.competition_id)
    return award


def red_flags_on_commit(competition_id: int) -> None:
    """The competition's red flags, computed again once the decision commits (a failure to queue is
    logged; the nightly run catches up)."""
    from calloffs import tasks  # the tasks read models this module's callers have already loaded

    queue_on_commit(tasks.red_flags_compute, competition_id)


def _letters_send(award: Award) -> None:
    """A letter and a message to every bidder with a submitted tender in the lot; the PDFs after commit."""
    from calloffs import pdfs  # reads models this module's callers have already loaded

    tenders = award.lot.tenders.filter(status=Tender.Status.SUBMITTED).select_related("organisation")
    for tender in tenders:
        letter, _ = OutcomeLetter.objects.get_or_create(award=award, tender=tender)
        message_send(
            kind="tender_outcome",
            source=letter,
            context=pdfs.outcome_letter_context(letter),
            organisation=tender.organisation,
        )
        stored_pdfs.queue_on_commit(pdfs.OUTCOME_LETTER, letter.pk)


def award_lot(*, lot: Lot, tender: Tender, user: User, now: datetime | None = None) -> Award:
    """Award a lot to one tender, starting the standstill."""
    now = now or timezone.now()
    if tender.lot_id != lot.pk:
        raise RuleBroken("Choose a tender for this lot", field="tender")
    competition = _check_may_decide(user, lot, now)
    with transaction.atomic():
        locked(Lot, lot.pk)  # the lot first, then the tender: every decision on a lot locks in this order
        tender = Tender.objects.select_for_update().select_related("organisation").get(pk=tender.pk)
        problem = awardable_problem(tender)  # read under lock: the bidder cannot withdraw it meanwhile
        if problem:
            raise RuleBroken(problem, field="tender")
        standstill_ends_at = rules.standstill_end(now, days=settings.CALLOFF_STANDSTILL_DAYS)
        award = _decide(
            lot=lot,
            user=user,
            now=now,
            outcome=Award.Outcome.AWARDED,
            tender=tender,
            standstill_ends_at=standstill_ends_at,
        )
        audit_record(
            actor=user,
            action="award.made",
            summary=f"Lot {lot.number} awarded to {tender.organisation}; the standstill ends at "
            f"{standstill_end_words(standstill_ends_at)}",
            obj=competition,
        )
        _letters_send(award)
    return award


def no_suitable_bidder(*, lot: Lot, user: User, now: datetime | None = None) -> Award:
    """Record that no tender for the lot is suitable; the lot is settled at once."""
    now = now or timezone.now()
    competition = _check_may_decide(user, lot, now)
    with transaction.atomic():
        award = _decide(lot=lot, user=user, now=now, outcome=Award.Outcome.NO_SUITABLE_BIDDER)
        audit_record(
            actor=user,
            action="award.no_suitable_bidder",
            summary=f"Lot {lot.number}: no suitable bidder",
            obj=competition,
        )
        _letters_send(award)
        _competition_settle(competition, user=user, now=now)
    return award


def award_withdraw(*, award: Award, user: User, reason: str, now: datetime | None = None) -> Award:
    """Withdraw an award during its standstill, with the reason bidders are told; the lot can be decided
    again."""
    now = now or timezone.now()
    competition = award.lot.competition
    check_owns(user, competition)
    _check_cleared_for_lot(user, award.lot)
    if not reason.strip():
        raise RuleBroken("Enter why you are withdrawing the award", field="reason")
    with transaction.atomic():
        award = locked(Award, award.pk)
        if award.withdrawn_at is not None:
            raise RuleBroken("This award has already been withdrawn.")
        if award.outcome != Award.Outcome.AWARDED:
            raise RuleBroken("Only an award can be withdrawn.")
        assert award.standstill_ends_at is not None  # every award has a standstill
        if has_passed(award.standstill_ends_at, now):
            raise RuleBroken("The standstill has ended, so the award can no longer be withdrawn.")
        award.withdrawn_at = now
        award.withdrawn_by = user
        award.withdrawn_reason = reason.strip()
        award.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(
            actor=user,
            action="award.withdrawn",
            summary=f"Lot {award.lot.number}: award withdrawn: {award.withdrawn_reason}",
            obj=competition,
        )
        tenders = award.lot.tenders.filter(status=Tender.Status.SUBMITTED).select_related("organisation")
        for tender in tenders:
            message_send(
                kind="tender_award_withdrawn",
                source=award,
                context={"award": award, "tender": tender},
                organisation=tender.organisation,
            )
    return award


def contract_problems(*, value_pence: int | None, start_date: date | None, end_date: date | None) -> list:
    problems = []
    if value_pence is None or value_pence <= 0:
        problems.append(RuleBroken("Enter the contract value, more than £0", field="value"))
    if start_date is None:
        problems.append(RuleBroken("Enter the start date", field="start_date"))
    if end_date is None:
        problems.append(RuleBroken("Enter the end date", field="end_date"))
    elif start_date is not None and end_date <= start_date:
        problems.append(RuleBroken("The end date must be after the start date", field="end_date"))
    return problems


def contract_record(
    *,
    award: Award,
    user: User,
    value_pence: int | None,
    start_date: date | None,
    end_date: date | None,
    now: datetime | None = None,
) -> Contract:
    """Record the contract once the standstill has ended; the public award notice shows it."""
    now = now or timezone.now()
    competition = award.lot.competition
    check_owns(user, competition)
    raise_problems(contract_problems(value_pence=value_pence, start_date=start_date, end_date=end_date))
    assert value_pence is not None and start_date is not None and end_date is not None  # required above
    with transaction.atomic():
        award = locked(Award, award.pk)
        if award.withdrawn_at is not None or award.outcome != Award.Outcome.AWARDED:
            raise RuleBroken("There is no standing award to record a contract for.")
        assert award.standstill_ends_at is not None and award.tender is not None  # so is every award
        if not has_passed(award.standstill_ends_at, now):
            raise RuleBroken(
                "You can record the contract once the standstill ends, at "
                f"{standstill_end_words(award.standstill_ends_at)}."
            )
        if Contract.objects.filter(award=award).exists():
            raise RuleBroken("The contract for this award has already been recorded.")
        contract = Contract.objects.create(
            award=award,
            organisation=award.tender.organisation,
            value_pence=value_pence,
            start_date=start_date,
            end_date=end_date,
            recorded_by=user,
            recorded_at=now,
        )
        supply_chain.supply_chain_start(contract)
        audit_record(
            actor=user,
            action="award.contract_recorded",
            summary=f"Lot {award.lot.number}: contract with {contract.organisation}, {value_pence} pence, "
            f"{start_date} to {end_date}",
            obj=competition,
        )
        _competition_settle(competition, user=user, now=now)
        public_pages_changed()  # the award notice appears on the competition's page
    return contract


def _competition_settle(competition: Competition, *, user: User, now: datetime) -> None:
    """When every lot has a contract or no suitable bidder, the competition is decided: awarded if any
    lot was, otherwise no suitable bidder."""
    competition = locked(Competition, competition.pk)
    lot_ids = set(competition.lots.values_list("pk", flat=True))
    standing = Award.objects.filter(lot__competition=competition, withdrawn_at__isnull=True)
    settled = standing.filter(outcome=Award.Outcome.NO_SUITABLE_BIDDER).values_list("lot_id", flat=True)
    contracted = standing.filter(contract__isnull=False).values_list("lot_id", flat=True)
    if not lot_ids <= set(settled) | set(contracted):
        return
    competition.status = (
        Competition.Status.AWARDED if contracted.exists() else Competition.Status.NO_SUITABLE_BIDDER
    )
    competition.ended_at = now
    competition.save(update_fields=["status", "ended_at"])
    audit_record(
        actor=user,
        action="competition.decided",
        summary=f"Outcome: {competition.get_status_display()}",
        obj=competition,
    )
    public_pages_changed()  # the finder and the public pages show it
