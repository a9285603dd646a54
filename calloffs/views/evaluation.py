"""The evaluation pages of a competition, for the people who run it and its evaluators.

Every page reaches the competition through `calloffs.access.competition_for_user` (or
`competition_alone_for_user`, the same check without the related rows; 404 to a commissioner
of another region; evaluators are people who could run the competition, so they reach it too), and every
tender through `calloffs.sealed` (404 before opening, and to anyone who has not declared no conflict with
its bidder). Refusals are audited; so is every download of a tender's file by staff.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from calloffs import sealed, selectors
from calloffs.access import competition_alone_for_user, competition_for_user, lot_for_user
from calloffs.forms.evaluation import NonCompliantForm, TenderDeclarationsForm
from calloffs.models import Competition, Tender
from calloffs.services import evaluation as services
from portal import uploads
from portal.access import STAFF, get_or_refuse, not_found
from portal.access import access as access_policy
from portal.audit import audit_record
from portal.evaluation.forms import EvaluatorForm, ModerationForm, ScoresForm
from portal.evaluation.rules import CONFLICT_NOTE
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken


def _overview_url(competition: Competition) -> str:
    return reverse("calloffs:evaluation", args=[competition.pk])


def _tender(request: HttpRequest, competition: Competition, tender_pk: int) -> Tender:
    tender = selectors.tender_for_evaluation(request.user, competition, tender_pk)
    if tender is None:
        not_found(request, f"tender {tender_pk} is sealed or not cleared for them")
    return tender


# A tender id no tender has: the row links are reversed once with it, then it is replaced by each row's id.
_ANY_TENDER = 2_147_483_647


def _row_links(competition: Competition, rows: list) -> list[tuple]:
    """Each row with its links to read, score and moderate the tender. Reversed once for the page, not
    three times a row: reverse() for 200 rows was a third of the overview's time."""
    patterns = [
        reverse(f"calloffs:{name}", args=[competition.pk, _ANY_TENDER])
        for name in ("evaluation_tender", "scores", "moderation")
    ]
    marker = f"/{_ANY_TENDER}/"
    return [(row, *(p.replace(marker, f"/{row.tender.pk}/") for p in patterns)) for row in rows]


