"""Use cases of qualification: filling in, submitting and deciding a Selection Questionnaire
(docs/domain.md §4).

Every change checks the current state, happens in one transaction with its audit event, and refuses
with `RuleBroken` (plain English, fit to show) when a rule says no. Only drafts can be changed; only MoJ
admins record outcomes. Messages (and their e-mails, queued after commit) go through
`portal.services.message_send`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from portal import answer_library, decision_clocks, decision_reminders, stored_pdfs, uploads, working_days
from portal.audit import audit_record, changed_fields
from portal.clock import has_passed
from portal.exceptions import RuleBroken
from portal.financial_profile import current_profile
from portal.models import LibraryAnswer, Organisation, Region, ServiceCategory, User, source_key
from portal.organisations import require_member
from portal.page_cache import public_pages_changed
from portal.queueing import on_commit_robustly
from portal.services import message_send
from portal.wording import in_words
from suppliers import accounts, pdfs, rules, sections, selectors, standing
from suppliers.models import (
    Application,
    CategoryChoice,
    CyberReminder,
    FrameworkAgreement,
    OrganisationRegion,
    OrganisationStanding,
    PartnerSearch,
    Qualification,
    SupportingDocument,
)

NOT_A_DRAFT = (
    "This application has been submitted, so it cannot be changed. Start a new version to update it."
)


# Small helpers ------------------------------------------------------------------------------------


def _long_date(day: date | datetime) -> str:
    return dateformat.format(day, "j F Y")


def _jsonable(data: Any) -> Any:
    """Dates as ISO strings and decimals as strings: exactly what the JSON field will give back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


QUESTIONNAIRE_MEMBERS_ONLY = "Only people in this organisation can change its Selection Questionnaire."
PARTNERS_ADMINS_ONLY = "Only your organisation's admins can say what partners it is looking for."


def _require_admin(user: User) -> None:
    if not user.is_moj_admin:
        raise RuleBroken("Only MoJ admins can assess Selection Questionnaires.")


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)


def _locked_draft(application: Application) -> Application:
    locked = _locked(application)
    if not locked.is_draft:
        raise RuleBroken(NOT_A_DRAFT)
    return locked


def _locked_awaiting_decision(application: Application) -> Application:
    locked = _locked(application)
    if locked.status != Application.Status.SUBMITTED:
        raise RuleBroken("Only a submitted application that has not been decided can be assessed.")
    return locked


def _save(application: Application, locked: Application, fields: list[str]) -> None:
    """Save the locked copy's fields and mirror them on the caller's instance."""
    locked.save(update_fields=fields)
    for name in fields:
        setattr(application, name, getattr(locked, name))


def _mark(application: Application, slug: str, *, complete: bool) -> None:
    marked = [s for s in application.completed_sections if s != slug]
    application.completed_sections = [*marked, slug] if complete else marked


# Starting and filling in ---------------------------------------------------------------------------


def _refuse_if_waiting(organisation: Organisation, today: date) -> None:
    status = selectors.retry_status_for(organisation, today)
    if not status.can_apply:
        assert status.wait_until is not None  # waiting, so until a day
        raise RuleBroken(
            f"After {in_words(rules.ATTEMPTS)} unsuccessful applications an organisation must wait "
            f"{in_words(rules.WAIT_MONTHS)} months. "
            f"You can apply again from {_long_date(status.wait_until)}."
        )


def _prefill(organisation: Organisation, previous: Application | None) -> dict[str, Any]:
    """The previous version's answers, except the agreement and declaration (given afresh each time),
    with the organisation's details from its profile and its latest accounts from its financial profile."""
    answers = copy.deepcopy(previous.answers) if previous else {}
    answers.pop("agreement", None)
    answers.pop("declaration", None)
    parent = (answers.get("organisation") or {}).get("parent_organisation", "")
    answers["organisation"] = {**sections.organisation_answers(organisation), "parent_organisation": parent}
    profile = current_profile(organisation)
    if profile is not None:
        answers["financial"] = accounts.with_profile(answers.get("financial") or {}, profile)
    return _jsonable(answers)


