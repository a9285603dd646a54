"""Grant rounds, from draft to published, amended or cancelled, by the commissioners of their regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from grants import rules, tasks
from grants.models import (
    AssessmentCriterion,
    GrantRound,
)
from portal.audit import audit_record
from portal.clock import has_passed
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import Region, User
from portal.page_cache import public_pages_changed
from portal.questionnaires.engine import Kind, Question
from portal.queueing import queue_on_commit
from portal.services import messages_send_bulk
from portal.staff import regions_covered

ROUND_AMENDED = "grant_round_amended"
ROUND_CANCELLED = "grant_round_cancelled"
NOT_A_DRAFT = "This round is no longer a draft. If it is open, amend it instead."


# Grant rounds ------------------------------------------------------------------------------------


def require_round_owner(user: User, regions: Iterable[Region]) -> None:
    if not (user.is_commissioner or user.is_moj_admin):
        raise RuleBroken("Only commissioners run grant rounds.")
    covered = regions_covered(user)
    if covered is not None and any(region.pk not in set(covered) for region in regions):
        raise RuleBroken("Choose only regions you commission for", field="regions")


ROUND_FIELDS = (
    "title",
    "purpose",
    "fund",
    "total_budget_pence",
    "min_award_pence",
    "max_award_pence",
    "max_duration_months",
    "organisation_kinds",
    "income_multiple",
    "opens_at",
    "closes_at",
    "decision_date",
)


def _round_field_problems(data: Mapping[str, Any]) -> list[RuleBroken]:
    problems = []
    if not data["regions"]:
        problems.append(RuleBroken("Select at least one region", field="regions"))
    if data["min_award_pence"] > data["max_award_pence"]:
        problems.append(
            RuleBroken("The smallest award must not be more than the largest", field="min_award_pence")
        )
    if data["max_award_pence"] > data["total_budget_pence"]:
        problems.append(
            RuleBroken("The largest award must not be more than the total budget", field="max_award_pence")
        )
    if not 1 <= data["max_duration_months"] <= rules.LONGEST_DURATION_MONTHS:
        problems.append(
            RuleBroken(
                f"The longest duration must be between 1 and {rules.LONGEST_DURATION_MONTHS} months",
                field="max_duration_months",
            )
        )
    if data["closes_at"] <= data["opens_at"]:
        problems.append(RuleBroken("The closing date must be after the opening date", field="closes_at"))
    if timezone.localdate(data["closes_at"]) >= data["decision_date"]:
        problems.append(RuleBroken("The decision date must be after the closing date", field="decision_date"))
    return problems


def round_save(*, user: User, data: Mapping[str, Any], grant_round: GrantRound | None = None) -> GrantRound:
    """Create or change a draft round. `data` holds ROUND_FIELDS and `regions`."""
    regions = list(data["regions"])
    require_round_owner(user, regions)
    raise_problems(_round_field_problems(data))
    with transaction.atomic():
        created = grant_round is None
        if grant_round is None:
            grant_round = GrantRound(created_by=user)
        else:
            grant_round = locked(GrantRound, grant_round.pk)
            if grant_round.status != GrantRound.Status.DRAFT:
                raise RuleBroken(NOT_A_DRAFT)
        for name in ROUND_FIELDS:
            setattr(grant_round, name, data[name])
        if created:
            grant_round.save()
        else:
            grant_round.save(update_fields=list(ROUND_FIELDS))
        grant_round.regions.set(regions)
        audit_record(
            actor=user,
            action="grants.round_saved",
            summary=f"Saved grant round {grant_round}",
            obj=grant_round,
        )
    return grant_round


def _locked_draft(user: User, grant_round: GrantRound, *, refusal: str = NOT_A_DRAFT) -> GrantRound:
    """The round as it is now, locked (call it inside the transaction), refused unless still a draft:
    a page loaded before the round was published cannot change it."""
    require_round_owner(user, grant_round.regions.all())
    draft = locked(GrantRound, grant_round.pk)
    if draft.status != GrantRound.Status.DRAFT:
        raise RuleBroken(refusal)
    return draft


def _question_key(existing: Sequence[Mapping[str, Any]], prefix: str) -> str:
    used = {q["key"] for q in existing}
    number = len(existing) + 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


QUESTION_KINDS = {
    Kind.TEXT: "Short text",
    Kind.LONG_TEXT: "Long text, with a word limit",
    Kind.MONEY: "An amount of money",
    Kind.DATE: "A date",
    Kind.YES_NO: "Yes or no",
    Kind.CHOICE: "One choice from a list",
    Kind.CHOICES: "Several choices from a list",
    Kind.FILE: "A file",
}


def question_spec(
    *,
    key: str,
    label: str,
    hint: str,
    kind: str,
    required: bool,
    word_limit: int | None,
    choices: Sequence[str],
) -> dict[str, Any]:
    """A commissioner's question as engine data, checked."""
    problems = []
    if not label.strip():
        problems.append(RuleBroken("Enter the question", field="label"))
    if kind not in QUESTION_KINDS:
        problems.append(RuleBroken("Select the kind of answer", field="kind"))
    if kind == Kind.LONG_TEXT and not word_limit:
        problems.append(RuleBroken("Enter the word limit", field="word_limit"))
    if kind in (Kind.CHOICE, Kind.CHOICES) and len([c for c in choices if c.strip()]) < 2:
        problems.append(RuleBroken("Enter at least two choices, one a line", field="choices"))
    raise_problems(problems)
    spec: dict[str, Any] = {
        "key": key,
        "label": label.strip(),
        "kind": kind,
        "hint": hint.strip(),
        "required": required,
    }
    if kind == Kind.LONG_TEXT:
        spec["word_limit"] = word_limit
    if kind in (Kind.CHOICE, Kind.CHOICES):
        spec["choices"] = [[f"c{i}", c.strip()] for i, c in enumerate(c for c in choices if c.strip())]
    return Question.from_dict(spec).to_dict()


