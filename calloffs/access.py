"""Object-level access to competitions and notices for the people who run them. A commissioner reaches
only those whose regions they all cover; MoJ admins reach every one. Others get 404, so ids cannot be
probed; the refusal is written to the audit log."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from calloffs import selectors
from calloffs.models import (
    ClarificationQuestion,
    Competition,
    Contract,
    Lot,
    MarketWarmingNotice,
    OpportunityDocument,
    Tender,
)
from calloffs.sealed import own_tenders
from portal.access import get_or_refuse, share_own_organisation


def competition_for_user(request: HttpRequest, competition_pk: int) -> Competition:
    """The competition, with everything its pages show, loaded once (it was loaded twice, once to check
    access and once with its related rows: 15% of every commissioner page)."""
    return get_or_refuse(
        request,
        selectors.with_detail(selectors.competitions_for(request.user).filter(pk=competition_pk)),
        f"competition {competition_pk} is outside their regions",
    )


def competition_alone_for_user(request: HttpRequest, competition_pk: int) -> Competition:
    """The competition, checked as `competition_for_user` checks it, without the related rows a
    competition's own pages show: for pages that show none of them (the evaluation overview, where
    loading them was nine queries and a third of its time)."""
    return get_or_refuse(
        request,
        selectors.competitions_for(request.user).filter(pk=competition_pk),
        f"competition {competition_pk} is outside their regions",
    )


def lot_for_user(request: HttpRequest, competition: Competition, lot_pk: int) -> Lot:
    lot = get_or_refuse(
        request,
        competition.lots.filter(pk=lot_pk).prefetch_related("regions"),
        f"lot {lot_pk} is not in competition {competition.pk}",
    )
    return lot


def notice_for_user(request: HttpRequest, notice_pk: int) -> MarketWarmingNotice:
    notice = get_or_refuse(
        request,
        (selectors.notices_for(request.user).filter(pk=notice_pk).prefetch_related("categories", "regions")),
        f"notice {notice_pk} is outside their regions",
    )
    return notice


def document_for_user(request: HttpRequest, document_pk: int) -> OpportunityDocument:
    """A document of a competition or notice the person manages."""
    user = request.user
    document = get_or_refuse(
        request,
        (
            OpportunityDocument.objects.filter(pk=document_pk)
            .filter(
                Q(competition__in=selectors.competitions_for(user))
                | Q(notice__in=selectors.notices_for(user))
            )
            .select_related("competition", "notice")
        ),
        f"document {document_pk} is outside their regions",
    )
    return document


def clarification_for_user(request: HttpRequest, question_pk: int) -> ClarificationQuestion:
    """A clarification question on a competition the person manages."""
    question = get_or_refuse(
        request,
        (
            ClarificationQuestion.objects.filter(
                pk=question_pk, competition__in=selectors.competitions_for(request.user)
            ).select_related("competition", "amendment")
        ),
        f"clarification question {question_pk} is outside their regions",
    )
    return question


def tender_for_member(request: HttpRequest, tender_pk: int) -> Tender:
    """A tender of the person's own organisation (`calloffs.sealed.own_tenders`); anyone else's, staff
    included, is 404. The one way a bidder's page gets its tender."""
    tender = get_or_refuse(
        request,
        # Not the current version (a page that shows it reads it: its snapshot is the whole tender), and
        # no ordering (a tender's default ordering joins its lot's competition again to sort one row).
        (
            own_tenders(request.user)
            .select_related("competition", "lot", "organisation", "submitter")
            .filter(pk=tender_pk)
            .order_by()
        ),
        f"tender {tender_pk} is not their organisation's",
    )
    share_own_organisation(request, tender.organisation)
    return tender


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related("organisation", "award__lot__competition", "recorded_by")


def contract_for_member(request: HttpRequest, contract_pk: int) -> Contract:
    """A contract of the person's own organisation (it is the lead provider); anyone else's is 404."""
    membership = getattr(request.user, "membership", None)
    organisation_id = getattr(membership, "organisation_id", None)
    contract = get_or_refuse(
        request,
        _contracts().filter(pk=contract_pk, organisation_id=organisation_id),
        f"contract {contract_pk} is not their organisation's",
    )
    return contract


def contract_for_user(request: HttpRequest, contract_pk: int) -> Contract:
    """A contract of a competition the person manages (its commissioner, or an MoJ admin)."""
    competitions = selectors.competitions_for(request.user)
    contract = get_or_refuse(
        request,
        _contracts().filter(pk=contract_pk, award__lot__competition__in=competitions),
        f"contract {contract_pk} is outside their regions",
    )
    return contract
