"""The whole life of a competition's tenders as random people would live it (issue 10, first "Done
means"): bidders start, build, sign, submit and withdraw tenders; the commissioner, an MoJ admin, a
commissioner of another region and an outsider try everything, and the clock jumps, to the deadline's
instant and one microsecond before it too. After every step the invariants hold:

1. no tender version was submitted at or after the deadline, and every bidder's change tried at or after
   it was refused;
2. before opening nobody but a tender's organisation reads it (`calloffs.sealed` and the evaluation
   pages' selectors); after it, staff read only the tenders they declared no conflict with;
3. every score is by an evaluator who declared no conflict with that tender;
4. at most one standing award per lot;
5. an audit row for every change that succeeded.

The clock: the services that take `now=` get the machine's simulated clock. Those that do not (naming
evaluators, declaring, scoring, moderating) depend on the clock only through the competition's
`opened_at`, which `tenders_open(now=...)` sets from the simulated clock, so nothing is patched. The
competition's deadline is 35 days after the real clock, so the real clock is always before it.

The world (personas, two qualified organisations, a live competition of two lots) is built once; each
example runs in a savepoint rolled back at its end.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from calloffs import sealed, selectors
from calloffs.models import (
    Award,
    ChecklistItem,
    Competition,
    ConflictDeclaration,
    Evaluator,
    Lot,
    ModeratedScore,
    OutcomeLetter,
    Score,
    Tender,
    TenderVersion,
)
from calloffs.rules import standstill_end
from calloffs.services import awards, competitions, evaluation, tenders
from calloffs.tendering_rules import PartnerTerms
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, User
from tests.calloffs import factories as f
from tests.calloffs.tender_helpers import pdf, qualify
from tests.conftest import make_personas
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

REFUSALS = (RuleBroken, PermissionDenied, Http404)

# The actions whose audit rows the machine counts, one per change that succeeded.
AUDITED = (
    "tender.started",
    "tender.response_saved",
    "tender.file_uploaded",
    "tender.form_signed",
    "tender.partners_saved",
    "tender.submitter_named",
    "tender.submitted",
    "tender.withdrawn",
    "tenders.opened",
    "evaluator.named",
    "declaration.signed",
    "score.saved",
    "score.moderated",
    "award.made",
    "award.withdrawn",
    "award.no_suitable_bidder",
)

ACTORS = ("alice", "bob", "bea", "carol", "ada", "colin", "oscar")
BIDDERS = ("alice", "bob", "bea", "oscar")


def world() -> dict:
    """Alice (admin) and bob of organisation A and bea (admin) of B, both qualified for the North East;
    oscar, admin of an organisation that never qualified; carol (North East), colin (London), ada (MoJ);
    a live North East competition of two lots, its deadline 35 days away."""
    people = make_personas()
    qualify(people["organisation_a"], people["alice"])
    qualify(people["organisation_b"], people["bea"])
    outsider = OrganisationFactory(legal_name="Omega Outsiders Ltd")
    people["oscar"] = MembershipFactory(
        organisation=outsider, is_admin=True, user__email="oscar@omega.example"
    ).user
    carol = people["carol"]
    competition = f.publishable_competition(carol, minimum_cyber_level="cyber_essentials")
    f.add_lot(competition, carol, title="Northumberland")
    competition = competitions.competition_publish(competition=competition, user=carol)
    return {"people": people, "competition_pk": competition.pk}


class Lifecycle(RuleBasedStateMachine):
    built: dict = {}

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.people: dict[str, User] = {name: self.built["people"][name] for name in ACTORS}
        self.competition = Competition.objects.get(pk=self.built["competition_pk"])
        self.lots = list(Lot.objects.filter(competition=self.competition).order_by("number"))
        self.criteria = list(self.competition.criteria.order_by("position"))
        checklist = list(self.competition.checklist.all())
        self.signed_items = [item for item in checklist if item.kind == ChecklistItem.Kind.SIGNED_FORM]
        self.file_items = [
            item
            for item in checklist
            if item.kind != ChecklistItem.Kind.SIGNED_FORM and item.standard_code != "quality_response"
        ]
        self.deadline: datetime = self.competition.submission_deadline
        self.now: datetime = timezone.now()
        self.opened = False
        self.expected_audit: Counter[str] = Counter()
        self.agreed_at_decision: dict[int, set] = {}  # lot id: its agreed scores when it was decided
        self.audit_before = self._audit_counts()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # Helpers -------------------------------------------------------------------------------------

    def _audit_counts(self) -> Counter[str]:
        return Counter(AuditEvent.objects.filter(action__in=AUDITED).values_list("action", flat=True))

    def _attempt(self, call, *, must_refuse: bool, why: str = ""):
        """The service's result, or None when it refused; a refusal the model demands is checked here."""
        try:
            result = call()
        except REFUSALS:
            return None
        assert not must_refuse, f"Accepted although it must be refused: {why}"
        return result

    def _tenders(self) -> list[Tender]:
        return list(Tender.objects.filter(competition=self.competition).order_by("pk"))

    def _organisation_id(self, name: str) -> int | None:
        membership = getattr(self.people[name], "membership", None)
        return membership.organisation_id if membership else None

    def _late(self) -> bool:
        return self.now >= self.deadline

    def _bidder_change(self, call, *, actor: str, tender: Tender, action: str, rows: int = 1):
        """A change to a tender by a bidder: refused at or after the deadline and for anyone outside the
        tender's organisation."""
        late = self._late()
        outsider = self._organisation_id(actor) != tender.organisation_id
        result = self._attempt(call, must_refuse=late or outsider, why=f"{action} by {actor} at {self.now}")
        if result is not None:
            self.expected_audit[action] += rows
        return result

    def _staff_owner(self, actor: str) -> bool:
        return actor in ("carol", "ada")

    def _cleared(self, user: User, tender: Tender) -> bool:
        return ConflictDeclaration.objects.filter(
            evaluator__user=user, tender=tender, has_conflict=False
        ).exists()

    def _may_decide(self, actor: str, lot: Lot) -> bool:
        """Who decides a lot: its owner, named an evaluator, who declared no conflict with every bidder
        opened in it (issue 17 point 2)."""
        user = self.people[actor]
        bidders = set(sealed.opened_tenders().filter(lot=lot).values_list("pk", flat=True))
        cleared = set(
            ConflictDeclaration.objects.filter(
                evaluator__user=user, tender__lot=lot, has_conflict=False
            ).values_list("tender_id", flat=True)
        )
        is_evaluator = Evaluator.objects.filter(competition=self.competition, user=user).exists()
        return self._staff_owner(actor) and is_evaluator and bidders <= cleared

    def _agreed(self, lot: Lot) -> set:
        return set(
            ModeratedScore.objects.filter(tender__lot=lot).values_list(
                "tender_id", "criterion_id", "score", "rationale"
            )
        )

    @initialize(
        bids=st.lists(
            st.tuples(st.sampled_from(("alice", "bea")), st.integers(0, 1)), min_size=1, unique=True
        ),
        opened=st.booleans(),
        evaluators=st.lists(st.sampled_from(("carol", "ada", "colin")), min_size=1, unique=True),
        data=st.data(),
    )
    def bids_in_place(self, bids: list[tuple[str, int]], opened: bool, evaluators: list[str], data) -> None:
        """Examples start with tenders submitted, and half of them at the deadline with the tenders opened
        and evaluators declared, so that random runs reach scoring, moderation and awards often."""
        for actor, lot_index in bids:
            self.bid(actor, lot_index)
        if opened:
            self.close_and_open("carol")
            for person in evaluators:
                self.name_evaluator("carol", person)
                self.declare(person, data)

    # The clock -----------------------------------------------------------------------------------

    @rule(seconds=st.integers(min_value=1, max_value=3600))
    def clock_small_jump(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule(days=st.integers(min_value=1, max_value=15))
    def clock_large_jump(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule(offset=st.sampled_from([timedelta(microseconds=-1), timedelta(0), timedelta(microseconds=1)]))
    def clock_to_deadline(self, offset: timedelta) -> None:
        self.now = max(self.now, self.deadline + offset)

    # Bidders -------------------------------------------------------------------------------------

    @rule(actor=st.sampled_from(ACTORS), lot_index=st.integers(0, 1))
    def start_tender(self, actor: str, lot_index: int) -> None:
        self._start(actor, lot_index)

    def _start(self, actor: str, lot_index: int) -> Tender | None:
        lot = self.lots[lot_index]
        organisation_id = self._organisation_id(actor)
        existed = Tender.objects.filter(lot=lot, organisation_id=organisation_id).exists()
        must_refuse = actor not in BIDDERS or actor == "oscar" or (self._late() and not existed)
        tender = self._attempt(
            lambda: tenders.tender_start(lot=lot, user=self.people[actor], now=self.now),
            must_refuse=must_refuse,
            why=f"start by {actor} at {self.now}",
        )
        if tender is not None:
            assert tender.organisation_id == organisation_id
            if not existed:
                self.expected_audit["tender.started"] += 1
        return tender

    @rule(actor=st.sampled_from(BIDDERS), lot_index=st.integers(0, 1))
    def bid(self, actor: str, lot_index: int) -> None:
        """Start, do every task and submit, each step through its own service (so that random runs often
        get as far as evaluation)."""
        tender = self._start(actor, lot_index)
        if tender is not None:
            self._do_every_task(actor, tender)
            self._submit(actor, tender)

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7), data=st.data())
    def edit_response(self, actor: str, which: int, data) -> None:
        tender = self._pick(which)
        criterion = data.draw(st.sampled_from(self.criteria))
        self._bidder_change(
            lambda: tenders.response_save(
                tender=tender, criterion=criterion, user=self.people[actor], text="We will.", now=self.now
            ),
            actor=actor,
            tender=tender,
            action="tender.response_saved",
        )

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7), data=st.data())
    def upload_file(self, actor: str, which: int, data) -> None:
        tender = self._pick(which)
        item = data.draw(st.sampled_from(self.file_items))
        self._bidder_change(
            lambda: tenders.file_upload(
                tender=tender, user=self.people[actor], uploaded_file=pdf(), checklist_item=item, now=self.now
            ),
            actor=actor,
            tender=tender,
            action="tender.file_uploaded",
        )

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7), data=st.data())
    def sign_form(self, actor: str, which: int, data) -> None:
        tender = self._pick(which)
        item = data.draw(st.sampled_from(self.signed_items))
        self._bidder_change(
            lambda: tenders.form_sign(
                tender=tender,
                item=item,
                user=self.people[actor],
                name="A Signer",
                role="Director",
                now=self.now,
            ),
            actor=actor,
            tender=tender,
            action="tender.form_signed",
        )

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def save_partners(self, actor: str, which: int) -> None:
        self._save_partners(actor, self._pick(which))

    def _save_partners(self, actor: str, tender: Tender):
        return self._bidder_change(
            lambda: tenders.partners_save(
                tender=tender,
                user=self.people[actor],
                has_subcontractors=True,
                as_consortium_lead=False,
                partners=[PartnerTerms("subcontractor", "Gamma Homes", "Move-on housing", 20, True)],
                now=self.now,
            ),
            actor=actor,
            tender=tender,
            action="tender.partners_saved",
        )

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def do_every_task(self, actor: str, which: int) -> None:
        self._do_every_task(actor, self._pick(which))

    def _do_every_task(self, actor: str, tender: Tender) -> None:
        user = self.people[actor]
        for criterion in self.criteria:
            self._bidder_change(
                lambda criterion=criterion: tenders.response_save(
                    tender=tender, criterion=criterion, user=user, text="We will do it well.", now=self.now
                ),
                actor=actor,
                tender=tender,
                action="tender.response_saved",
            )
        for item in self.file_items:
            self._bidder_change(
                lambda item=item: tenders.file_upload(
                    tender=tender, user=user, uploaded_file=pdf(), checklist_item=item, now=self.now
                ),
                actor=actor,
                tender=tender,
                action="tender.file_uploaded",
            )
        for item in self.signed_items:
            self._bidder_change(
                lambda item=item: tenders.form_sign(
                    tender=tender, item=item, user=user, name="A Signer", role="Director", now=self.now
                ),
                actor=actor,
                tender=tender,
                action="tender.form_signed",
            )
        self._save_partners(actor, tender)

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7), name_bob=st.booleans())
    def name_submitter(self, actor: str, which: int, name_bob: bool) -> None:
        tender = self._pick(which)
        submitter = self.people["bob"] if name_bob else None
        self._bidder_change(
            lambda: tenders.submitter_name(
                tender=tender, user=self.people[actor], submitter=submitter, now=self.now
            ),
            actor=actor,
            tender=tender,
            action="tender.submitter_named",
        )

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def submit(self, actor: str, which: int) -> None:
        self._submit(actor, self._pick(which))

    def _submit(self, actor: str, tender: Tender) -> None:
        version = self._bidder_change(
            lambda: tenders.tender_submit(tender=tender, user=self.people[actor], now=self.now),
            actor=actor,
            tender=tender,
            action="tender.submitted",
        )
        if version is not None:
            assert version.submitted_at == self.now < self.deadline

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def withdraw(self, actor: str, which: int) -> None:
        tender = self._pick(which)
        self._bidder_change(
            lambda: tenders.tender_withdraw(tender=tender, user=self.people[actor], now=self.now),
            actor=actor,
            tender=tender,
            action="tender.withdrawn",
        )

    def _pick(self, which: int) -> Tender:
        every = self._tenders()
        return every[which % len(every)]

    # Opening and evaluation ----------------------------------------------------------------------

    @rule(actor=st.sampled_from(ACTORS))
    def open_tenders(self, actor: str) -> None:
        may = self._staff_owner(actor) and not self.opened and self._late()
        opened = self._attempt(
            lambda: evaluation.tenders_open(
                competition=self.competition, user=self.people[actor], now=self.now
            ),
            must_refuse=not may,
            why=f"opening by {actor} at {self.now} (deadline {self.deadline})",
        )
        assert (opened is not None) == may, f"opening by {actor} at {self.now} should have worked"
        if opened is not None:
            self.opened = True
            self.competition = opened
            self.expected_audit["tenders.opened"] += 1

    @rule(actor=st.sampled_from(ACTORS), person=st.sampled_from(ACTORS))
    def name_evaluator(self, actor: str, person: str) -> None:
        already = Evaluator.objects.filter(competition=self.competition, user=self.people[person]).exists()
        may = self._staff_owner(actor) and self._staff_owner(person) and not already
        evaluator = self._attempt(
            lambda: evaluation.evaluator_name(
                competition=self.competition, user=self.people[actor], person=self.people[person]
            ),
            must_refuse=not may,
            why=f"{actor} naming {person}",
        )
        assert (evaluator is not None) == may
        if evaluator is not None:
            self.expected_audit["evaluator.named"] += 1

    @rule(actor=st.sampled_from(ACTORS), data=st.data())
    def declare(self, actor: str, data) -> None:
        user = self.people[actor]
        is_evaluator = Evaluator.objects.filter(competition=self.competition, user=user).exists()
        answers = [
            evaluation.DeclarationAnswer(tender.pk, conflict, "I advised them last year" if conflict else "")
            for tender in sealed.opened_tenders().filter(competition=self.competition)
            for conflict in [data.draw(st.booleans(), label=f"conflict with {tender.pk}")]
        ]
        may = self.opened and is_evaluator
        declarations = self._attempt(
            lambda: evaluation.declarations_sign(competition=self.competition, user=user, answers=answers),
            must_refuse=not may,
            why=f"declaration by {actor}",
        )
        assert (declarations is not None) == may
        if declarations:
            self.expected_audit["declaration.signed"] += len(declarations)

    @rule(actor=st.sampled_from(ACTORS))
    def close_and_open(self, actor: str) -> None:
        """The clock reaches the deadline and someone tries to open the tenders."""
        self.clock_to_deadline(timedelta(0))
        self.open_tenders(actor)

    @rule(actor=st.sampled_from(("carol", "ada", "carol", "ada", "colin", "alice")), data=st.data())
    def evaluate(self, actor: str, data) -> None:
        """Carol names the person an evaluator, they declare, and score every tender, each step through its
        service (so that random runs often get as far as moderation and awards)."""
        self.name_evaluator("carol", actor)
        self.declare(actor, data)
        for tender in self._tenders():
            self._score(actor, tender, data)

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7), data=st.data())
    def score(self, actor: str, which: int, data) -> None:
        self._score(actor, self._pick(which), data)

    def _score(self, actor: str, tender: Tender, data) -> None:
        user = self.people[actor]
        entries = [
            evaluation.ScoreEntry(criterion.pk, value, f"Scored {value} because of the evidence")
            for criterion in self.criteria
            for value in [data.draw(st.integers(0, self.competition.score_max), label=criterion.name)]
        ]
        cleared = self.opened and self._cleared(user, tender)
        scores = self._attempt(
            lambda: evaluation.scores_save(tender=tender, user=user, entries=entries),
            must_refuse=not cleared,
            why=f"score by {actor} of tender {tender.pk}",
        )
        if scores:
            self.expected_audit["score.saved"] += len(scores)

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def moderate(self, actor: str, which: int) -> None:
        self._moderate(actor, self._pick(which))

    def _moderate(self, actor: str, tender: Tender) -> None:
        user = self.people[actor]
        agreed = [
            evaluation.AgreedScore(criterion.pk, 3, "Agreed at the meeting") for criterion in self.criteria
        ]
        may = (
            self.opened
            and self._staff_owner(actor)
            and self._cleared(user, tender)
            and self._standing(tender.lot) is None
        )
        moderated = self._attempt(
            lambda: evaluation.moderate(tender=tender, user=user, agreed=agreed),
            must_refuse=not (may and evaluation.scoring_finished(tender)),
            why=f"moderation by {actor} of tender {tender.pk}",
        )
        if moderated:
            self.expected_audit["score.moderated"] += len(moderated)

    @rule(actor=st.sampled_from(("carol", "ada", "colin")), data=st.data())
    def moderate_and_award(self, actor: str, data) -> None:
        """Moderate every tender, then award each lot to one of its tenders."""
        every = self._tenders()
        for tender in every:
            self._moderate(actor, tender)
        for tender in every:
            if data.draw(st.booleans(), label=f"award tender {tender.pk}"):
                self._award(actor, tender)

    # Awards --------------------------------------------------------------------------------------

    def _standing(self, lot: Lot) -> Award | None:
        return Award.objects.filter(lot=lot, withdrawn_at__isnull=True).first()

    @precondition(lambda self: Tender.objects.filter(competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), which=st.integers(0, 7))
    def award(self, actor: str, which: int) -> None:
        self._award(actor, self._pick(which))

    def _award(self, actor: str, tender: Tender) -> None:
        tender.refresh_from_db()
        self.competition.refresh_from_db()
        lot = tender.lot
        not_awardable = tender.status != Tender.Status.SUBMITTED or bool(
            tender.excluded_reason or tender.non_compliant_reason
        )
        must_refuse = (
            not self._staff_owner(actor)
            or not self.opened
            or not self._late()
            or self._standing(lot) is not None
            or not_awardable
            or self.competition.state(self.now) != Competition.CLOSED
            or not self._may_decide(actor, lot)
        )
        award = self._attempt(
            lambda: awards.award_lot(lot=lot, tender=tender, user=self.people[actor], now=self.now),
            must_refuse=must_refuse,
            why=f"award by {actor} of lot {lot.number}",
        )
        assert (award is not None) == (not must_refuse)
        if award is not None:
            self.expected_audit["award.made"] += 1
            self.agreed_at_decision[lot.pk] = self._agreed(lot)

    @rule(actor=st.sampled_from(ACTORS), lot_index=st.integers(0, 1))
    def no_suitable_bidder(self, actor: str, lot_index: int) -> None:
        lot = self.lots[lot_index]
        self.competition.refresh_from_db()
        must_refuse = (
            not self._staff_owner(actor)
            or not self.opened
            or not self._late()
            or self._standing(lot) is not None
            or self.competition.state(self.now) != Competition.CLOSED
            or not self._may_decide(actor, lot)
        )
        award = self._attempt(
            lambda: awards.no_suitable_bidder(lot=lot, user=self.people[actor], now=self.now),
            must_refuse=must_refuse,
            why=f"no suitable bidder by {actor} for lot {lot.number}",
        )
        assert (award is not None) == (not must_refuse)
        if award is not None:
            self.expected_audit["award.no_suitable_bidder"] += 1
            self.agreed_at_decision[lot.pk] = self._agreed(lot)
            self.competition.refresh_from_db()

    @precondition(lambda self: Award.objects.filter(lot__competition=self.competition).exists())
    @rule(actor=st.sampled_from(ACTORS), lot_index=st.integers(0, 1))
    def withdraw_award(self, actor: str, lot_index: int) -> None:
        standing = self._standing(self.lots[lot_index])
        if standing is None:
            return
        must_refuse = (
            not self._staff_owner(actor)
            or standing.outcome != Award.Outcome.AWARDED
            or self.now >= standstill_end(standing.decided_at, days=django_settings.CALLOFF_STANDSTILL_DAYS)
            or not self._may_decide(actor, standing.lot)
        )
        withdrawn = self._attempt(
            lambda: awards.award_withdraw(
                award=standing,
                user=self.people[actor],
                reason="The scores were added up wrongly",
                now=self.now,
            ),
            must_refuse=must_refuse,
            why=f"award withdrawal by {actor} at {self.now}",
        )
        assert (withdrawn is not None) == (not must_refuse)
        if withdrawn is not None:
            self.expected_audit["award.withdrawn"] += 1
            self.agreed_at_decision.pop(standing.lot_id, None)

    # Invariants ----------------------------------------------------------------------------------

    @invariant()
    def nothing_submitted_at_or_after_the_deadline(self) -> None:
        assert not TenderVersion.objects.filter(
            tender__competition=self.competition, submitted_at__gte=self.deadline
        ).exists()

    @invariant()
    def a_tender_never_submitted_has_no_versions_and_no_letters(self) -> None:
        """What the bidder's task list relies on to skip looking for them (`Tender.ever_submitted`)."""
        drafts = Tender.objects.filter(competition=self.competition, status=Tender.Status.DRAFT)
        assert not TenderVersion.objects.filter(tender__in=drafts).exists()
        assert not OutcomeLetter.objects.filter(tender__in=drafts).exists()

    @invariant()
    def only_the_organisation_reads_a_sealed_tender(self) -> None:
        every = self._tenders()
        cleared = set(
            ConflictDeclaration.objects.filter(
                tender__competition=self.competition, has_conflict=False
            ).values_list("evaluator__user_id", "tender_id")
        )
        for name in ACTORS:
            user = self.people[name]
            readable = set(sealed.readable_tenders(user).filter(competition=self.competition))
            for tender in every:
                if self._organisation_id(name) == tender.organisation_id:
                    assert tender in readable
                    continue
                may = (
                    self.opened
                    and tender.status == Tender.Status.SUBMITTED
                    and not tender.excluded_reason
                    and (user.pk, tender.pk) in cleared
                )
                assert (tender in readable) == may, f"{name} reading tender {tender.pk}: expected {may}"
                if name in ("carol", "ada", "colin"):  # what the evaluation pages would show them
                    assert (
                        selectors.tender_for_evaluation(user, self.competition, tender.pk) is not None
                    ) == may
                    tender_file = tender.files.first()
                    if tender_file is not None:
                        found = selectors.tender_file_for_evaluation(
                            user, self.competition, tender.pk, tender_file.pk
                        )
                        assert (found is not None) == may
        if not self.opened:
            assert selectors.opened_tenders(self.competition) == []
            assert selectors.not_opened_tenders(self.competition) == []
            for lot in self.lots:
                assert selectors.evaluation_table(self.competition, lot) == []

    @invariant()
    def every_score_is_by_a_cleared_evaluator(self) -> None:
        for score in Score.objects.filter(tender__competition=self.competition):
            assert ConflictDeclaration.objects.filter(
                evaluator=score.evaluator, tender=score.tender, has_conflict=False
            ).exists()

    @invariant()
    def no_decision_by_a_conflicted_or_undeclared_person(self) -> None:
        for award in Award.objects.filter(lot__competition=self.competition).select_related("lot"):
            for person in {award.decided_by_id, award.withdrawn_by_id} - {None}:
                bidders = set(sealed.opened_tenders().filter(lot=award.lot).values_list("pk", flat=True))
                cleared = set(
                    ConflictDeclaration.objects.filter(
                        evaluator__user_id=person,
                        evaluator__competition=self.competition,
                        tender__lot=award.lot,
                        has_conflict=False,
                    ).values_list("tender_id", flat=True)
                )
                assert bidders <= cleared, f"lot {award.lot.number} decided by someone not cleared"
                assert Evaluator.objects.filter(competition=self.competition, user_id=person).exists()

    @invariant()
    def agreed_scores_unchanged_after_a_decision(self) -> None:
        for lot in self.lots:
            if lot.pk in self.agreed_at_decision and self._standing(lot) is not None:
                assert self._agreed(lot) == self.agreed_at_decision[lot.pk], f"lot {lot.number} rescored"

    @invariant()
    def at_most_one_standing_award_per_lot(self) -> None:
        for lot in self.lots:
            assert Award.objects.filter(lot=lot, withdrawn_at__isnull=True).count() <= 1

    @invariant()
    def an_audit_row_for_every_change(self) -> None:
        happened = self._audit_counts()
        happened.subtract(self.audit_before)
        for action in AUDITED:
            assert happened[action] == self.expected_audit[action], action


def test_the_lifecycle_keeps_its_invariants():
    Lifecycle.built = world()
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
