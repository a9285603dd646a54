"""The bidder's use cases (docs/domain.md §5): starting a tender for a lot, working on it with colleagues,
submitting it for a receipt, withdrawing it and submitting again, all before the deadline.

Every service checks that the person asking is a member of the tender's organisation, locks the tender,
judges the deadline by the server's clock inside the transaction (`tendering_rules.deadline_problem`:
at the deadline's instant it is already too late, whatever path the request took), checks eligibility
again where docs/domain.md §5 asks, and writes its audit event. Audit summaries never name the organisation:
the audit log must not reveal who bid before the tenders are opened.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from calloffs import selectors, tender_receipts, tendering_rules
from calloffs.models import (
    ChecklistItem,
    Competition,
    EvaluationCriterion,
    Lot,
    Tender,
    TenderFile,
    TenderPartner,
    TenderResponse,
    TenderSignature,
    TenderVersion,
)
from calloffs.tender_selectors import signed_form_text, tender_task_groups
from calloffs.tendering_rules import PartnerTerms
from portal import answer_library, stored_pdfs, uploads
from portal.audit import audit_record
from portal.exceptions import Problems, RuleBroken
from portal.models import LibraryAnswer, Membership, Organisation, User, source_key
from portal.organisations import membership_of, require_member
from portal.queueing import on_commit_robustly
from portal.services import message_send
from portal.signatures import signature_problems

NOT_A_MEMBER = "You are not a member of the organisation that owns this tender."
SUBMITTED_ALREADY = "Your tender has been submitted. Withdraw it if you need to change it."
MAY_NOT_WITHDRAW = "Only your organisation's admin, or the person they named, can withdraw this tender."
MAY_NOT_SUBMIT = "Only your organisation's admin, or the person they named, can submit this tender."


# Who asks, and when ------------------------------------------------------------------------------


def _organisation_of(user: User) -> Organisation:
    membership = membership_of(user)
    if membership is None:
        raise RuleBroken("Only people in a supplier organisation can bid.")
    return membership.organisation


def _check_member(user: User, tender: Tender) -> Membership:
    return require_member(user, tender.organisation_id, refusal=NOT_A_MEMBER)


def _check_deadline(competition: Competition, now: datetime) -> None:
    problem = tendering_rules.deadline_problem(
        is_live=competition.status == Competition.Status.LIVE,
        deadline=competition.submission_deadline,
        now=now,
    )
    if problem is not None:
        raise problem


def _check_eligible(organisation: Organisation, lot: Lot) -> None:
    competition = selectors.competition_detail(lot.competition_id)
    assert competition is not None  # the lot's own
    eligibility = selectors.eligibility_by_lot(organisation, competition)[lot.pk]
    if not eligibility.can_bid:
        raise RuleBroken(" ".join(eligibility.sentences))


def _locked(tender: Tender, user: User, now: datetime | None) -> tuple[Tender, datetime]:
    """The tender, locked for this transaction, once the person and the clock allow a change to it."""
    _check_member(user, tender)
    locked = Tender.objects.select_for_update().select_related("competition", "lot").get(pk=tender.pk)
    now = now or timezone.now()
    _check_deadline(locked.competition, now)
    return locked, now


def _editable(tender: Tender, user: User, now: datetime | None, *, check_eligibility: bool = True) -> Tender:
    """Locked, in time, not submitted, and its organisation still eligible: ready to be changed."""
    locked, now = _locked(tender, user, now)
    if locked.status == Tender.Status.SUBMITTED:
        raise RuleBroken(SUBMITTED_ALREADY)
    if check_eligibility:
        _check_eligible(locked.organisation, locked.lot)
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])
    return locked


def may_submit(user: User, tender: Tender) -> bool:
    """An organisation's admins may submit (and withdraw) its tenders, and the colleague they named."""
    membership = membership_of(user)
    if membership is None or membership.organisation_id != tender.organisation_id:
        return False
    return membership.is_admin or tender.submitter_id == user.pk


# Starting ----------------------------------------------------------------------------------------


