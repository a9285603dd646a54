"""Never type it twice (issue 21; docs/adr/0023-answer-library.md): the organisation's earlier answers for
one of an application's long-text questions, and starting an application from an earlier one.

"Use this answer" goes back to the answers page with the answer's id: the page puts the text in that
question's field to edit, and nothing is saved until the applicant saves (the service applies the word
limit and writes the audit row). Copying a whole application is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from grants import selectors
from grants.access import application_for_user
from grants.forms.applications import EarlierApplicationForm
from grants.sections import round_section
from grants.services import applications as applications_services
from portal import access, answer_library
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.models import source_key


@access_policy(access.SUPPLIER_MEMBER)
def application_earlier_answers(request: HttpRequest, application_pk: int, key: str) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if application.is_submitted:
        return redirect("grants:application_receipt", application.pk)
    if not application.eligibility_passed:
        return redirect("grants:application_eligibility", application.pk)
    field = answer_library.long_text_field(round_section(application.grant_round.questions), key)
    if field is None:
        raise Http404
    answers = answer_library.earlier_answers(
        user=request.user,
        question=field.query,
        exclude_source=f"{source_key(application)}:{field.library_key}",
    )
    answers_url = reverse("grants:application_answers", args=[application.pk])
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "question": field,
        **answer_library.listing(
            answers, max_words=field.question.word_limit, use_url=f"{answers_url}?question={key}&answer="
        ),
        "back": answers_url,
    }
    return render(request, "grants/application/earlier_answers.html", context)


@access_policy(access.SUPPLIER_MEMBER)
def application_copy(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = application_for_user(request, application_pk)
    if application.is_submitted:
        return redirect("grants:application_receipt", application.pk)
    if not application.eligibility_passed:
        return redirect("grants:application_eligibility", application.pk)
    earlier = selectors.earlier_applications(request.user, application)
    form = EarlierApplicationForm(applications=earlier)
    if request.method == "POST":
        form = EarlierApplicationForm(request.POST, applications=earlier)
        if form.is_valid():
            chosen = next(a for a in earlier if a.pk == form.cleaned_data["earlier"])
            try:
                copied = applications_services.application_answers_copy(
                    user=request.user, application=application, earlier=chosen
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                noun = "answer" if copied == 1 else "answers"
                messages.success(request, f"{copied} {noun} copied: check your answers, then save them")
                return redirect("grants:application_detail", application.pk)
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "form": form,
        "earlier": earlier,
    }
    return render(request, "grants/application/copy.html", context)