def next_question_key(existing: Sequence[Mapping[str, Any]]) -> str:
    """A key for a new application question, unused by the others."""
    return _question_key(existing, "q")


def round_question_add(*, user: User, grant_round: GrantRound, **fields: Any) -> GrantRound:
    with transaction.atomic():
        grant_round = _locked_draft(user, grant_round)
        spec = question_spec(key=next_question_key(grant_round.questions), **fields)
        grant_round.questions = [*grant_round.questions, spec]
        grant_round.save(update_fields=["questions"])
        audit_record(
            actor=user,
            action="grants.question_added",
            summary=f"Question added: {spec['label']}",
            obj=grant_round,
        )
    return grant_round


def round_question_remove(*, user: User, grant_round: GrantRound, key: str) -> GrantRound:
    with transaction.atomic():
        grant_round = _locked_draft(user, grant_round)
        grant_round.questions = [q for q in grant_round.questions if q["key"] != key]
        grant_round.eligibility_questions = [q for q in grant_round.eligibility_questions if q["key"] != key]
        grant_round.save(update_fields=["questions", "eligibility_questions"])
        audit_record(
            actor=user, action="grants.question_removed", summary=f"Question {key} removed", obj=grant_round
        )
    return grant_round


def round_eligibility_question_add(
    *, user: User, grant_round: GrantRound, label: str, ineligible_answer: bool | None, reason: str
) -> GrantRound:
    problems = []
    if not label.strip():
        problems.append(RuleBroken("Enter the question", field="label"))
    if ineligible_answer is None:
        problems.append(
            RuleBroken("Select the answer that makes an organisation ineligible", field="ineligible_answer")
        )
    if not reason.strip():
        problems.append(RuleBroken("Enter what an ineligible organisation is told", field="reason"))
    raise_problems(problems)
    with transaction.atomic():
        grant_round = _locked_draft(user, grant_round)
        key = _question_key(grant_round.eligibility_questions, "e")
        question = {
            "key": key,
            "label": label.strip(),
            "ineligible_answer": ineligible_answer,
            "reason": reason.strip(),
        }
        grant_round.eligibility_questions = [*grant_round.eligibility_questions, question]
        grant_round.save(update_fields=["eligibility_questions"])
        audit_record(
            actor=user,
            action="grants.eligibility_question_added",
            summary=f"Eligibility question: {label}",
            obj=grant_round,
        )
    return grant_round


def round_criteria_set(
    *, user: User, grant_round: GrantRound, criteria: Sequence[tuple[str, int]]
) -> list[AssessmentCriterion]:
    """Replace a draft's assessment criteria; the weightings must pass `rules.criteria_problems`."""
    with transaction.atomic():
        grant_round = _locked_draft(user, grant_round)
        if any(not name.strip() for name, _ in criteria):
            raise RuleBroken("Enter a name for every criterion", field="criteria.name")
        raise_problems(rules.criteria_problems([(name.strip(), weighting) for name, weighting in criteria]))
        grant_round.criteria.all().delete()
        made = AssessmentCriterion.objects.bulk_create(
            AssessmentCriterion(
                grant_round=grant_round, name=name.strip(), weighting=weighting, position=index
            )
            for index, (name, weighting) in enumerate(criteria)
        )
        audit_record(
            actor=user,
            action="grants.criteria_set",
            summary=f"Criteria of {grant_round} set",
            obj=grant_round,
        )
    return made


def publish_problems(grant_round: GrantRound, *, now: datetime) -> list[RuleBroken]:
    problems = []
    if not grant_round.questions:
        problems.append(RuleBroken("Add at least one application question", field="questions"))
    problems += rules.criteria_problems(list(grant_round.criteria.values_list("name", "weighting")))
    if has_passed(grant_round.closes_at, now):
        problems.append(RuleBroken("The closing date must be in the future", field="closes_at"))
    return problems


