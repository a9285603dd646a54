"""Every change in the grants portal: registration and its decision, grant rounds from draft to
cancelled, applications from eligibility to submission. Each service checks who is asking, writes in one
transaction with its audit row, and refuses with `RuleBroken` (or `Problems`) in plain English."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from calloffs.rules import Problems, raise_problems
from calloffs.services import regions_covered
from grants import rules, tasks
from grants.models import (
    ApplicationFile,
    AssessmentCriterion,
    GrantApplication,
    GrantDeclaration,
    GrantRound,
    Registration,
)
from grants.sections import REGISTRATION, eligibility_section, registration_initial, round_section
from portal import uploads
from portal.audit import audit_record
from portal.exceptions import RuleBroken
from portal.models import Organisation, Region, User
from portal.page_cache import public_pages_changed
from portal.questionnaires import Context, Kind, Question, normalised
from portal.services import message_send, messages_send_bulk
from portal.signatures import signature_problems, signed_text

REGISTRATION_DECIDED = "grants_registration_decided"
ROUND_AMENDED = "grant_round_amended"
ROUND_CANCELLED = "grant_round_cancelled"
APPLICATION_RECEIVED = "grant_application_received"
DECLARATION_FORM = "grant_declaration"


# Registration ------------------------------------------------------------------------------------


def _require_member(user: User, organisation: Organisation) -> None:
    membership = getattr(user, "membership", None)
    if not user.is_supplier or membership is None or membership.organisation_id != organisation.pk:
        raise RuleBroken("Only people in the organisation can change its grants registration.")


def registration_for(organisation: Organisation) -> Registration:
    """The organisation's registration, or a new one (unsaved) starting from its profile."""
    return Registration.objects.filter(organisation=organisation).first() or Registration(
        organisation=organisation, answers=registration_initial(organisation)
    )


def _set_regions(registration: Registration) -> None:
    codes = registration.answers.get("regions") or []
    registration.regions.set(Region.objects.active().filter(code__in=codes))


def registration_save(
    *,
    user: User,
    organisation: Organisation,
    answers: Mapping[str, Any],
    accounts: UploadedFile | None = None,
) -> Registration:
    """Save the answers as typed (nothing is lost). Any time, except while the grants team is deciding;
    a change of regions counts at once for alerts."""
    _require_member(user, organisation)
    checked = uploads.checked_upload(accounts, field="accounts") if accounts is not None else None
    with transaction.atomic():
        registration = registration_for(organisation)
        if registration.pk:
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_editable:
            raise RuleBroken("Your registration is with the grants team: you can change it once they decide.")
        registration.answers = REGISTRATION.stored(answers)
        if checked is not None:
            registration.accounts.save("accounts", ContentFile(checked.data), save=False)
            registration.accounts_name = checked.name
            registration.accounts_content_type = checked.content_type
        registration.save()
        _set_regions(registration)
        audit_record(
            actor=user,
            action="grants.registration_saved",
            summary=f"{organisation} saved its grants registration",
            obj=registration,
        )
    return registration


def registration_problems(registration: Registration) -> list[RuleBroken]:
    problems = [
        RuleBroken(message, field=key)
        for key, message in REGISTRATION.errors(registration.answers, Context()).items()
    ]
    if not registration.accounts:
        problems.append(RuleBroken("Upload your latest accounts", field="accounts"))
    return problems


def registration_submit(
    *, user: User, registration: Registration, now: datetime | None = None
) -> Registration:
    _require_member(user, registration.organisation)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.SUBMITTED:
            raise RuleBroken("Your registration has already been sent.")
        raise_problems(registration_problems(registration))
        registration.status = Registration.Status.SUBMITTED
        registration.submitted_at = now or timezone.now()
        registration.submitted_by = user
        registration.return_reasons = ""
        registration.save()
        audit_record(
            actor=user,
            action="grants.registration_submitted",
            summary=f"{registration.organisation} sent its grants registration",
            obj=registration,
        )
    return registration


def registration_decide(
    *, user: User, registration: Registration, accept: bool, reasons: str = "", now: datetime | None = None
) -> Registration:
    """The grants team accepts a sent registration, or returns it with reasons; the organisation is told
    by inbox message and e-mail."""
    if not user.is_moj_admin:
        raise RuleBroken("Only the MoJ grants team decides registrations.")
    if not accept and not reasons.strip():
        raise RuleBroken("Enter the reasons you are returning the registration", field="reasons")
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.SUBMITTED:
            raise RuleBroken("This registration is not waiting for a decision.")
        registration.status = Registration.Status.ACCEPTED if accept else Registration.Status.RETURNED
        registration.decided_at = now
        registration.decided_by = user
        registration.return_reasons = "" if accept else reasons.strip()
        if accept and registration.accepted_at is None:
            registration.accepted_at = now
        registration.save()
        audit_record(
            actor=user,
            action="grants.registration_decided",
            summary=f"{registration.get_status_display()}: grants registration of "
            f"{registration.organisation}",
            obj=registration,
        )
        message_send(
            kind=REGISTRATION_DECIDED,
            source=f"grants.registration:{registration.pk}:{now.isoformat()}",
            context={"registration": registration},
            organisation=registration.organisation,
        )
    return registration


# Grant rounds ------------------------------------------------------------------------------------


