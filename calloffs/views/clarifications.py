"""Clarification questions: a supplier asks from the competition's page; the commissioner answers,
rewords if need be, and publishes to every bidder without saying who asked. And a bidder's re-confirming
of its submitted tender after an amendment (calloffs.services.clarifications).

No page shows who asked a question but the asker's own organisation's: the commissioner's pages show the
question's words only."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from calloffs import selectors
from calloffs.access import clarification_for_user, competition_for_user, tender_for_member
from calloffs.forms.clarifications import AnswerForm, QuestionForm
from calloffs.models import ClarificationQuestion
from calloffs.services import clarifications
from portal import access, decision_clocks
from portal.access import STAFF
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken


def _time_left(question: ClarificationQuestion, now: datetime) -> decision_clocks.TimeLeft | None:
    """How an unanswered question stands against its answer-by date (docs/adr/0020)."""
    if question.published_at is not None or question.answer_by is None:
        return None
    return decision_clocks.time_left(question.answer_by, now)


@access_policy(access.SUPPLIER_MEMBER)
def question_ask(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = selectors.public_competition(competition_pk)
    if competition is None:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clarifications.clarification_ask(
                competition=competition, user=request.user, question=form.cleaned_data["question"]
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request,
                "Your question has been sent to the commissioner. The answer will be published on the "
                "competition's page without saying who asked.",
            )
            return redirect("calloffs:question_ask", competition.pk)
    context = {
        "competition": competition,
        "form": form,
        "questions_open": clarifications.questions_open(competition),
        "asked": [
            (q, _time_left(q, timezone.now()))
            for q in selectors.organisation_clarifications(request.user.membership.organisation, competition)
        ],
        "answer_working_days": settings.CLARIFICATION_ANSWER_WORKING_DAYS,
    }
    return render(request, "calloffs/clarifications/ask.html", context)


@access_policy(STAFF)
def clarification_list(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    questions = list(selectors.clarifications_to_answer(competition))
    now = timezone.now()
    context = {
        "competition": competition,
        "waiting": [(q, _time_left(q, now)) for q in questions if q.published_at is None],
        "published": [q for q in questions if q.published_at is not None],
        "can_answer": competition.is_open(),
    }
    return render(request, "calloffs/clarifications/list.html", context)


@access_policy(STAFF)
def clarification_answer(request: HttpRequest, question_pk: int) -> HttpResponse:
    """Answer a question, reworded if need be, and publish it; a refusal keeps what was typed."""
    question = clarification_for_user(request, question_pk)
    competition = question.competition
    list_url = reverse("calloffs:clarification_list", args=[competition.pk])
    if question.published_at is not None:
        return redirect(list_url)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                clarifications.clarification_publish(
                    question=question,
                    user=request.user,
                    published_question=form.cleaned_data["published_question"],
                    answer=form.cleaned_data["answer"],
                    changes_invitation=form.cleaned_data["changes_invitation"],
                    new_deadline=form.new_deadline_value(),
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Question and answer published to every bidder")
                return redirect(list_url)
    else:
        form = AnswerForm(initial={"published_question": question.question})
    context = {"competition": competition, "question": question, "form": form, "list_url": list_url}
    return render(request, "calloffs/clarifications/answer.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def tender_reconfirm(request: HttpRequest, tender_pk: int) -> HttpResponse:
    """The amendments since the bidder submitted (or last confirmed), and a button to confirm the tender
    stands against them."""
    tender = tender_for_member(request, tender_pk)
    error = None
    if request.method == "POST":
        try:
            clarifications.tender_reconfirm(tender=tender, user=request.user)
        except RuleBroken as refused:
            error = refused
        else:
            messages.success(request, f"You have confirmed your tender for {tender.lot}")
            return redirect("portal:dashboard")
    competition = tender.competition
    since = clarifications.confirmed_amendment(tender)
    context = {
        "tender": tender,
        "competition": competition,
        "amendments": list(competition.amendments.filter(number__gt=since).order_by("number")),
        "can_confirm": tender.status == tender.Status.SUBMITTED and competition.is_open(timezone.now()),
        "error": error.message if error else "",
    }
    return render(request, "calloffs/clarifications/reconfirm.html", context)
