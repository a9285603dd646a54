"""Applications to a grant round, from the eligibility questions to the signed submission."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from grants import accounts as financial_accounts
from grants import pdfs, rules
from grants.models import (
    ApplicationFile,
    GrantApplication,
    GrantDeclaration,
    GrantRound,
    Registration,
)
from grants.sections import eligibility_section, round_section
from portal import answer_library, stored_pdfs, uploads
from portal.audit import audit_record
from portal.exceptions import Problems, RuleBroken, raise_problems
from portal.locking import locked
from portal.models import LibraryAnswer, User, source_key
from portal.organisations import require_member
from portal.questionnaires.engine import Context, Kind
from portal.services import message_send
from portal.signatures import signature_problems, signed_text

APPLICATION_RECEIVED = "grant_application_received"
DECLARATION_FORM = "grant_declaration"


# Applications ------------------------------------------------------------------------------------

APPLICATION_MEMBERS_ONLY = "Only people in the organisation can change its grant application."


def _require_applicant(user: User, application: GrantApplication) -> None:
    require_member(user, application.organisation, refusal=APPLICATION_MEMBERS_ONLY)


def application_start(
    *, user: User, grant_round: GrantRound, now: datetime | None = None
) -> GrantApplication:
    """The organisation's application to the round (one per organisation per round)."""
    organisation = getattr(getattr(user, "membership", None), "organisation", None)
    if organisation is None:
        raise RuleBroken("Only people in an organisation can apply.")
    registration = Registration.objects.filter(organisation=organisation).first()
    if registration is None or not registration.is_registered:
        raise RuleBroken("Your organisation must register for grants before it can apply.")
    if not registration.regions.filter(pk__in=grant_round.regions.all()).exists():
        raise RuleBroken("This round is for regions your organisation has not chosen in its registration.")
    existing = GrantApplication.objects.filter(grant_round=grant_round, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            # The round as it is now (a page loaded before it was cancelled or amended is not trusted),
            # locked so that it cannot be cancelled or amended while the application starts.
            grant_round = locked(GrantRound, grant_round.pk)
            if not grant_round.accepts_applications(now):
                raise RuleBroken("This round is not open for applications.")
            application = GrantApplication.objects.create(
                grant_round=grant_round,
                organisation=organisation,
                started_by=user,
                round_version=grant_round.version,
            )
            audit_record(
                actor=user,
                action="grants.application_started",
                summary=f"{organisation} started an application to {grant_round}",
                obj=application,
            )
    except IntegrityError:  # a colleague started it at the same moment
        return GrantApplication.objects.get(grant_round=grant_round, organisation=organisation)
    return application


def _require_draft(application: GrantApplication, now: datetime | None = None) -> None:
    if application.is_submitted:
        raise RuleBroken("This application has been sent and can no longer be changed.")
    if application.grant_round.status == GrantRound.Status.CANCELLED:
        raise RuleBroken("This grant round has been cancelled, so applications can no longer be changed.")
    problem = rules.submission_problem(closes_at=application.grant_round.closes_at, now=now or timezone.now())
    if problem:
        raise problem


def _locked(application: GrantApplication) -> GrantApplication:
    """The application as it is now, with its round, locked until the end of the transaction: a page
    loaded before a colleague sent it (a second tab, a double click) cannot change it."""
    return (
        GrantApplication.objects.select_for_update(of=("self",))
        .select_related("grant_round", "organisation")
        .get(pk=application.pk)
    )


def _locked_draft(application: GrantApplication, now: datetime | None = None) -> GrantApplication:
    draft = _locked(application)
    _require_draft(draft, now)
    return draft


def _organisation_kind_problem(application: GrantApplication) -> str | None:
    kinds = application.grant_round.organisation_kinds
    if kinds and application.organisation.legal_form not in kinds:
        return "This round is not open to your kind of organisation (its legal status)."
    return None


def application_eligibility_answer(
    *, user: User, application: GrantApplication, answers: Mapping[str, Any], now: datetime | None = None
) -> str | None:
    """Record the eligibility answers. Returns the plain reason when the organisation is not eligible
    (it may answer again), None when it may go on."""
    _require_applicant(user, application)
    with transaction.atomic():
        application = _locked_draft(application, now)
        questions = application.grant_round.eligibility_questions
        section = eligibility_section(questions)
        errors = section.errors(dict(answers), Context())
        if errors:
            raise Problems([RuleBroken(message, field=key) for key, message in errors.items()])
        reason = _organisation_kind_problem(application) or rules.ineligible_reason(questions, answers)
        application.eligibility_answers = section.stored(answers)
        application.eligibility_passed = reason is None
        application.status = GrantApplication.Status.INELIGIBLE if reason else GrantApplication.Status.DRAFT
        application.save(update_fields=["eligibility_answers", "eligibility_passed", "status"])
        audit_record(
            actor=user,
            action="grants.eligibility_answered",
            summary=f"{'Not eligible' if reason else 'Eligible'}: {application}",
            obj=application,
        )
    return reason


def _require_eligible(application: GrantApplication) -> None:
    if not application.eligibility_passed:
        raise RuleBroken("Answer the eligibility questions first.")


def application_answers_save(
    *, user: User, application: GrantApplication, answers: Mapping[str, Any], now: datetime | None = None
) -> GrantApplication:
    """Save the round's questions' answers as typed (nothing is lost); errors are shown, not refused."""
    _require_applicant(user, application)
    with transaction.atomic():
        application = _locked_draft(application, now)
        _require_eligible(application)
        section = round_section(application.grant_round.questions)
        application.answers = section.stored({**application.answers, **answers})
        # Saving an answer is how a person confirms one copied from an earlier application.
        application.copied_keys = [key for key in application.copied_keys if key not in answers]
        application.save(update_fields=["answers", "copied_keys"])
        answer_library.remember_questionnaire(
            organisation_id=application.organisation_id,
            kind=LibraryAnswer.Kind.GRANT_APPLICATION,
            source=source_key(application),
            source_label=f"Grant application to {application.grant_round.title}",
            questions=section.questions,
            answers=application.answers,
        )
        audit_record(
            actor=user,
            action="grants.application_saved",
            summary=f"Saved answers: {application}",
            obj=application,
        )
    return application


NOTHING_TO_COPY = (
    "None of that application's answered questions match a question of this one, so nothing was copied."
)


def application_answers_copy(
    *, user: User, application: GrantApplication, earlier: GrantApplication, now: datetime | None = None
) -> int:
    """Start from an earlier application: copy its typed answers to the questions of this round with the
    same label (`rules.answers_to_copy`), never over an answer given, each marked to check; the
    application cannot be sent until someone saves its answers. Returns how many were copied."""
    _require_applicant(user, application)
    if earlier.pk == application.pk or earlier.organisation_id != application.organisation_id:
        raise RuleBroken("Choose one of your organisation's earlier applications", field="earlier")
    with transaction.atomic():
        application = _locked_draft(application, now)
        _require_eligible(application)
        section = round_section(application.grant_round.questions)
        plan = rules.answers_to_copy(
            section.questions,
            application.answers,
            round_section(earlier.grant_round.questions).questions,
            earlier.answers,
        )
        if not plan:
            raise RuleBroken(NOTHING_TO_COPY, field="earlier")
        application.answers = section.stored({**application.answers, **plan})
        application.copied_keys = sorted({*application.copied_keys, *plan})
        application.save(update_fields=["answers", "copied_keys"])
        audit_record(
            actor=user,
            action="grants.application_answers_copied",
            summary=f"{len(plan)} answers copied from an earlier application, to check: {application}",
            obj=application,
        )
    return len(plan)


def application_file_add(
    *, user: User, application: GrantApplication, question_key: str, uploaded_file: UploadedFile
) -> ApplicationFile:
    _require_applicant(user, application)
    checked = uploads.checked_upload(uploaded_file, field=question_key)
    with transaction.atomic():
        application = _locked_draft(application)
        _require_eligible(application)
        if not any(
            q["key"] == question_key and q["kind"] == Kind.FILE for q in application.grant_round.questions
        ):
            raise RuleBroken("That question does not take a file.")
        application.files.filter(question_key=question_key).delete()
        attached = ApplicationFile(
            application=application,
            question_key=question_key,
            name=checked.name,
            content_type=checked.content_type,
            uploaded_by=user,
        )
        attached.file.save("file", ContentFile(checked.data), save=False)
        attached.save()
        audit_record(
            actor=user,
            action="grants.file_added",
            summary=f"File for {question_key}: {application}",
            obj=application,
        )
    return attached


def application_budget_save(
    *,
    user: User,
    application: GrantApplication,
    lines: Sequence[Mapping[str, Any]],
    now: datetime | None = None,
) -> list[RuleBroken]:
    """Save the cost lines as typed, and return what is wrong with them (the page shows it; submission
    refuses it)."""
    _require_applicant(user, application)
    with transaction.atomic():
        application = _locked_draft(application, now)
        _require_eligible(application)
        application.budget = [dict(line) for line in lines]
        application.save(update_fields=["budget"])
        audit_record(
            actor=user, action="grants.budget_saved", summary=f"Saved budget: {application}", obj=application
        )
    return budget_problems(application)


def budget_problems(application: GrantApplication) -> list[RuleBroken]:
    grant_round = application.grant_round
    problems = rules.budget_problems(
        application.budget,
        min_pence=grant_round.min_award_pence,
        max_pence=grant_round.max_award_pence,
        max_years=rules.months_to_years(grant_round.max_duration_months),
    )
    if problems:
        return problems
    income = financial_accounts.income_pounds(application.organisation_id)
    largest_year = max(rules.budget_years(application.budget).values(), default=0)
    problem = rules.income_problem(
        annual_income_pounds=income, yearly_grant_pence=largest_year, multiple=grant_round.income_multiple
    )
    return [problem] if problem else []


def application_problems(application: GrantApplication) -> list[RuleBroken]:
    """Everything that stops the application being sent, in task-list order."""
    problems = []
    if not application.eligibility_passed:
        problems.append(RuleBroken("Answer the eligibility questions", field="eligibility"))
    section = round_section(application.grant_round.questions)
    problems += [
        RuleBroken(message, field=key)
        for key, message in section.errors(application.answers, Context()).items()
        if section.question(key).kind != Kind.FILE
    ]
    files = set(application.files.values_list("question_key", flat=True))
    for question in section.questions:
        if question.kind == Kind.FILE and question.required is True and question.key not in files:
            problems.append(RuleBroken(f"Upload a file for: {question.label}", field=question.key))
    problems += [RuleBroken(p.message, field="budget") for p in budget_problems(application)]
    problems += [
        RuleBroken(f"Check the copied answer: {section.question(key).label}", field=key)
        for key in application.copied_keys
        if key in section.fields
    ]
    return problems


def declaration_text(application: GrantApplication):
    return signed_text(DECLARATION_FORM, {"application": application, "grant_round": application.grant_round})


def application_submit(
    *,
    user: User,
    application: GrantApplication,
    signed_name: str,
    signed_role: str,
    now: datetime | None = None,
) -> GrantApplication:
    """Sign the declaration and send the application, strictly before the round closes (server's clock).
    A receipt goes to the organisation's inbox and e-mail; the PDF is rendered once in the background."""
    now = now or timezone.now()
    _require_applicant(user, application)
    with transaction.atomic():
        application = _locked_draft(application, now)
        raise_problems(
            application_problems(application) + signature_problems(name=signed_name, role=signed_role)
        )
        text = declaration_text(application)
        GrantDeclaration.objects.create(
            application=application,
            signed_name=signed_name.strip(),
            signed_role=signed_role.strip(),
            signed_by=user,
            signed_at=now,
            text_version=text.version,
        )
        application.status = GrantApplication.Status.SUBMITTED
        application.submitted_at = now
        application.round_version = application.grant_round.version
        application.save(update_fields=["status", "submitted_at", "round_version"])
        audit_record(
            actor=user, action="grants.application_submitted", summary=f"Sent: {application}", obj=application
        )
        message_send(
            kind=APPLICATION_RECEIVED,
            source=application,
            context={"application": application},
            organisation=application.organisation,
        )
        stored_pdfs.queue_on_commit(pdfs.APPLICATION, application.pk)
    return application