def _require_round_owner(user: User, regions: Iterable[Region]) -> None:
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
    _require_round_owner(user, regions)
    raise_problems(_round_field_problems(data))
    with transaction.atomic():
        if grant_round is None:
            grant_round = GrantRound(created_by=user)
        elif grant_round.status != GrantRound.Status.DRAFT:
            raise RuleBroken("Only a draft can be edited; amend a published round instead.")
        for name in ROUND_FIELDS:
            setattr(grant_round, name, data[name])
        grant_round.save()
        grant_round.regions.set(regions)
        audit_record(
            actor=user,
            action="grants.round_saved",
            summary=f"Saved grant round {grant_round}",
            obj=grant_round,
        )
    return grant_round


def _require_editable(user: User, grant_round: GrantRound) -> None:
    _require_round_owner(user, grant_round.regions.all())
    if grant_round.status != GrantRound.Status.DRAFT:
        raise RuleBroken("Only a draft can be changed this way; amend a published round instead.")


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
    _require_editable(user, grant_round)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
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
    _require_editable(user, grant_round)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
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
    _require_editable(user, grant_round)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
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
    """Replace a draft's assessment criteria; the weightings must total 100."""
    _require_editable(user, grant_round)
    if any(not name.strip() for name, _ in criteria):
        raise RuleBroken("Enter a name for every criterion", field="criteria.name")
    raise_problems(rules.criteria_problems([weighting for _, weighting in criteria]))
    with transaction.atomic():
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
    problems += rules.criteria_problems(list(grant_round.criteria.values_list("weighting", flat=True)))
    if grant_round.closes_at <= now:
        problems.append(RuleBroken("The closing date must be in the future", field="closes_at"))
    return problems


def round_publish(*, user: User, grant_round: GrantRound, now: datetime | None = None) -> GrantRound:
    """Open the round: it is public from its opening time, and registered organisations in its regions
    are alerted (grants.alerts, in the background)."""
    now = now or timezone.now()
    _require_editable(user, grant_round)
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
        if grant_round.status != GrantRound.Status.DRAFT:
            raise RuleBroken("This round has already been published.")
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
        round_pk = grant_round.pk
        opens_at = grant_round.opens_at
        transaction.on_commit(
            lambda: tasks.round_opened_alerts_send.apply_async((round_pk,), eta=max(opens_at, now)),
            robust=True,
        )
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
    _require_round_owner(user, grant_round.regions.all())
    if grant_round.status != GrantRound.Status.OPEN or grant_round.is_closed(now):
        raise RuleBroken("Only an open round can be amended.")
    if not note.strip():
        raise RuleBroken("Explain what changed, for applicants", field="note")
    if closes_at is not None and closes_at <= now:
        raise RuleBroken("The closing date must be in the future", field="closes_at")
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
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
        grant_round.save()
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
    _require_round_owner(user, grant_round.regions.all())
    if not reason.strip():
        raise RuleBroken("Enter the reason for cancelling the round", field="reason")
    if grant_round.status not in (GrantRound.Status.DRAFT, GrantRound.Status.OPEN):
        raise RuleBroken("This round cannot be cancelled.")
    with transaction.atomic():
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


# Applications ------------------------------------------------------------------------------------


def _require_applicant(user: User, application: GrantApplication) -> None:
    _require_member(user, application.organisation)


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
    if not grant_round.accepts_applications(now):
        raise RuleBroken("This round is not open for applications.")
    try:
        with transaction.atomic():
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
    problem = rules.submission_problem(closes_at=application.grant_round.closes_at, now=now or timezone.now())
    if problem:
        raise problem


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
    _require_draft(application, now)
    questions = application.grant_round.eligibility_questions
    section = eligibility_section(questions)
    errors = section.errors(dict(answers), Context())
    if errors:
        raise Problems([RuleBroken(message, field=key) for key, message in errors.items()])
    reason = _organisation_kind_problem(application) or rules.ineligible_reason(questions, answers)
    with transaction.atomic():
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
    _require_draft(application, now)
    _require_eligible(application)
    section = round_section(application.grant_round.questions)
    with transaction.atomic():
        application.answers = section.stored({**application.answers, **answers})
        application.save(update_fields=["answers"])
        audit_record(
            actor=user,
            action="grants.application_saved",
            summary=f"Saved answers: {application}",
            obj=application,
        )
    return application


def application_file_add(
    *, user: User, application: GrantApplication, question_key: str, uploaded_file: UploadedFile
) -> ApplicationFile:
    _require_applicant(user, application)
    _require_draft(application)
    _require_eligible(application)
    if not any(
        q["key"] == question_key and q["kind"] == Kind.FILE for q in application.grant_round.questions
    ):
        raise RuleBroken("That question does not take a file.")
    checked = uploads.checked_upload(uploaded_file, field=question_key)
    with transaction.atomic():
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
    _require_draft(application, now)
    _require_eligible(application)
    with transaction.atomic():
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
    registration = Registration.objects.filter(organisation_id=application.organisation_id).first()
    income = normalised(registration.answers, "annual_income") if registration else None
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
        application = (
            GrantApplication.objects.select_for_update()
            .select_related("grant_round", "organisation")
            .get(pk=application.pk)
        )
        _require_draft(application, now)
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
        tasks.application_pdf_prepare.delay_on_commit(application.pk)
    return application