def round_publish(*, user: User, grant_round: GrantRound, now: datetime | None = None) -> GrantRound:
    """Open the round: it is public from its opening time, and registered organisations in its regions
    are alerted (grants.alerts, in the background)."""
    now = now or timezone.now()
    with transaction.atomic():
        grant_round = _locked_draft(
            user, grant_round, refusal="This round is not a draft, so it cannot be published."
        )
        raise_problems(publish_problems(grant_round, now=now))
        grant_round.status = GrantRound.Status.OPEN
        grant_round.published_at = now
        grant_round.save(update_fields=["status", "published_at"])
        audit_record(
            actor=user,
            action="grants.round_published",
            summary=f"Published grant round {grant_round}",
            obj=grant_round,
        )
        public_pages_changed()
        if grant_round.opens_at <= now:
            queue_on_commit(tasks.round_opened_alerts_send, grant_round.pk)
        # A round that opens later is alerted by the minute's recheck (`round_alerts_recheck_unsent`), not
        # by a task held until then: the broker would hand out again, every visibility timeout, a task
        # held longer than that.
    return grant_round


def _applicant_ids(grant_round: GrantRound) -> list[int]:
    return list(grant_round.applications.values_list("organisation_id", flat=True))


def round_amend(
    *,
    user: User,
    grant_round: GrantRound,
    note: str,
    questions: list[dict[str, Any]] | None = None,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> GrantRound:
    """Amend an open round: a new version of its questions (applicants are told which to review) and/or a
    later closing time. Everyone who has started an application is told."""
    now = now or timezone.now()
    require_round_owner(user, grant_round.regions.all())
    if not note.strip():
        raise RuleBroken("Explain what changed, for applicants", field="note")
    if closes_at is not None and has_passed(closes_at, now):
        raise RuleBroken("The closing date must be in the future", field="closes_at")
    with transaction.atomic():
        seen_version = grant_round.version
        grant_round = locked(GrantRound, grant_round.pk)
        if grant_round.status != GrantRound.Status.OPEN or grant_round.is_closed(now):
            raise RuleBroken("Only an open round can be amended.")
        if grant_round.version != seen_version:
            # The questions were built from the version the caller saw: never apply them over a newer one.
            raise RuleBroken(
                "Someone amended this round a moment ago. Check their changes, then amend it again."
            )
        changed: list[str] = []
        if questions is not None:
            for question in questions:
                Question.from_dict(question)  # refuses what the engine cannot run
            before = {q["key"]: q for q in grant_round.questions}
            changed = [q["key"] for q in questions if before.get(q["key"]) != q]
            grant_round.questions = questions
        if closes_at is not None:
            grant_round.closes_at = closes_at
        grant_round.version += 1
        grant_round.amended_keys = changed
        grant_round.amendment_note = note.strip()
        grant_round.save(
            update_fields=["questions", "closes_at", "version", "amended_keys", "amendment_note"]
        )
        audit_record(
            actor=user,
            action="grants.round_amended",
            summary=f"Amended grant round {grant_round} (version {grant_round.version})",
            obj=grant_round,
        )
        messages_send_bulk(
            kind=ROUND_AMENDED,
            source=f"grants.round:{grant_round.pk}:v{grant_round.version}",
            context={
                "grant_round": grant_round,
                "changed": [q["label"] for q in grant_round.questions if q["key"] in changed],
            },
            organisations=_applicant_ids(grant_round),
        )
        public_pages_changed()
    return grant_round


def round_cancel(*, user: User, grant_round: GrantRound, reason: str) -> GrantRound:
    require_round_owner(user, grant_round.regions.all())
    if not reason.strip():
        raise RuleBroken("Enter the reason for cancelling the round", field="reason")
    with transaction.atomic():
        grant_round = locked(GrantRound, grant_round.pk)
        if grant_round.status == GrantRound.Status.CANCELLED:
            raise RuleBroken("This round has already been cancelled.")
        if grant_round.status not in (GrantRound.Status.DRAFT, GrantRound.Status.OPEN):
            raise RuleBroken("This round has been decided, so it cannot be cancelled.")
        grant_round.status = GrantRound.Status.CANCELLED
        grant_round.cancel_reason = reason.strip()
        grant_round.save(update_fields=["status", "cancel_reason"])
        audit_record(
            actor=user,
            action="grants.round_cancelled",
            summary=f"Cancelled grant round {grant_round}",
            obj=grant_round,
        )
        messages_send_bulk(
            kind=ROUND_CANCELLED,
            source=grant_round,
            context={"grant_round": grant_round},
            organisations=_applicant_ids(grant_round),
        )
        public_pages_changed()
    return grant_round
