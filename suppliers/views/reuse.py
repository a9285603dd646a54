"""Never type it twice (issue 21; docs/adr/0023-answer-library.md): the organisation's earlier answers for
one long-text field of a service category's page, its descriptor or a case study's.

"Use this answer" goes back to the category page with `?question=<field>&answer=<id>`: the page puts the
text in that field to edit, and nothing is saved until the supplier saves (`category_choice_save`, whose
word limits are judged as for anything typed)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal import access, answer_library
from portal.access import access as access_policy
from portal.models import source_key
from suppliers import sections
from suppliers.access import application_for_user, choice_for_user


@access_policy(access.SUPPLIER_MEMBER)
def category_earlier_answers(
    request: HttpRequest, application_pk: int, choice_pk: int, key: str
) -> HttpResponse:
    application = application_for_user(request, application_pk, write=True)
    if not application.is_draft:
        return redirect("suppliers:application_detail", application.pk)
    choice = choice_for_user(request, application, choice_pk)
    field = answer_library.long_text_field(sections.CATEGORY_CHOICE, key)
    if field is None:
        raise Http404
    answers = answer_library.earlier_answers(
        user=request.user,
        # A case study's own questions say little ("What did you do?"): the category says what it is about.
        question=f"{choice.category.name} {field.query}",
        exclude_source=f"{source_key(choice)}:{field.library_key}",
    )
    category_url = reverse("suppliers:category_edit", args=[application.pk, choice.pk])
    context = {
        "application": application,
        "choice": choice,
        "field": field,
        **answer_library.listing(
            answers, max_words=field.question.word_limit, use_url=f"{category_url}?question={key}&answer="
        ),
        "back": category_url,
    }
    return render(request, "suppliers/questionnaire/earlier_answers.html", context)