def tender_start(*, lot: Lot, user: User, now: datetime | None = None) -> Tender:
    """The organisation's tender for this lot: started now, or the one it already has (a double click or
    a colleague starting it at the same moment changes nothing)."""
    organisation = _organisation_of(user)
    existing = Tender.objects.filter(lot=lot, organisation=organisation).first()
    if existing is not None:
        return existing
    competition = Competition.objects.get(pk=lot.competition_id)
    _check_deadline(competition, now or timezone.now())
    _check_eligible(organisation, lot)
    try:
        with transaction.atomic():
            tender = Tender.objects.create(
                competition=competition, lot=lot, organisation=organisation, started_by=user
            )
            audit_record(
                actor=user,
                action="tender.started",
                summary=f"Tender started for lot {lot.number}",
                obj=tender,
            )
    except IntegrityError:  # started by a colleague in the same instant
        return Tender.objects.get(lot=lot, organisation=organisation)
    return tender


# Quality responses, documents, signatures, partners -----------------------------------------------


def response_save(
    *, tender: Tender, criterion: EvaluationCriterion, user: User, text: str, now: datetime | None = None
) -> TenderResponse | None:
    """A typed quality response, within the criterion's word limit; an empty one is removed."""
    if criterion.competition_id != tender.competition_id:
        raise RuleBroken("That question is not part of this competition.")
    text = text.strip()
    problems = tendering_rules.response_problems(text, max_words=criterion.max_words)
    if problems:
        raise problems[0]
    with transaction.atomic():
        tender = _editable(tender, user, now)
        if not text:
            existing = TenderResponse.objects.filter(tender=tender, criterion=criterion).first()
            if existing is not None:
                answer_library.forget(source=source_key(existing))
                existing.delete()
            response = None
        else:
            # Saving is also how a person confirms a response copied from an earlier tender.
            response, _ = TenderResponse.objects.update_or_create(
                tender=tender,
                criterion=criterion,
                defaults={
                    "text": text,
                    "needs_review": False,
                    "updated_by": user,
                    "updated_at": tender.updated_at,
                },
            )
            _remember(tender, response)
        audit_record(
            actor=user,
            action="tender.response_saved",
            summary=f"Response to {criterion.name} saved",
            obj=tender,
        )
    return response


def _remember(tender: Tender, response: TenderResponse) -> None:
    """The answer library's copy of a response, for the organisation's later tenders and applications."""
    answer_library.remember(
        organisation_id=tender.organisation_id,
        kind=LibraryAnswer.Kind.TENDER,
        source=source_key(response),
        source_label=f"Tender for {tender.competition.title}, lot {tender.lot.number}",
        question=response.criterion.name,
        text=response.text,
        at=response.updated_at,
    )


NOTHING_TO_COPY = (
    "None of that tender's answered questions match a question of this one, so nothing was copied."
)


def responses_copy(*, tender: Tender, earlier: Tender, user: User, now: datetime | None = None) -> int:
    """Start from an earlier bid: copy the earlier tender's responses to the questions of this one that
    match (`tendering_rules.copy_plan`: by the question's name), each marked to check; submitting waits
    until someone saves each one. Responses already typed are kept. Returns how many were copied."""
    _check_member(user, tender)
    if earlier.pk == tender.pk or earlier.organisation_id != tender.organisation_id:
        raise RuleBroken("Choose one of your organisation's earlier tenders", field="earlier")
    with transaction.atomic():
        tender = _editable(tender, user, now)
        criteria = [
            tendering_rules.CriterionFacts(c.pk, c.name, c.max_words)
            for c in tender.competition.criteria.all()
        ]
        answered = frozenset(tender.responses.values_list("criterion_id", flat=True))
        earlier_texts = dict(earlier.responses.values_list("criterion__name", "text"))
        plan = tendering_rules.copy_plan(criteria, earlier_texts, answered)
        if not plan:
            raise RuleBroken(NOTHING_TO_COPY, field="earlier")
        TenderResponse.objects.bulk_create(
            TenderResponse(
                tender=tender,
                criterion_id=criterion_pk,
                text=text,
                needs_review=True,
                updated_by=user,
                updated_at=tender.updated_at,
            )
            for criterion_pk, text in plan.items()
        )
        audit_record(
            actor=user,
            action="tender.responses_copied",
            summary=f"{len(plan)} responses copied from an earlier tender, to check",
            obj=tender,
        )
    return len(plan)


