"""What the grants views share: a form page that keeps what was typed, and a round's summary."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grants.models import GrantRound
from grants.sections import round_section
from portal.models import Organisation
from portal.money import pounds

FORM_PAGE = "grants/form.html"


def form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    back: str,
    button: str,
    caption: str = "",
    extra: dict | None = None,
    multipart: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "back": back,
        "button": button,
        "caption": caption,
        "multipart": multipart,
        **(extra or {}),
    }
    return render(request, FORM_PAGE, context)


def round_context(grant_round: GrantRound) -> dict[str, Any]:
    return {
        "grant_round": grant_round,
        "min_award": pounds(grant_round.min_award_pence),
        "max_award": pounds(grant_round.max_award_pence),
        "total_budget": pounds(grant_round.total_budget_pence),
        "kinds": [
            label
            for value, label in Organisation.LegalForm.choices
            if value in grant_round.organisation_kinds
        ],
        "question_rows": round_section(grant_round.questions).questions,
    }
