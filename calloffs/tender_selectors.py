"""Reads of a bidder's own tenders. Every one starts from `calloffs.sealed.own_tenders`, so a tender is
only ever read by its own organisation's people here (staff read opened tenders elsewhere)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from calloffs import tendering_rules
from calloffs.models import ChecklistItem, Tender, TenderFile, TenderVersion
from calloffs.sealed import own_tenders
from calloffs.tendering_rules import CriterionFacts, ItemFacts, TaskGroup, TenderFacts
from portal.models import User
from portal.questionnaires.engine import word_count
from portal.signatures import SignedText, signed_text


def tenders_of(user: User) -> QuerySet[Tender]:
    """The person's organisation's tenders, newest competition first, for the list page."""
    return (
        own_tenders(user)
        .select_related("competition", "lot", "current_version")
        .order_by("-competition__submission_deadline", "lot__number", "pk")
    )


def earlier_tenders(user: User, tender: Tender) -> list[Tender]:
    """The organisation's other tenders with typed responses to copy, newest first."""
    return list(
        own_tenders(user)
        .exclude(pk=tender.pk)
        .annotate(response_count=Count("responses"))
        .filter(response_count__gt=0)
        .select_related("competition", "lot")
        .order_by("-started_at", "-pk")
    )


def has_earlier_tenders(user: User, tender: Tender) -> bool:
    return own_tenders(user).exclude(pk=tender.pk).filter(responses__isnull=False).exists()


def own_file(tender: Tender, file_pk: int) -> TenderFile | None:
    return tender.files.filter(pk=file_pk).first()


def submitted_versions(tender: Tender) -> list[TenderVersion]:
    """The versions the organisation submitted, listed by number and date: not their content (each
    snapshot is the whole tender). A tender never submitted has none, without asking."""
    if not tender.ever_submitted:
        return []
    return list(tender.versions.defer("snapshot"))


def own_version(tender: Tender, number: int) -> TenderVersion | None:
    return tender.versions.select_related("submitted_by").filter(number=number).first()


def tender_facts(tender: Tender) -> TenderFacts:
    # Plain rows, not models, and no ordering: only which ids are there, and the words typed.
    files = list(tender.files.order_by().values_list("checklist_item_id", "criterion_id"))
    responses = list(tender.responses.order_by().values_list("criterion_id", "text", "needs_review"))
    return TenderFacts(
        response_words={criterion: word_count(text) for criterion, text, _review in responses},
        copied_unchecked=frozenset(criterion for criterion, _text, review in responses if review),
        criterion_file_ids=frozenset(criterion for _item, criterion in files if criterion),
        item_file_ids=frozenset(item for item, _criterion in files if item),
        signed_item_ids=frozenset(tender.signatures.order_by().values_list("checklist_item_id", flat=True)),
        partners_answered=tender.has_subcontractors is not None and tender.as_consortium_lead is not None,
    )


def tender_task_groups(tender: Tender) -> list[TaskGroup]:
    """The task list of a tender, from its competition's criteria and checklist and what it holds."""
    competition = tender.competition
    criteria = [
        CriterionFacts(*row)
        for row in competition.criteria.order_by("position").values_list("pk", "name", "max_words")
    ]
    checklist = [
        ItemFacts(*row)
        for row in competition.checklist.order_by("position").values_list(
            "pk", "name", "kind", "required", "standard_code"
        )
    ]
    return tendering_rules.tender_tasks(criteria, checklist, tender_facts(tender))


def signed_form_text(tender: Tender, item: ChecklistItem) -> SignedText:
    """The text of a form as the bidder reads and signs it, naming the competition and the lot."""
    code = tendering_rules.signed_form_code(item.standard_code)
    return signed_text(
        code,
        {
            "competition": tender.competition,
            "lot": tender.lot,
            "organisation": tender.organisation,
            "item": item,
        },
    )