def _file_named_by_a_version(tender: Tender, name: str) -> bool:
    # Read in Python, not with a JSON "contains" lookup, which SQLite (make run) does not have; a tender
    # has a handful of versions.
    return any(
        file.get("path") == name
        for snapshot in tender.versions.values_list("snapshot", flat=True)
        for file in snapshot.get("files", [])
    )


def _delete_stored(tender: Tender, tender_file: TenderFile) -> None:
    """Forget a draft's file; its bytes stay while a submitted version names them."""
    name = tender_file.file.name
    tender_file.delete()
    if not _file_named_by_a_version(tender, name):
        on_commit_robustly(lambda: default_storage.delete(name), what=f"delete the removed file {name}")


def file_upload(
    *,
    tender: Tender,
    user: User,
    uploaded_file: UploadedFile,
    checklist_item: ChecklistItem | None = None,
    criterion: EvaluationCriterion | None = None,
    now: datetime | None = None,
) -> TenderFile:
    """A document for a checklist item or a criterion answered by a document, checked by content and size
    like every upload; it replaces the one before."""
    target = checklist_item or criterion
    if target is None or (checklist_item is not None and criterion is not None):
        raise ValueError("A tender's file is for one checklist item or one criterion of its competition.")
    if target.competition_id != tender.competition_id:
        raise ValueError("A tender's file is for one checklist item or one criterion of its competition.")
    if checklist_item is not None and checklist_item.kind == ChecklistItem.Kind.SIGNED_FORM:
        raise RuleBroken("This form is signed in the portal, not uploaded.")
    if criterion is not None and criterion.max_words is not None:
        raise RuleBroken("This question is answered by typing your response.")
    upload = uploads.checked_upload(uploaded_file)
    with transaction.atomic():
        tender = _editable(tender, user, now)
        previous = TenderFile.objects.filter(
            tender=tender, checklist_item=checklist_item, criterion=criterion
        )
        for old in previous:
            _delete_stored(tender, old)
        tender_file = TenderFile(
            tender=tender,
            checklist_item=checklist_item,
            criterion=criterion,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=hashlib.sha256(upload.data).hexdigest(),
            uploaded_by=user,
            uploaded_at=tender.updated_at,
        )
        tender_file.file.save("upload", ContentFile(upload.data), save=False)
        stored = tender_file.file.name
        try:
            tender_file.save()
        except Exception:
            default_storage.delete(stored)
            raise
        # The task, never the file's name: a name may say who is bidding, and the log must not.
        summary = f"Document uploaded for {target.name}"
        audit_record(actor=user, action="tender.file_uploaded", summary=summary, obj=tender)
    return tender_file


def file_remove(*, tender_file: TenderFile, user: User, now: datetime | None = None) -> None:
    with transaction.atomic():
        tender = _editable(tender_file.tender, user, now, check_eligibility=False)
        target = tender_file.checklist_item or tender_file.criterion
        assert target is not None  # the check constraint: one of the two
        _delete_stored(tender, tender_file)
        summary = f"Document removed from {target.name}"
        audit_record(actor=user, action="tender.file_removed", summary=summary, obj=tender)


def form_sign(
    *, tender: Tender, item: ChecklistItem, user: User, name: str, role: str, now: datetime | None = None
) -> TenderSignature:
    """Sign a form in the portal: who, when, and the version of the text they read."""
    if item.competition_id != tender.competition_id or item.kind != ChecklistItem.Kind.SIGNED_FORM:
        raise RuleBroken("That form is not part of this competition.")
    problems = signature_problems(name=name, role=role)
    if problems:
        raise problems[0]
    with transaction.atomic():
        tender = _editable(tender, user, now)
        text = signed_form_text(tender, item)
        signature, _ = TenderSignature.objects.update_or_create(
            tender=tender,
            checklist_item=item,
            defaults={
                "signed_name": name.strip(),
                "signed_role": role.strip(),
                "signed_by": user,
                "signed_at": tender.updated_at,
                "text_version": text.version,
            },
        )
        audit_record(actor=user, action="tender.form_signed", summary=f"Signed: {item.name}", obj=tender)
    return signature


