"""The pages of assessment and offers: a commissioner names assessors, moderates and decides; an
assessor declares and scores; the applicant reads the outcome and answers the offer. Thin, as
`grants.views`: objects come through `grants.access` (404 to outsiders, audited) and each change is one
call to `grants.services.assessment`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from grants import pdfs, selectors
from grants.access import application_for_user, readable_application_for_staff, round_for_user
from grants.forms.applications import DeclarationForm
from grants.forms.assessment import ApplicationDeclarationsForm, AwardDecisionForm
from grants.models import Decision, GrantRound, ModeratedScore, Score
from grants.services import assessment
from portal import access, stored_pdfs
from portal.access import STAFF, get_or_refuse, not_found
from portal.access import access as access_policy
from portal.evaluation.forms import EvaluatorForm, ModerationForm, ScoresForm
from portal.evaluation.rules import CONFLICT_NOTE
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken

SCORE_FORM = {"score_max": assessment.SCORE_MAX}


def _assessment_url(grant_round: GrantRound) -> str:
    return reverse("grants:assessment", args=[grant_round.pk])


@access_policy(STAFF)
def assessment_overview(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    candidates = assessment.assessor_candidates(grant_round)
    form = EvaluatorForm(
        request.POST or None, candidates=candidates, label="Who should assess?", scope="round"
    )
    if request.method == "POST" and form.is_valid():
        person = next((p for p in candidates if str(p.pk) == form.cleaned_data["person"]), None)
        try:
            if person is None:
                raise RuleBroken("Choose who should assess", field="person")
            assessment.assessor_name(user=request.user, grant_round=grant_round, person=person)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{person.display_name} is now an assessor")
            return redirect(_assessment_url(grant_round))
    me = assessment.assessor_for(request.user, grant_round)
    applications = list(
        assessment.sent_applications(grant_round).select_related("organisation", "decision").order_by("pk")
    )
    cleared = set()
    conflicted = set()
    mine = set()
    if me is not None:
        cleared = set(me.declarations.filter(has_conflict=False).values_list("application_id", flat=True))
        conflicted = set(me.declarations.filter(has_conflict=True).values_list("application_id", flat=True))
        mine = set(Score.objects.filter(assessor=me).values_list("application_id", flat=True))
    moderated = set(
        ModeratedScore.objects.filter(application__in=applications).values_list("application_id", flat=True)
    )
    ranks = {row.bid_id: row for row in assessment.round_ranking(grant_round)}
    committed = assessment.committed_pence(grant_round)
    rows = [
        {
            "application": application,
            "cleared": application.pk in cleared,
            "scored": application.pk in mine,
            "moderated": application.pk in moderated,
            "decision": getattr(application, "decision", None),
            "rank": None if application.pk in conflicted else ranks.get(application.pk),
            "conflicted": application.pk in conflicted,
        }
        for application in applications
    ]
    context = {
        "grant_round": grant_round,
        "assessors": grant_round.assessors.select_related("user").order_by("named_at"),
        "form": form,
        "me": me,
        "declarations_due": me is not None and assessment.declarations_due(me).exists(),
        "rows": rows,
        "committed": committed,
        "left": grant_round.total_budget_pence - committed,
        "assessable": grant_round.is_closed(),
        "conflict_note": CONFLICT_NOTE,
    }
    return render(request, "grants/assessment/overview.html", context)


@access_policy(STAFF)
def assessment_declare(request: HttpRequest, round_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    me = assessment.assessor_for(request.user, grant_round)
    if me is None:
        not_found(request, f"not an assessor of grant round {round_pk}")
    due = list(assessment.declarations_due(me).select_related("organisation").order_by("pk"))
    form = ApplicationDeclarationsForm(request.POST or None, bids=due)
    if request.method == "POST" and form.is_valid():
        try:
            assessment.declarations_sign(user=request.user, grant_round=grant_round, answers=form.answers())
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Declarations signed")
            return redirect(_assessment_url(grant_round))
    context = {"grant_round": grant_round, "form": form, "due": due}
    return render(request, "grants/assessment/declare.html", context)


@access_policy(STAFF)
def assessment_score(request: HttpRequest, round_pk: int, application_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    application = readable_application_for_staff(request, grant_round, application_pk)
    me = assessment.assessor_for(request.user, grant_round)
    criteria = list(grant_round.criteria.all())
    form_kwargs = {"criteria": criteria, **SCORE_FORM}
    if request.method == "POST":
        form = ScoresForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                assessment.scores_save(user=request.user, application=application, entries=form.entries())
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Scores saved")
                return redirect(_assessment_url(grant_round))
    else:
        mine = {
            score.criterion_id: score for score in Score.objects.filter(assessor=me, application=application)
        }
        form = ScoresForm(initial=ScoresForm.initial_for(mine), **form_kwargs)
    context = {
        "grant_round": grant_round,
        "application": application,
        "form": form,
        **selectors.application_summary(application),
    }
    return render(request, "grants/assessment/score.html", context)


@access_policy(STAFF)
def assessment_moderate(request: HttpRequest, round_pk: int, application_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    application = readable_application_for_staff(request, grant_round, application_pk)
    finished = assessment.scoring_finished(application)
    criteria = list(grant_round.criteria.all())
    form_kwargs = {"criteria": criteria, **SCORE_FORM}
    if request.method == "POST":
        form = ModerationForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                assessment.moderate(user=request.user, application=application, agreed=form.agreed())
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Agreed scores saved")
                return redirect(_assessment_url(grant_round))
    else:
        form = ModerationForm(**form_kwargs)
    scores = (
        Score.objects.filter(application=application).select_related("assessor__user", "criterion")
        if finished
        else Score.objects.none()
    )
    context = {
        "grant_round": grant_round,
        "application": application,
        "finished": finished,
        "scores": scores.order_by("criterion__position", "criterion_id", "assessor_id"),
        "form": form,
    }
    return render(request, "grants/assessment/moderate.html", context)


@access_policy(STAFF)
def assessment_decide(request: HttpRequest, round_pk: int, application_pk: int) -> HttpResponse:
    grant_round = round_for_user(request, round_pk)
    application = readable_application_for_staff(request, grant_round, application_pk)
    form = AwardDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = assessment.decide(
                user=request.user,
                application=application,
                award=form.award_choice(),
                feedback=data.get("feedback") or "",
                amount_per_year_pence=data.get("amount_per_year"),
                duration_months=data.get("duration_months"),
                starts_on=data.get("starts_on"),
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{decision.get_outcome_display()}: the outcome letter has been sent")
            return redirect(_assessment_url(grant_round))
    asked_per_year, asked_months = assessment.asked(application)
    context = {
        "grant_round": grant_round,
        "application": application,
        "form": form,
        "asked_per_year": asked_per_year,
        "asked_months": asked_months,
        "left": grant_round.total_budget_pence - assessment.committed_pence(grant_round),
    }
    return render(request, "grants/assessment/decide.html", context)


# The applicant -----------------------------------------------------------------------------------


def _decision_for(request: HttpRequest, application_pk: int) -> Decision:
    application = application_for_user(request, application_pk)
    decision = get_or_refuse(
        request,
        (
            Decision.objects.filter(application=application).select_related(
                "application__grant_round", "application__organisation"
            )
        ),
        f"grant application {application_pk} has no decision yet",
    )
    return decision


@access_policy(access.SUPPLIER_MEMBER)
def application_outcome(request: HttpRequest, application_pk: int) -> HttpResponse:
    decision = _decision_for(request, application_pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST":  # an offer already answered is refused by the service, with why
        try:
            if "decline" in request.POST:
                assessment.offer_decline(user=request.user, decision=decision)
                messages.success(request, "You have declined the offer")
                return redirect("grants:application_outcome", application_pk)
            if form.is_valid():
                assessment.offer_accept(
                    user=request.user,
                    decision=decision,
                    signed_name=form.cleaned_data["signed_name"],
                    signed_role=form.cleaned_data["signed_role"],
                )
                messages.success(request, "You have accepted the grant")
                return redirect("grants:application_outcome", application_pk)
        except RuleBroken as error:
            show_rule_broken(form, error)
    context = {
        "decision": decision,
        "application": decision.application,
        "grant_round": decision.application.grant_round,
        "terms": assessment.offer_terms(decision) if decision.is_award else None,
        "acceptance": getattr(decision, "acceptance", None),
        "form": form,
    }
    return render(request, "grants/application/outcome.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def outcome_letter_pdf(request: HttpRequest, application_pk: int) -> HttpResponse:
    """The organisation's outcome letter, made once by a task after the decision (grants.pdfs), never here."""
    decision = _decision_for(request, application_pk)
    return stored_pdfs.served(
        request,
        decision,
        kind=pdfs.OUTCOME_LETTER,
        filename=f"grant-outcome-GR-{application_pk}.pdf",
        heading="Your outcome letter is being prepared",
    )
