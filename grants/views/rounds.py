"""A commissioner's grant rounds: draft, questions, criteria, preview, publish, amend and cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants import rules, selectors
from grants.access import (
    round_for_user,
)
from grants.forms.registration import section_form
from grants.forms.rounds import (
    AmendForm,
    CriteriaForm,
    EligibilityQuestionForm,
    QuestionForm,
    ReasonForm,
    RoundForm,
)
from grants.models import GrantApplication, GrantRound
from grants.sections import eligibility_section, round_section
from grants.services import rounds
from grants.views.pages import form_page, round_context
from portal.access import STAFF
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import combine, show_rule_broken

# Commissioners' rounds ------------------------------------------------------------------------------


@access_policy(STAFF)
def commissioning(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/commissioning/home.html", {"rounds": selectors.rounds_for(request.user)})


def _round_form_page(request: HttpRequest, grant_round: GrantRound | None) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user, initial=RoundForm.initial_for(grant_round))
    if request.method == "POST" and form.is_valid():
        try:
            saved = rounds.round_save(
                user=request.user, data=form.data_for_service(), grant_round=grant_round
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "The grant round has been saved.")
            return redirect("grants:round_manage", saved.pk)
    back = (
        reverse("grants:round_manage", args=[grant_round.pk])
        if grant_round
        else reverse("grants:commissioning")
    )
    return form_page(
        request,
        form,
        title="Grant round details" if grant_round else "New grant round",
        back=back,
        button="Save",
    )


@access_policy(STAFF)
def round_create(request: HttpRequest) -> HttpResponse:
    return _round_form_page(request, None)


@access_policy(STAFF)
def round_edit(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _round_form_page(request, round_for_user(request, round_pk))


@access_policy(STAFF)
def round_manage(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    context = {
        **round_context(grant_round),
        "kinds_of_answer": rounds.QUESTION_KINDS,
        "criteria": grant_round.criteria.all(),
        "submitted_count": grant_round.applications.filter(status=GrantApplication.Status.SUBMITTED).count(),
    }
    return render(request, "grants/commissioning/round.html", context)


def _manage_url(grant_round: GrantRound) -> str:
    return reverse("grants:round_manage", args=[grant_round.pk])


@access_policy(STAFF)
def question_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_question_add(user=request.user, grant_round=grant_round, **form.question_fields())
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "The question has been added.")
            return redirect(_manage_url(grant_round) + "#questions")
    return form_page(
        request,
        form,
        title="Add an application question",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Add the question",
    )


@require_POST
@access_policy(STAFF)
def question_remove(request: HttpRequest, round_pk: int, key: str) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    try:
        rounds.round_question_remove(user=request.user, grant_round=grant_round, key=key)
    except RuleBroken as error:
        messages.error(request, error.message)
    return redirect(_manage_url(grant_round) + "#questions")


@access_policy(STAFF)
def eligibility_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = EligibilityQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_eligibility_question_add(
                user=request.user, grant_round=grant_round, **form.cleaned_data
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "The eligibility question has been added.")
            return redirect(_manage_url(grant_round) + "#eligibility")
    return form_page(
        request,
        form,
        title="Add an eligibility question",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Add the question",
    )


@access_policy(STAFF)
def criteria_edit(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = CriteriaForm(request.POST or None, initial=CriteriaForm.initial_for(grant_round))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_criteria_set(user=request.user, grant_round=grant_round, criteria=form.criteria())
        except RuleBroken as error:
            form.show_criteria_problems(error)
        else:
            messages.success(request, "The assessment criteria have been saved.")
            return redirect(_manage_url(grant_round) + "#criteria")
    intro = (
        f"Applications are scored against these. The weightings must add up to {rules.CRITERIA_TOTAL}%, "
        "each more than 0%, and each criterion needs its own name."
    )
    return form_page(
        request,
        form,
        title="Assessment criteria",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Save the criteria",
        extra={"guidance": intro},
    )


@access_policy(STAFF)
def round_preview(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    eligibility_form = section_form(eligibility_section(grant_round.eligibility_questions))()
    answers_form = section_form(round_section(grant_round.questions))()
    context = {
        **round_context(grant_round),
        "preview": True,
        "eligibility_form": eligibility_form,
        "answers_form": answers_form,
    }
    return render(request, "grants/commissioning/preview.html", context)


@require_POST
@access_policy(STAFF)
def round_publish(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    try:
        rounds.round_publish(user=request.user, grant_round=grant_round)
    except RuleBroken as error:
        for problem in getattr(error, "problems", [error]):
            messages.error(request, problem.message)
    else:
        messages.success(
            request,
            "The grant round is published. "
            "Registered organisations in its regions will be told when it opens.",
        )
    return redirect(_manage_url(grant_round))


def _amend_session_key(grant_round: GrantRound) -> str:
    # Versioned, so a draft made before someone else's amendment is not applied over it.
    return f"grants_amend_questions_{grant_round.pk}_v{grant_round.version}"


def _amended_questions(request: HttpRequest, grant_round: GrantRound) -> list[dict[str, Any]]:
    """The questions as the commissioner is amending them: held in the session until the amendment is
    made, in one call, with its note."""
    return request.session.get(_amend_session_key(grant_round), grant_round.questions)


def _amendable_or_refused(request: HttpRequest, grant_round: GrantRound) -> HttpResponse | None:
    if grant_round.status != GrantRound.Status.OPEN or grant_round.is_closed():
        messages.error(request, "Only an open round can be amended.")
        return redirect(_manage_url(grant_round))
    return None


def _amend_url(grant_round: GrantRound) -> str:
    return reverse("grants:round_amend", args=[grant_round.pk])


@access_policy(STAFF)
def round_amend(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    questions_changed = questions != grant_round.questions
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closes_at = combine(
                form.cleaned_data["closes_date"], form.cleaned_data["closes_time"], field="closes"
            )
            rounds.round_amend(
                user=request.user,
                grant_round=grant_round,
                note=form.cleaned_data["note"],
                questions=questions if questions_changed else None,
                closes_at=closes_at,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            request.session.pop(_amend_session_key(grant_round), None)
            messages.success(request, "The round has been amended, and applicants told.")
            return redirect(_manage_url(grant_round))
    before = {q["key"]: q for q in grant_round.questions}
    kept_keys = {q["key"] for q in questions}
    return form_page(
        request,
        form,
        title="Amend the round",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Amend the round",
        extra={
            "intro": "grants/commissioning/amend_questions.html",
            "grant_round": grant_round,
            "kinds_of_answer": rounds.QUESTION_KINDS,
            "question_rows": [{**q, "changed": before.get(q["key"]) != q} for q in questions],
            "removed": [q["label"] for q in grant_round.questions if q["key"] not in kept_keys],
            "questions_changed": questions_changed,
        },
    )


@access_policy(STAFF)
def amend_question(request: HttpRequest, round_pk: int, key: str = "") -> HttpResponse:
    """Add (no key) or change one question of an open round's amendment."""
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    current = next((q for q in questions if q["key"] == key), None)
    if key and current is None:
        raise Http404("No such question")
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            spec = rounds.question_spec(
                key=key or rounds.next_question_key([*grant_round.questions, *questions]),
                **form.question_fields(),
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            questions = [spec if q["key"] == key else q for q in questions] if key else [*questions, spec]
            request.session[_amend_session_key(grant_round)] = questions
            return redirect(_amend_url(grant_round) + "#questions")
    return form_page(
        request,
        form,
        title="Change the question" if key else "Add an application question",
        caption=grant_round.title,
        back=_amend_url(grant_round),
        button="Continue",
        extra={"guidance": "Nothing changes for applicants until you amend the round."},
    )


@require_POST
@access_policy(STAFF)
def amend_question_remove(request: HttpRequest, round_pk: int, key: str) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    if refused := _amendable_or_refused(request, grant_round):
        return refused
    questions = _amended_questions(request, grant_round)
    request.session[_amend_session_key(grant_round)] = [q for q in questions if q["key"] != key]
    return redirect(_amend_url(grant_round) + "#questions")


@access_policy(STAFF)
def round_cancel(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_cancel(
                user=request.user, grant_round=grant_round, reason=form.cleaned_data["reason"]
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "The round has been cancelled.")
            return redirect(_manage_url(grant_round))
    return form_page(
        request,
        form,
        title="Cancel the round",
        caption=grant_round.title,
        back=_manage_url(grant_round),
        button="Cancel the round",
    )