@access_policy(STAFF)
def overview(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_alone_for_user(request, competition_pk)
    evaluator = selectors.evaluator_of(request.user, competition)
    is_sealed = sealed.is_sealed(competition)
    tenders = [] if is_sealed else selectors.opened_tenders(competition)
    context = {
        "competition": competition,
        "is_sealed": is_sealed,
        "counts": sealed.tender_counts(competition) if is_sealed else None,
        "may_open": sealed.may_open(competition, timezone.now()),
        "evaluator": evaluator,
        "mine": _row_links(competition, selectors.my_evaluation(evaluator, tenders)) if evaluator else [],
        "tenders": tenders,
        "not_opened": selectors.not_opened_tenders(competition),
        "lots": list(competition.lots.all()),
    }
    return render(request, "calloffs/evaluation/overview.html", context)


@require_POST
@access_policy(STAFF)
def tenders_open(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    try:
        services.tenders_open(competition=competition, user=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Tenders opened")
    return redirect(_overview_url(competition))


@access_policy(STAFF)
def evaluators(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    candidates = services.evaluator_candidates(competition)
    form = EvaluatorForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        person = next((p for p in candidates if str(p.pk) == form.cleaned_data["person"]), None)
        try:
            if person is None:
                raise RuleBroken("Choose who should evaluate", field="person")
            services.evaluator_name(competition=competition, user=request.user, person=person)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{person.display_name} named an evaluator")
            return redirect("calloffs:evaluators", competition.pk)
    context = {"competition": competition, "form": form, "evaluators": selectors.evaluators(competition)}
    return render(request, "calloffs/evaluation/evaluators.html", context)


@require_POST
@access_policy(STAFF)
def evaluator_remove(request: HttpRequest, competition_pk: int, evaluator_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    evaluator = get_or_refuse(
        request,
        competition.evaluators.select_related("user").filter(pk=evaluator_pk),
        f"evaluator {evaluator_pk} is not in competition {competition.pk}",
    )
    try:
        services.evaluator_remove(evaluator=evaluator, user=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{evaluator.user.display_name} is no longer an evaluator")
    return redirect("calloffs:evaluators", competition.pk)


def _evaluator_or_404(request: HttpRequest, competition: Competition):
    evaluator = selectors.evaluator_of(request.user, competition)
    if evaluator is None or sealed.is_sealed(competition):
        not_found(request, f"not an evaluator of opened competition {competition.pk}")
    return evaluator


@access_policy(STAFF)
def declarations(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    evaluator = _evaluator_or_404(request, competition)
    mine = selectors.my_evaluation(evaluator, selectors.opened_tenders(competition))
    due = [row.tender for row in mine if not row.declared]
    form = TenderDeclarationsForm(request.POST or None, bids=due)
    if request.method == "POST" and due and form.is_valid():
        try:
            services.declarations_sign(competition=competition, user=request.user, answers=form.answers())
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Declarations signed")
            return redirect(_overview_url(competition))
    context = {
        "competition": competition,
        "form": form,
        "due": due,
        "declared": [row for row in mine if row.declared],
    }
    return render(request, "calloffs/evaluation/declarations.html", context)


@access_policy(STAFF)
def tender_detail(request: HttpRequest, competition_pk: int, tender_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    tender = _tender(request, competition, tender_pk)
    criteria = {criterion.pk: criterion for criterion in competition.criteria.all()}
    checklist = {item.pk: item for item in competition.checklist.all()}
    context = {
        "competition": competition,
        "tender": tender,
        "responses": [(criteria[response.criterion_id], response) for response in tender.responses.all()],
        "signatures": [
            (checklist[signature.checklist_item_id], signature) for signature in tender.signatures.all()
        ],
    }
    return render(request, "calloffs/evaluation/tender.html", context)


@access_policy(STAFF)
def tender_file(request: HttpRequest, competition_pk: int, tender_pk: int, file_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    tender_file = selectors.tender_file_for_evaluation(request.user, competition, tender_pk, file_pk)
    if tender_file is None:
        not_found(request, f"tender file {file_pk} is sealed or not cleared for them")
    audit_record(
        actor=request.user,
        action="tender_file.downloaded",
        summary=f"Downloaded {tender_file.original_name}",
        obj=tender_file,
    )
    return uploads.attachment_response(
        tender_file.file, name=tender_file.original_name, content_type=tender_file.content_type
    )


@access_policy(STAFF)
def scores(request: HttpRequest, competition_pk: int, tender_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    tender = _tender(request, competition, tender_pk)
    evaluator = _evaluator_or_404(request, competition)
    criteria = list(competition.criteria.all())
    mine = selectors.my_scores(evaluator, tender)
    form_kwargs = {"criteria": criteria, "score_max": competition.score_max}
    if request.method == "POST":
        form = ScoresForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.scores_save(tender=tender, user=request.user, entries=form.entries())
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Scores saved")
                return redirect(_overview_url(competition))
    else:
        form = ScoresForm(initial=ScoresForm.initial_for(mine), **form_kwargs)
    context = {"competition": competition, "tender": tender, "form": form}
    return render(request, "calloffs/evaluation/scores.html", context)


@access_policy(STAFF)
def moderation(request: HttpRequest, competition_pk: int, tender_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    tender = _tender(request, competition, tender_pk)
    finished = services.scoring_finished(tender)
    rows = selectors.moderation_sheet(tender) if finished else []
    form_kwargs = {"criteria": list(competition.criteria.all()), "score_max": competition.score_max}
    if request.method == "POST":
        form = ModerationForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.moderate(tender=tender, user=request.user, agreed=form.agreed())
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Agreed scores saved")
                return redirect("calloffs:ranking", competition.pk, tender.lot_id)
    else:
        form = ModerationForm(initial=ModerationForm.initial_for(rows), **form_kwargs)
    context = {"competition": competition, "tender": tender, "finished": finished, "rows": rows, "form": form}
    return render(request, "calloffs/evaluation/moderation.html", context)


@access_policy(STAFF)
def non_compliant(request: HttpRequest, competition_pk: int, tender_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    tender = _tender(request, competition, tender_pk)
    form = NonCompliantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_non_compliant(tender=tender, user=request.user, reason=form.cleaned_data["reason"])
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Tender marked non-compliant")
            return redirect("calloffs:ranking", competition.pk, tender.lot_id)
    return render(
        request,
        "calloffs/evaluation/non_compliant.html",
        {"competition": competition, "tender": tender, "form": form},
    )


@access_policy(STAFF)
def ranking(request: HttpRequest, competition_pk: int, lot_pk: int) -> HttpResponse:
    competition = competition_for_user(request, competition_pk)
    lot = lot_for_user(request, competition, lot_pk)
    if sealed.is_sealed(competition):
        not_found(request, f"competition {competition.pk} has not been opened")
    criteria = list(competition.criteria.all())
    rows = selectors.evaluation_table(competition, lot, viewer=request.user)
    context = {
        "competition": competition,
        "lot": lot,
        "criteria": criteria,
        "rows": [(row, [row.agreed.get(criterion.pk) for criterion in criteria]) for row in rows],
        "conflict_note": CONFLICT_NOTE,
    }
    return render(request, "calloffs/evaluation/ranking.html", context)
