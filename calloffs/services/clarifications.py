"""Clarification questions and re-confirming a tender after an amendment (docs/domain.md §5, issue 10
point 5).

A supplier asks until the competition's clarification deadline (the server's clock). The commissioner who
manages the competition answers and publishes the question, reworded if its words would identify the
asker, to every organisation following the competition, never saying who asked: who asked is kept on
the row for the record and shown to nobody else. An answer that changes the invitation is an amendment
(`calloffs.services.competition_amend`), and every tender submitted before it must be confirmed again.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from calloffs.models import ClarificationQuestion, Competition, Tender
from calloffs.services.competitions import alert_on_commit, competition_amend
from calloffs.services.ownership import check_owns
from portal import working_days
from portal.audit import audit_record
from portal.clock import has_passed
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import User
from portal.organisations import require_member
from portal.page_cache import public_pages_changed
from portal.questionnaires.engine import word_count

MAX_QUESTION_WORDS = 250

QUESTIONS_CLOSED = "The deadline for clarification questions has passed."


def questions_open(competition: Competition, now: datetime | None = None) -> bool:
    """Whether suppliers may ask: the competition is open and its clarification deadline is still ahead."""
    now = now or timezone.now()
    deadline = competition.clarification_deadline
    return competition.is_open(now) and deadline is not None and not has_passed(deadline, now)


def answer_by(competition: Competition, asked_at: datetime) -> datetime:
    """By when a question is answered: a number of working days after it is asked, and never after the
    submission deadline, when an answer can no longer help anyone's tender (docs/adr/0020)."""
    due = working_days.decide_by(asked_at, settings.CLARIFICATION_ANSWER_WORKING_DAYS)
    deadline = competition.submission_deadline
    return min(due, deadline) if deadline is not None else due


def clarification_ask(
    *, competition: Competition, user: User, question: str, now: datetime | None = None
) -> ClarificationQuestion:
    """A supplier's question, until the clarification deadline. Only the commissioner reads it until it
    is answered and published."""
    membership = getattr(user, "membership", None)
    if not user.is_supplier or membership is None:
        raise RuleBroken("Only people in supplier organisations can ask clarification questions.")
    text = question.strip()
    if not text:
        raise RuleBroken("Enter your question", field="question")
    if word_count(text) > MAX_QUESTION_WORDS:
        raise RuleBroken(f"Your question must be {MAX_QUESTION_WORDS} words or fewer", field="question")
    now = now or timezone.now()
    with transaction.atomic():
        competition = locked(Competition, competition.pk)
        if not questions_open(competition, now):
            raise RuleBroken(QUESTIONS_CLOSED)
        asked = ClarificationQuestion.objects.create(
            competition=competition,
            organisation_id=membership.organisation_id,
            asked_by=user,
            asked_at=now,
            answer_by=answer_by(competition, now),
            question=text,
        )
        audit_record(
            actor=user,
            action="clarification.asked",
            summary=f"Clarification question asked about {competition.title}",
            obj=asked,
        )
    return asked


def clarification_publish(
    *,
    question: ClarificationQuestion,
    user: User,
    published_question: str,
    answer: str,
    changes_invitation: bool = False,
    new_deadline: datetime | None = None,
    now: datetime | None = None,
) -> ClarificationQuestion:
    """Answer a question and publish both to every organisation following the competition, in the words
    the commissioner chose (they may reword the question so it does not identify who asked). An answer
    that changes the invitation is also an amendment, whose summary is the answer (and which may move the
    deadline, as every amendment may)."""
    competition = question.competition
    check_owns(user, competition)
    problems = []
    if not published_question.strip():
        problems.append(RuleBroken("Enter the question as it will be published", field="published_question"))
    if not answer.strip():
        problems.append(RuleBroken("Enter your answer", field="answer"))
    raise_problems(problems)
    now = now or timezone.now()
    with transaction.atomic():
        question = locked(ClarificationQuestion, question.pk)
        if question.published_at is not None:
            raise RuleBroken("This question has already been answered and published.")
        if not Competition.objects.open(now).filter(pk=competition.pk).exists():
            raise RuleBroken(
                "Questions can only be answered while the competition is open, before its deadline."
            )
        if changes_invitation:
            question.amendment = competition_amend(
                competition=competition,
                user=user,
                summary=f"In answer to a clarification question: {answer.strip()}",
                new_deadline=new_deadline,
                now=now,
            )
        question.published_question = published_question.strip()
        question.answer = answer.strip()
        question.answered_by = user
        question.published_at = now
        question.save(
            update_fields=["published_question", "answer", "answered_by", "published_at", "amendment"]
        )
        audit_record(
            actor=user,
            action="clarification.published",
            summary="Clarification answered and published"
            + (f" as amendment {question.amendment.number}" if question.amendment else ""),
            obj=question,
            changes={"reworded": question.published_question != question.question},
        )
        public_pages_changed()  # the competition's page lists it
        alert_on_commit("clarification_alerts_send", question.pk)
    return question


# Re-confirming a submitted tender after an amendment ----------------------------------------------


def latest_amendment_number(competition: Competition) -> int:
    return competition.amendments.aggregate(latest=Max("number"))["latest"] or 0


def tender_reconfirm(*, tender: Tender, user: User, now: datetime | None = None) -> Tender:
    """A bidder confirms its submitted tender stands after the amendments made since it was submitted
    (or last confirmed), before the deadline."""
    require_member(
        user,
        tender.organisation_id,
        refusal="Only people in the organisation that submitted this tender can confirm it.",
    )
    now = now or timezone.now()
    with transaction.atomic():
        tender = (
            Tender.objects.select_for_update(of=("self",))
            .select_related("competition", "current_version")
            .get(pk=tender.pk)
        )
        competition = tender.competition
        if not competition.is_open(now):
            raise RuleBroken("The deadline has passed: tenders can no longer be confirmed.")
        if tender.status != Tender.Status.SUBMITTED:
            raise RuleBroken("Only a submitted tender can be confirmed. Submit your tender instead.")
        latest = latest_amendment_number(competition)
        if confirmed_amendment(tender) >= latest:
            raise RuleBroken("Your tender is already confirmed against every amendment.")
        tender.confirmed_amendment = latest
        tender.updated_at = now
        tender.save(update_fields=["confirmed_amendment", "updated_at"])
        audit_record(
            actor=user,
            action="tender.reconfirmed",
            summary=f"Tender confirmed after amendment {latest} to {competition.title}",
            obj=tender,
            changes={"confirmed_amendment": latest},
        )
    return tender


def confirmed_amendment(tender: Tender) -> int:
    """The latest amendment the tender stands against: the one it confirmed, or the one in force when
    its current version was submitted."""
    version = tender.current_version
    return max(tender.confirmed_amendment, version.amendment_number if version else 0)
