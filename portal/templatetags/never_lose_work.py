"""The page frame's part in never losing work (templates/base.html, docs/adr/0022-never-lose-work.md):
the time-out warning's dialog on signed-in pages, and the banner over a form kept through a sign-out."""

from typing import TypeGuard

from django import template
from django.conf import settings
from django.http import HttpRequest

from portal import idle_timer, kept_forms

register = template.Library()


def _signed_in(request: HttpRequest | None) -> TypeGuard[HttpRequest]:
    """Whether the page is for a signed-in person (an error page may be drawn before any middleware)."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


@register.inclusion_tag("components/session_timeout.html", takes_context=True)
def session_timeout_dialog(context: template.Context) -> dict:
    """The dialog, shut, with the numbers the warning runs on: nothing for a visitor not signed in."""
    request: HttpRequest | None = context.get("request")
    if not _signed_in(request):
        return {"signed_in": False}
    return {
        "signed_in": True,
        "seconds_left": idle_timer.seconds_left(request),
        "warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("components/kept_form_banner.html", takes_context=True)
def kept_form_banner(context: template.Context) -> dict:
    """Say that what the person typed was kept through a sign-out: in the page's form when the page binds
    it (`kept_forms.kept_data`), or listed here on a page that does not, so that it can be copied."""
    request: HttpRequest | None = context.get("request")
    if not _signed_in(request):
        return {"kept": None}
    kept = kept_forms.take(request)
    typed = []
    if kept is not None:
        typed = [(name, value) for name, values in kept.fields.items() for value in values if value.strip()]
    return {"kept": kept, "in_form": getattr(request, "_kept_form_bound", False), "typed": typed}


@register.inclusion_tag("components/autosave_status.html")
def autosave_status() -> dict:
    """Where an autosaved form says "Saved at 9:41pm" (politely, to screen readers too); the form itself
    carries `data-autosave`. Empty, and so silent, without JavaScript."""
    return {"seconds": settings.AUTOSAVE_SECONDS}
