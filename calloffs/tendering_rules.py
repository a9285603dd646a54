"""The rules of a bidder's tender (docs/domain.md §5), as pure functions over plain values.

The task list a bidder works through is built from the competition's evaluation criteria and submission
checklist (`tender_tasks`); the same list, reduced to what is still missing, decides whether the tender
can be submitted (`calloffs.services.tenders.tender_submit`), so the page and the server never disagree.
Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from portal.answer_library import question_key
from portal.clock import has_passed
from portal.exceptions import RuleBroken
from portal.questionnaires.engine import word_count

# The standard checklist items (calloffs.rules.STANDARD_CHECKLIST) the tendering side builds on.
QUALITY_RESPONSE = "quality_response"
# Standard signed forms with their own wording in templates/signed_forms/<code>.html; a signed form the
# commissioner added uses templates/signed_forms/signed_form.html.
STANDARD_SIGNED_FORMS = frozenset({"form_of_tender", "conflicts_of_interest", "submission_checklist"})
GENERIC_SIGNED_FORM = "signed_form"

RESPONSE, DOCUMENT, SIGNED_FORM, PARTNERS = "response", "document", "signed_form", "partners"
MAX_PARTNERS = 20  # of each kind, on one tender

DEADLINE_PASSED = (
    "The deadline for this competition has passed, so tenders can no longer be submitted, changed or "
    "withdrawn."
)
NOT_OPEN = "This competition is no longer open, so tenders can no longer be submitted, changed or withdrawn."


def signed_form_code(standard_code: str) -> str:
    """Which text a signed checklist item is signed against."""
    return standard_code if standard_code in STANDARD_SIGNED_FORMS else GENERIC_SIGNED_FORM


def deadline_problem(*, is_live: bool, deadline: datetime | None, now: datetime) -> RuleBroken | None:
    """Why a tender cannot be changed now, if it cannot: from the deadline itself (the instant of the
    deadline is already too late), or when the competition has ended."""
    if not is_live:
        return RuleBroken(NOT_OPEN)
    assert deadline is not None  # a live competition has one
    if has_passed(deadline, now):
        return RuleBroken(DEADLINE_PASSED)
    return None


def words_remaining(text: str, max_words: int) -> int:
    """Negative when over the limit: the page says by how many."""
    return max_words - word_count(text)


def response_problems(text: str, *, max_words: int | None) -> list[RuleBroken]:
    if max_words is None:
        return [RuleBroken("This question is answered by uploading a document", field="text")]
    used = word_count(text)
    if used > max_words:
        return [RuleBroken(f"Use {max_words} words or fewer (you used {used})", field="text")]
    return []


@dataclass(frozen=True)
class PartnerTerms:
    kind: str
    name: str
    role: str
    share_percent: int | None
    is_vcse: bool | None


def partner_problems(
    partners: Sequence[PartnerTerms], *, has_subcontractors: bool | None, as_consortium_lead: bool | None
) -> list[RuleBroken]:
    problems = []
    if has_subcontractors is None:
        problems.append(
            RuleBroken("Select yes if you will use key subcontractors", field="has_subcontractors")
        )
    if as_consortium_lead is None:
        problems.append(
            RuleBroken(
                "Select yes if you are bidding as the lead of a consortium", field="as_consortium_lead"
            )
        )
    for number, partner in enumerate(partners, start=1):
        if not partner.name.strip():
            problems.append(RuleBroken(f"Enter the name of partner {number}", field="partners"))
        if not partner.role.strip():
            problems.append(RuleBroken(f"Enter what partner {number} will deliver", field="partners"))
        if partner.share_percent is None or not 1 <= partner.share_percent <= 100:
            problems.append(
                RuleBroken(
                    f"Enter partner {number}'s share of the work as a whole number from 1 to 100",
                    field="partners",
                )
            )
        if partner.is_vcse is None:
            problems.append(
                RuleBroken(f"Say whether partner {number} is a VCSE organisation", field="partners")
            )
    kinds = {partner.kind for partner in partners}
    if has_subcontractors and "subcontractor" not in kinds:
        problems.append(RuleBroken("Add at least one key subcontractor, or select no", field="partners"))
    if as_consortium_lead and "consortium_member" not in kinds:
        problems.append(RuleBroken("Add at least one consortium member, or select no", field="partners"))
    for kind in kinds:
        same = [partner for partner in partners if partner.kind == kind]
        if len(same) > MAX_PARTNERS:
            problems.append(RuleBroken(f"You can add up to {MAX_PARTNERS} of each", field="partners"))
        if sum(partner.share_percent or 0 for partner in same) > 100:
            problems.append(RuleBroken("The shares of the work add up to more than 100%", field="partners"))
    return problems


# The task list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFacts:
    pk: int
    name: str
    max_words: int | None  # None: answered by an uploaded document


@dataclass(frozen=True)
class ItemFacts:
    pk: int
    name: str
    kind: str  # ChecklistItem.Kind
    required: bool
    standard_code: str = ""


@dataclass(frozen=True)
class TenderFacts:
    """What the tender holds, by id: enough to judge each task."""

    response_words: Mapping[int, int]  # criterion id -> words typed
    criterion_file_ids: frozenset[int]  # criteria answered by an uploaded document
    item_file_ids: frozenset[int]  # checklist items with an uploaded document
    signed_item_ids: frozenset[int]
    partners_answered: bool
    copied_unchecked: frozenset[int] = frozenset()  # criteria whose response was copied, not yet checked


@dataclass(frozen=True)
class Task:
    kind: str  # RESPONSE, DOCUMENT, SIGNED_FORM or PARTNERS
    key: int | None  # the criterion or checklist item's id (None for the partners' task)
    name: str
    required: bool
    complete: bool
    to_check: bool = False  # a response copied from an earlier tender that nobody has checked yet

    @property
    def missing(self) -> bool:
        """What submitting waits for: a required task not complete, and any copied response not checked
        (optional or not: nothing copied is sent unread)."""
        return (self.required and not self.complete) or self.to_check

    @property
    def problem(self) -> str:
        return f"Check the copied response: {self.name}" if self.to_check else f"Complete: {self.name}"


@dataclass(frozen=True)
class TaskGroup:
    title: str
    tasks: tuple[Task, ...]


def _response_complete(criterion: CriterionFacts, facts: TenderFacts) -> bool:
    if criterion.max_words is None:
        return criterion.pk in facts.criterion_file_ids
    words = facts.response_words.get(criterion.pk, 0)
    return 0 < words <= criterion.max_words


def tender_tasks(
    criteria: Sequence[CriterionFacts], checklist: Sequence[ItemFacts], facts: TenderFacts
) -> list[TaskGroup]:
    """The bidder's task list, in groups: a quality response per criterion (if the checklist asks for
    them), each document to upload, each form to sign, and the supply chain."""
    quality_required = any(item.required for item in checklist if item.standard_code == QUALITY_RESPONSE)
    responses = tuple(
        Task(
            RESPONSE,
            c.pk,
            c.name,
            quality_required,
            _response_complete(c, facts) and c.pk not in facts.copied_unchecked,
            to_check=c.pk in facts.copied_unchecked,
        )
        for c in criteria
    )
    documents = tuple(
        Task(DOCUMENT, item.pk, item.name, item.required, item.pk in facts.item_file_ids)
        for item in checklist
        if item.kind != "signed_form" and item.standard_code != QUALITY_RESPONSE
    )
    signed = tuple(
        Task(SIGNED_FORM, item.pk, item.name, item.required, item.pk in facts.signed_item_ids)
        for item in checklist
        if item.kind == "signed_form"
    )
    partners = (
        Task(PARTNERS, None, "Key subcontractors and consortium members", True, facts.partners_answered),
    )
    groups = [
        TaskGroup("Quality responses", responses),
        TaskGroup("Documents", documents),
        TaskGroup("Forms to sign", signed),
        TaskGroup("Your supply chain", partners),
    ]
    return [group for group in groups if group.tasks]


def missing_tasks(groups: Sequence[TaskGroup]) -> list[Task]:
    """Every required task not yet complete, in the order of the page: submitting waits for none."""
    return [task for group in groups for task in group.tasks if task.missing]


# Starting from an earlier tender -------------------------------------------------------------------


def copy_plan(
    criteria: Sequence[CriterionFacts], earlier: Mapping[str, str], answered: frozenset[int]
) -> dict[int, str]:
    """{criterion id: text} to copy: each typed-response criterion not yet answered whose name matches
    (`portal.answer_library.question_key`) a criterion answered in the earlier tender (`earlier`: the
    earlier criterion's name -> its text). A response already typed is never overwritten."""
    by_key = {question_key(name): text for name, text in earlier.items() if text.strip()}
    plan = {}
    for criterion in criteria:
        if criterion.max_words is None or criterion.pk in answered:
            continue
        text = by_key.get(question_key(criterion.name))
        if text is not None:
            plan[criterion.pk] = text
    return plan
