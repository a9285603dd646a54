"""Never type it twice (issue 21; docs/adr/0023-answer-library.md): a bidder's earlier answers for one
question, and starting a tender from an earlier one.

"Use this answer" is a link back to the response page with the answer's id: the page puts the text in the
field to edit, and nothing is saved until the bidder saves it through `response_save`, which applies the
word limit and writes the audit row. Copying a whole tender's responses is one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from calloffs import tender_selectors
from calloffs.access import tender_for_member
from calloffs.forms.tenders import EarlierTenderForm
from calloffs.models import EvaluationCriterion, Tender
from calloffs.services import tenders as services
from calloffs.views.tenders import _base_context
from portal import answer_library
from portal.access import SUPPLIER_MEMBER
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.models import source_key
from portal.questionnaires.engine import word_count


def typed_criterion(tender: Tender, criterion_pk: int) -> EvaluationCriterion:
    """A criterion of the tender's competition answered by typing (404 otherwise)."""
    criterion = EvaluationCriterion.objects.filter(
        pk=criterion_pk, competition_id=tender.competition_id, max_words__isnull=False
    ).first()
    if criterion is None:
        raise Http404
    return criterion


def question_words(criterion: EvaluationCriterion) -> str:
    """What the library ranks earlier answers by: the question and what is assessed."""
    return f"{criterion.name} {criterion.assessed}"


@access_policy(SUPPLIER_MEMBER)
def tender_earlier_answers(request: HttpRequest, tender_pk: int, criterion_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    criterion = typed_criterion(tender, criterion_pk)
    saved = tender.responses.filter(criterion=criterion).first()
    answers = answer_library.earlier_answers(
        user=request.user,
        question=question_words(criterion),
        exclude_source=source_key(saved) if saved else "",
    )
    context = {
        **_base_context(request, tender),
        "criterion": criterion,
        "answers": [(answer, word_count(answer.text)) for answer in answers],
        "shown": answer_library.SHOWN,
        "excerpt_words": answer_library.EXCERPT_WORDS,
        "use_url": reverse("calloffs:tender_response", args=[tender.pk, criterion.pk]) + "?answer=",
        "back": reverse("calloffs:tender_response", args=[tender.pk, criterion.pk]),
    }
    return render(request, "calloffs/tenders/earlier_answers.html", context)


@access_policy(SUPPLIER_MEMBER)
def tender_copy(request: HttpRequest, tender_pk: int) -> HttpResponse:
    tender = tender_for_member(request, tender_pk)
    earlier = tender_selectors.earlier_tenders(request.user, tender)
    form = EarlierTenderForm(tenders=earlier)
    if request.method == "POST":
        form = EarlierTenderForm(request.POST, tenders=earlier)
        if form.is_valid():
            chosen = next(t for t in earlier if t.pk == form.cleaned_data["earlier"])
            try:
                copied = services.responses_copy(tender=tender, earlier=chosen, user=request.user)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                noun = "response" if copied == 1 else "responses"
                messages.success(request, f"{copied} {noun} copied: check each one, then save it")
                return redirect("calloffs:tender_detail", tender.pk)
    context = {**_base_context(request, tender), "form": form, "earlier": earlier}
    return render(request, "calloffs/tenders/copy.html", context)