def partners_save(
    *,
    tender: Tender,
    user: User,
    has_subcontractors: bool | None,
    as_consortium_lead: bool | None,
    partners: Sequence[PartnerTerms],
    now: datetime | None = None,
) -> Tender:
    """The answers about key subcontractors and consortium members, and the list of each (a "no" keeps
    none of that kind)."""
    kept = [
        partner
        for partner in partners
        if (partner.kind == TenderPartner.Kind.SUBCONTRACTOR and has_subcontractors)
        or (partner.kind == TenderPartner.Kind.CONSORTIUM_MEMBER and as_consortium_lead)
    ]
    problems = tendering_rules.partner_problems(
        kept, has_subcontractors=has_subcontractors, as_consortium_lead=as_consortium_lead
    )
    if problems:
        raise Problems(problems)
    with transaction.atomic():
        tender = _editable(tender, user, now)
        tender.has_subcontractors = has_subcontractors
        tender.as_consortium_lead = as_consortium_lead
        tender.save(update_fields=["has_subcontractors", "as_consortium_lead"])
        tender.partners.all().delete()
        TenderPartner.objects.bulk_create(
            TenderPartner(
                tender=tender,
                kind=partner.kind,
                name=partner.name.strip(),
                role=partner.role.strip(),
                # Both given: partner_problems refuses a partner without them.
                share_percent=cast(int, partner.share_percent),
                is_vcse=cast(bool, partner.is_vcse),
            )
            for partner in kept
        )
        audit_record(
            actor=user,
            action="tender.partners_saved",
            summary=f"Supply chain saved: {len(kept)} partners",
            obj=tender,
        )
    return tender


def submitter_name(
    *, tender: Tender, user: User, submitter: User | None, now: datetime | None = None
) -> Tender:
    """An organisation's admin names a colleague who may submit the tender (None: admins only)."""
    _check_member(user, tender)
    require_member(
        user,
        tender.organisation_id,
        admin=True,
        refusal="Only your organisation's admin can choose who submits the tender.",
    )
    if submitter is not None:
        their = getattr(submitter, "membership", None)
        if their is None or their.organisation_id != tender.organisation_id:
            raise RuleBroken("Choose someone in your organisation", field="submitter")
    with transaction.atomic():
        tender, _ = _locked(tender, user, now)
        tender.submitter = submitter
        tender.save(update_fields=["submitter"])
        who = "admins and a named colleague" if submitter else "admins only"
        audit_record(actor=user, action="tender.submitter_named", summary=f"May submit: {who}", obj=tender)
    return tender