def _copy_choices(previous: Application, application: Application) -> None:
    """Copy the categories and their documents. Copies share the stored file, which is deleted only when
    no document refers to it any more."""
    for choice in previous.category_choices.prefetch_related("documents"):
        copied = CategoryChoice.objects.create(
            application=application,
            category_id=choice.category_id,
            descriptor=choice.descriptor,
            case_studies=choice.case_studies,
        )
        for document in choice.documents.all():
            document.pk = None
            document.category_choice = copied
            document.save()


def application_start(*, organisation: Organisation, user: User, today: date | None = None) -> Application:
    """Start a new version of the organisation's SQ, or return the draft it already has.

    A new version starts from the previous one's answers, but every section is "in progress" until the
    organisation confirms it. Refused while the organisation must wait (the retry rule).
    """
    require_member(user, organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one start at a time
        draft = selectors.draft_for(organisation)
        if draft is not None:
            return draft
        _refuse_if_waiting(organisation, today or timezone.localdate())
        previous = selectors.latest_sent(organisation)
        number = (organisation.applications.aggregate(last=Max("number"))["last"] or 0) + 1
        application = Application.objects.create(
            organisation=organisation,
            number=number,
            answers=_prefill(organisation, previous),
            created_by=user,
        )
        if previous is not None:
            _copy_choices(previous, application)
        audit_record(
            actor=user,
            action="sq.started",
            obj=application,
            summary=f"Started application {number}" + (f" from {previous.number}" if previous else ""),
        )
    return application


def section_save(
    *, application: Application, user: User, slug: str, data: dict[str, Any] | None, mark_complete: bool
) -> dict[str, str]:
    """Save one section's answers, even when invalid, so nothing typed is lost; it is marked complete
    only when valid. Returns the section's errors ({} when valid).

    Only the section's own fields are kept, as typed, with the normalised money and dates (see
    `Section.stored`). The categories and agreement sections are saved by their
    own services; for them `data` must be empty and this only marks the section complete (or not).
    """
    spec = sections.section(slug)
    if slug in sections.OWN_SERVICE and data:
        raise ValueError(f"The {slug} section is saved by its own service, not section_save.")
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    with transaction.atomic():
        locked = _locked_draft(application)
        if slug == "financial":  # its most recent year is the organisation's accounts, when it has them
            stored = accounts.with_profile(spec.stored(data), current_profile(locked.organisation_id))
            locked.answers[slug] = _jsonable(stored)
        elif slug not in sections.OWN_SERVICE:
            locked.answers[slug] = _jsonable(spec.stored(data))
        errors = sections.section_errors(slug, sections.answers_for(locked, slug), application=locked)
        complete = mark_complete and not errors
        _mark(locked, slug, complete=complete)
        locked.updated_at = timezone.now()
        _save(application, locked, ["answers", "completed_sections", "updated_at"])
        audit_record(
            actor=user,
            action="sq.section_saved",
            obj=application,
            summary=f"Saved {spec.title}" + (" as complete" if complete else ""),
            changes={"section": slug, "complete": complete},
        )
    return errors


def _clean_case_studies(case_studies: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return _jsonable(
        [{name: study.get(name, "") for name in sections.CASE_STUDY_FIELDS} for study in case_studies]
    )


def category_choice_save(
    *,
    application: Application,
    user: User,
    category: ServiceCategory,
    descriptor: str,
    case_studies: list[dict[str, Any]],
) -> CategoryChoice:
    """Add a category to the draft, or change its descriptor and case studies. Saved even when
    incomplete; `sections.choice_errors(choice.descriptor, choice.case_studies)` says what is missing."""
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    if not category.is_active:
        raise RuleBroken(f"{category.name} is not open to applications.", field="category")
    with transaction.atomic():
        locked = _locked_draft(application)
        choice, created = CategoryChoice.objects.update_or_create(
            application=locked,
            category=category,
            defaults={"descriptor": descriptor.strip(), "case_studies": _clean_case_studies(case_studies)},
        )
        answer_library.remember_questionnaire(
            organisation_id=locked.organisation_id,
            kind=LibraryAnswer.Kind.QUESTIONNAIRE,
            source=source_key(choice),
            source_label=f"Selection Questionnaire, {category.name}",
            questions=sections.CATEGORY_CHOICE.questions,
            answers={"descriptor": choice.descriptor, "case_studies": choice.case_studies},
        )
        locked.updated_at = timezone.now()
        _save(application, locked, ["updated_at"])
        audit_record(
            actor=user,
            action="sq.category_added" if created else "sq.category_saved",
            obj=application,
            summary=f"{'Added' if created else 'Saved'} {category}",
        )
    return choice


def _delete_unused_files(names: list[str]) -> None:
    used = set(SupportingDocument.objects.filter(file__in=names).values_list("file", flat=True))
    storage = SupportingDocument._meta.get_field("file").storage
    for name in set(names) - used:
        storage.delete(name)


def category_choice_remove(*, choice: CategoryChoice, user: User) -> None:
    """Take a category (and its documents) out of the draft."""
    application = choice.application
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    with transaction.atomic():
        _locked_draft(application)
        if not CategoryChoice.objects.filter(pk=choice.pk, application_id=application.pk).exists():
            raise RuleBroken(f"{choice.category} has already been removed from your application.")
        names = [document.file.name for document in choice.documents.all()]
        answer_library.forget_questionnaire(source=source_key(choice))
        choice.delete()
        audit_record(
            actor=user, action="sq.category_removed", obj=application, summary=f"Removed {choice.category}"
        )
        on_commit_robustly(lambda: _delete_unused_files(names), what="delete the removed category's files")


# Supporting documents -----------------------------------------------------------------------------


def supporting_document_add(
    *, category_choice: CategoryChoice, user: User, uploaded_file: UploadedFile
) -> SupportingDocument:
    """Attach a file to a category choice, after checking its size and its type by content."""
    application = category_choice.application
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    upload = uploads.checked_upload(uploaded_file, user=user)
    with transaction.atomic():
        _locked_draft(application)
        if not CategoryChoice.objects.filter(pk=category_choice.pk, application_id=application.pk).exists():
            raise RuleBroken(
                f"{category_choice.category} has been removed from your application: add it again first.",
                field="file",
            )
        if category_choice.documents.count() >= rules.MAX_DOCUMENTS_PER_CATEGORY:
            raise RuleBroken(
                f"You can add up to {rules.MAX_DOCUMENTS_PER_CATEGORY} files for each category.", field="file"
            )
        document = SupportingDocument(
            category_choice=category_choice,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=user,
        )
        document.file.save("upload", ContentFile(upload.data), save=False)
        try:
            document.save()
            audit_record(
                actor=user,
                action="sq.document_added",
                obj=application,
                summary=f"Added {document.original_name}",
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def supporting_document_remove(*, document: SupportingDocument, user: User) -> None:
    application = document.category_choice.application
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    with transaction.atomic():
        _locked_draft(application)
        if not SupportingDocument.objects.filter(pk=document.pk).exists():
            raise RuleBroken(f"{document.original_name} has already been removed.")
        name = document.file.name
        document.delete()
        audit_record(
            actor=user,
            action="sq.document_removed",
            obj=application,
            summary=f"Removed {document.original_name}",
        )
        on_commit_robustly(lambda: _delete_unused_files([name]), what=f"delete the removed file {name}")


# The framework agreement --------------------------------------------------------------------------


def agreement_publish(*, admin: User, version: str, title: str, body: str) -> FrameworkAgreement:
    """Publish a new version of the framework agreement; it replaces the current one. Drafts that
    accepted an older version must accept this one before they can be submitted."""
    _require_admin(admin)
    if FrameworkAgreement.objects.filter(version=version).exists():
        raise RuleBroken(
            f"Version {version} already exists. Give the new version its own number.", field="version"
        )
    with transaction.atomic():
        FrameworkAgreement.objects.filter(is_current=True).update(is_current=False)
        agreement = FrameworkAgreement.objects.create(
            version=version, title=title, body=body, is_current=True
        )
        audit_record(
            actor=admin, action="sq.agreement_published", obj=agreement, summary=f"Published {agreement}"
        )
        stored_pdfs.queue_on_commit(pdfs.AGREEMENT, agreement.pk)
    return agreement


def agreement_accept(*, application: Application, user: User, agreement: FrameworkAgreement) -> Application:
    """Record that the user accepted the current framework agreement for this application."""
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    if not agreement.is_current:
        raise RuleBroken(
            "This version of the framework agreement has been replaced. Read and accept the current one."
        )
    with transaction.atomic():
        locked = _locked_draft(application)
        locked.answers["agreement"] = {
            "version": agreement.version,
            "title": agreement.title,
            "accepted_by_id": user.pk,
            "accepted_by_email": user.email,
            "accepted_at": timezone.now().isoformat(),
        }
        _mark(locked, "agreement", complete=True)
        locked.updated_at = timezone.now()
        _save(application, locked, ["answers", "completed_sections", "updated_at"])
        audit_record(
            actor=user, action="sq.agreement_accepted", obj=application, summary=f"Accepted {agreement}"
        )
    return application


# Submitting ---------------------------------------------------------------------------------------


def _refuse_if_under_review(organisation: Organisation) -> None:
    if Application.objects.submitted().filter(organisation=organisation).exists():
        raise RuleBroken(
            "We are still assessing the application you sent before. You can submit this one when you "
            "have its outcome."
        )


def _refuse_if_incomplete(application: Application, today: date) -> None:
    statuses = sections.section_statuses(application, today=today)
    missing = [s.title for s in sections.SECTIONS if statuses[s.slug] != sections.COMPLETED]
    if missing:
        raise RuleBroken(
            f"Complete every section before you submit. Still to complete: {', '.join(missing)}."
        )


def _mark_new_categories(application: Application) -> None:
    """Only categories the organisation is not already qualified for are assessed."""
    qualified = Qualification.objects.filter(organisation=application.organisation).values("category")
    application.category_choices.filter(category__in=qualified).update(is_new=False)
    application.category_choices.exclude(category__in=qualified).update(is_new=True)


def _snapshot(application: Application, user: User, now: datetime) -> dict[str, Any]:
    return _jsonable(
        {
            "answers": application.answers,
            "categories": sections.category_answers(application)["choices"],
            "organisation": {
                "id": application.organisation_id,
                **sections.organisation_answers(application.organisation),
            },
            "submitted_at": now,
            "submitted_by": user.email,
            "financial_profile": accounts.snapshot_of(application.answers),
        }
    )


def application_submit(*, application: Application, user: User, now: datetime | None = None) -> Application:
    """Send the draft for assessment: every section is checked again here, on the server's clock.

    Refused if any section is not complete, while the retry rule says wait, or while an earlier
    application is still being assessed. Freezes a snapshot; the organisation is sent a receipt.
    """
    require_member(user, application.organisation, refusal=QUESTIONNAIRE_MEMBERS_ONLY)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # The organisation first, as a change of accounts locks it and then its drafts: the other order
        # deadlocked with it (the receipt's row takes a share lock on the organisation).
        Organisation.objects.select_for_update().get(pk=application.organisation_id)
        locked = _locked_draft(application)
        # What is sent is the organisation's accounts as they are now, whenever they were last followed.
        locked.answers["financial"] = accounts.with_profile(
            locked.answers.get("financial") or {}, current_profile(locked.organisation_id)
        )
        _refuse_if_under_review(locked.organisation)
        _refuse_if_waiting(locked.organisation, today)
        _refuse_if_incomplete(locked, today)
        _mark_new_categories(locked)
        locked.snapshot = _snapshot(locked, user, now)
        locked.status, locked.submitted_at, locked.submitted_by, locked.updated_at = (
            Application.Status.SUBMITTED,
            now,
            user,
            now,
        )
        locked.decide_by = working_days.decide_by(now, settings.QUESTIONNAIRE_DECISION_WORKING_DAYS)
        _save(
            application,
            locked,
            ["answers", "snapshot", "status", "submitted_at", "submitted_by", "updated_at", "decide_by"],
        )
        audit_record(actor=user, action="sq.submitted", obj=application, summary=f"Submitted {application}")
        message_send(
            kind="sq_receipt",
            source=application,
            context={"application": locked},
            organisation=locked.organisation,
        )
        stored_pdfs.queue_on_commit(pdfs.APPLICATION, application.pk)  # its PDF, rendered once
    return application


# Assessing (MoJ admins) ---------------------------------------------------------------------------


def category_outcome_record(
    *, choice: CategoryChoice, admin: User, outcome: str, feedback: str
) -> CategoryChoice:
    """Record a pass or fail for one new category. A fail needs feedback: the organisation is told why."""
    _require_admin(admin)
    feedback = (feedback or "").strip()
    if outcome not in (CategoryChoice.Outcome.PASS, CategoryChoice.Outcome.FAIL):
        raise RuleBroken("Select pass or fail.", field="outcome")
    if outcome == CategoryChoice.Outcome.FAIL and not feedback:
        raise RuleBroken(
            "Give feedback: the organisation is told why a category did not pass.", field="feedback"
        )
    with transaction.atomic():
        _locked_awaiting_decision(choice.application)
        if not choice.is_new:
            raise RuleBroken(
                f"The organisation is already qualified for {choice.category.name}; it is not assessed again."
            )
        choice.outcome, choice.feedback, choice.decided_by, choice.decided_at = (
            outcome,
            feedback,
            admin,
            timezone.now(),
        )
        choice.save(update_fields=["outcome", "feedback", "decided_by", "decided_at"])
        audit_record(
            actor=admin,
            action="sq.category_assessed",
            obj=choice.application,
            summary=f"{choice.category}: {choice.get_outcome_display()}",
            changes={"category": choice.category.code, "outcome": outcome},
        )
    return choice


def exclusion_decide(*, application: Application, admin: User, decision: str, note: str) -> Application:
    """Decide on the exclusion grounds answered yes: accept the self-cleaning evidence or mitigation, or
    exclude the organisation. A decision other than "not needed" needs a note saying why."""
    _require_admin(admin)
    note = (note or "").strip()
    decisions = Application.ExclusionDecision
    if decision not in (decisions.NOT_NEEDED, decisions.ACCEPTED, decisions.EXCLUDED):
        raise RuleBroken("Select a decision.", field="decision")
    with transaction.atomic():
        locked = _locked_awaiting_decision(application)
        answered_yes = sections.exclusion_yes_grounds(locked.answers)
        if answered_yes and decision == decisions.NOT_NEEDED:
            raise RuleBroken(
                "The organisation answered yes to a ground for exclusion: accept or exclude.",
                field="decision",
            )
        if not answered_yes and decision == decisions.ACCEPTED:
            raise RuleBroken(
                "The organisation answered no to every ground: there is nothing to accept.", field="decision"
            )
        if decision != decisions.NOT_NEEDED and not note:
            raise RuleBroken("Explain the decision. The organisation will read it.", field="note")
        locked.exclusion_decision, locked.exclusion_note = decision, note
        _save(application, locked, ["exclusion_decision", "exclusion_note"])
        audit_record(
            actor=admin,
            action="sq.exclusion_decided",
            obj=application,
            summary=f"Exclusion: {locked.get_exclusion_decision_display()}",
            changes={"decision": decision, "grounds": answered_yes},
        )
    return application


def _settle_exclusion(application: Application) -> bool:
    """Whether the organisation is excluded. Refuses if a ground was answered yes and nobody decided."""
    decisions = Application.ExclusionDecision
    if application.exclusion_decision == decisions.NONE:
        if sections.exclusion_yes_grounds(application.answers):
            raise RuleBroken(
                "The organisation answered yes to a ground for exclusion. Record an exclusion decision first."
            )
        application.exclusion_decision = decisions.NOT_NEEDED
    return application.exclusion_decision == decisions.EXCLUDED


def _fail_for_exclusion(choices: list[CategoryChoice], admin: User, now: datetime) -> None:
    """Exclusion fails every new category, whatever was recorded for it before."""
    for choice in choices:
        choice.outcome, choice.decided_by, choice.decided_at = CategoryChoice.Outcome.FAIL, admin, now
        choice.feedback = render_to_string("suppliers/review/excluded_feedback.txt").strip()
        choice.save(update_fields=["outcome", "feedback", "decided_by", "decided_at"])


def _refuse_if_undecided(choices: list[CategoryChoice]) -> None:
    pending = [c.category.name for c in choices if c.outcome == CategoryChoice.Outcome.PENDING]
    if pending:
        raise RuleBroken(
            f"Record a pass or fail for every new category first. Not decided: {', '.join(pending)}."
        )


def _record_regions(application: Application, now: datetime) -> None:
    """The application's regions replace the organisation's regions of interest."""
    organisation = application.organisation
    regions = Region.objects.filter(code__in=sections.chosen_region_codes(application.answers))
    OrganisationRegion.objects.filter(organisation=organisation).delete()
    OrganisationRegion.objects.bulk_create(
        OrganisationRegion(organisation=organisation, region=region, recorded_by=application, recorded_at=now)
        for region in regions
    )


def _record_standing(application: Application) -> OrganisationStanding:
    """The decided application's facts become the organisation's standing (what call-offs judge)."""
    facts = standing.standing_facts(application.snapshot or {})
    record, _ = OrganisationStanding.objects.update_or_create(
        organisation=application.organisation,
        defaults={
            "application": application,
            "decided_at": application.decided_at,
            "exclusion_decision": application.exclusion_decision,
            **facts,
        },
    )
    return record


def _write_back_organisation(application: Application, admin: User) -> None:
    """The questionnaire's answers about the organisation become its details (the public list reads
    them). Only what the organisation changed in the questionnaire is written, so a later edit of its
    details on the portal is not undone by an older questionnaire."""
    snapshot = application.snapshot or {}
    answered = (snapshot.get("answers") or {}).get("organisation") or {}
    sent_with = snapshot.get("organisation") or {}
    data = {
        name: answered[name].strip() if isinstance(answered[name], str) else answered[name]
        for name in Organisation.PROFILE_FIELDS
        if name in answered and answered[name] != sent_with.get(name)
    }
    if data.get("companies_house_number"):
        data["companies_house_number"] = data["companies_house_number"].upper()
    organisation = Organisation.objects.select_for_update().get(pk=application.organisation_id)
    changes = changed_fields(organisation, data)
    if not changes:
        return
    before = {name: getattr(organisation, name) for name in changes}
    for name in changes:
        setattr(organisation, name, data[name])
    try:
        organisation.full_clean(exclude=[f.name for f in Organisation._meta.fields if f.name not in changes])
    except ValidationError as error:  # a model limit the questionnaire does not check: keep the old value
        for name in set(error.message_dict) & set(changes):
            setattr(organisation, name, before[name])
            del changes[name]
    if not changes:
        return
    organisation.save(update_fields=list(changes))
    application.organisation = organisation
    audit_record(
        actor=admin,
        action="organisation.updated",
        obj=organisation,
        summary=f"Changed {', '.join(changes)} from Selection Questionnaire version {application.number}",
        changes=changes,
    )


def application_decide(*, application: Application, admin: User, now: datetime | None = None) -> Application:
    """Decide the application and tell the organisation, with feedback on each new category.

    Successful if at least one new category passes and the organisation is not excluded; it is then
    qualified for the passed categories (what it was qualified for stays). An update that asks for no new
    category (only new regions or details) is successful unless excluded. Regions are recorded when the
    organisation is, or stays, qualified and is not excluded.
    """
    _require_admin(admin)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_awaiting_decision(application)
        excluded = _settle_exclusion(locked)
        new_choices = list(locked.category_choices.filter(is_new=True).select_related("category"))
        if excluded:
            _fail_for_exclusion(new_choices, admin, now)
        _refuse_if_undecided(new_choices)
        passed = [c for c in new_choices if c.outcome == CategoryChoice.Outcome.PASS]
        Qualification.objects.bulk_create(
            Qualification(
                organisation=locked.organisation, category=c.category, granted_by=locked, granted_at=now
            )
            for c in passed
        )
        if not excluded and Qualification.objects.filter(organisation=locked.organisation).exists():
            _record_regions(locked, now)
        successful = not excluded and (bool(passed) or not new_choices)
        locked.outcome = Application.Outcome.SUCCESSFUL if successful else Application.Outcome.UNSUCCESSFUL
        locked.status, locked.decided_at, locked.decided_by = Application.Status.DECIDED, now, admin
        _save(application, locked, ["status", "outcome", "decided_at", "decided_by", "exclusion_decision"])
        audit_record(
            actor=admin,
            action="sq.decided",
            obj=application,
            summary=f"{application}: {locked.get_outcome_display()}",
            changes={"passed": [c.category.code for c in passed], "excluded": excluded},
        )
        _record_standing(locked)
        _write_back_organisation(locked, admin)
        message_send(
            kind="sq_outcome",
            source=application,
            context=pdfs.outcome_letter_context(locked),
            organisation=locked.organisation,
        )
        stored_pdfs.queue_on_commit(pdfs.OUTCOME_LETTER, application.pk)
        public_pages_changed()  # the public list shows the new qualifications and regions
    return application


# The decision clock (docs/adr/0020-decision-clocks.md) --------------------------------------------


def decision_date_extend(
    *, application: Application, admin: User, reason: str, now: datetime | None = None
) -> Application:
    """Move the decide-by date, once, to the extended number of working days from arrival, and tell the
    organisation why. Refused once the date has passed: an extension is decided while there is time."""
    _require_admin(admin)
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise RuleBroken("Enter why you need longer to decide: the organisation will be told.")
    with transaction.atomic():
        locked = _locked_awaiting_decision(application)
        if locked.decision_extended_at is not None:
            raise RuleBroken("The decision date has already been extended once, and can be only once.")
        if locked.decide_by is None or locked.submitted_at is None:
            raise RuleBroken("This application has no decision date to extend.")
        if has_passed(locked.decide_by, now):
            raise RuleBroken("The decision date has passed, so it can no longer be extended.")
        before = locked.decide_by
        locked.decide_by = working_days.decide_by(
            locked.submitted_at, settings.QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS
        )
        locked.decision_extended_at, locked.decision_extension_reason = now, reason
        _save(application, locked, ["decide_by", "decision_extended_at", "decision_extension_reason"])
        audit_record(
            actor=admin,
            action="sq.decision_extended",
            obj=application,
            summary=f"{application}: decision date extended",
            changes={"decide_by": [before.isoformat(), locked.decide_by.isoformat()], "reason": reason},
        )
        message_send(
            kind="sq_decision_extended",
            source=application,
            context={"application": locked},
            organisation=locked.organisation,
        )
    return application


def decision_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every MoJ admin of each questionnaire whose decision is due within the reminder's working
    days, and again of each once it is overdue: once each, however often or concurrently this runs.
    Returns how many messages were new."""
    now = now or timezone.now()
    admins = list(User.objects.filter(role=User.Role.MOJ_ADMIN, is_active=True).values_list("pk", flat=True))
    waiting = (
        Application.objects.submitted()
        .filter(decide_by__lte=decision_clocks.reminders_from(now))
        .select_related("organisation")
        .order_by("decide_by", "pk")
    )
    return decision_reminders.reminders_send(
        cases=waiting,
        due=lambda application: application.decide_by,
        recipients=lambda _application: admins,
        kind="sq_decision",
        action="sq.decision",
        context_name="application",
        described=lambda application: f"{application}: decision",
        now=now,
    )


# Cyber certificate reminders ----------------------------------------------------------------------


def _cyber_reminder_send(certificate: selectors.CyberCertificate) -> bool:
    """Claim the reminder (a unique row), then send it in the same transaction. False if already claimed."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = CyberReminder.objects.create(
                    organisation=certificate.organisation,
                    expiry_date=certificate.expiry_date,
                    level=certificate.level,
                )
        except IntegrityError:
            return False
        message_send(
            kind="cyber_reminder",
            source=reminder,
            context={
                "certificate": certificate,
                "level": sections.CYBER_LEVELS.get(certificate.level, certificate.level),
            },
            organisation=certificate.organisation,
        )
        audit_record(
            actor=None,
            action="sq.cyber_reminder_sent",
            obj=certificate.application,
            summary=f"Cyber certificate expiring {certificate.expiry_date}: reminder sent",
        )
    return True


def cyber_expiry_reminders_send(*, today: date | None = None) -> int:
    """Remind each organisation once per certificate, 30 days before it expires (or on the first run
    that finds it inside those 30 days). Safe to run twice, or in two workers at once. Returns how many
    reminders were sent."""
    today = today or timezone.localdate()
    reminded = CyberReminder.objects.filter(
        organisation=OuterRef("organisation"), expiry_date=OuterRef("cyber_expiry_date")
    )
    due = selectors.cyber_certificates_expiring_query(within_days=rules.CYBER_REMINDER_DAYS, today=today)
    return sum(
        _cyber_reminder_send(selectors.CyberCertificate.of(record))
        for record in due.exclude(Exists(reminded)).order_by("cyber_expiry_date", "pk")
    )


# Partner finding ------------------------------------------------------------------------------------


def partner_search_add(
    *,
    organisation: Organisation,
    user: User,
    looking_for: str,
    category: ServiceCategory,
    region: Region,
) -> PartnerSearch:
    """Say publicly that the organisation is looking for a lead partner, or for subcontractors, in a
    category and region. Its contact details must be public (partners need a way to reach it), and it
    must be qualified in the category (the provider list shows only qualified organisations)."""
    require_member(user, organisation, admin=True, refusal=PARTNERS_ADMINS_ONLY)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not organisation.show_contact_publicly:
            raise RuleBroken(
                "Publish your organisation's contact details first, so that partners can reach you",
                field="looking_for",
            )
        if not Qualification.objects.filter(organisation=organisation, category=category).exists():
            raise RuleBroken(
                f"Your organisation is not qualified in {category}: choose a category it is qualified in",
                field="category",
            )
        search, created = PartnerSearch.objects.get_or_create(
            organisation=organisation,
            looking_for=looking_for,
            category=category,
            region=region,
            defaults={"created_by": user},
        )
        if not created:
            raise RuleBroken("Your organisation already says this", field="category")
        audit_record(
            actor=user,
            action="partner_search.added",
            summary=f"{organisation} is looking for {search.get_looking_for_display().lower()}: "
            f"{category}, {region}",
            obj=search,
        )
        public_pages_changed()  # the provider list and the competition pages show it
    return search


def partner_search_remove(*, search: PartnerSearch, user: User) -> None:
    require_member(user, search.organisation, admin=True, refusal=PARTNERS_ADMINS_ONLY)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=search.organisation_id)
        if not PartnerSearch.objects.filter(pk=search.pk).exists():
            return  # removed a moment ago (a second tab): nothing to change
        audit_record(
            actor=user,
            action="partner_search.removed",
            summary=f"{search.organisation} is no longer looking for "
            f"{search.get_looking_for_display().lower()}: {search.category}, {search.region}",
            obj=search,
        )
        search.delete()
        public_pages_changed()
