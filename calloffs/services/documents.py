"""Documents published with a notice or competition, and an amendment that adds one."""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from calloffs.models import (
    Amendment,
    Competition,
    MarketWarmingNotice,
    OpportunityDocument,
)
from calloffs.services.competitions import check_draft, competition_amend
from calloffs.services.notices import NOTICE_NOT_A_DRAFT
from calloffs.services.ownership import check_owns
from portal import uploads
from portal.audit import audit_record
from portal.exceptions import RuleBroken
from portal.locking import locked
from portal.models import User
from portal.queueing import on_commit_robustly

# Documents ---------------------------------------------------------------------------------------

MAX_DOCUMENTS = 20  # on one notice or competition


def _store_document(*, document: OpportunityDocument, upload: uploads.CheckedUpload) -> OpportunityDocument:
    document.original_name = upload.name
    document.content_type = upload.content_type
    document.size = upload.size
    document.file.save("upload", ContentFile(upload.data), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_add(
    *,
    user: User,
    uploaded_file: UploadedFile,
    competition: Competition | None = None,
    notice: MarketWarmingNotice | None = None,
) -> OpportunityDocument:
    """Attach a document (a specification, a template) to a draft competition or notice, after checking
    its size and its type by content. A published competition gets new documents by an amendment."""
    owner = competition or notice
    if owner is None or (competition is not None and notice is not None):
        raise ValueError("A document belongs to one competition or one notice.")
    check_owns(user, owner)
    upload = uploads.checked_upload(uploaded_file, user=user)
    with transaction.atomic():
        if competition is not None:
            owner = check_draft(user, competition)
        else:
            assert notice is not None  # one of the two, checked above
            owner = locked(MarketWarmingNotice, notice.pk)
            if owner.status != MarketWarmingNotice.Status.DRAFT:
                raise RuleBroken(NOTICE_NOT_A_DRAFT)
        if owner.documents.count() >= MAX_DOCUMENTS:
            raise RuleBroken(f"You can add up to {MAX_DOCUMENTS} documents.", field="file")
        owner_field = "competition" if competition is not None else "notice"
        document = _store_document(
            document=OpportunityDocument(**{owner_field: owner}, uploaded_by=user), upload=upload
        )
        audit_record(
            actor=user, action="document.added", summary=f"Added {document.original_name}", obj=owner
        )
    return document


def document_remove(*, user: User, document: OpportunityDocument) -> None:
    """Take a document off a draft (a published one stays: bidders may have read it)."""
    owner = document.opportunity
    check_owns(user, owner)
    with transaction.atomic():
        if document.competition is not None:
            owner = check_draft(user, document.competition)
        else:
            assert document.notice_id is not None  # the check constraint: a competition or a notice
            owner = locked(MarketWarmingNotice, document.notice_id)
            if owner.status != MarketWarmingNotice.Status.DRAFT:
                raise RuleBroken(NOTICE_NOT_A_DRAFT)
        name = document.file.name
        document.delete()
        audit_record(
            actor=user, action="document.removed", summary=f"Removed {document.original_name}", obj=owner
        )
        storage = OpportunityDocument._meta.get_field("file").storage
        on_commit_robustly(lambda: storage.delete(name), what=f"delete the removed file {name}")


def competition_amend_with_document(
    *,
    competition: Competition,
    user: User,
    summary: str,
    new_deadline: datetime | None = None,
    uploaded_file: UploadedFile | None = None,
    now: datetime | None = None,
) -> Amendment:
    """An amendment (`competition_amend`) that may publish a new document with it. The file is checked
    before anything is saved; the amendment and its document are saved together or not at all."""
    check_owns(user, competition)
    upload = uploads.checked_upload(uploaded_file, user=user) if uploaded_file is not None else None
    with transaction.atomic():
        amendment = competition_amend(
            competition=competition, user=user, summary=summary, new_deadline=new_deadline, now=now
        )
        if upload is not None:
            document = _store_document(
                document=OpportunityDocument(
                    competition=amendment.competition, amendment=amendment, uploaded_by=user
                ),
                upload=upload,
            )
            audit_record(
                actor=user,
                action="document.added",
                summary=f"Added {document.original_name} with amendment {amendment.number}",
                obj=amendment.competition,
            )
    return amendment
