"""Autosave of long answers (docs/adr/0022-never-lose-work.md).

static/portal/autosave.mjs sends a form marked `data-autosave` to its own address a few seconds after
typing stops, with the header `X-Autosave: draft`. The page's view saves it through the same service
call as its save button (so the same checks of who is asking, the deadline and the rules), and answers
with `saved` or `not_saved` instead of its usual page. Only the page's own save path is taken: never
"save and finish", never a submission, and never a file.
"""

from __future__ import annotations

from django.forms import BaseForm
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from portal import idle_timer
from portal.templatetags.govuk_dates import govuk_time

HEADER = "X-Autosave"
VALUE = "draft"


def is_autosave(request: HttpRequest) -> bool:
    return request.method == "POST" and request.headers.get(HEADER) == VALUE


def saved(request: HttpRequest) -> JsonResponse:
    """The draft is saved: when, for "Saved at 9:41pm", and how long the session now has left."""
    return JsonResponse(
        {
            "saved_at": govuk_time(timezone.now()),
            "seconds_left": idle_timer.seconds_left(request),
        }
    )


def not_saved(request: HttpRequest, form: BaseForm | None = None, message: str = "") -> JsonResponse:
    """The draft was refused by a rule (over a word limit, the deadline passed): the first reason."""
    if not message and form is not None:
        message = next((str(error) for errors in form.errors.values() for error in errors), "")
    return JsonResponse(
        {
            "problem": message or "Your answer could not be saved. Use the save button.",
            "seconds_left": idle_timer.seconds_left(request),
        },
        status=422,
    )


def signed_out() -> JsonResponse:
    """The session had ended: the draft is kept for the person (portal.kept_forms), not saved."""
    return JsonResponse(
        {
            "problem": "You have been signed out. What you typed is kept: save it, then sign in again.",
            "seconds_left": 0,
        },
        status=401,
    )