# Submitting and withdrawing ------------------------------------------------------------------------


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    """The SHA-256 of the whole tender: of its snapshot, as canonical JSON (each file's own SHA-256 is in
    it), so anyone holding the snapshot can check the receipt."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _snapshot(tender: Tender, *, user: User, submitted_at: datetime, amendment: int, number: int) -> dict:
    competition, lot = tender.competition, tender.lot
    return {
        "competition": {"id": competition.pk, "title": competition.title},
        "lot": {"id": lot.pk, "number": lot.number, "title": lot.title},
        "organisation": {"id": tender.organisation_id, "legal_name": tender.organisation.legal_name},
        "version": number,
        "submitted_at": submitted_at.isoformat(),
        "submitted_by": {"id": user.pk, "email": user.email, "name": str(user)},
        "amendment_number": amendment,
        "responses": [
            {"criterion_id": r.criterion_id, "criterion": r.criterion.name, "text": r.text}
            for r in tender.responses.select_related("criterion").order_by("criterion__position")
        ],
        "files": [
            {
                "checklist_item_id": f.checklist_item_id,
                "criterion_id": f.criterion_id,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "path": f.file.name,
            }
            for f in tender.files.order_by("pk")
        ],
        "signatures": [
            {
                "checklist_item_id": s.checklist_item_id,
                "form": s.checklist_item.name,
                "name": s.signed_name,
                "role": s.signed_role,
                "signed_by": s.signed_by.email,
                "signed_at": s.signed_at.isoformat(),
                "text_version": s.text_version,
            }
            for s in tender.signatures.select_related("checklist_item", "signed_by").order_by(
                "checklist_item__position"
            )
        ],
        "has_subcontractors": tender.has_subcontractors,
        "as_consortium_lead": tender.as_consortium_lead,
        "partners": [
            {
                "kind": p.kind,
                "name": p.name,
                "role": p.role,
                "share_percent": p.share_percent,
                "is_vcse": p.is_vcse,
            }
            for p in tender.partners.order_by("kind", "pk")
        ],
    }


def _receipt_number(tender: Tender, number: int) -> str:
    return f"T{tender.competition_id}-{tender.lot.number}-{tender.pk}-{number}-{secrets.token_hex(3).upper()}"


def tender_submit(*, tender: Tender, user: User, now: datetime | None = None) -> TenderVersion:
    """Submit: only when every required task is complete. Freezes a numbered version with the server's
    time, a receipt number and the SHA-256 of each file and of the whole; the organisation is told in its
    inbox and by e-mail, and the receipt PDF is rendered once, after commit."""
    with transaction.atomic():
        tender, now = _locked(tender, user, now)
        if not may_submit(user, tender):
            raise RuleBroken(MAY_NOT_SUBMIT)
        if tender.status == Tender.Status.SUBMITTED:
            raise RuleBroken(SUBMITTED_ALREADY)
        _check_eligible(tender.organisation, tender.lot)
        missing = tendering_rules.missing_tasks(tender_task_groups(tender))
        if missing:
            raise Problems([RuleBroken(task.problem, field=f"{task.kind}-{task.key}") for task in missing])
        amendment = tender.competition.amendments.aggregate(latest=Max("number"))["latest"] or 0
        number = (tender.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
        snapshot = _snapshot(tender, user=user, submitted_at=now, amendment=amendment, number=number)
        version = TenderVersion.objects.create(
            tender=tender,
            number=number,
            receipt_number=_receipt_number(tender, number),
            submitted_by=user,
            submitted_at=now,
            amendment_number=amendment,
            sha256=snapshot_sha256(snapshot),
            snapshot=snapshot,
        )
        tender.status = Tender.Status.SUBMITTED
        tender.current_version = version
        tender.confirmed_amendment = amendment
        tender.updated_at = now
        tender.save(update_fields=["status", "current_version", "confirmed_amendment", "updated_at"])
        audit_record(
            actor=user,
            action="tender.submitted",
            summary=f"Tender submitted for lot {tender.lot.number}: receipt {version.receipt_number}",
            obj=tender,
        )
        message_send(
            kind="tender_submitted",
            source=version,
            context={
                "tender": tender,
                "version": version,
                "competition": tender.competition,
                "lot": tender.lot,
            },
            organisation=tender.organisation,
        )
        stored_pdfs.queue_on_commit(tender_receipts.RECEIPT, version.pk)
    return version


def tender_withdraw(*, tender: Tender, user: User, now: datetime | None = None) -> Tender:
    """Take a submitted tender back before the deadline; its version is kept, marked withdrawn, and the
    tender can be changed and submitted again."""
    with transaction.atomic():
        tender, now = _locked(tender, user, now)
        if not may_submit(user, tender):
            raise RuleBroken(MAY_NOT_WITHDRAW)
        if tender.status != Tender.Status.SUBMITTED:
            raise RuleBroken("Your tender has not been submitted, so there is nothing to withdraw.")
        if tender.current_version_id is not None:  # always, once submitted
            TenderVersion.objects.filter(pk=tender.current_version_id).update(
                withdrawn_at=now, withdrawn_by=user
            )
        tender.status = Tender.Status.WITHDRAWN
        tender.current_version = None
        tender.updated_at = now
        tender.save(update_fields=["status", "current_version", "updated_at"])
        audit_record(
            actor=user,
            action="tender.withdrawn",
            summary=f"Tender withdrawn for lot {tender.lot.number}",
            obj=tender,
        )
    return tender
